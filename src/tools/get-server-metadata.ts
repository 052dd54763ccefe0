import { z } from 'zod';
import {
    AGENT_SUPPORT_STATUSES,
    ARC_AGENT_SELF_UPGRADE_MINOR,
    arcAgentSupport,
    osSupport,
    SUPPORT_ENDING_DAYS,
    SUPPORT_STATUSES,
    type AgentSupport,
    type Support,
    type SupportStatus,
} from '../core/lifecycle';
import { MONITORING_AGENTS, type Machine, type MonitoringAgent } from '../core/model';
import { byText, countIn } from '../core/summaries';
import { oneLine, TIME, truncate } from '../core/timespan';
import { agentFailed, agentsOf, extensionServiceDown, failedExtension, MONITORING_AGENT_TEXT, type Agents, type AgentView } from './agents';
import {
    assertKnownMachineIn,
    assertPlacementMatches,
    envelope,
    envelopeOf,
    inputs,
    judgedOnce,
    machineMatcher,
    pickServerName,
    placementConflict,
    placementMatcher,
    resolveSubscriptions,
    top,
} from './common';
import { describeCounts, describeFilters, firstNames, plural, renderText, shortTime, supportSentence } from './text';
import { textFilter } from './textFilter';
import { defineTool, READ_ONLY } from './types';
import { agentLabel, arcAgentLabel, LONG_DISCONNECTED_DAYS } from './vocabulary';

const STATUSES = ['Connected', 'Disconnected', 'Expired', 'Error', 'Running', 'Stopped', 'Deallocated', 'Unknown'] as const;
/** Machines that need attention come first: by status, then by {@link PROBLEM_RANK}. */
const STATUS_RANK: Record<string, number> = {
    Error: 0,
    Expired: 1,
    Disconnected: 2,
    Unknown: 3,
    Stopped: 4,
    Deallocated: 5,
    Connected: 6,
    Running: 6,
};

/** A release's place in Microsoft's fixed lifecycle (src/core/lifecycle.ts). */
export const supportSchema = z.object({
    product: z.string(),
    status: z
        .enum(SUPPORT_STATUSES)
        .describe(
            `ended: out of support; esu: past extended support, security updates only with Extended Security Updates; ending: extended support ends within ${SUPPORT_ENDING_DAYS} days; supported`,
        ),
    extendedEnd: z.string().describe('last day of extended support'),
    esuEnd: z.string().optional().describe('last day Extended Security Updates are offered'),
});

export const machineSchema = z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['arc', 'azure-vm']),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    location: z.string(),
    osType: z.enum(['windows', 'linux']),
    osName: z.string(),
    osVersion: z.string(),
    status: z.enum(STATUSES),
    lastStatusChange: z.string().optional(),
    statusMessage: z
        .string()
        .optional()
        .describe('Arc-enabled servers in the Error state: what Azure says of the error, when it says anything'),
    agentVersion: z.string().optional(),
    extensionService: z
        .string()
        .optional()
        .describe(
            "Arc-enabled servers: the agent's extension service as last reported (Running/Stopped on Windows, active/inactive on Linux); while it does not run, no extension can be installed, updated or removed",
        ),
    computerName: z
        .string()
        .optional()
        .describe('the OS host name when it differs from the Azure name; Log Analytics (Computer) reports the machine under it'),
    fqdn: z.string().optional(),
    domain: z.string().optional(),
    manufacturer: z.string().optional(),
    model: z.string().optional(),
    processorNames: z.string().optional(),
    coreCount: z.number().optional(),
    logicalCoreCount: z.number().optional(),
    memoryGb: z.number().optional(),
    ipAddresses: z.array(z.string()),
    sqlDiscovered: z.boolean(),
    tags: z.record(z.string()),
    workspaceId: z.string().optional(),
    support: supportSchema
        .nullable()
        .describe('where the Windows Server release stands in its lifecycle; null for Linux or a release not known'),
});

/** Where an Arc-enabled server's Connected Machine agent stands: Microsoft supports the versions released within the last year. */
export const agentSupportSchema = z.object({
    version: z.string().describe('major.minor'),
    status: z
        .enum(AGENT_SUPPORT_STATUSES)
        .describe(
            'unsupported: released more than a year ago; supported: within the last year; unknown: a version whose release month is not known',
        ),
    released: z.string().optional().describe('release month, YYYY-MM'),
    supportedUntil: z.string().optional().describe('last day of support (at the latest, when the release month is not known)'),
});

