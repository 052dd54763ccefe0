/**
 * The Overview view: data source and account, scope, and the headline figures. The anomaly count takes seconds on a
 * large estate (every series is analysed), so the other figures show first and it fills in when ready.
 */
import * as vscode from 'vscode';
import type { InfraSource } from '../../core/source';
import { answerOrError, ModelTreeProvider } from './modelTree';
import { buildOverview, WINDOWS_HIGH_WEIGHT, type OverviewInputs, type TreeNodeModel } from './treeModel';

/** The tool runs behind the Overview's figures (each asks for one row: the summaries count everything). */
export async function overviewInputs(source: InfraSource, signal?: AbortSignal, account?: string): Promise<OverviewInputs> {
    const [scopes, servers, patches, sqlHigh, windowsHigh] = await Promise.all([
        answerOrError(source, 'ListScopes', {}, signal),
        answerOrError(source, 'GetServerMetadata', { max_results: 1 }, signal),
        answerOrError(source, 'GetPatchingLevel', { max_results: 1 }, signal),
        answerOrError(source, 'GetSqlBpAssessment', { severity: ['High'], max_results: 1 }, signal),
        answerOrError(source, 'GetWinBpAssessment', { min_weight: WINDOWS_HIGH_WEIGHT, max_results: 1 }, signal),
    ]);
    return { sourceKind: source.kind, sourceDescription: source.description, account, scopes, servers, patches, sqlHigh, windowsHigh };
}

/** The anomaly figure of the Overview. */
export function overviewAnomalies(source: InfraSource, signal?: AbortSignal): Promise<Record<string, unknown> | Error> {
    return answerOrError(source, 'GetAnomalies', { timespan: '24h', max_results: 1 }, signal);
}

export class OverviewTreeProvider extends ModelTreeProvider {
    /** Empty, so the view's welcome content (sign in, or use sample data) shows instead. */
    protected override noSource(_message: string): TreeNodeModel[] {
        void vscode.commands.executeCommand('setContext', 'infraInsights.noSource', true);
        return [];
    }

    protected async compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        void vscode.commands.executeCommand('setContext', 'infraInsights.noSource', false);
        const anomalies = overviewAnomalies(source, signal);
        const inputs = await overviewInputs(source, signal, this.deps.account?.());
        void anomalies.then((anomalies24h) => {
            if (!signal.aborted) {
                this.replaceRoots(buildOverview({ ...inputs, anomalies24h }));
            }
        });
        return buildOverview(inputs);
    }
}
