/**
 * Which agent sends each machine's data to Log Analytics, and which of its extensions failed, from the extension records
 * a source returns: shared by GetServerMetadata (which lists them) and the workspace tools (which say why a machine they
 * were asked about sent nothing).
 */
import { z } from 'zod';
import { MONITORING_AGENT_TYPES, type Machine, type MachineExtension, type MonitoringAgent } from '../core/model';
import { byText, groupBy } from '../core/summaries';
import { hostName } from '../core/source';
import { truncate } from '../core/timespan';
import type { WorkspaceScope } from './common';
import { namesOf } from './common';
import { firstNames, shortTime } from './text';
import type { ToolContext } from './types';

export const MONITORING_AGENT_TEXT =
    'ama: the Azure Monitor Agent; legacy: only the Log Analytics agent (MMA/OMS), unsupported since 31 August 2024; both: both (a migration under way); none: neither, so no Log Analytics workspace gets its performance, inventory or assessment data';

export const failedExtension = z.object({
    name: z.string(),
    type: z.string().describe('e.g. AzureMonitorWindowsAgent, MDE.Linux, WindowsAgent.SqlServer'),
    message: z.string().optional().describe('the status message Azure keeps for it'),
});

export interface AgentView {
    monitoringAgent: MonitoringAgent | null;
    monitoringAgentState: string | null;
    failedExtensions: z.infer<typeof failedExtension>[];
}

/** The machines' agent extensions, by machine; `known` is false when the source could not say (then `warnings` says why). */
export interface Agents {
    known: boolean;
    warnings: string[];
    of(machine: Machine): AgentView;
}

const UNKNOWN_AGENT: AgentView = Object.freeze({ monitoringAgent: null, monitoringAgentState: null, failedExtensions: [] });
const AMA_TYPES = new Set<string>(MONITORING_AGENT_TYPES.ama.map((t) => t.toLowerCase()));
const LEGACY_TYPES = new Set<string>(MONITORING_AGENT_TYPES.legacy.map((t) => t.toLowerCase()));
/** Extension types as written, to what they are: a fleet has a handful of distinct types and thousands of extensions. */
const typeKinds = new Map<string, 'ama' | 'legacy' | 'other'>();
function kindOf(type: string): 'ama' | 'legacy' | 'other' {
    let kind = typeKinds.get(type);
    if (kind === undefined) {
        const lower = type.toLowerCase();
        kind = AMA_TYPES.has(lower) ? 'ama' : LEGACY_TYPES.has(lower) ? 'legacy' : 'other';
        if (typeKinds.size < 1000) {
            typeKinds.set(type, kind);
        }
    }
    return kind;
}
const isFailed = (e: MachineExtension) => e.state === 'Failed' || (e.state !== 'Succeeded' && e.state.toLowerCase() === 'failed');

/**
 * Reads the extensions of the machines in the subscriptions and tells, per machine, which agent sends its data to Log
 * Analytics and which extensions failed. With `tolerant`, a failure (no read access to extensions, a throttled page)
 * leaves every machine's agent unknown with a warning instead of failing the tool; a cancelled call still stops.
 */
export async function agentsOf(context: ToolContext, subscriptionIds: string[], tolerant: boolean): Promise<Agents> {
    let rows: MachineExtension[];
    let warnings: string[];
    try {
        ({ rows, warnings } = await context.source.getMachineExtensions({ subscriptionIds, signal: context.signal }));
    } catch (error) {
        if (!tolerant || context.signal?.aborted) {
            throw error;
        }
        const reason = error instanceof Error ? error.message : String(error);
        return { known: false, warnings: [`Monitoring agents and failed extensions are not shown: ${reason}`], of: () => UNKNOWN_AGENT };
    }
    // One view per machine id, as the source gives it: exactly as the machine's id, or in lower case (Resource Graph ids
    // keep the casing they were created with, and the extensions query lowers them). Exact first, so a lookup hashes no
    // new string.
    const views = viewsByMachine(rows);
    const none: AgentView = Object.freeze({ monitoringAgent: 'none', monitoringAgentState: null, failedExtensions: [] });
    return {
        known: true,
        warnings,
        of: (machine) => {
            let view = views.get(machine.id);
            if (view === undefined) {
                // Remembered under the id as written, so that asking again for the same machine (a tool asks two or
                // three times) lowers and hashes no new string.
                view = views.get(machine.id.toLowerCase()) ?? none;
                views.set(machine.id, view);
            }
            return view;
        },
    };
}

