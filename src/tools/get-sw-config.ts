import { z } from 'zod';
import type { SoftwareItem } from '../core/model';
import { byText } from '../core/summaries';
import { TIME } from '../core/timespan';
import { EXPLAINED_MACHINES, noDataWarnings } from './agents';
import {
    DEFAULT_MAX_RESULTS,
    envelope,
    envelopeOf,
    inputs,
    inventoryWindowWarnings,
    resolveWorkspaceScope,
    TopK,
    otherWorkspacesNotes,
} from './common';
import { describeCounts, describeFilters, NAMED_IN_SENTENCE, plural, renderText, shortTime } from './text';
import { textFilter } from './textFilter';
import { defineTool, READ_ONLY } from './types';

const software = z.object({
    computer: z.string(),
    name: z.string(),
    type: z.enum(['Application', 'Package', 'Update']),
    publisher: z.string(),
    version: z.string(),
    lastSeen: z.string(),
});

export const getSwConfig = defineTool({
    name: 'GetSwConfig',
    title: 'Installed software',
    description:
        'Lists installed software from Change Tracking and Inventory (Log Analytics table ConfigurationData): applications on Windows and packages on Linux ' +
        'with publisher and version, latest inventory in the timespan (default 7d). Use it for "which servers have X installed" or "what version of Y runs where". ' +
        'Filters: server_name, tags, resource_group, software_name (text contained; * matches any characters), publisher (likewise), include_updates (installed Windows updates too; default false — with software_name or publisher, the answer says how many updates match but are left out). ' +
        'Rows are sorted by machine, then name: narrow with software_name or server_name rather than reading the first page of a whole workspace.',
    input: z
        .object({
            workspace_id: inputs.workspaceId,
            timespan: inputs.timespan('7d'),
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            software_name: z
                .string()
                .max(300)
                .optional()
                .describe(
                    'Only software whose name contains this text, case-insensitive; * matches any characters (e.g. "openssl", "visual*redistributable").',
                ),
            publisher: z
                .string()
                .max(300)
                .optional()
                .describe(
                    'Only software whose publisher contains this text, case-insensitive; * matches any characters (e.g. "Microsoft").',
                ),
            include_updates: z.boolean().optional().describe('Also list installed updates (SoftwareType Update). Default false.'),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            items: z.number().int(),
            machines: z.number().int(),
            distinctSoftware: z.number().int(),
            byType: z.record(z.number()),
            updatesLeftOut: z
                .number()
                .int()
                .nullable()
                .describe(
                    'Installed updates (SoftwareType Update) that match software_name and publisher but are left out because include_updates is false; ' +
                        'null when not counted (include_updates true, or neither software_name nor publisher given).',
                ),
            updatesLeftOutMachines: z
                .number()
                .int()
                .nullable()
                .describe('the machines those updates are installed on; null when updatesLeftOut is'),
        }),
        items: z.array(software),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const scope = await resolveWorkspaceScope(context, input, '7d');
        const includeUpdates = input.include_updates ?? false;
        // The name and publisher filters also go to the source (so that a row cap cannot cut matching software away first) — except when
        // a few named machines may be explained: a machine then has to show it sent inventory at all.
        const explained = scope.selected !== undefined && scope.selected.length <= EXPLAINED_MACHINES;
        const name = textFilter(input.software_name);
        const publisher = textFilter(input.publisher);
        // Updates left out are counted only under a name or publisher filter: the filter keeps the source's answer small, so it
        // may bring the matching updates along, while counting a whole fleet's updates would read them all.
        const countUpdates = !includeUpdates && (name !== undefined || publisher !== undefined);
        const result = await context.source.getSoftware({
            ...scope.query,
            includeUpdates: includeUpdates || countUpdates,
            nameContains: explained ? undefined : name?.sourceText,
            publisherContains: explained ? undefined : publisher?.sourceText,
        });
        // One pass, keeping only the rows shown: inventories run to hundreds of thousands of rows.
        const byName = caselessOrder();
        const best = new TopK<SoftwareItem>(
            input.max_results ?? DEFAULT_MAX_RESULTS,
            (a, b) => byText(a.computer, b.computer) || byName(a.name, b.name),
        );
        const byType: Record<string, number> = {};
        const machines = new Set<string>();
        const names = new Set<string>();
        let updatesLeftOut = 0;
        const machinesWithUpdatesLeftOut = new Set<string>();
        // Rows arrive grouped by machine, so the machine filter and count run once per machine, and types come in runs
        // (counted per run: a count map's key order is the order types first appear either way).
        let lastComputer: string | undefined;
        let computerMatches = false;
        let computerCounted = false;
        let computerOutranked = false;
        let runType: string | undefined;
        let runLength = 0;
        // The machines that sent any inventory, when machines were named: those that sent none are explained.
        const reporting = scope.selected ? new Set<string>() : undefined;
        // Each listed machine's latest inventory snapshot (its rows are all from that snapshot).
        const newestSnapshot = new Map<string, string>();
        // The machine's newest snapshot so far and whether updates of it were left out, kept here while its rows run and
        // put in the maps when the next machine begins (one map write per machine instead of a lookup per row).
        let newestHere = '';
        let updatesLeftOutHere = false;
        const endOfMachine = (computer: string) => {
            if (newestHere > (newestSnapshot.get(computer) ?? '')) {
                newestSnapshot.set(computer, newestHere);
            }
            if (updatesLeftOutHere) {
                machinesWithUpdatesLeftOut.add(computer);
            }
            newestHere = '';
            updatesLeftOutHere = false;
        };
        for (const s of result.rows) {
            if (s.computer !== lastComputer) {
                if (lastComputer !== undefined) {
                    endOfMachine(lastComputer);
                }
                lastComputer = s.computer;
                reporting?.add(s.computer);
                computerMatches = scope.matchesComputer(s.computer);
                computerCounted = false;
                // Rows rank by computer first: once every kept row's computer comes before this one, none of its rows
                // can be kept (the worst kept row only ever improves).
                const worst = best.worst();
                computerOutranked = worst !== undefined && byText(s.computer, worst.computer) > 0;
            }
            if (computerMatches && (!name || name.matches(s.name)) && (!publisher || publisher.matches(s.publisher))) {
                if (!includeUpdates && s.type === 'Update') {
                    updatesLeftOut++;
                    updatesLeftOutHere = true;
                    continue;
                }
                if (computerOutranked) {
                    best.pass();
                } else {
                    best.offer(s);
                }
                if (s.type !== runType) {
                    if (runType !== undefined) {
                        byType[runType] = (byType[runType] ?? 0) + runLength;
                    }
                    runType = s.type;
                    runLength = 0;
                }
                runLength++;
                if (!computerCounted) {
                    computerCounted = true;
                    machines.add(s.computer);
                }
                if (s.lastSeen > newestHere) {
                    newestHere = s.lastSeen;
                }
                names.add(s.name);
            }
        }
        if (lastComputer !== undefined) {
            endOfMachine(lastComputer);
        }
        if (runType !== undefined) {
            byType[runType] = (byType[runType] ?? 0) + runLength;
        }
        const { items, truncation } = best.result();
        const warnings = [
            ...result.warnings,
            ...inventoryWindowWarnings(scope.range),
            ...staleInventoryWarnings(newestSnapshot, scope.range.to),
            ...(await noDataWarnings(context, scope, () => reporting ?? [], 'software inventory', 'always')),
        ];
        const summary = {
            items: truncation.total,
            machines: machines.size,
            distinctSoftware: names.size,
            byType,
            updatesLeftOut: countUpdates ? updatesLeftOut : null,
            updatesLeftOutMachines: countUpdates ? machinesWithUpdatesLeftOut.size : null,
        };
        // A search for an update (KB5034441, Defender's security intelligence) would otherwise find nothing, or only the
        // applications, with no word that the updates it meant were left out.
        const updates =
            updatesLeftOut > 0
                ? `${plural(updatesLeftOut, 'installed update')} on ${plural(machinesWithUpdatesLeftOut.size, 'machine')}`
                : undefined;
        const leftOut = 'left out unless include_updates is true: ask again with include_updates: true to list them.';
        const filters = describeFilters(input);
        const sentence =
            truncation.total === 0
                ? updates
                    ? `No application or package matches ${filters} in the inventory of the last ${scope.range.timespan}, but ${updates} ${updatesLeftOut === 1 ? 'does' : 'do'}, ${leftOut}`
                    : filters
                      ? `No installed software matches ${filters} in the inventory of the last ${scope.range.timespan}.`
                      : `No installed software found in the inventory of the last ${scope.range.timespan}.`
                : `${plural(truncation.total, 'installed item')} (${describeCounts(byTypeInWords(byType))}) on ${plural(summary.machines, 'machine')}, ${plural(summary.distinctSoftware, 'distinct name')}, inventory of the last ${scope.range.timespan}.` +
                  (updates ? ` ${updates} also ${updatesLeftOut === 1 ? 'matches' : 'match'}, ${leftOut}` : '');
        return {
            structured: { ...envelopeOf(context, scope.scope, truncation, warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                notes: otherWorkspacesNotes(scope),
                warnings,
                truncation,
                table: {
                    columns: ['Machine', 'Name', 'Version', 'Publisher', 'Type', 'Last seen'],
                    rows: items.map((s) => [s.computer, s.name, s.version, s.publisher, s.type, shortTime(s.lastSeen)]),
                },
            }),
        };
    },
});