/** A machine as GetServerMetadata lists it: the record, its lifecycle, and its agent extensions. */
const listedMachine = machineSchema.extend({
    agentSupport: agentSupportSchema
        .nullable()
        .describe(
            "Arc-enabled servers: whether the Connected Machine agent is within Microsoft's support; null for Azure VMs or no version reported",
        ),
    monitoringAgent: z
        .enum(MONITORING_AGENTS)
        .nullable()
        .describe(`${MONITORING_AGENT_TEXT}; null when the extensions could not be read (see warnings)`),
    monitoringAgentState: z
        .string()
        .nullable()
        .describe(
            "the provisioning state of that agent's extension (Succeeded, Failed, Creating, Updating…), the Azure Monitor Agent's when both",
        ),
    failedExtensions: z.array(failedExtension).describe('its extensions in the Failed state, the monitoring agent first'),
});

export const getServerMetadata = defineTool({
    name: 'GetServerMetadata',
    title: 'Server metadata',
    description:
        'Lists Arc-enabled servers and Azure VMs with their OS, agent status, CPU (cores, processor), memory, IP addresses, tags and whether SQL Server was discovered. ' +
        'Use it to answer "which servers do we have", "which are disconnected", "which run Windows Server 2012 R2", or to find exact machine names for other tools. ' +
        `Says for each Windows Server where its release stands in Microsoft's lifecycle (out of support, on Extended Security Updates, ending within ${SUPPORT_ENDING_DAYS} days, supported), ` +
        'and for each Arc-enabled server whether its Connected Machine agent is more than a year old (out of support). ' +
        'Filters: server_name (wildcards with *), os (windows|linux), os_name (text contained in the OS name, * matching any characters, e.g. "2012", "windows*2012"), status, kind (arc|azure-vm), support, agent_out_of_support, tags (e.g. environment=Production), resource_group. ' +
        'Returns machines needing attention first: by status (Error, Expired, Disconnected, Unknown, Stopped, Deallocated, then Connected and Running); ' +
        'within a status, those with a problem to act on (Windows Server past extended support; monitoring agent failed or missing; a failed extension or the extension service down; only the retired Log Analytics agent; Arc agent out of support; support ending soon) before the others; then by name.',
    input: z
        .object({
            subscription_ids: inputs.subscriptionIds,
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            os: z.enum(['windows', 'linux']).optional().describe('Only Windows or only Linux machines.'),
            os_name: z
                .string()
                .max(200)
                .optional()
                .describe(
                    'Only machines whose OS name contains this text, case-insensitive; * matches any characters (e.g. "2012 R2", "Ubuntu", "windows*2012").',
                ),
            status: z
                .array(z.enum(STATUSES))
                .max(10)
                .optional()
                .describe('Only machines with one of these statuses (Arc agent status, or VM power state).'),
            kind: z.enum(['arc', 'azure-vm']).optional().describe('arc = Arc-enabled servers, azure-vm = Azure virtual machines.'),
            support: z
                .array(z.enum(SUPPORT_STATUSES))
                .max(4)
                .optional()
                .describe(
                    `Only machines whose OS release is in one of these lifecycle states: ended, esu, ending (within ${SUPPORT_ENDING_DAYS} days), supported (Linux is never matched).`,
                ),
            monitoring_agent: z
                .array(z.enum(MONITORING_AGENTS))
                .max(4)
                .optional()
                .describe(
                    `Only machines whose monitoring agent is one of these (${MONITORING_AGENT_TEXT}). ["none", "legacy"] lists every machine without the Azure Monitor Agent.`,
                ),
            failed_extensions: z.boolean().optional().describe('Only machines with at least one extension in the Failed state.'),
            agent_out_of_support: z
                .boolean()
                .optional()
                .describe(
                    'true: only Arc-enabled servers whose Connected Machine agent was released more than a year ago (Microsoft supports only the last year of versions); false: only those whose agent is known to be within it.',
                ),
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            machines: z.number().int(),
            byStatus: z.record(z.number()),
            byOs: z.record(z.number()),
            byKind: z.record(z.number()),
            sqlDiscovered: z.number().int(),
            outOfSupport: z.number().int().describe('machines whose Windows Server release is past extended support (on ESU or not)'),
            supportEnding: z
                .number()
                .int()
                .describe(`machines whose Windows Server release leaves extended support within ${SUPPORT_ENDING_DAYS} days`),
            disconnectedLong: z
                .number()
                .int()
                .describe(
                    `Arc-enabled servers disconnected for ${LONG_DISCONNECTED_DAYS} days or more: their managed identity expires after 45 to 90 days disconnected, and then the agent cannot reconnect without being onboarded again`,
                ),
            stoppedNotDeallocated: z
                .number()
                .int()
                .describe('Azure VMs stopped from inside or without deallocation: their compute is billed until they are deallocated'),
            byMonitoringAgent: z
                .record(z.number())
                .nullable()
                .describe('machines per monitoring agent (ama, legacy, both, none); null when the extensions could not be read'),
            withoutAzureMonitorAgent: z
                .number()
                .int()
                .nullable()
                .describe('machines with no Azure Monitor Agent: only the retired Log Analytics agent, or no agent at all'),
            monitoringAgentFailed: z
                .number()
                .int()
                .nullable()
                .describe('machines whose monitoring agent extension is in the Failed state: their data may not reach Log Analytics'),
            extensionsFailed: z.number().int().nullable().describe('machines with at least one extension in the Failed state'),
            agentOutOfSupport: z
                .number()
                .int()
                .describe('Arc-enabled servers whose Connected Machine agent was released more than a year ago, out of Microsoft support'),
            extensionServiceDown: z
                .number()
                .int()
                .describe(
                    'connected Arc-enabled servers whose extension service is not running: no extension (the monitoring agent among them) can be installed, updated or removed there',
                ),
            totalCores: z.number(),
            totalMemoryGb: z.number(),
        }),
        items: z.array(listedMachine),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const { ids, scopes } = await resolveSubscriptions(context, input.subscription_ids);
        const query = { subscriptionIds: ids, signal: context.signal, progress: context.progress };
        // Filtering on the extensions needs them; otherwise they are supplementary, and a failure is a warning.
        const filtersOnAgents = input.monitoring_agent?.length || input.failed_extensions !== undefined;
        const [result, agents] = await Promise.all([context.source.getMachines(query), agentsOf(context, ids, !filtersOnAgents)]);
        const warnings = [...result.warnings, ...agents.warnings];
        const serverName = pickServerName(input);
        if (serverName) {
            await assertKnownMachineIn(context, serverName, result.rows, ids, scopes);
        }
        const matchesName = serverName ? machineMatcher(serverName) : () => true;
        const placement = placementMatcher(input);
        assertPlacementMatches(input, placement, result.rows);
        const osName = textFilter(input.os_name);
        // A fleet has a few OS names: each is judged once, and only the machines shown are copied with it.
        const now = context.source.now();
        const osJudged = judgedOnce((osName) => osSupport(osName, now));
        const supportOf = (m: Machine): Support | null => (m.osType === 'windows' ? osJudged(m.osName) : null);
        const agentJudged = judgedOnce((version) => arcAgentSupport(version, now));
        const agentSupportOf = (m: Machine): AgentSupport | null =>
            m.kind === 'arc' && m.agentVersion ? agentJudged(m.agentVersion) : null;
        const agentUnsupported = (m: Machine) => agentSupportOf(m)?.status === 'unsupported';
        const machines = result.rows.filter(
            (m) =>
                matchesName(m) &&
                (!placement || placement(m)) &&
                (!input.os || m.osType === input.os) &&
                (!osName || osName.matches(m.osName)) &&
                (!input.status?.length || input.status.includes(m.status)) &&
                (!input.kind || m.kind === input.kind) &&
                (!input.support?.length || inStates(supportOf(m), input.support)) &&
                (!input.monitoring_agent?.length || input.monitoring_agent.includes(agents.of(m).monitoringAgent as MonitoringAgent)) &&
                (input.failed_extensions === undefined || agents.of(m).failedExtensions.length > 0 === input.failed_extensions) &&
                (input.agent_out_of_support === undefined ||
                    (input.agent_out_of_support ? agentUnsupported(m) : agentSupportOf(m)?.status === 'supported')),
        );
        // Each machine is judged and ranked once, not in the comparator or in each count: a fleet can hold 10,000 of them.
        const ranked = machines.map((m): RankedMachine => {
            const support = supportOf(m);
            const agent = agents.of(m);
            const agentSupport = agentSupportOf(m);
            return {
                machine: m,
                support,
                agent,
                agentSupport,
                status: STATUS_RANK[m.status] ?? STATUS_RANK.Unknown,
                problem: problemRank(m, support, agent, agentSupport),
            };
        });
        const shown = top(ranked, input.max_results, compareMachines);
        const items = shown.items.map(({ machine: m, support, agent, agentSupport }) => ({ ...m, support, agentSupport, ...agent }));
        const truncation = shown.truncation;
        // The machines each sentence names, gathered in one pass over a fleet that can hold 10,000.
        const outOfSupport: Machine[] = [];
        const ending: Machine[] = [];
        const longGone: Machine[] = [];
        const stoppedVms: Machine[] = [];
        const serviceDown: Machine[] = [];
        const oldAgents: Machine[] = [];
        let sqlDiscovered = 0;
        let totalCores = 0;
        let totalMemoryGb = 0;
        const longGoneBefore = new Date(now.getTime() - LONG_DISCONNECTED_DAYS * TIME.DAY).toISOString();
        for (const { machine: m, support, agentSupport } of ranked) {
            if (inStates(support, ['ended', 'esu'])) {
                outOfSupport.push(m);
            } else if (inStates(support, ['ending'])) {
                ending.push(m);
            }
            if (m.kind === 'arc' && m.status === 'Disconnected' && m.lastStatusChange && m.lastStatusChange < longGoneBefore) {
                longGone.push(m);
            } else if (m.kind === 'azure-vm' && m.status === 'Stopped') {
                stoppedVms.push(m);
            }
            if (extensionServiceDown(m)) {
                serviceDown.push(m);
            }
            if (agentSupport?.status === 'unsupported') {
                oldAgents.push(m);
            }
            sqlDiscovered += m.sqlDiscovered ? 1 : 0;
            totalCores += m.coreCount ?? 0;
            totalMemoryGb += m.memoryGb ?? 0;
        }
        const bySince = (a: Machine, b: Machine) => byText(a.lastStatusChange ?? '', b.lastStatusChange ?? '') || byText(a.name, b.name);
        longGone.sort(bySince);
        stoppedVms.sort(bySince);
        serviceDown.sort((a, b) => byText(a.name, b.name));
        const fleet = agentFleet(ranked, agents);
        const summary = {
            machines: machines.length,
            byStatus: countIn(machines, (m) => m.status) as Record<string, number>,
            byOs: countIn(machines, (m) => m.osType) as Record<string, number>,
            byKind: countIn(machines, (m) => m.kind) as Record<string, number>,
            sqlDiscovered,
            outOfSupport: outOfSupport.length,
            supportEnding: ending.length,
            disconnectedLong: longGone.length,
            stoppedNotDeallocated: stoppedVms.length,
            byMonitoringAgent: fleet.byMonitoringAgent,
            withoutAzureMonitorAgent: fleet.withoutAzureMonitorAgent,
            monitoringAgentFailed: fleet.monitoringAgentFailed,
            extensionsFailed: fleet.extensionsFailed,
            agentOutOfSupport: oldAgents.length,
            extensionServiceDown: serviceDown.length,
            totalCores,
            totalMemoryGb: Math.round(totalMemoryGb),
        };
        const filters = describeFilters(input);
        if (machines.length === 0) {
            // server_name and tags / resource_group each select machines, but none both: say what those machines carry.
            const matchingName =
                placement && !result.rows.some((m) => matchesName(m) && placement(m)) ? result.rows.filter(matchesName) : [];
            const sentence =
                serverName && matchingName.length > 0
                    ? placementConflict(serverName, matchingName, input)
                    : filters
                      ? `No machine matches ${filters} (of ${plural(result.rows.length, 'machine')} in the subscriptions read${
                            input.status?.length && filters === describeFilters({ status: input.status }) && result.rows.length > 0
                                ? `, whose statuses are: ${describeCounts(countIn(result.rows, (m) => m.status) as Record<string, number>)}`
                                : ''
                        }).`
                      : 'No Arc-enabled server or Azure VM in the subscriptions read.';
            return {
                structured: { ...envelopeOf(context, { subscriptionIds: ids }, truncation, warnings), summary, items },
                text: renderText(context, { summary: sentence, warnings }),
            };
        }
        const sentence =
            `${plural(machines.length, 'machine')} (${describeCounts(summary.byKind)}; ${describeCounts(summary.byOs)}) — status: ${describeCounts(summary.byStatus)}; ` +
            `SQL Server discovered on ${summary.sqlDiscovered}.` +
            supportSentence(
                outOfSupport.map((m) => ({ support: supportOf(m) })),
                ending.map((m) => ({ support: supportOf(m) })),
                ['machine runs', 'machines run'],
                'a Windows Server release',
            ) +
            errorSentence(machines) +
            longDisconnectedSentence(longGone, now) +
            (stoppedVms.length > 0
                ? ` ${plural(stoppedVms.length, 'Azure VM is', 'Azure VMs are')} stopped but not deallocated, so ${stoppedVms.length === 1 ? 'its' : 'their'} compute is still billed: ${firstNames(stoppedVms.map((m) => (m.lastStatusChange ? `${m.name} (since ${shortTime(m.lastStatusChange)})` : m.name)))}.`
                : '') +
            agentSentences(fleet, agents) +
            oldAgentSentence(oldAgents.map((m) => ({ name: m.name, support: agentSupportOf(m) as AgentSupport }))) +
            (serviceDown.length > 0
                ? ` ${plural(serviceDown.length, 'connected Arc-enabled server reports', 'connected Arc-enabled servers report')} the extension service not running, so no extension — the monitoring agent among them — can be installed, updated or removed there: ${firstNames(serviceDown.map((m) => `${m.name} (${m.extensionService})`))}.`
                : '');
        return {
            structured: { ...envelopeOf(context, { subscriptionIds: ids }, truncation, warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                warnings,
                truncation,
                table: {
                    columns: [
                        'Name',
                        'Kind',
                        'OS',
                        'Support',
                        'Status',
                        'Since',
                        'Agent',
                        'Arc agent',
                        'Cores',
                        'Memory GB',
                        'IP',
                        'SQL',
                        'Resource group',
                    ],
                    rows: items.map((m) => [
                        m.name,
                        m.kind,
                        m.osName,
                        m.support?.status,
                        m.status,
                        shortTime(m.lastStatusChange),
                        agentLabel(m.monitoringAgent, m.monitoringAgentState),
                        arcAgentLabel(m.agentSupport),
                        m.coreCount,
                        m.memoryGb,
                        m.ipAddresses[0],
                        m.sqlDiscovered ? 'yes' : 'no',
                        m.resourceGroup,
                    ]),
                },
            }),
        };
    },
});