/**
 * One view per machine id. Sources list a machine's extensions together, so each run of rows with one id is a machine
 * (one map write per machine, not a lookup per row); should an id come back after another's rows, the rows are grouped
 * by id instead.
 */
function viewsByMachine(rows: readonly MachineExtension[]): Map<string, AgentView> {
    const views = new Map<string, AgentView>();
    for (let start = 0; start < rows.length;) {
        const id = rows[start].machineId;
        let end = start + 1;
        while (end < rows.length && rows[end].machineId === id) {
            end++;
        }
        if (views.has(id)) {
            views.clear();
            for (const [machineId, extensions] of groupBy(rows, (e) => e.machineId)) {
                views.set(machineId, agentView(extensions));
            }
            return views;
        }
        views.set(id, agentView(rows.slice(start, end)));
        start = end;
    }
    return views;
}

/** Views without a failed extension are shared, one per agent and state: most machines allocate nothing. */
const healthyViews = new Map<MonitoringAgent, Map<string | null, AgentView>>();

function agentView(extensions: readonly MachineExtension[]): AgentView {
    let ama: MachineExtension | undefined;
    let legacy: MachineExtension | undefined;
    let failed = 0;
    for (const e of extensions) {
        const kind = kindOf(e.type);
        if (!ama && kind === 'ama') {
            ama = e;
        } else if (!legacy && kind === 'legacy') {
            legacy = e;
        }
        failed += isFailed(e) ? 1 : 0;
    }
    const agent = ama ?? legacy;
    const monitoringAgent: MonitoringAgent = ama && legacy ? 'both' : ama ? 'ama' : legacy ? 'legacy' : 'none';
    const monitoringAgentState = agent?.state ?? null;
    if (failed === 0) {
        let byState = healthyViews.get(monitoringAgent);
        if (!byState) {
            byState = new Map();
            healthyViews.set(monitoringAgent, byState);
        }
        let view = byState.get(monitoringAgentState);
        if (!view) {
            view = Object.freeze({ monitoringAgent, monitoringAgentState, failedExtensions: [] });
            // Bounded like the extension types: a state is one of a handful Azure reports.
            if (byState.size < 100) {
                byState.set(monitoringAgentState, view);
            }
        }
        return view;
    }
    const failures = extensions.filter(isFailed).sort((x, y) => Number(y === agent) - Number(x === agent) || byText(x.name, y.name));
    return {
        monitoringAgent,
        monitoringAgentState,
        failedExtensions: failures.map((e) =>
            e.message ? { name: e.name, type: e.type, message: e.message } : { name: e.name, type: e.type },
        ),
    };
}

export function agentFailed(view: AgentView): boolean {
    const state = view.monitoringAgentState;
    return state === 'Failed' || (state !== null && state !== 'Succeeded' && state.toLowerCase() === 'failed');
}

/** Service states that mean "not running": Windows' Stopped, StopPending and Paused; systemd's inactive and failed. */
const SERVICE_DOWN = /^(stopped|stoppending|paused|inactive|failed)$/i;

/**
 * Whether a connected Arc-enabled server says its extension service is not running: then no extension can be installed,
 * updated or removed on it. A state it did not give or that says nothing clear (`Unknown`), or a machine not connected
 * (its last report is stale), is not judged.
 */
export function extensionServiceDown(m: Pick<Machine, 'kind' | 'status' | 'extensionService'>): boolean {
    return m.kind === 'arc' && m.status === 'Connected' && SERVICE_DOWN.test(m.extensionService ?? '');
}

/** A `server_name` selecting more machines than this (a wide wildcard) is not looked into machine by machine. */
export const EXPLAINED_MACHINES = 20;

