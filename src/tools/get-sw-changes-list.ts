import { z } from 'zod';
import type { SoftwareChange } from '../core/model';
import { byText, countIn } from '../core/summaries';
import { noDataWarnings, rowsComputers } from './agents';
import { envelope, envelopeOf, inputs, resolveWorkspaceScope, top, otherWorkspacesNotes } from './common';
import { describeCounts, describeFilters, plural, renderText, shortTime } from './text';
import { textFilter } from './textFilter';
import { defineTool, READ_ONLY } from './types';

const CATEGORIES = ['Added', 'Removed', 'Modified'] as const;

const change = z.object({
    timeGenerated: z.string(),
    computer: z.string(),
    name: z.string(),
    type: z.enum(['Application', 'Package', 'Update']),
    publisher: z.string(),
    changeCategory: z.enum(CATEGORIES),
    previousVersion: z.string().optional(),
    currentVersion: z.string().optional(),
});

export const getSwChangesList = defineTool({
    name: 'GetSwChangesList',
    title: 'Software changes',
    description:
        'Lists software added, removed or modified (with previous and current version) from Change Tracking (Log Analytics table ConfigurationChange), newest first, ' +
        'over the timespan (default 7d). Use it for "what changed on this server before it broke" or "what did patch night install". ' +
        'Filters: server_name, tags, resource_group, change_category, software_name (text contained; * matches any characters).',
    input: z
        .object({
            workspace_id: inputs.workspaceId,
            timespan: inputs.timespan('7d'),
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            change_category: z.array(z.enum(CATEGORIES)).max(3).optional().describe('Only these kinds of change.'),
            software_name: z
                .string()
                .max(300)
                .optional()
                .describe(
                    'Only software whose name contains this text, case-insensitive; * matches any characters (e.g. "edge", "sql*server").',
                ),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            changes: z.number().int(),
            machines: z.number().int(),
            byCategory: z.record(z.number()),
            busiestMachines: z.array(z.object({ computer: z.string(), changes: z.number().int() })),
        }),
        items: z.array(change),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const scope = await resolveWorkspaceScope(context, input, '7d');
        const name = textFilter(input.software_name);
        // The filters also go to the source, so that a row cap cannot cut matching changes away before they are applied.
        const result = await context.source.getSoftwareChanges({
            ...scope.query,
            nameContains: name?.sourceText,
            categories: input.change_category?.length ? input.change_category : undefined,
        });
        const rows = result.rows.filter(
            (c) =>
                scope.matchesComputer(c.computer) &&
                (!input.change_category?.length || input.change_category.includes(c.changeCategory)) &&
                (!name || name.matches(c.name)),
        );
        const { items, truncation } = top(
            rows,
            input.max_results,
            (a, b) => byText(b.timeGenerated, a.timeGenerated) || byText(a.computer, b.computer) || byText(a.name, b.name),
        );
        const byCategory = countIn(rows, (c) => c.changeCategory) as Record<string, number>;
        // A machine with no change in the window is usual; one that cannot send any is worth a word.
        const warnings = [
            ...result.warnings,
            ...(await noDataWarnings(context, scope, () => rowsComputers(result.rows), 'software changes', 'sometimes')),
        ];
        const returns = removedAndBack(rows);
        if (returns.pairs > 0) {
            warnings.push(
                `${plural(returns.pairs, 'removal')} on ${plural(returns.machines, 'machine')} ${returns.pairs === 1 ? 'was' : 'were'} followed within a day by the same version added back: with the Azure Monitor Agent, software installed for one user leaves the inventory when that user signs out and returns at sign-in, so such pairs are most likely sign-ins rather than changes.`,
            );
        }
        const perMachine = countIn(rows, (c) => c.computer);
        const summary = {
            changes: rows.length,
            machines: Object.keys(perMachine).length,
            byCategory,
            busiestMachines: Object.entries(perMachine)
                .map(([computer, changes]) => ({ computer, changes: changes ?? 0 }))
                .sort((a, b) => b.changes - a.changes || byText(a.computer, b.computer))
                .slice(0, 5),
        };
        const sentence =
            rows.length === 0
                ? describeFilters(input)
                    ? `No software change matches ${describeFilters(input)} in the last ${scope.range.timespan}.`
                    : `No software changes in the last ${scope.range.timespan}.`
                : `${plural(rows.length, 'software change')} (${describeCounts(byCategory, CATEGORIES)}) on ${plural(summary.machines, 'machine')} in the last ${scope.range.timespan}.`;
        return {
            structured: { ...envelopeOf(context, scope.scope, truncation, warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                notes: otherWorkspacesNotes(scope),
                warnings,
                truncation,
                table: {
                    columns: ['When', 'Machine', 'Change', 'Name', 'Previous', 'Current'],
                    rows: items.map((c) => [
                        shortTime(c.timeGenerated),
                        c.computer,
                        c.changeCategory,
                        c.name,
                        c.previousVersion,
                        c.currentVersion,
                    ]),
                },
            }),
        };
    },
});

/**
 * Removals followed within a day by the same software at the same version added back on the same machine, and the
 * machines they are on: what per-user applications look like under the Azure Monitor Agent's change tracking.
 */
function removedAndBack(rows: readonly SoftwareChange[]): { pairs: number; machines: number } {
    const byItem = new Map<string, SoftwareChange[]>();
    for (const c of rows) {
        if (c.changeCategory === 'Removed' || c.changeCategory === 'Added') {
            const key = `${c.computer.toLowerCase()}\n${c.name.toLowerCase()}`;
            byItem.set(key, [...(byItem.get(key) ?? []), c]);
        }
    }
    let pairs = 0;
    const machines = new Set<string>();
    for (const changes of byItem.values()) {
        changes.sort((a, b) => byText(a.timeGenerated, b.timeGenerated));
        for (let i = 1; i < changes.length; i++) {
            const [removed, added] = [changes[i - 1], changes[i]];
            if (
                removed.changeCategory === 'Removed' &&
                added.changeCategory === 'Added' &&
                (removed.previousVersion ?? '') === (added.currentVersion ?? '') &&
                Date.parse(added.timeGenerated) - Date.parse(removed.timeGenerated) <= DAY_MS
            ) {
                pairs++;
                machines.add(removed.computer.toLowerCase());
                i++; // the next pair starts after this one
            }
        }
    }
    return { pairs, machines: machines.size };
}

const DAY_MS = 86_400_000;