/**
 * The Arc-enabled servers whose agent is more than a year old, by version (oldest first), with what to do: `azcmagent
 * upgrade` upgrades an agent in place only from 1.62 on.
 */
function oldAgentSentence(old: readonly { name: string; support: AgentSupport }[]): string {
    if (old.length === 0) {
        return '';
    }
    const byVersion = new Map<string, { support: AgentSupport; names: string[] }>();
    for (const { name, support } of old) {
        const entry = byVersion.get(support.version) ?? { support, names: [] };
        entry.names.push(name);
        byVersion.set(support.version, entry);
    }
    const minorOf = (version: string) => Number(version.split('.')[1]);
    const versions = [...byVersion.values()].sort((a, b) => minorOf(a.support.version) - minorOf(b.support.version));
    const listed = versions
        .map(
            ({ support, names }) =>
                `${support.version}${support.released ? ` (${support.released})` : ''} on ${firstNames(names.sort(byText), 3)}`,
        )
        .join('; ');
    const selfUpgrade = versions.some(({ support }) => minorOf(support.version) >= ARC_AGENT_SELF_UPGRADE_MINOR);
    const them = old.length === 1 ? 'it' : 'them';
    const how = selfUpgrade
        ? `upgrade ${them} (\`azcmagent upgrade\` from 1.${ARC_AGENT_SELF_UPGRADE_MINOR}, the installer or package manager before it) or turn on automatic agent upgrade`
        : `upgrade ${them} with the installer or package manager (\`azcmagent upgrade\` works only from 1.${ARC_AGENT_SELF_UPGRADE_MINOR}), or turn on automatic agent upgrade`;
    return ` ${plural(old.length, 'Arc-enabled server runs', 'Arc-enabled servers run')} a Connected Machine agent released more than a year ago, which Microsoft no longer supports — ${how}: ${listed}.`;
}

