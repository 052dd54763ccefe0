import { z } from 'zod';
import type { SoftwareItem } from '../core/model';
import { byText } from '../core/summaries';
import { DEFAULT_MAX_RESULTS, envelope, envelopeOf, inputs, resolveWorkspaceScope, TopK } from './common';
import { describeCounts, renderText, shortTime } from './text';
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
        'Filters: server_name, software_name (text contained), publisher, include_updates (installed Windows updates too; default false).',
    input: z
        .object({
            workspace_id: inputs.workspaceId,
            timespan: inputs.timespan('7d'),
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            software_name: z.string().max(300).optional().describe('Only software whose name contains this text, case-insensitive.'),
            publisher: z.string().max(300).optional().describe('Only software whose publisher contains this text, case-insensitive.'),
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
        }),
        items: z.array(software),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const scope = await resolveWorkspaceScope(context, input, '7d');
        const includeUpdates = input.include_updates ?? false;
        const result = await context.source.getSoftware({ ...scope.query, includeUpdates });
        const name = input.software_name?.trim().toLowerCase();
        const publisher = input.publisher?.trim().toLowerCase();
        // One pass, keeping only the rows shown: inventories run to hundreds of thousands of rows.
        const best = new TopK<SoftwareItem>(
            input.max_results ?? DEFAULT_MAX_RESULTS,
            (a, b) => byText(a.computer, b.computer) || byText(a.name, b.name),
        );
        const byType: Record<string, number> = {};
        const machines = new Set<string>();
        const names = new Set<string>();
        // Rows arrive grouped by machine, so remembering the last one spares most set insertions (order never changes a count).
        let lastComputer: string | undefined;
        for (const s of result.rows) {
            if (
                scope.matchesComputer(s.computer) &&
                (includeUpdates || s.type !== 'Update') &&
                (!name || s.name.toLowerCase().includes(name)) &&
                (!publisher || s.publisher.toLowerCase().includes(publisher))
            ) {
                best.offer(s);
                byType[s.type] = (byType[s.type] ?? 0) + 1;
                if (s.computer !== lastComputer) {
                    lastComputer = s.computer;
                    machines.add(s.computer);
                }
                names.add(s.name);
            }
        }
        const { items, truncation } = best.result();
        const summary = { items: truncation.total, machines: machines.size, distinctSoftware: names.size, byType };
        const sentence = `${truncation.total} installed items (${describeCounts(byType)}) on ${summary.machines} machines, ${summary.distinctSoftware} distinct names, inventory of the last ${scope.range.timespan}.`;
        return {
            structured: { ...envelopeOf(context, scope.scope, truncation, result.warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                warnings: result.warnings,
                truncation,
                table: {
                    columns: ['Machine', 'Name', 'Version', 'Publisher', 'Type', 'Last seen'],
                    rows: items.map((s) => [s.computer, s.name, s.version, s.publisher, s.type, shortTime(s.lastSeen)]),
                },
            }),
        };
    },
});