/** `{ Package: 718, Application: 1 }` → `{ packages: 718, application: 1 }`, so the summary reads "718 packages, 1 application". */
function byTypeInWords(byType: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(byType).map(([type, n]) => [n === 1 ? type.toLowerCase() : `${type.toLowerCase()}s`, n]));
}

/**
 * Software names in the order a person reads a list: ignoring case ("audit" before "NetworkManager"), then as written so
 * that the order is total. Each distinct name is lower-cased once per answer, as the comparator runs on every row kept.
 */
function caselessOrder(): (a: string, b: string) => number {
    const lower = new Map<string, string>();
    const lowerOf = (text: string) => {
        let folded = lower.get(text);
        if (folded === undefined) {
            folded = text.toLowerCase();
            lower.set(text, folded);
        }
        return folded;
    };
    return (a, b) => byText(lowerOf(a), lowerOf(b)) || byText(a, b);
}

/** Inventory snapshots come every 10 to 24 hours: a machine whose latest is older than this has stopped sending them. */
const INVENTORY_STALE_MS = 2 * TIME.DAY;

/**
 * The machines listed whose latest inventory snapshot is more than two days older than the window's end, oldest first:
 * what is listed for them is as of then (the machine may be off or disconnected, or its agent stopped).
 */
function staleInventoryWarnings(newestSnapshot: ReadonlyMap<string, string>, to: Date): string[] {
    const before = new Date(to.getTime() - INVENTORY_STALE_MS).toISOString();
    const stale = [...newestSnapshot].filter(([, at]) => at < before).sort((a, b) => byText(a[1], b[1]) || byText(a[0], b[0]));
    if (stale.length === 0) {
        return [];
    }
    const named = stale.slice(0, NAMED_IN_SENTENCE).map(([computer, at]) => `${computer} (${shortTime(at)})`);
    return [
        `The latest software inventory of ${plural(stale.length, 'machine')} listed is more than 2 days old, while snapshots come every 10 to 24 hours: what is listed for ${stale.length === 1 ? 'it' : 'them'} is as of then — off, disconnected, or an agent that stopped sending (GetServerMetadata shows which): ${named.join(', ')}${stale.length > NAMED_IN_SENTENCE ? ` and ${stale.length - NAMED_IN_SENTENCE} more` : ''}.`,
    ];
}