/** Whether a release is known and in one of these lifecycle states. */
export function inStates(support: Support | null, states: readonly SupportStatus[]): boolean {
    return support !== null && states.includes(support.status);
}

/**
 * Within a status, what a user must act on, most pressing first: an OS without security updates, then a machine whose
 * data may reach no workspace, then extensions that cannot do their work, then agents out of support, then a support
 * end ahead. A machine ranks by its most pressing problem; one with none comes last.
 */
const PROBLEM_RANK = {
    osOutOfSupport: 0,
    monitoringAgentDown: 1,
    extensionsBroken: 2,
    legacyAgentOnly: 3,
    arcAgentOutOfSupport: 4,
    supportEnding: 5,
    none: 6,
} as const;

/** A machine's most pressing problem ({@link PROBLEM_RANK}); the agent checks count only when the extensions were read. */
function problemRank(machine: Machine, support: Support | null, agent: AgentView, arcAgent: AgentSupport | null): number {
    if (inStates(support, ['ended', 'esu'])) {
        return PROBLEM_RANK.osOutOfSupport;
    }
    if (agent.monitoringAgent === 'none' || agentFailed(agent)) {
        return PROBLEM_RANK.monitoringAgentDown;
    }
    if (agent.failedExtensions.length > 0 || extensionServiceDown(machine)) {
        return PROBLEM_RANK.extensionsBroken;
    }
    if (agent.monitoringAgent === 'legacy') {
        return PROBLEM_RANK.legacyAgentOnly;
    }
    if (arcAgent?.status === 'unsupported') {
        return PROBLEM_RANK.arcAgentOutOfSupport;
    }
    return inStates(support, ['ending']) ? PROBLEM_RANK.supportEnding : PROBLEM_RANK.none;
}

