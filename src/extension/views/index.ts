/**
 * The sidebar (Overview, Patches, Assessments, Anomalies, Servers), the table webviews and the "Run Tool…" commands.
 *
 * Contract with `activate` (src/extension/extension.ts) — call once, never throws past its own guard:
 *
 *     import { registerViews, type ViewDeps } from './views';
 *     const sourceChanged = new vscode.EventEmitter<void>();          // fire on settings / sign-in change
 *     context.subscriptions.push(sourceChanged);
 *     registerViews(context, {
 *         getSource: async () => (await runner.activeSource()).source, // Promise<InfraSource>; reject = no source
 *         onDidChangeSource: sourceChanged.event,                     // vscode.Event<void>
 *         log,                                                        // LogOutputChannel or the Logger (info/warn/error)
 *         account: () => auth.account?.label,                         // optional: shown in the Overview
 *     });
 *     // and in onStateChanged(): sourceChanged.fire();
 *
 * ViewDeps (exported from ./modelTree):
 *     interface ViewDeps {
 *         getSource(): Promise<InfraSource>;
 *         onDidChangeSource: vscode.Event<void>;
 *         log: { info(m: string): void; warn(m: string): void; error(m: string): void };
 *         account?(): string | undefined;
 *     }
 *
 * Everything registered goes into `context.subscriptions`. The `contributes` entries these need are in
 * ./contributes.json (and merged into package.json).
 */
import * as vscode from 'vscode';
import { isAllowedLink } from '../../shared/messages';
import { TOOL_NAMES } from '../../tools/vocabulary';
import { runToolCommand, type RunToolArgs } from '../runTool';
import { TablePanel, type TablePanelDeps } from '../webviews/tablePanel';
import { portalUrl, type TableRequest } from '../webviews/tableSpecs';
import { AnomaliesTreeProvider } from './anomaliesTree';
import { AssessmentsTreeProvider } from './assessmentsTree';
import type { ModelTreeProvider, ViewDeps } from './modelTree';
import { OverviewTreeProvider } from './overviewTree';
import { PatchesTreeProvider } from './patchesTree';
import { ServersTreeProvider } from './serversTree';
import { anomalyCheckRequest, type TreeNodeModel } from './treeModel';

export type { ViewDeps, ViewLog } from './modelTree';

/** View ids, as declared in package.json `contributes.views.infraInsights`. */
export const VIEW_IDS = {
    overview: 'infraInsights.overview',
    patches: 'infraInsights.patches',
    assessments: 'infraInsights.assessments',
    anomalies: 'infraInsights.anomalies',
    servers: 'infraInsights.servers',
} as const;

/** Registers the trees, their commands, the table commands and Run Tool; see the contract above. */
export function registerViews(context: vscode.ExtensionContext, deps: ViewDeps): void {
    const providers: ModelTreeProvider[] = [
        new OverviewTreeProvider(VIEW_IDS.overview, deps),
        new PatchesTreeProvider(VIEW_IDS.patches, deps),
        new AssessmentsTreeProvider(VIEW_IDS.assessments, deps),
        new AnomaliesTreeProvider(VIEW_IDS.anomalies, deps),
        new ServersTreeProvider(VIEW_IDS.servers, deps),
    ];
    for (const provider of providers) {
        context.subscriptions.push(
            provider,
            vscode.window.createTreeView(provider.viewId, { treeDataProvider: provider, showCollapseAll: true }),
        );
    }
    const refresh = (viewId?: unknown) => {
        for (const provider of providers) {
            if (typeof viewId !== 'string' || viewId === provider.viewId) {
                provider.refresh();
            }
        }
    };
    const tableDeps: TablePanelDeps = {
        extensionUri: context.extensionUri,
        getSource: () => deps.getSource(),
        onDidChangeSource: deps.onDidChangeSource,
        log: deps.log,
        portal: deps.portal,
    };
    const openTable = (target: TreeNodeModel | TableRequest | undefined) => {
        const request = target && 'tool' in target ? target : target?.table;
        return request ? TablePanel.show(tableDeps, request) : undefined;
    };
    const guard =
        <A extends unknown[]>(id: string, run: (...args: A) => unknown) =>
        async (...args: A) => {
            try {
                return await run(...args);
            } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                deps.log.error(`Command ${id} failed: ${message}`);
                void vscode.window.showErrorMessage(`Infra Insights: ${message}`);
                return undefined;
            }
        };
    const commands: Record<string, (...args: never[]) => unknown> = {
        'infraInsights.refresh': refresh,
        'infraInsights.openTable': openTable,
        'infraInsights.copy': async (node?: TreeNodeModel) => {
            if (node) {
                await vscode.env.clipboard.writeText(node.copyText ?? node.label);
            }
        },
        'infraInsights.openInPortal': async (node?: TreeNodeModel) => {
            if (node?.resourceId) {
                const url = portalUrl(node.resourceId, deps.portal?.());
                if (isAllowedLink(url)) {
                    await vscode.env.openExternal(vscode.Uri.parse(url, true));
                }
            }
        },
        'infraInsights.openHelp': async (node?: TreeNodeModel) => {
            // Help links come from the assessment data: open only Microsoft documentation.
            if (node?.helpLink && isAllowedLink(node.helpLink)) {
                await vscode.env.openExternal(vscode.Uri.parse(node.helpLink, true));
            }
        },
        'infraInsights.checkAnomalies': (node?: TreeNodeModel) =>
            node?.machine ? TablePanel.show(tableDeps, anomalyCheckRequest(node.machine)) : undefined,
        'infraInsights.runTool': (preset?: RunToolArgs) => runToolCommand(tableDeps, preset),
        'infraInsights.exportTable': async (options?: { uri?: string | vscode.Uri }) => {
            const panel = TablePanel.active;
            if (!panel) {
                void vscode.window.showInformationMessage('Infra Insights: open a table first (Run Tool…, or an item in the sidebar).');
                return undefined;
            }
            const target = typeof options?.uri === 'string' ? vscode.Uri.parse(options.uri) : options?.uri;
            return (await panel.exportCsv(target))?.toString();
        },
        // For the integration tests: the labels a person sees at a path in a view (the same nodes VS Code gets).
        'infraInsights.views.inspect': async (view: string, path: string[] = []) => {
            const provider = providers.find((p) => p.viewId === view);
            if (!provider) {
                return undefined;
            }
            let nodes = await provider.rootNodes();
            for (const label of path) {
                nodes = nodes.find((n) => n.label === label)?.children ?? [];
            }
            return nodes.map((n) => ({ label: n.label, description: n.description, children: n.children?.length ?? 0 }));
        },
    };
    for (const tool of TOOL_NAMES) {
        commands[`infraInsights.runTool.${tool}`] = () => runToolCommand(tableDeps, { tool });
    }
    for (const [id, run] of Object.entries(commands)) {
        context.subscriptions.push(vscode.commands.registerCommand(id, guard(id, run as (...args: unknown[]) => unknown)));
    }
    context.subscriptions.push(deps.onDidChangeSource(() => refresh()));
}
