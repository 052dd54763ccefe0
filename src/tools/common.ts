import { z } from 'zod';
import type { Machine, Scopes, Workspace } from '../core/model';
import { domainOf, hostName, nameMatcher, SourceError, UserError, type WorkspaceQuery } from '../core/source';

export { nameMatcher };
import { byText } from '../core/summaries';
import { formatTimespan, oneLine, parseTimespan, truncate } from '../core/timespan';
import type { ToolContext } from './types';

/** Rows a tool returns when the caller does not say; enough for a model, small enough to read. */
export const DEFAULT_MAX_RESULTS = 100;
/** The ceiling for `max_results` (the tables ask for this many). */
export const MAX_RESULTS_LIMIT = 50_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Input fields shared by the tools, named as in the Azure Functions sample where it had them. */
export const inputs = {
    subscriptionIds: z
        .array(z.string().max(100))
        .max(1000)
        .optional()
        .describe(
            'Azure subscription ids (GUIDs), or their exact names, to search. Default: every subscription visible to the signed-in account. ListScopes lists them.',
        ),
    workspaceId: z
        .string()
        .max(200)
        .optional()
        .describe(
            'Log Analytics workspace id (the GUID "Workspace ID", or the workspace name). Default: the configured workspace, else the only one. ListScopes lists them.',
        ),
    timespan: (defaultValue: string) =>
        z
            .string()
            .max(40)
            .optional()
            .describe(`How far back to look, as KQL (30d, 12h, 90m) or ISO 8601 (P7D, PT12H). Default ${defaultValue}.`),
    serverName: z
        .string()
        .max(300)
        .optional()
        .describe(
            'Only this machine: its Azure name or OS host name, case-insensitive, with or without its domain (web01 also finds web01.contoso.local; a name given with its domain must be in the machine’s domain, or a parent or subdomain of it); * matches any characters (web-*). Default: all machines.',
        ),
    serverNameLegacy: z.string().max(300).optional().describe('Same as server_name (the name the original sample used).'),
    maxResults: z
        .number()
        .int()
        .min(1)
        .max(MAX_RESULTS_LIMIT)
        .optional()
        .describe(`How many items to return at most, most important first. Default ${DEFAULT_MAX_RESULTS}.`),
    tags: z
        .array(z.string().max(600))
        .max(20)
        .optional()
        .describe(
            'Only machines that carry every one of these Azure tags: "name=value", or "name" for any value; case-insensitive (e.g. ["environment=Production"]). GetServerMetadata shows the tags of each machine.',
        ),
    resourceGroup: z
        .array(z.string().max(90))
        .max(100)
        .optional()
        .describe('Only machines in one of these resource groups (case-insensitive).'),
};

/** A machine's place in Azure that `tags` and `resource_group` select on. */
type Placed = Pick<Machine, 'name' | 'tags' | 'resourceGroup'>;

/**
 * The test of `tags` (every one carried: `name=value`, or `name` for any value) and `resource_group` (any of them), all
 * case-insensitive; undefined when neither is given. A tag without a name is refused.
 */
