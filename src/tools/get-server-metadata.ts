import { z } from 'zod';
import { osSupport, SUPPORT_ENDING_DAYS, SUPPORT_STATUSES, type Support, type SupportStatus } from '../core/lifecycle';
import type { Machine } from '../core/model';
import { byText, countIn } from '../core/summaries';
import { TIME } from '../core/timespan';
import { assertKnownMachine, envelope, envelopeOf, inputs, machineMatcher, pickServerName, resolveSubscriptions, top } from './common';
import { describeCounts, firstNames, renderText, shortTime, supportSentence } from './text';
import { defineTool, READ_ONLY } from './types';

/** Arc-enabled servers disconnected this long are named: their identity expires between 45 and 90 days away. */
export const LONG_DISCONNECTED_DAYS = 30;

const STATUSES = ['Connected', 'Disconnected', 'Expired', 'Error', 'Running', 'Stopped', 'Deallocated', 'Unknown'] as const;
/** Machines that need attention come first. */
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
    agentVersion: z.string().optional(),
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

export const getServerMetadata = defineTool({
    name: 'GetServerMetadata',
    title: 'Server metadata',
    description:
        'Lists Arc-enabled servers and Azure VMs with their OS, agent status, CPU (cores, processor), memory, IP addresses, tags and whether SQL Server was discovered. ' +
        'Use it to answer "which servers do we have", "which are disconnected", "which run Windows Server 2012 R2", or to find exact machine names for other tools. ' +
        `Says for each Windows Server where its release stands in Microsoft's lifecycle (out of support, on Extended Security Updates, ending within ${SUPPORT_ENDING_DAYS} days, supported). ` +
        'Filters: server_name (wildcards with *), os (windows|linux), os_name (text contained in the OS name, e.g. "2012"), status, kind (arc|azure-vm), support. ' +
        'Returns machines needing attention (Error, Expired, Disconnected) first, then by name.',
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
                .describe('Only machines whose OS name contains this text, case-insensitive (e.g. "2012 R2", "Ubuntu").'),
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
            totalCores: z.number(),
            totalMemoryGb: z.number(),
        }),
        items: z.array(machineSchema),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const { ids } = await resolveSubscriptions(context, input.subscription_ids);
        const result = await context.source.getMachines({ subscriptionIds: ids, signal: context.signal, progress: context.progress });
        const serverName = pickServerName(input);
        if (serverName) {
            assertKnownMachine(serverName, result.rows);
        }
        const matchesName = serverName ? machineMatcher(serverName) : () => true;
        const osName = input.os_name?.toLowerCase();
        // A fleet has a few OS names: each is judged once, and only the machines shown are copied with it.
        const now = context.source.now();
        const supportByOs = new Map<string, Support | null>();
        const supportOf = (m: Machine): Support | null => {
            if (m.osType !== 'windows') {
                return null;
            }
            let support = supportByOs.get(m.osName);
            if (support === undefined) {
                support = osSupport(m.osName, now) ?? null;
                supportByOs.set(m.osName, support);
            }
            return support;
        };
        const machines = result.rows.filter(
            (m) =>
                matchesName(m) &&
                (!input.os || m.osType === input.os) &&
                (!osName || m.osName.toLowerCase().includes(osName)) &&
                (!input.status?.length || input.status.includes(m.status)) &&
                (!input.kind || m.kind === input.kind) &&
                (!input.support?.length || inStates(supportOf(m), input.support)),
        );
        const shown = top(machines, input.max_results, compareMachines);
        const items = shown.items.map((m) => ({ ...m, support: supportOf(m) }));
        const truncation = shown.truncation;
        const outOfSupport = machines.filter((m) => inStates(supportOf(m), ['ended', 'esu']));
        const ending = machines.filter((m) => inStates(supportOf(m), ['ending']));
        const longGoneBefore = new Date(now.getTime() - LONG_DISCONNECTED_DAYS * TIME.DAY).toISOString();
        const longGone = machines
            .filter((m) => m.kind === 'arc' && m.status === 'Disconnected' && m.lastStatusChange && m.lastStatusChange < longGoneBefore)
            .sort((a, b) => byText(a.lastStatusChange ?? '', b.lastStatusChange ?? '') || byText(a.name, b.name));
        const summary = {
            machines: machines.length,
            byStatus: countIn(machines, (m) => m.status) as Record<string, number>,
            byOs: countIn(machines, (m) => m.osType) as Record<string, number>,
            byKind: countIn(machines, (m) => m.kind) as Record<string, number>,
            sqlDiscovered: machines.filter((m) => m.sqlDiscovered).length,
            outOfSupport: outOfSupport.length,
            supportEnding: ending.length,
            disconnectedLong: longGone.length,
            totalCores: machines.reduce((sum, m) => sum + (m.coreCount ?? 0), 0),
            totalMemoryGb: Math.round(machines.reduce((sum, m) => sum + (m.memoryGb ?? 0), 0)),
        };
        const sentence =
            `${machines.length} machines (${describeCounts(summary.byKind)}; ${describeCounts(summary.byOs)}) — status: ${describeCounts(summary.byStatus)}; ` +
            `SQL Server discovered on ${summary.sqlDiscovered}.` +
            supportSentence(
                outOfSupport.map((m) => ({ support: supportOf(m) })),
                ending.map((m) => ({ support: supportOf(m) })),
                ['machine runs', 'machines run'],
                'a Windows Server release',
            ) +
            longDisconnectedSentence(longGone, now);
        return {
            structured: { ...envelopeOf(context, { subscriptionIds: ids }, truncation, result.warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                warnings: result.warnings,
                truncation,
                table: {
                    columns: ['Name', 'Kind', 'OS', 'Support', 'Status', 'Since', 'Cores', 'Memory GB', 'IP', 'SQL', 'Resource group'],
                    rows: items.map((m) => [
                        m.name,
                        m.kind,
                        m.osName,
                        m.support?.status,
                        m.status,
                        shortTime(m.lastStatusChange),
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

/** Whether a release is known and in one of these lifecycle states. */
export function inStates(support: Support | null, states: readonly SupportStatus[]): boolean {
    return support !== null && states.includes(support.status);
}

function compareMachines(a: Machine, b: Machine): number {
    return (STATUS_RANK[a.status] ?? 3) - (STATUS_RANK[b.status] ?? 3) || byText(a.name, b.name);
}

/** The Arc-enabled servers disconnected for weeks, longest first, with how long. */
function longDisconnectedSentence(machines: readonly Machine[], now: Date): string {
    if (machines.length === 0) {
        return '';
    }
    const named = firstNames(
        machines.map((m) => `${m.name} (${Math.floor((now.getTime() - Date.parse(m.lastStatusChange ?? '')) / TIME.DAY)} days)`),
    );
    return ` ${machines.length === 1 ? '1 Arc-enabled server has' : `${machines.length} Arc-enabled servers have`} been disconnected for ${LONG_DISCONNECTED_DAYS} days or more: ${named} — after 45 to 90 days disconnected a server's managed identity expires, and its agent must be onboarded again.`;
}