/**
 * Warnings for the machines `server_name` selected that an answer holds nothing of — why the workspace has no data from
 * them, as far as Azure says: no monitoring agent, a failed one, only the retired one, another workspace, a machine off —
 * so an empty answer is not read as "nothing to report". `reported`: the computers the answer holds data of, asked only when
there are machines to explain. `expected` — `always`: a machine that reports always has some of this data (inventory,
 * metrics), so even one whose agent looks well is named, with where to look; `from-ama`: data only the Azure Monitor
 * Agent collects (the best-practice assessments), which a machine may lack for a good reason (nothing failed) — only a
 * definite cause is said, the retired agent alone among them; `sometimes` (changes: a quiet week has none): only a
 * definite cause of the machine or its agent. Supplementary: if the extensions cannot be read, the reasons they give are
 * left out.
 */
export type NoDataExpectation = 'always' | 'from-ama' | 'sometimes';

export async function noDataWarnings(
    context: ToolContext,
    scope: Pick<WorkspaceScope, 'selected' | 'workspaceId' | 'range'>,
    reported: () => Iterable<string>,
    what: string,
    expected: NoDataExpectation,
): Promise<string[]> {
    const selected = scope.selected ?? [];
    if (selected.length === 0) {
        return [];
    }
    const read = scope.workspaceId.toLowerCase();
    // Machines that report to another workspace are not in this answer, however many were asked about: named once per
    // workspace, with the workspace_id that reads them.
    const byWorkspace = new Map<string, string[]>();
    for (const m of selected) {
        const theirs = m.workspaceId?.toLowerCase();
        if (theirs && theirs !== read) {
            byWorkspace.set(theirs, [...(byWorkspace.get(theirs) ?? []), m.name]);
        }
    }
    const warnings: string[] = [];
    if (byWorkspace.size > 0) {
        const workspaces = (await context.source.listScopes({ signal: context.signal })).workspaces;
        for (const [id, names] of byWorkspace) {
            const other = workspaces.find((w) => w.customerId.toLowerCase() === id);
            const shownId = other?.customerId ?? id;
            warnings.push(
                `${firstNames(names.sort(byText))} ${names.length === 1 ? 'reports' : 'report'} to workspace ${other ? `${other.name} (${other.customerId})` : id}, not this one: pass workspace_id ${shownId} to read ${names.length === 1 ? 'it' : 'them'}.`,
            );
        }
    }
    if (selected.length > EXPLAINED_MACHINES) {
        return warnings; // a wide selection: the machines it holds are not looked into one by one
    }
    const hosts = new Set<string>();
    for (const computer of reported()) {
        hosts.add(hostName(computer));
    }
    const missing = selected.filter(
        (m) => !(m.workspaceId && byWorkspace.has(m.workspaceId.toLowerCase())) && !namesOf(m).some((n) => hosts.has(hostName(n))),
    );
    if (missing.length === 0) {
        return warnings;
    }
    const agents = await agentsOf(context, [...new Set(missing.map((m) => m.subscriptionId))], true);
    for (const m of missing) {
        const why = noDataReason(m, agents.of(m), expected);
        if (why) {
            // A status message's own full stop is not doubled.
            warnings.push(`${m.name} sent no ${what} to this workspace in the last ${scope.range.timespan}: ${why.replace(/\.+$/, '')}.`);
        }
    }
    return warnings;
}

/**
 * A warning naming the machines `server_name` selected that a tool's data cannot cover at all (a Linux machine for the
 * Windows Server assessment, a machine without SQL Server for the SQL Server assessment), so that an empty answer about
 * them is not read as a clean bill of health. `why`: what follows the names, for one machine and for several.
 */
export function outsideWarnings(
    selected: readonly Machine[] | undefined,
    outside: (m: Machine) => boolean,
    why: readonly [one: string, many: string],
): string[] {
    if (!selected || selected.length > EXPLAINED_MACHINES) {
        return []; // a wide wildcard: the machines it holds are not looked into one by one
    }
    const names = selected.filter(outside).map((m) => m.name);
    if (names.length === 0) {
        return [];
    }
    return [`${firstNames(names.sort(byText))} ${names.length === 1 ? why[0] : why[1]}.`];
}