/** A machine with its ranks, computed once before sorting. */
interface RankedMachine {
    machine: Machine;
    support: Support | null;
    agent: AgentView;
    agentSupport: AgentSupport | null;
    status: number;
    problem: number;
}

function compareMachines(a: RankedMachine, b: RankedMachine): number {
    return a.status - b.status || a.problem - b.problem || byText(a.machine.name, b.machine.name);
}

/** The Arc-enabled servers disconnected for weeks, longest first, with how long. */
/**
 * " 1 Arc-enabled server is in the Error state …: ctso-sql-ams-03 (since …: message)." — the agent reaches Azure but
 * reports a problem; the machine's own tools say more.
 */
function errorSentence(machines: readonly Machine[]): string {
    const failing = machines.filter((m) => m.kind === 'arc' && m.status === 'Error');
    if (failing.length === 0) {
        return '';
    }
    const named = firstNames(
        failing.map((m) => {
            const since = m.lastStatusChange ? `since ${shortTime(m.lastStatusChange)}` : '';
            const message = m.statusMessage ? truncate(oneLine(m.statusMessage), 160).replace(/\.+$/, '') : '';
            const detail = [since, message].filter(Boolean).join(': ');
            return detail ? `${m.name} (${detail})` : m.name;
        }),
    );
    return ` ${plural(failing.length, 'Arc-enabled server is', 'Arc-enabled servers are')} in the Error state — the agent reaches Azure but reports a problem; on the machine, \`azcmagent show\` gives the agent's state and \`azcmagent check\` tests its connections: ${named}.`;
}

