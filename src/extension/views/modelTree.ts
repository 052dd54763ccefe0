/**
 * What every Infra Insights tree shares: it computes its nodes from tool answers once per data source (cached until
 * Refresh or a source change), shows progress on the view while it does, and replaces an empty tree with an error
 * item that retries when clicked. Subclasses only say how to compute their nodes.
 */
import * as vscode from 'vscode';
import type { InfraSource } from '../../core/source';
import { isAllowedLink } from '../../shared/messages';
import { remedies, type TreeNodeModel } from './treeModel';
import type { PortalTarget } from '../webviews/tableSpecs';

/** Where the views log (a `LogOutputChannel` or the extension's logger both fit). */
export interface ViewLog {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

/** What the views need from `activate`; see the contract at the top of `index.ts`. */
export interface ViewDeps {
    /** The currently configured data source (sample or Azure); rejected promise = no source (shown as an error item). */
    getSource(): Promise<InfraSource>;
    /** Fires when the settings or the sign-in change the source; every tree drops its cache. */
    onDidChangeSource: vscode.Event<void>;
    log: ViewLog;
    /** Optional: the signed-in account's label, shown in the Overview. */
    account?(): string | undefined;
    /** Optional: the configured cloud and tenant, which "Open in Azure Portal" opens (global Azure when absent). */
    portal?(): PortalTarget;
}

export abstract class ModelTreeProvider implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<TreeNodeModel | undefined | void>();
    readonly onDidChangeTreeData = this.changed.event;
    private roots: Promise<TreeNodeModel[]> | undefined;
    private controller: AbortController | undefined;
    /** Which source the nodes came from: portal links only make sense for Azure resources. */
    protected sourceKind: 'sample' | 'azure' = 'sample';

    constructor(
        readonly viewId: string,
        protected readonly deps: ViewDeps,
    ) {}

    /** Computes the top-level nodes (children come with them). Throwing shows the error item. */
    protected abstract compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]>;

    /** Drops the cache and asks VS Code to ask again. */
    refresh(): void {
        this.controller?.abort();
        this.controller = undefined;
        this.roots = undefined;
        this.changed.fire();
    }

    /** Replaces the top level without recomputing (a late part of the answer arrived). */
    protected replaceRoots(nodes: TreeNodeModel[]): void {
        this.roots = Promise.resolve(nodes);
        this.changed.fire();
    }

    getTreeItem(node: TreeNodeModel): vscode.TreeItem {
        return toTreeItem(node, this.viewId, this.sourceKind);
    }

    getChildren(node?: TreeNodeModel): vscode.ProviderResult<TreeNodeModel[]> {
        return node ? (node.children ?? []) : this.rootNodes();
    }

    /** The top level, computed once per source (tests call this directly). */
    rootNodes(): Promise<TreeNodeModel[]> {
        if (!this.roots) {
            const controller = new AbortController();
            this.controller = controller;
            const roots = Promise.resolve(
                vscode.window.withProgress({ location: { viewId: this.viewId } }, () => this.load(controller.signal)),
            );
            this.roots = roots;
        }
        return this.roots;
    }

    private async load(signal: AbortSignal): Promise<TreeNodeModel[]> {
        const started = Date.now();
        let source: InfraSource;
        try {
            source = await this.deps.getSource();
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            this.deps.log.warn(`View ${this.viewId} has no data source: ${message}`);
            return this.noSource(message);
        }
        try {
            this.sourceKind = source.kind;
            const nodes = await this.compute(source, signal);
            this.deps.log.info(`View ${this.viewId} computed in ${Date.now() - started} ms.`);
            return nodes;
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (signal.aborted) {
                return [];
            }
            this.deps.log.warn(`View ${this.viewId} could not load: ${message}`);
            return [errorNode(message), ...remedies([message], { sourceKind: source.kind, account: this.deps.account?.() })];
        }
    }

    /** What the view shows when no data source can be built (only Azure's can fail: not signed in, say). */
    protected noSource(message: string): TreeNodeModel[] {
        return [errorNode(message), ...remedies([message], { sourceKind: 'azure', account: this.deps.account?.() })];
    }

    dispose(): void {
        this.controller?.abort();
        this.changed.dispose();
    }
}

/** The item shown instead of an empty tree when loading failed; clicking it retries. */
export function errorNode(message: string): TreeNodeModel {
    return {
        id: 'error',
        label: 'Could not load — click to retry',
        description: message.length > 120 ? `${message.slice(0, 117)}…` : message,
        tooltip: message,
        icon: { id: 'error', color: 'list.errorForeground' },
        error: true,
    };
}

/**
 * A node as VS Code shows it. `contextValue` is a space-separated list of what the node offers (`table`, `copy`,
 * `azure`, `machine`, `help`, `error`), and package.json menus match words in it.
 */
export function toTreeItem(node: TreeNodeModel, viewId: string, sourceKind: 'sample' | 'azure'): vscode.TreeItem {
    const state = node.children?.length
        ? node.expanded
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, state);
    item.id = `${viewId}/${node.id}`;
    item.description = node.description;
    item.tooltip = node.tooltip ?? (node.description ? `${node.label} — ${node.description}` : node.label);
    if (node.icon) {
        item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    }
    const offers = ['infraInsightsNode'];
    if (node.table) {
        offers.push('table');
    }
    if (!node.error && !node.loading) {
        offers.push('copy');
    }
    if (node.resourceId && sourceKind === 'azure') {
        offers.push('azure');
    }
    if (node.machine) {
        offers.push('machine');
    }
    if (node.helpLink && isAllowedLink(node.helpLink)) {
        offers.push('help');
    }
    if (node.error) {
        offers.push('error');
    }
    item.contextValue = offers.join(' ');
    if (node.error) {
        item.command = { command: 'infraInsights.refresh', title: 'Retry', arguments: [viewId] };
    } else if (node.command) {
        item.command = { command: node.command.id, title: node.command.title };
    } else if (node.table) {
        item.command = { command: 'infraInsights.openTable', title: 'Open Table', arguments: [node] };
    }
    return item;
}