function noDataReason(m: Machine, view: AgentView, expected: NoDataExpectation): string | undefined {
    const cause = machineReason(m, view);
    if (cause) {
        return cause;
    }
    // No software change in a week is ordinary, and the retired agent may still send them: only the machine's own cause.
    if (expected === 'sometimes') {
        return undefined;
    }
    if (view.monitoringAgent === 'legacy') {
        return 'it runs only the retired Log Analytics agent (MMA/OMS), unsupported since 31 August 2024';
    }
    if (expected === 'from-ama') {
        return undefined;
    }
    return view.monitoringAgent === null
        ? 'check that its monitoring agent runs and that a data collection rule sends this data to this workspace'
        : 'its Azure Monitor Agent is installed, so check that a data collection rule associated with it sends this data to this workspace';
}

/**
 * What Azure says of machines a workspace stopped hearing from, by computer name as Log Analytics reports it: the machine
 * off (and since when), or its monitoring agent failed (with Azure's message) or gone — or nothing, when Azure sees no
 * reason (then look at the data collection rule or the network). Supplementary: a failure to
 * read the machines or their extensions only leaves the reasons out, with a warning; a cancelled call still stops.
 */
export async function silentReasons(
    context: ToolContext,
    computers: readonly string[],
    warnings: string[],
    known?: readonly Machine[],
): Promise<Map<string, string>> {
    const reasons = new Map<string, string>();
    if (computers.length === 0) {
        return reasons;
    }
    let machines: readonly Machine[];
    try {
        // The machines `server_name` already selected, when it did: no second read of the fleet.
        machines =
            known ??
            (
                await context.source.getMachines({
                    subscriptionIds: (await context.source.listScopes({ signal: context.signal })).subscriptions.map(
                        (s) => s.subscriptionId,
                    ),
                    signal: context.signal,
                })
            ).rows;
    } catch (error) {
        if (context.signal?.aborted) {
            throw error;
        }
        warnings.push(`Why machines stopped reporting is not shown: ${error instanceof Error ? error.message : String(error)}`);
        return reasons;
    }
    const byHost = new Map<string, Machine>();
    for (const m of machines) {
        for (const name of namesOf(m)) {
            byHost.set(hostName(name), m);
        }
    }
    const matched = new Map<string, Machine>();
    for (const computer of computers) {
        const m = byHost.get(hostName(computer));
        if (m) {
            matched.set(computer, m);
        }
    }
    if (matched.size === 0) {
        return reasons;
    }
    const agents = await agentsOf(context, [...new Set([...matched.values()].map((m) => m.subscriptionId))], true);
    warnings.push(...agents.warnings);
    for (const [computer, m] of matched) {
        const why = machineReason(m, agents.of(m));
        if (why) {
            reasons.set(computer, why);
        }
    }
    return reasons;
}

/**
 * Why a machine sends nothing, as far as Azure says, without guessing — the machine off, its monitoring agent failed or
 * missing — as a clause ("it is Disconnected since …"); undefined when Azure sees nothing wrong.
 */
function machineReason(m: Machine, view: AgentView): string | undefined {
    if (m.status !== 'Connected' && m.status !== 'Running') {
        return `it is ${m.status}${m.lastStatusChange ? ` since ${shortTime(m.lastStatusChange)}` : ''}`;
    }
    if (agentFailed(view)) {
        const failure = view.failedExtensions[0];
        return `its monitoring agent (${failure?.type ?? 'extension'}) is in the Failed state${failure?.message ? `: ${truncate(failure.message.replace(/\.+$/, ''), 150)}` : ''}`;
    }
    if (view.monitoringAgent === 'none') {
        return extensionServiceDown(m)
            ? `it has no monitoring agent, so no workspace receives its data, and none can be installed while its extension service is ${m.extensionService}`
            : 'it has no monitoring agent, so no workspace receives its data (GetServerMetadata lists its agent)';
    }
    return undefined;
}

/** The computers of an answer's rows, for {@link noDataWarnings}. */
export function rowsComputers(rows: readonly { computer: string }[]): Set<string> {
    const computers = new Set<string>();
    for (const row of rows) {
        computers.add(row.computer);
    }
    return computers;
}