function longDisconnectedSentence(machines: readonly Machine[], now: Date): string {
    if (machines.length === 0) {
        return '';
    }
    const named = firstNames(
        machines.map((m) => `${m.name} (${Math.floor((now.getTime() - Date.parse(m.lastStatusChange ?? '')) / TIME.DAY)} days)`),
    );
    return ` ${machines.length === 1 ? '1 Arc-enabled server has' : `${machines.length} Arc-enabled servers have`} been disconnected for ${LONG_DISCONNECTED_DAYS} days or more: ${named} — after 45 to 90 days disconnected a server's managed identity expires, and its agent must be onboarded again.`;
}

/** The machines' agents in one pass: the summary's counts and the machines the summary sentence names. */
interface AgentFleet {
    byMonitoringAgent: Record<string, number> | null;
    withoutAzureMonitorAgent: number | null;
    monitoringAgentFailed: number | null;
    extensionsFailed: number | null;
    legacy: Machine[];
    none: Machine[];
    failed: Machine[];
}

function agentFleet(machines: readonly Pick<RankedMachine, 'machine' | 'agent'>[], agents: Agents): AgentFleet {
    if (!agents.known) {
        return {
            byMonitoringAgent: null,
            withoutAzureMonitorAgent: null,
            monitoringAgentFailed: null,
            extensionsFailed: null,
            legacy: [],
            none: [],
            failed: [],
        };
    }
    const byMonitoringAgent: Record<string, number> = {};
    const legacy: Machine[] = [];
    const none: Machine[] = [];
    const failed: Machine[] = [];
    let agentDown = 0;
    for (const { machine: m, agent: view } of machines) {
        const agent = view.monitoringAgent ?? 'none';
        byMonitoringAgent[agent] = (byMonitoringAgent[agent] ?? 0) + 1;
        if (agent === 'legacy') {
            legacy.push(m);
        } else if (agent === 'none') {
            none.push(m);
        }
        if (view.failedExtensions.length > 0) {
            failed.push(m);
        }
        agentDown += agentFailed(view) ? 1 : 0;
    }
    const byName = (a: Machine, b: Machine) => byText(a.name, b.name);
    return {
        byMonitoringAgent,
        withoutAzureMonitorAgent: legacy.length + none.length,
        monitoringAgentFailed: agentDown,
        extensionsFailed: failed.length,
        legacy: legacy.sort(byName),
        none: none.sort(byName),
        // A failed monitoring agent first: its machine's data may be missing from every workspace answer.
        failed: failed.sort((a, b) => Number(agentFailed(agents.of(b))) - Number(agentFailed(agents.of(a))) || byName(a, b)),
    };
}

