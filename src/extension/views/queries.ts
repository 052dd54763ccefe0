/**
 * The tool runs behind each tree, without `vscode`: the providers call these, and so do the unit tests and the
 * benchmark, so what they measure is what the sidebar does.
 */
import type { InfraSource } from '../../core/source';
import { tools } from '../tools';
import { TABLE_MAX_RESULTS } from '../webviews/tableSpecs';
import {
    buildAnomaliesTree,
    buildAssessmentsTree,
    buildPatchesTree,
    buildServersTree,
    OVERDUE_PATCHES,
    WINDOWS_HIGH_WEIGHT,
    type OverviewInputs,
    type TreeNodeModel,
} from './treeModel';

/** Runs a tool in-process and returns its structured answer; a failure becomes an Error with the tool's message. */
export async function answer(
    source: InfraSource,
    tool: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
): Promise<Record<string, unknown>> {
    const run = await tools().runTool(tool, { source, signal }, args);
    if (!run.ok) {
        throw new Error(run.message);
    }
    return run.structured;
}

/** The same, but a failure is returned (so one failing figure does not blank a whole tree). */
export function answerOrError(
    source: InfraSource,
    tool: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
): Promise<Record<string, unknown> | Error> {
    return answer(source, tool, args, signal).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}

/** The Overview's figures except anomalies (each run asks for one row: the summaries count everything). */
export async function overviewInputs(source: InfraSource, signal?: AbortSignal, account?: string): Promise<OverviewInputs> {
    const [scopes, servers, patches, sql, sqlHigh, windowsHigh] = await Promise.all([
        answerOrError(source, 'ListScopes', {}, signal),
        answerOrError(source, 'GetServerMetadata', { max_results: 1 }, signal),
        // Its filters narrow only the patches listed, not the summary: one run gives the fleet's figures and, as its total,
        // the number of overdue patches the Overdue item opens.
        answerOrError(source, 'GetPatchingLevel', { ...OVERDUE_PATCHES, max_results: 1 }, signal),
        answerOrError(source, 'GetSqlMetadata', { max_results: 1 }, signal),
        answerOrError(source, 'GetSqlBpAssessment', { severity: ['High'], max_results: 1 }, signal),
        answerOrError(source, 'GetWinBpAssessment', { min_weight: WINDOWS_HIGH_WEIGHT, max_results: 1 }, signal),
    ]);
    return { sourceKind: source.kind, sourceDescription: source.description, account, scopes, servers, patches, sql, sqlHigh, windowsHigh };
}

/** The Overview's anomaly figure: seconds on a large estate, so it arrives after the rest. */
export function overviewAnomalies(source: InfraSource, signal?: AbortSignal): Promise<Record<string, unknown> | Error> {
    return answerOrError(source, 'GetAnomalies', { timespan: '24h', max_results: 1 }, signal);
}

/** Patches view nodes. */
export async function patchesNodes(source: InfraSource, signal?: AbortSignal): Promise<TreeNodeModel[]> {
    return buildPatchesTree(await answer(source, 'GetPatchingLevel', { max_results: TABLE_MAX_RESULTS }, signal));
}

/** Assessments view nodes; each half fails on its own (an estate without SQL assessment still shows Windows findings). */
export async function assessmentsNodes(source: InfraSource, signal?: AbortSignal): Promise<TreeNodeModel[]> {
    const [sql, windows] = await Promise.all([
        answerOrError(source, 'GetSqlBpAssessment', { max_results: TABLE_MAX_RESULTS }, signal),
        answerOrError(source, 'GetWinBpAssessment', { max_results: TABLE_MAX_RESULTS }, signal),
    ]);
    return buildAssessmentsTree(sql, windows);
}

/** Anomalies view nodes (last 7 days, the tool's default). */
export async function anomaliesNodes(source: InfraSource, signal?: AbortSignal): Promise<TreeNodeModel[]> {
    return buildAnomaliesTree(await answer(source, 'GetAnomalies', { max_results: TABLE_MAX_RESULTS }, signal));
}

/** Servers view nodes. */
export async function serversNodes(source: InfraSource, signal?: AbortSignal): Promise<TreeNodeModel[]> {
    const [servers, sql, scopes] = await Promise.all([
        answer(source, 'GetServerMetadata', { max_results: TABLE_MAX_RESULTS }, signal),
        answerOrError(source, 'GetSqlMetadata', { max_results: TABLE_MAX_RESULTS }, signal),
        answerOrError(source, 'ListScopes', {}, signal),
    ]);
    return buildServersTree(servers, sql instanceof Error ? undefined : sql, scopes instanceof Error ? undefined : scopes);
}
