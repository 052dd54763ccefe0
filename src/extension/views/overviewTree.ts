/**
 * The Overview view: data source and account, scope, and the headline figures. The anomaly count takes seconds on a
 * large estate (every series is analysed), so the other figures show first and it fills in when ready.
 */
import * as vscode from 'vscode';
import type { InfraSource } from '../../core/source';
import { ModelTreeProvider } from './modelTree';
import { overviewAnomalies, overviewInputs } from './queries';
import { buildOverview, type TreeNodeModel } from './treeModel';

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