/**
 * The machines without the Azure Monitor Agent, and those with a failed extension (a failed monitoring agent first), by
 * name — empty when every machine is well or the extensions are unknown.
 */
function agentSentences(fleet: AgentFleet, agents: Agents): string {
    const legacy = fleet.legacy.map((m) => m.name);
    const none = fleet.none.map((m) => m.name);
    let text = '';
    if (legacy.length + none.length > 0) {
        const parts = [
            legacy.length > 0
                ? `${legacy.length} ${legacy.length === 1 ? 'runs' : 'run'} only the Log Analytics agent (MMA/OMS), unsupported since 31 August 2024 (${firstNames(legacy)})`
                : '',
            none.length > 0
                ? `${none.length} ${none.length === 1 ? 'has' : 'have'} no monitoring agent at all, so no workspace gets ${none.length === 1 ? 'its' : 'their'} performance, inventory or assessment data (${firstNames(none)})`
                : '',
        ].filter(Boolean);
        text += ` ${plural(legacy.length + none.length, 'machine has', 'machines have')} no Azure Monitor Agent: ${parts.join('; ')}.`;
    }
    if (fleet.failed.length > 0) {
        const named = fleet.failed.map((m) => {
            const [first, ...more] = agents.of(m).failedExtensions;
            const why = first.message ? `: ${truncate(first.message, 100)}` : '';
            return `${m.name} (${first.type}${why}${more.length > 0 ? `; and ${more.length} more` : ''})`;
        });
        const agentFirst = fleet.failed.some((m) => agentFailed(agents.of(m))) ? ', a failed monitoring agent first' : '';
        text += ` ${plural(fleet.failed.length, 'machine has', 'machines have')} an extension in the Failed state${agentFirst}: ${firstNames(named)}.`;
    }
    return text;
}