export function placementMatcher(input: { tags?: string[]; resource_group?: string[] }): ((m: Placed) => boolean) | undefined {
    const wanted = parseTags(input.tags);
    const groups = new Set((input.resource_group ?? []).map((g) => g.trim().toLowerCase()).filter(Boolean));
    if (wanted.length === 0 && groups.size === 0) {
        return undefined;
    }
    return (m) => {
        if (groups.size > 0 && !groups.has(m.resourceGroup.toLowerCase())) {
            return false;
        }
        for (const tag of wanted) {
            let found = false;
            for (const name in m.tags) {
                if (name.toLowerCase() === tag.name && (tag.value === undefined || m.tags[name].toLowerCase() === tag.value)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    };
}

/** `name=value` or `name` (any value), both lower-cased; a tag without a name is refused. */
function parseTags(tags: readonly string[] = []): { name: string; value?: string }[] {
    return tags.map((text) => {
        const at = text.indexOf('=');
        const name = (at < 0 ? text : text.slice(0, at)).trim().toLowerCase();
        if (!name) {
            throw new UserError(`tags: ${JSON.stringify(truncate(text))} has no tag name; write "name=value" or "name".`);
        }
        return at < 0
            ? { name }
            : {
                  name,
                  value: text
                      .slice(at + 1)
                      .trim()
                      .toLowerCase(),
              };
    });
}

/**
 * Refuses `tags` / `resource_group` that no machine the source shows matches, with what is in use — so that a guessed
 * value (`env=prod` where the estate says `environment=Production`) is corrected rather than answered with nothing.
 */
export function assertPlacementMatches(
    input: { tags?: string[]; resource_group?: string[] },
    matches: ((m: Placed) => boolean) | undefined,
    machines: readonly Placed[],
): void {
    if (!matches || machines.some(matches)) {
        return;
    }
    // Names and values from Azure: each kept short and on one line.
    const inUse = (values: Iterable<string>) =>
        [...new Set(values)]
            .sort(byText)
            .slice(0, 12)
            .map((v) => oneLine(truncate(v, 100)))
            .join(', ');
    const asked = [
        ...(input.tags?.length ? [`tags ${JSON.stringify(input.tags.map((t) => truncate(t, 100)))}`] : []),
        ...(input.resource_group?.length ? [`resource_group ${JSON.stringify(input.resource_group.map((g) => truncate(g, 100)))}`] : []),
    ].join(' and ');
    const tagNames = new Set(parseTags(input.tags).map((t) => t.name));
    const tagsInUse = inUse(
        machines.flatMap((m) =>
            Object.entries(m.tags)
                .filter(([name]) => tagNames.size === 0 || tagNames.has(name.toLowerCase()))
                .map(([name, value]) => `${name}=${value}`),
        ),
    );
    const hints = [
        ...(input.tags?.length
            ? [
                  tagsInUse
                      ? `Tags in use: ${tagsInUse}.`
                      : `No machine carries a tag of that name; tag names in use: ${inUse(machines.flatMap((m) => Object.keys(m.tags))) || 'none'}.`,
              ]
            : []),
        ...(input.resource_group?.length ? [`Resource groups: ${inUse(machines.map((m) => m.resourceGroup))}.`] : []),
    ].join(' ');
    throw new UserError(`No machine matches ${asked}. ${hints}`);
}

/** A filter value as the caller wrote it, quoted: it is their data. */
const quotedInput = (value: string) => JSON.stringify(truncate(value, 80));
/** A value from Azure said in a sentence: short and on one line. */
const saidValue = (value: string) => oneLine(truncate(value, 100));

/** "a, b and c". */
export function joined(parts: readonly string[]): string {
    return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
}

/** `resource_group "rg-a" or "rg-b" and tags "environment=Production" and "site=ams"` (any group, every tag); empty without either. */
export function placementPhrase(input: { tags?: string[]; resource_group?: string[] }): string {
    return [
        input.resource_group?.length ? `resource_group ${input.resource_group.map(quotedInput).join(' or ')}` : '',
        input.tags?.length ? `tags ${input.tags.map(quotedInput).join(' and ')}` : '',
    ]
        .filter(Boolean)
        .join(' and ');
}

/**
 * What keeps a machine out of `tags` / `resource_group`: its own values ("is in resource group rg-web", "carries
 * environment=Test", "carries no owner tag") and the filters they fail.
 */
function placementMisses(machine: Placed, input: { tags?: string[]; resource_group?: string[] }): { facts: string[]; filters: string[] } {
    const facts: string[] = [];
    const filters: string[] = [];
    if (input.resource_group?.length && !placementMatcher({ resource_group: input.resource_group })?.(machine)) {
        facts.push(`is in resource group ${saidValue(machine.resourceGroup)}`);
        filters.push(placementPhrase({ resource_group: input.resource_group }));
    }
    for (const tag of input.tags ?? []) {
        if (placementMatcher({ tags: [tag] })?.(machine)) {
            continue;
        }
        const name = tag.split('=')[0].trim();
        const carried = Object.keys(machine.tags).find((n) => n.toLowerCase() === name.toLowerCase());
        facts.push(
            carried === undefined
                ? `carries no ${saidValue(name)} tag`
                : `carries ${saidValue(carried)}=${saidValue(machine.tags[carried])}`,
        );
        filters.push(`tag ${quotedInput(tag)}`);
    }
    return { facts, filters };
}

/**
 * Why `server_name` and `tags` / `resource_group` together leave nothing, when each alone selects machines: what the
 * machines of that name carry ("ctso-sql-ams-03 carries environment=Production, so tag "environment=Development" leaves
 * nothing"). Every tool that selects machines says it in these words.
 */
export function placementConflict(
    serverName: string,
    matchingName: readonly Placed[],
    input: { tags?: string[]; resource_group?: string[] },
): string {
    const reasons = matchingName.map((m) => ({ name: saidValue(m.name), ...placementMisses(m, input) }));
    if (reasons.length === 1) {
        const [{ name, facts, filters }] = reasons;
        return `${name} ${joined(facts)}, so ${joined(filters)} ${filters.length === 1 ? 'leaves' : 'leave'} nothing.`;
    }
    const shown = reasons
        .slice(0, 5)
        .map((r) => `${r.name} ${joined(r.facts)}`)
        .join('; ');
    return `None of the ${reasons.length} machines matching server_name ${quotedInput(serverName)} matches ${placementPhrase(input)}: ${shown}${reasons.length > 5 ? `; and ${reasons.length - 5} more` : ''}.`;
}

/** Said first in every sample answer, in the text and in the JSON. */
export const SAMPLE_NOTICE = 'SAMPLE DATA: a generated fictional estate, not a real Azure environment.';

/** Output fields every tool returns around its items. */
export const envelope = {
    notice: z
        .string()
        .optional()
        .describe(
            'present on sample data: tell the user the answer comes from a fictional estate (some clients show models only this JSON)',
        ),
    source: z
        .enum(['sample', 'azure'])
        .describe('sample = the embedded fictional estate, not real data; azure = the signed-in Azure estate'),
    sourceDescription: z.string(),
    scope: z.object({
        subscriptionIds: z.array(z.string()).optional(),
        workspaceId: z.string().optional(),
        otherWorkspaceIds: z
            .array(z.string())
            .optional()
            .describe('workspaces also visible and not read (none was named): their machines are not in this answer'),
        from: z.string().optional(),
        to: z.string().optional(),
    }),
    generatedAt: z.string(),
    truncation: z
        .object({ shown: z.number().int(), total: z.number().int() })
        .describe('items shown of items matching; raise max_results to see more'),
    warnings: z.array(z.string()).describe('what is partial or missing in this answer, and why'),
};

export type Envelope = z.infer<z.ZodObject<typeof envelope>>;

/** Resolves `subscription_ids`: validated GUIDs the source can see, or every visible subscription. */
export async function resolveSubscriptions(
    context: ToolContext,
    requested: string[] | undefined,
): Promise<{ ids: string[]; scopes: Scopes }> {
    const scopes = await context.source.listScopes({ signal: context.signal });
    const known = new Map(scopes.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s]));
    if (!requested || requested.length === 0) {
        if (scopes.subscriptions.length === 0) {
            throw new SourceError(
                'No Azure subscription is visible to this account. Check that you signed in with the right account and tenant.',
                'forbidden',
            );
        }
        return { ids: scopes.subscriptions.map((s) => s.subscriptionId), scopes };
    }
    const byName = (name: string) => scopes.subscriptions.filter((s) => s.displayName.toLowerCase() === name.toLowerCase());
    // Each value a subscription id or its exact name; a value that is neither but holds commas is a list written as one text.
    const values = requested.flatMap((value) =>
        value.includes(',') && !GUID.test(value.trim()) && byName(value.trim()).length === 0 ? value.split(',') : [value],
    );
    const ids: string[] = [];
    for (const id of values) {
        const trimmed = id.trim();
        let subscription = GUID.test(trimmed) ? known.get(trimmed.toLowerCase()) : undefined;
        if (!GUID.test(trimmed)) {
            const named = byName(trimmed);
            if (named.length > 1) {
                throw new UserError(
                    `subscription_ids: ${named.length} visible subscriptions are named ${JSON.stringify(truncate(trimmed))}; give the id of the one meant: ${named.map((n) => n.subscriptionId).join(', ')}.`,
                );
            }
            if (named.length === 0) {
                throw new UserError(
                    `subscription_ids: ${JSON.stringify(truncate(id))} is neither a subscription id (a GUID) nor the name of a visible subscription. ${listSubscriptions(scopes)}`,
                );
            }
            subscription = named[0];
        }
        if (!subscription) {
            throw new UserError(`subscription_ids: ${trimmed} is not visible to this account. ${listSubscriptions(scopes)}`);
        }
        if (!ids.includes(subscription.subscriptionId)) {
            ids.push(subscription.subscriptionId);
        }
    }
    return { ids, scopes };
}

function listSubscriptions(scopes: Scopes): string {
    const names = scopes.subscriptions.slice(0, 10).map((s) => `${s.subscriptionId} (${s.displayName})`);
    return names.length
        ? `Visible subscriptions: ${names.join(', ')}${scopes.subscriptions.length > 10 ? ', …' : ''}.`
        : 'No subscription is visible.';
}

/** Resolves `workspace_id`: by id or name; else the configured default; else the only workspace; else an error listing them. */
export function resolveWorkspace(context: ToolContext, requested: string | undefined, scopes: Scopes): Workspace {
    const candidates = scopes.workspaces;
    const describe = () =>
        candidates.length
            ? `Known workspaces: ${candidates
                  .slice(0, 10)
                  .map((w) => `${w.customerId} (${w.name})`)
                  .join(', ')}${candidates.length > 10 ? ', …' : ''}.`
            : 'No Log Analytics workspace is visible to this account.';
    const wanted = requested?.trim() || context.source.defaultWorkspaceId;
    if (wanted) {
        const match = candidates.find(
            (w) => w.customerId.toLowerCase() === wanted.toLowerCase() || w.name.toLowerCase() === wanted.toLowerCase(),
        );
        if (!match) {
            const which = requested?.trim() ? 'workspace_id' : 'The configured default workspace';
            throw new UserError(`${which} ${JSON.stringify(truncate(wanted))} is not a known Log Analytics workspace. ${describe()}`);
        }
        return match;
    }
    if (candidates.length === 1) {
        return candidates[0];
    }
    if (candidates.length === 0) {
        throw new SourceError(describe(), 'notFound');
    }
    throw new UserError(`Several Log Analytics workspaces are visible; say which one with workspace_id. ${describe()}`);
}

/** A time window ending now. */
export interface TimeRange {
    from: Date;
    to: Date;
    timespan: string;
}

export function resolveTimeRange(context: ToolContext, timespan: string | undefined, defaultTimespan: string): TimeRange {
    const text = timespan?.trim() || defaultTimespan;
    const ms = parseTimespan(text);
    const to = context.source.now();
    // Said back in its shortest KQL form whichever way it was written: P7D and PT12H read as 7d and 12h.
    return { from: new Date(to.getTime() - ms), to, timespan: formatTimespan(ms) };
}

/** `server_name`, or the legacy `ServerName`; blank means no filter; two different names are refused, not one dropped. */
export function pickServerName(input: { server_name?: string; ServerName?: string }): string | undefined {
    // Some clients send every optional field, blank: a blank server_name leaves the legacy name to speak.
    const current = input.server_name?.trim();
    const legacy = input.ServerName?.trim();
    if (current && legacy && current.toLowerCase() !== legacy.toLowerCase()) {
        throw new UserError(
            `server_name ${JSON.stringify(truncate(current))} and ServerName ${JSON.stringify(truncate(legacy))} are the same parameter (ServerName is its older name): give one. For several machines use a pattern such as "web-*", or ask once per machine.`,
        );
    }
    return current || legacy || undefined;
}

/** The names a machine goes by: its Azure resource name, and its OS host name and FQDN when Azure knows them. */
export function namesOf(machine: Pick<Machine, 'name' | 'computerName' | 'fqdn'>): string[] {
    const names = [machine.name];
    if (machine.computerName) {
        names.push(machine.computerName);
    }
    if (machine.fqdn) {
        names.push(machine.fqdn);
    }
    return names;
}

/** Whether a machine answers to a `server_name` pattern under any of its names (`namesOf`). */
export function machineMatcher(pattern: string): (machine: Pick<Machine, 'name' | 'computerName' | 'fqdn'>) => boolean {
    const matches = nameMatcher(pattern);
    // A name asked with its domain is judged against the machine's full name when it has one: its bare Azure name would
    // match the same host of any domain.
    const withDomain = !pattern.includes('*') && domainOf(pattern.trim()) !== '';
    return (machine) => {
        const full =
            machine.fqdn ?? (machine.computerName !== undefined && domainOf(machine.computerName) ? machine.computerName : undefined);
        if (withDomain && full !== undefined) {
            return matches(full);
        }
        return (
            matches(machine.name) ||
            (machine.computerName !== undefined && matches(machine.computerName)) ||
            (machine.fqdn !== undefined && matches(machine.fqdn))
        );
    };
}

/**
 * `judge` asked once per key — a fleet has a few OS names and agent versions, and thousands of machines; no answer
 * (undefined) is kept as null.
 */
export function judgedOnce<T>(judge: (key: string) => T | undefined): (key: string) => T | null {
    const known = new Map<string, T | null>();
    return (key) => {
        let answer = known.get(key);
        if (answer === undefined) {
            answer = judge(key) ?? null;
            known.set(key, answer);
        }
        return answer;
    };
}

const WEEK_MS = 7 * 86_400_000;

/** A weekly assessment whose latest run is older than this has stopped running there (a day of slack for the schedule). */
const STALE_RUN_MS = 8 * 86_400_000;

/**
 * What a weekly best-practice assessment's answer must say of its runs. A window shorter than a week may hold no run of
 * a machine, whose absence is then no clean bill of health. And with each one's latest run read (with every run, an
 * older run's rows could stand in for a clean newer one), the machines (or instances) whose latest run is more than
 * eight days old are named: it has stopped there, so their findings are old news and new problems go unseen. `rows`: the
 * rows read for the machines asked about, keyed by `key`; `what`: the assessment as the warnings name it.
 */
export function weeklyRunWarnings<T extends { timeGenerated: string }>(
    context: ToolContext,
    range: TimeRange,
    runs: { rows: readonly T[]; latestRunOnly: boolean; key: (row: T) => string; noun: 'machine' | 'instance' },
    what: string,
): string[] {
    const warnings =
        range.to.getTime() - range.from.getTime() < WEEK_MS
            ? [
                  `The ${what} runs once a week: the last ${range.timespan} may hold no run of a machine, so one without findings here is not known to pass; ask for 7d or more to see every machine's latest run.`,
              ]
            : [];
    if (!runs.latestRunOnly) {
        return warnings;
    }
    const { rows, key, noun } = runs;
    const now = context.source.now();
    const latest = new Map<string, string>();
    for (const row of rows) {
        const k = key(row);
        const seen = latest.get(k);
        if (seen === undefined || row.timeGenerated > seen) {
            latest.set(k, row.timeGenerated);
        }
    }
    const stale = [...latest]
        .filter(([, at]) => now.getTime() - Date.parse(at) > STALE_RUN_MS)
        .sort((a, b) => a[1].localeCompare(b[1]) || byText(a[0], b[0]));
    if (stale.length === 0) {
        return warnings;
    }
    const named = stale
        .slice(0, 5)
        .map(([k, at]) => `${k} (${at.slice(0, 10)})`)
        .join(', ');
    return [
        ...warnings,
        `The ${what} runs once a week, but its latest run on ${stale.length} ${stale.length === 1 ? noun : `${noun}s`} is more than 8 days old, so what it found there is old news and anything since goes unseen: ${named}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''} — check that the assessment still runs there (GetServerMetadata shows whether the machine and its agent are up).`,
    ];
}

/**
 * Software inventory comes as snapshots (every 10 hours with the Azure Monitor Agent, daily with the retired agent): a
 * window shorter than a day may hold no snapshot of a machine, and software missing from the answer is then not known
 * to be absent.
 */
export function inventoryWindowWarnings(range: TimeRange): string[] {
    return range.to.getTime() - range.from.getTime() < 86_400_000
        ? [
              `Software inventory is sent as snapshots, every 10 to 24 hours: the last ${range.timespan} may hold no snapshot of a machine, so software not listed here is not known to be absent; ask for 1d or more.`,
          ]
        : [];
}

/** When the newest of these assessment rows was made, as the summaries' `latestRun`; nothing when there are none. */
export function latestRunOf(rows: readonly { timeGenerated: string }[]): { latestRun?: string } {
    let latest: string | undefined;
    for (const row of rows) {
        if (!latest || row.timeGenerated > latest) {
            latest = row.timeGenerated;
        }
    }
    return latest ? { latestRun: latest } : {};
}

/** The instance name of a default SQL Server instance. */
const DEFAULT_INSTANCE = 'mssqlserver';

/**
 * Whether a SQL Server instance answers to an `instance_name`: its instance name (`MSSQLSERVER`, `REPORTING`), or its full
 * name as the SQL tools show it — `HOST\NAME`, or `HOST` alone / `HOST\MSSQLSERVER` for a default instance — case-insensitive,
 * the host part matched as `server_name` is (an FQDN's host part is the host).
 */
export function instanceMatcher(text: string): (host: string, instanceName: string) => boolean {
    // HOST/NAME as often typed for HOST\NAME (neither a host nor an instance name holds a slash).
    const wanted = text.trim().toLowerCase().replace(/\//g, '\\');
    const slash = wanted.indexOf('\\');
    if (slash < 0) {
        // A bare name is an instance name, or the full name of a default instance (its host).
        const asHost = hostName(wanted);
        return (host, instanceName) => {
            const instance = instanceName.toLowerCase() || DEFAULT_INSTANCE;
            return instance === wanted || (instance === DEFAULT_INSTANCE && hostName(host) === asHost);
        };
    }
    const wantedHost = hostName(wanted.slice(0, slash));
    const wantedInstance = wanted.slice(slash + 1) || DEFAULT_INSTANCE;
    return (host, instanceName) => hostName(host) === wantedHost && (instanceName.toLowerCase() || DEFAULT_INSTANCE) === wantedInstance;
}

/**
 * Checks a `server_name` against the machines the source knows; an unknown name is the caller's mistake,
 * answered with the nearest names so a model can correct itself.
 */
export function assertKnownMachine(pattern: string, machines: readonly Pick<Machine, 'name' | 'computerName' | 'fqdn'>[]): void {
    const matches = machineMatcher(pattern);
    if (machines.some(matches)) {
        return;
    }
    assertDomainAgrees(pattern, machines);
    const nearest = nearestNames(
        pattern,
        machines.map((m) => m.name),
    );
    // HOST\NAME: an instance's full name, where the machine's was wanted.
    const slash = pattern.trim().search(/[\\/]/);
    if (slash > 0 && machines.some(machineMatcher(pattern.trim().slice(0, slash)))) {
        const host = pattern.trim().slice(0, slash);
        const instance = pattern.trim().slice(slash + 1);
        throw new UserError(
            `server_name ${JSON.stringify(truncate(pattern))} is a SQL Server instance's full name, not a machine's: give the machine as server_name ${JSON.stringify(truncate(host))}` +
                `${instance ? `, and the instance as instance_name ${JSON.stringify(truncate(`${host}\\${instance}`))} to GetSqlMetadata or GetSqlBpAssessment` : ''}.`,
        );
    }
    // "web01,web02" or "web01 web02": one name was meant per call.
    const several = /[,;]|\S\s+\S/.test(pattern.trim())
        ? ' server_name takes one machine name or one pattern with * (e.g. web-*); for several machines, use a pattern, tags or resource_group.'
        : '';
    throw new UserError(
        `server_name ${JSON.stringify(truncate(pattern))} matches no machine.${nearest.length ? ` Nearest names: ${nearest.join(', ')}.` : ''}${several} GetServerMetadata without server_name lists the machines.`,
    );
}

/**
 * `assertKnownMachine` for a tool that reads chosen subscriptions: a name that none of them holds but another visible
 * subscription does is answered with that subscription, rather than with the nearest names of the chosen ones (which
 * would lead a model to a different machine).
 */
export async function assertKnownMachineIn(
    context: ToolContext,
    pattern: string,
    machines: readonly Pick<Machine, 'name' | 'computerName' | 'fqdn'>[],
    ids: readonly string[],
    scopes: Scopes,
): Promise<void> {
    const matches = machineMatcher(pattern);
    if (machines.some(matches)) {
        return;
    }
    const elsewhere = await inLeftOutSubscriptions(ids, scopes, async (subscriptionIds) =>
        (await context.source.getMachines({ subscriptionIds, signal: context.signal })).rows.filter(matches),
    );
    if (elsewhere) {
        const { found, where } = elsewhere;
        throw new UserError(
            `server_name ${JSON.stringify(truncate(pattern))} matches no machine in the subscriptions asked for, but ${found.length === 1 ? 'a machine' : `${found.length} machines`} ${where}`,
        );
    }
    assertKnownMachine(pattern, machines);
}

/**
 * What a call asked for that its subscriptions do not hold but other visible ones do: `find` reads the subscriptions
 * `subscription_ids` left out, and `where` says which of them hold it — "in subscription X (id), which subscription_ids
 * leaves out: add it, or …" — so the answer leads there, not to the nearest names of the chosen ones. Undefined when no
 * subscription is left out or none of them holds it.
 */
export async function inLeftOutSubscriptions<T extends { subscriptionId: string }>(
    ids: readonly string[],
    scopes: Scopes,
    find: (subscriptionIds: string[]) => Promise<T[]>,
): Promise<{ found: T[]; where: string } | undefined> {
    const chosen = new Set(ids.map((id) => id.toLowerCase()));
    const others = scopes.subscriptions.filter((s) => !chosen.has(s.subscriptionId.toLowerCase()));
    const found = others.length > 0 ? await find(others.map((s) => s.subscriptionId)) : [];
    if (found.length === 0) {
        return undefined;
    }
    const holding = others.filter((s) => found.some((f) => f.subscriptionId.toLowerCase() === s.subscriptionId.toLowerCase()));
    const named = holding.map((s) => `${oneLine(truncate(s.displayName, 80))} (${s.subscriptionId})`).join(', ');
    return {
        found,
        where: `in ${holding.length === 1 ? 'subscription' : 'subscriptions'} ${named}, which subscription_ids leaves out: add ${holding.length === 1 ? 'it' : 'them'}, or leave subscription_ids out to search every visible subscription.`,
    };
}

/**
 * A name asked with its domain that no machine has, while a machine of that host name is in another domain, is refused
 * saying so — the workspace's own records (computer names without a domain) would otherwise answer for that other host.
 */
export function assertDomainAgrees(pattern: string, machines: readonly Pick<Machine, 'name' | 'computerName' | 'fqdn'>[]): void {
    const wanted = pattern.trim();
    if (wanted.includes('*') || domainOf(wanted) === '' || machines.some(machineMatcher(wanted))) {
        return;
    }
    const host = hostName(wanted);
    const other = machines.find((m) => [m.name, m.computerName, m.fqdn].some((n) => n !== undefined && hostName(n) === host));
    if (other) {
        throw new UserError(
            `server_name ${JSON.stringify(truncate(wanted))} matches no machine: ${other.name} is ${other.fqdn ?? other.computerName ?? other.name}, in another domain.`,
        );
    }
}

/**
 * Up to `count` names that `text` plausibly meant, closest by edit distance first (ties by name): a typo (at most a third
 * of the characters wrong, two at least) or a part of the name (`sql-ams-01` for `ctso-sql-ams-01`). A name that is
 * merely nearest among unrelated ones is no help and is not offered.
 */
export function nearestNames(text: string, names: readonly string[], count = 5): string[] {
    const wanted = text.toLowerCase().replace(/\*/g, '').slice(0, 100);
    const allowed = Math.max(2, Math.floor(wanted.length / 3));
    return [...new Set(names)]
        .map((name) => {
            const lower = name.toLowerCase().slice(0, 100);
            const distance = editDistance(wanted, lower);
            const part = wanted.length >= 3 && lower.includes(wanted);
            return { name, distance, plausible: distance <= allowed || part };
        })
        .filter((entry) => entry.plausible)
        .sort((a, b) => a.distance - b.distance || byText(a.name, b.name))
        .slice(0, count)
        .map((entry) => entry.name);
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/**
 * The k best items offered so far under `compare` (smaller first), in O(n log k) without holding the others: answers
 * over hundreds of thousands of rows keep only what is shown.
 */
export class TopK<T> {
    /** Max-heap of the k best seen so far: its root is the worst of them. */
    private readonly heap: T[] = [];
    /** How many items were offered. */
    total = 0;

    constructor(
        private readonly k: number,
        private readonly compare: (a: T, b: T) => number,
    ) {}

    offer(item: T): void {
        this.total++;
        const heap = this.heap;
        if (heap.length < this.k) {
            heap.push(item);
            this.siftUp(heap.length - 1);
        } else if (this.k > 0 && this.compare(item, heap[0]) < 0) {
            heap[0] = item;
            this.siftDown(0);
        }
    }

    /** The worst item kept once k are, which an item must beat to be kept; undefined while fewer are. */
    worst(): T | undefined {
        return this.k > 0 && this.heap.length === this.k ? this.heap[0] : undefined;
    }

    /** Counts an item known not to beat {@link worst}, without comparing it. */
    pass(): void {
        this.total++;
    }

    /** The kept items, best first, and how many of how many are shown. */
    result(): { items: T[]; truncation: { shown: number; total: number } } {
        const items = [...this.heap].sort(this.compare);
        return { items, truncation: { shown: items.length, total: this.total } };
    }

    private siftUp(i: number): void {
        const heap = this.heap;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (this.compare(heap[i], heap[parent]) <= 0) {
                break;
            }
            const swap = heap[i];
            heap[i] = heap[parent];
            heap[parent] = swap;
            i = parent;
        }
    }

    private siftDown(i: number): void {
        const heap = this.heap;
        for (;;) {
            const left = 2 * i + 1;
            const right = left + 1;
            let largest = i;
            if (left < heap.length && this.compare(heap[left], heap[largest]) > 0) {
                largest = left;
            }
            if (right < heap.length && this.compare(heap[right], heap[largest]) > 0) {
                largest = right;
            }
            if (largest === i) {
                return;
            }
            const swap = heap[i];
            heap[i] = heap[largest];
            heap[largest] = swap;
            i = largest;
        }
    }
}

/**
 * The `max` most important items in order, and how many there were. Selects with a bounded heap
 * (O(n log max)) so a 500,000-row inventory costs little when a model asks for the top 100.
 */
export function top<T>(
    items: readonly T[],
    max: number | undefined,
    compare: (a: T, b: T) => number,
): { items: T[]; truncation: { shown: number; total: number } } {
    const k = Math.min(max ?? DEFAULT_MAX_RESULTS, items.length);
    if (sortsWhole(k, items.length)) {
        return limit([...items].sort(compare), k);
    }
    const best = new TopK(k, compare);
    for (const item of items) {
        best.offer(item);
    }
    return best.result();
}

/** When `top` sorts every item rather than keeping the best in a heap: when most of them are shown anyway. */
function sortsWhole(shown: number, total: number): boolean {
    return shown * 4 >= total;
}

/**
 * {@link top} fed one item at a time, for a caller already passing over the items for other reasons: the same answer,
 * holding only the best `max` once there are too many to sort.
 */
export class TopSelection<T> {
    private readonly best: TopK<T>;
    /** Every item offered, while `top` would still sort them all. */
    private all: T[] | undefined = [];

    constructor(
        private readonly max: number | undefined,
        private readonly compare: (a: T, b: T) => number,
    ) {
        this.best = new TopK(max ?? DEFAULT_MAX_RESULTS, compare);
    }

    offer(item: T): void {
        this.best.offer(item);
        if (this.all) {
            this.all.push(item);
            if (!sortsWhole(Math.min(this.max ?? DEFAULT_MAX_RESULTS, this.all.length), this.all.length)) {
                this.all = undefined;
            }
        }
    }

    result(): { items: T[]; truncation: { shown: number; total: number } } {
        return this.all ? top(this.all, this.max, this.compare) : this.best.result();
    }
}

/** Keeps the first `max` items and says how many there were. */
export function limit<T>(items: readonly T[], max: number | undefined): { items: T[]; truncation: { shown: number; total: number } } {
    const shown = items.slice(0, max ?? DEFAULT_MAX_RESULTS);
    return { items: shown, truncation: { shown: shown.length, total: items.length } };
}

/** The envelope fields for an answer. */
export function envelopeOf(
    context: ToolContext,
    scope: Envelope['scope'],
    truncation: Envelope['truncation'],
    warnings: string[],
): Omit<Envelope, never> {
    return {
        ...(context.source.kind === 'sample' ? { notice: SAMPLE_NOTICE } : {}),
        source: context.source.kind,
        sourceDescription: context.source.description,
        scope,
        generatedAt: context.source.now().toISOString(),
        truncation,
        warnings,
    };
}

/** Drops keys whose value is undefined, so structured output and JSON agree. */
export function compact<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The scope of a Log Analytics-backed tool: workspace, time window and optional machine filter. */
export interface WorkspaceScope {
    workspaceId: string;
    workspaceName: string;
    range: TimeRange;
    /** Host names of the machines `server_name` selects (every name each goes by), to push the filter into the query; absent = all. */
    computers?: string[];
    /** Matches a computer name as Log Analytics reports it (host name or FQDN). */
    matchesComputer: (computer: string) => boolean;
    /** The machines Resource Graph shows that `server_name` selects (absent without one). */
    selected?: Machine[];
    scope: Envelope['scope'];
    /** The typed query these resolve to, for the source. */
    query: WorkspaceQuery;
    /** Workspaces also visible and not read, when none was named and no machine was chosen: their machines are not in the answer. */
    otherWorkspaces: Workspace[];
    /**
     * Why this workspace was read although none was named and it is not the one read by default: who reports there
     * ("web01 reports", "the machines asked about report").
     */
    chosenFor?: string;
}

/**
 * A note for an answer read from one of several visible workspaces without being asked for it: the others' machines are
 * not in it, and how to read them.
 */
export function otherWorkspacesNotes(
    scope: Pick<WorkspaceScope, 'otherWorkspaces' | 'workspaceId' | 'workspaceName' | 'chosenFor'>,
): string[] {
    if (scope.chosenFor) {
        return [`Read workspace ${scope.workspaceName} (${scope.workspaceId}), where ${scope.chosenFor}.`];
    }
    const others = scope.otherWorkspaces;
    if (others.length === 0) {
        return [];
    }
    const listed = others
        .slice(0, 5)
        .map((w) => `${w.name} (${w.customerId})`)
        .join(', ');
    return [
        `Only workspace ${scope.workspaceName} (${scope.workspaceId}) was read; ${others.length === 1 ? 'another workspace is' : `${others.length} other workspaces are`} visible, whose machines are not in this answer: ${listed}${others.length > 5 ? ', …' : ''}. Pass workspace_id to read ${others.length === 1 ? 'it' : 'one of them'}.`,
    ];
}

/**
 * Resolves `workspace_id`, `timespan` and `server_name` for a Log Analytics-backed tool.
 * An unknown machine name is checked against the machines Resource Graph knows, so the caller hears the nearest names.
 */
export async function resolveWorkspaceScope(
    context: ToolContext,
    input: {
        workspace_id?: string;
        timespan?: string;
        server_name?: string;
        ServerName?: string;
        tags?: string[];
        resource_group?: string[];
    },
    defaultTimespan: string,
    /**
     * A host a call names otherwise (an instance's HOST\\NAME): when nothing else chooses the workspace or the machines and
     * Resource Graph knows it as a machine, it is read as `server_name` — so its workspace is the one read.
     */
    host?: string,
): Promise<WorkspaceScope> {
    const range = resolveTimeRange(context, input.timespan, defaultTimespan);
    // Read once: the workspace asked for, the others not read, and the subscriptions a machine name is looked up in.
    const scopes = await context.source.listScopes({ signal: context.signal });
    const requested = input.workspace_id?.trim() ? input.workspace_id : undefined;
    let workspace = requested ? resolveWorkspace(context, requested, scopes) : undefined;
    let chosenFor: string | undefined;
    let serverName = pickServerName(input);
    const placement = placementMatcher(input);
    const hostHint = !requested && !serverName && !placement && host && !host.includes('*') ? host : undefined;
    let computers: string[] | undefined;
    let matchesComputer = (_computer: string) => true;
    let selected: Machine[] | undefined;
    let machineRows: Machine[] = [];
    const machines =
        serverName || placement || hostHint
            ? await context.source.getMachines({
                  subscriptionIds: scopes.subscriptions.map((s) => s.subscriptionId),
                  signal: context.signal,
              })
            : undefined;
    if (hostHint && machines?.rows.some(machineMatcher(hostHint))) {
        // Only a host Resource Graph knows: an instance name (REPORTING) never goes to a workspace as a computer name.
        serverName = hostHint;
    }
    if (machines && (serverName || placement)) {
        machineRows = machines.rows;
        assertPlacementMatches(input, placement, machines.rows);
        const byName = serverName ? machineMatcher(serverName) : () => true;
        selected = machines.rows.filter((m) => byName(m) && (!placement || placement(m)));
        if (serverName && selected.length === 0) {
            assertDomainAgrees(serverName, machines.rows);
        }
        if (!workspace) {
            // Asked about machines without a workspace: read the one they report to, when the source knows it and it is one.
            selected = await locateMachines(context, selected, scopes, range);
            const theirs = workspaceOfMachines(selected, scopes);
            const usual = theirs ? usualWorkspace(context, scopes) : undefined;
            if (theirs && theirs.customerId !== usual?.customerId) {
                workspace = theirs;
                chosenFor = selected.length === 1 ? `${selected[0].name} reports` : 'the machines asked about report';
            }
        }
    }
    workspace ??= resolveWorkspace(context, undefined, scopes);
    // Named machines are explained where they report (noDataWarnings); a whole-workspace answer says what it left out.
    const otherWorkspaces =
        requested || serverName || placement ? [] : scopes.workspaces.filter((w) => w.customerId !== workspace.customerId);
    if (selected) {
        // Log Analytics knows a machine by its OS host name, which may not be its Azure name: ask for every name it has.
        let names = selected.flatMap(namesOf);
        let pushNames = true;
        if (serverName && !placement && (selected.length === 0 || serverName.includes('*'))) {
            // A central workspace may hold machines of subscriptions the account cannot read in Resource Graph: the
            // workspace is asked what reported under that name — and, for a pattern, always, so that such machines are
            // not left out because others matched. (Of such a machine nothing says its tags or group, so it is not looked
            // for when they are asked.)
            try {
                const found = await context.source.findComputers({
                    workspaceId: workspace.customerId,
                    from: range.from,
                    to: range.to,
                    ...(serverName.includes('*') ? { pattern: serverName } : { computers: [serverName] }),
                    signal: context.signal,
                });
                names = [...names, ...found.rows];
            } catch (error) {
                // Too wide a pattern to list in the workspace: with machines matched already, the rows are read whole and
                // matched by the pattern instead.
                // (By name too: the Azure source is a bundle of its own, with its own copy of the class.)
                if (selected.length === 0 || !(error instanceof Error && error.name === UserError.name)) {
                    throw error;
                }
                pushNames = false;
            }
        }
        if (serverName && names.length === 0) {
            assertKnownMachine(serverName, machineRows);
            const matchingName = machineRows.filter(machineMatcher(serverName));
            throw new UserError(
                matchingName.length > 0
                    ? placementConflict(serverName, matchingName, input)
                    : `No machine matches both server_name ${JSON.stringify(truncate(serverName))} and the tags or resource group asked for; GetServerMetadata shows each machine's tags and resource group.`,
            );
        }
        const hosts = new Set(names.map(hostName));
        const matchesPattern = serverName && !placement ? nameMatcher(serverName) : () => false;
        matchesComputer = (computer) => hosts.has(hostName(computer)) || matchesPattern(computer);
        // A long list is matched here rather than written into every query (a tag can select thousands of machines).
        computers = pushNames && hosts.size <= PUSHED_COMPUTERS ? [...hosts] : undefined;
    }
    return {
        workspaceId: workspace.customerId,
        workspaceName: workspace.name,
        range,
        computers,
        matchesComputer,
        selected,
        scope: {
            workspaceId: workspace.customerId,
            ...(otherWorkspaces.length ? { otherWorkspaceIds: otherWorkspaces.map((w) => w.customerId) } : {}),
            from: range.from.toISOString(),
            to: range.to.toISOString(),
        },
        query: { workspaceId: workspace.customerId, from: range.from, to: range.to, computers, signal: context.signal },
        otherWorkspaces,
        ...(chosenFor ? { chosenFor } : {}),
    };
}

/** The workspace read when none is named (the default, or the only one), or undefined where that would be an error. */
function usualWorkspace(context: ToolContext, scopes: Scopes): Workspace | undefined {
    try {
        return resolveWorkspace(context, undefined, scopes);
    } catch {
        return undefined;
    }
}

/**
 * The workspace the machines report to, when every one of them whose workspace the source knows reports to the same
 * visible one (machines with no known workspace send nothing anywhere, or the source cannot say); else undefined.
 */
/** Most machines, and most visible workspaces, for which `locateMachines` asks each workspace. */
const LOCATED_MACHINES = 100;
const PROBED_WORKSPACES = 10;

/**
 * The machines with the workspace each reports to, when the source does not say (Resource Graph does not tell which
 * workspace a machine's agent sends to): each visible workspace is asked which of them it heard from in the window, and
 * a machine heard by exactly one is taken to report there. A workspace that cannot be asked says nothing; a machine
 * heard by several, or none, stays unplaced. Only for a few machines and workspaces: one query per workspace.
 */
async function locateMachines(context: ToolContext, selected: Machine[], scopes: Scopes, range: TimeRange): Promise<Machine[]> {
    const workspaces = scopes.workspaces;
    if (
        selected.length === 0 ||
        selected.length > LOCATED_MACHINES ||
        workspaces.length < 2 ||
        workspaces.length > PROBED_WORKSPACES ||
        selected.some((m) => m.workspaceId)
    ) {
        return selected;
    }
    const computers = [...new Set(selected.flatMap(namesOf))];
    const heard = await Promise.all(
        workspaces.map(async (w) => {
            try {
                const found = await context.source.findComputers({
                    workspaceId: w.customerId,
                    from: range.from,
                    to: range.to,
                    computers,
                    signal: context.signal,
                });
                return new Set(found.rows.map(hostName));
            } catch (error) {
                if (context.signal?.aborted) {
                    throw error;
                }
                return new Set<string>();
            }
        }),
    );
    return selected.map((m) => {
        const hosts = namesOf(m).map(hostName);
        const holding = workspaces.filter((_, i) => hosts.some((h) => heard[i].has(h)));
        return holding.length === 1 ? { ...m, workspaceId: holding[0].customerId } : m;
    });
}

function workspaceOfMachines(machines: readonly Machine[], scopes: Scopes): Workspace | undefined {
    let id: string | undefined;
    for (const m of machines) {
        const theirs = m.workspaceId?.toLowerCase();
        if (!theirs) {
            continue;
        }
        if (id !== undefined && id !== theirs) {
            return undefined;
        }
        id = theirs;
    }
    return id === undefined ? undefined : scopes.workspaces.find((w) => w.customerId.toLowerCase() === id);
}

/** Most host names a workspace query filters on in its text; a larger selection is filtered on the rows it returns. */
const PUSHED_COMPUTERS = 1000;
