/**
 * The host side of a table webview: runs the tool in-process, sends the table once the webview says `ready`, and
 * does what a webview must not do itself — save the CSV (save dialog + `workspace.fs`), write the clipboard, open a
 * link (after re-checking its host), and fetch an anomaly's series for the chart. A table loads again when the data
 * source changes (sign-in, settings) or the person presses Reload, and the same request opens no second panel.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { InfraSource } from '../../core/source';
import type { ChartData, HostMessage, TableData, TableViewState, WebviewMessage } from '../../shared/messages';
import { isAllowedLink } from '../../shared/messages';
import { EMPTY_VIEW, TableIndex, toCsv } from '../../shared/tableModel';
import { tools } from '../tools';
import { chartFor, chartRequestFor, tableHtml, withMarks } from './tablePage';
import { requestKey, tableFromResult, TABLE_MAX_RESULTS, type PortalTarget, type TableRequest } from './tableSpecs';

/** What a table panel needs from the extension. */
export interface TablePanelDeps {
    extensionUri: vscode.Uri;
    getSource(): Promise<InfraSource>;
    /** Fires when the data source may have changed (the event the trees refresh on): open tables load again. */
    onDidChangeSource: vscode.Event<void>;
    log: { info(message: string): void; warn(message: string): void; error(message: string): void };
    /** The configured cloud and tenant, read when a table loads: its portal links go there (global Azure when absent). */
    portal?(): PortalTarget;
}

/**
 * Excel on Windows reads a CSV without a byte-order mark in the ANSI code page, so "Zürich" or "東京" come out garbled;
 * with it, Excel reads UTF-8 (other programs skip it).
 */
const UTF8_BOM = '\uFEFF';

/** The outcome of opening a table, for the command's caller (and the integration tests). */
export interface OpenedTable {
    ok: boolean;
    title: string;
    rows: number;
    message?: string;
}

/** How long a new panel's view state may take to be reported before older panels' reports count again. */
const SETTLE_MS = 3000;

/** One webview panel showing one tool answer. */
export class TablePanel implements vscode.Disposable {
    private static readonly open = new Set<TablePanel>();
    private static lastActive: TablePanel | undefined;
    /**
     * The newest panel until the window first reports its view state (or SETTLE_MS pass). The window reports view states
     * late — a panel opened a moment ago may not be drawn yet — so until then a report that an older panel is active
     * describes the window from before the new one opened, and does not make the older one "the table in front".
     */
    private static settling: TablePanel | undefined;

    /** The table panel the person used last (for "Export CSV" from the command palette). */
    static get active(): TablePanel | undefined {
        return TablePanel.lastActive;
    }

    private readonly panel: vscode.WebviewPanel;
    private readonly disposables: vscode.Disposable[] = [];
    /** Set once the person closed the panel: from then on nothing touches it (VS Code throws "Webview is disposed"). */
    private disposed = false;
    private ready = false;
    private pending: HostMessage[] = [];
    private table: TableData | undefined;
    private index: TableIndex | undefined;
    private view: TableViewState = { ...EMPTY_VIEW };
    private source: InfraSource | undefined;
    /** The latest load, and its number: an older load that finishes late leaves the panel to the newer one. */
    private loading: Promise<OpenedTable> | undefined;
    private loads = 0;
    private loadRun: AbortController | undefined;
    /** How the latest load ended (undefined while it runs). */
    private outcome: OpenedTable | undefined;
    /** The source changed while the panel was hidden: it loads again when it is next shown. */
    private stale = false;
    /**
     * Charts by series (machine, metric, counter), for the panel's life: arrowing back over rows already seen runs no
     * tool. Null: the tool answered but had no such series.
     */
    private readonly charts = new Map<string, ChartData | null>();
    /** The chart request in flight and its number: a newer selection stops it and drops its answer. */
    private chartRun: AbortController | undefined;
    private chartRequests = 0;

    private constructor(
        private readonly deps: TablePanelDeps,
        private readonly request: TableRequest,
        /** The request as a key: a second request equal to it shows this panel instead of opening another. */
        private readonly key: string,
    ) {
        const title = request.title ?? request.tool;
        this.panel = vscode.window.createWebviewPanel('infraInsights.table', title, vscode.ViewColumn.Active, {
            enableScripts: true,
            retainContextWhenHidden: true,
            localResourceRoots: [
                vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview'),
                vscode.Uri.joinPath(deps.extensionUri, 'media'),
            ],
        });
        this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'infra-insights.svg');
        this.panel.webview.html = this.html();
        this.disposables.push(
            this.panel.webview.onDidReceiveMessage((message: WebviewMessage) => void this.onMessage(message)),
            this.panel.onDidChangeViewState(() => {
                if (TablePanel.settling === this) {
                    TablePanel.settling = undefined;
                } else if (TablePanel.settling) {
                    return;
                }
                if (this.panel.active) {
                    TablePanel.lastActive = this;
                }
            }),
            this.panel.onDidChangeViewState(() => {
                if (this.stale && this.panel.visible) {
                    void this.reload();
                }
            }),
            this.panel.onDidDispose(() => this.dispose()),
            deps.onDidChangeSource(() => this.sourceChanged()),
        );
        TablePanel.open.add(this);
        TablePanel.lastActive = this;
        TablePanel.settling = this;
        const settled = setTimeout(() => {
            if (TablePanel.settling === this) {
                TablePanel.settling = undefined;
            }
        }, SETTLE_MS);
        this.disposables.push({ dispose: () => clearTimeout(settled) });
    }

    /**
     * Opens a panel, runs the tool under a progress notification, and shows the answer (or the error) in it. A request
     * equal to an open panel's shows that panel instead (a second click on a tree item runs nothing twice); if that
     * panel's load had failed, it tries again.
     */
    static async show(deps: TablePanelDeps, request: TableRequest): Promise<OpenedTable> {
        const key = requestKey(request);
        const existing = [...TablePanel.open].find((p) => p.key === key);
        if (existing) {
            existing.panel.reveal();
            return existing.reopen();
        }
        return new TablePanel(deps, request, key).reload();
    }

    private reopen(): Promise<OpenedTable> {
        if (!this.loading || this.stale || this.outcome?.ok === false) {
            return this.reload();
        }
        return this.loading;
    }

    /** The data source changed: load now if the person can see the table, else when they next do. */
    private sourceChanged(): void {
        if (this.disposed) {
            return;
        }
        this.deps.log.info(
            `The data source changed; table "${this.title}" ${this.panel.visible ? 'loads again' : 'loads again when shown'}.`,
        );
        if (this.panel.visible) {
            void this.reload();
        } else {
            this.stale = true;
        }
    }

    /** Drops the rows, the charts and any run in flight, and loads again. */
    private reload(): Promise<OpenedTable> {
        this.stale = false;
        this.outcome = undefined;
        this.loadRun?.abort();
        this.chartRun?.abort();
        this.chartRequests++;
        this.charts.clear();
        this.table = undefined;
        this.index = undefined;
        this.loading = this.load(++this.loads);
        return this.loading;
    }

    /** Runs the request and fills the panel, unless it was closed or a newer load began meanwhile. */
    private async load(number: number): Promise<OpenedTable> {
        const title = this.request.title ?? this.request.tool;
        const abort = new AbortController();
        this.loadRun = abort;
        this.post({ type: 'loading', title });
        const args = { max_results: TABLE_MAX_RESULTS, ...this.request.args };
        const { run, source } = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Infra Insights: running ${this.request.tool}…`, cancellable: true },
            async (progress, token) => {
                const cancel = token.onCancellationRequested(() => abort.abort());
                let source: InfraSource | undefined;
                try {
                    source = await this.deps.getSource();
                    const context = { source, signal: abort.signal, progress: (message: string) => progress.report({ message }) };
                    return { run: await tools().runTool(this.request.tool, context, args), source };
                } catch (error) {
                    return { run: { ok: false as const, message: error instanceof Error ? error.message : String(error) }, source };
                } finally {
                    cancel.dispose();
                }
            },
        );
        if (this.disposed) {
            return { ok: false, title, rows: 0, message: 'The table was closed before it loaded.' };
        }
        if (number !== this.loads && this.loading) {
            return this.loading;
        }
        this.source = source;
        if (!run.ok) {
            this.deps.log.warn(`Table ${this.request.tool} failed: ${run.message}`);
            this.post({ type: 'error', message: run.message });
            this.outcome = { ok: false, title, rows: 0, message: run.message };
            return this.outcome;
        }
        this.table = tableFromResult(this.request, run.structured, this.deps.portal?.());
        this.index = new TableIndex(this.table);
        this.view = { ...EMPTY_VIEW, ...this.table.initial, facets: { ...this.table.initial?.facets } };
        this.panel.title = this.table.title;
        this.post({ type: 'table', table: this.table });
        this.deps.log.info(`Table "${this.table.title}" opened with ${this.table.rows.length} rows.`);
        this.outcome = { ok: true, title: this.table.title, rows: this.table.rows.length };
        return this.outcome;
    }

    /** Rows the person sees now, in order (the same computation as the webview's). */
    visibleRows(): number[] {
        return this.index ? this.index.rowsFor(this.view) : [];
    }

    get title(): string {
        return this.table?.title ?? this.request.title ?? this.request.tool;
    }

    /**
     * Saves the rows shown as CSV: to `target` when given (tests, automation), else where the person picks in the save
     * dialog. Returns where it wrote, or undefined when cancelled.
     */
    async exportCsv(target?: vscode.Uri, state?: TableViewState): Promise<vscode.Uri | undefined> {
        if (!this.table || !this.index) {
            void vscode.window.showWarningMessage('Infra Insights: the table has no rows yet.');
            return undefined;
        }
        const order = this.index.rowsFor(state ?? this.view);
        const uri =
            target ??
            (await vscode.window.showSaveDialog({
                title: 'Export table as CSV',
                saveLabel: 'Export',
                filters: { 'CSV files': ['csv'] },
                defaultUri: vscode.Uri.joinPath(
                    vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()),
                    `${safeFileName(this.table.title)}.csv`,
                ),
            }));
        if (!uri) {
            return undefined;
        }
        await vscode.workspace.fs.writeFile(uri, Buffer.from(UTF8_BOM + toCsv(this.table, order), 'utf8'));
        this.deps.log.info(`Exported ${order.length} rows of "${this.table.title}" to ${uri.toString(true)}.`);
        if (!target) {
            void vscode.window.showInformationMessage(
                `Exported ${order.length.toLocaleString('en')} rows to ${uri.fsPath || uri.toString(true)}.`,
            );
        }
        return uri;
    }

    private async onMessage(message: WebviewMessage): Promise<void> {
        if (this.disposed) {
            return;
        }
        switch (message.type) {
            case 'ready':
                this.ready = true;
                for (const pending of this.pending.splice(0)) {
                    void this.panel.webview.postMessage(pending);
                }
                if (this.table) {
                    // A reloaded webview (or a late `ready`) still gets the table.
                    void this.panel.webview.postMessage({ type: 'table', table: this.table } satisfies HostMessage);
                }
                break;
            case 'view':
                this.view = message.state;
                break;
            case 'exportCsv':
                this.view = message.state;
                try {
                    await this.exportCsv();
                } catch (error) {
                    this.deps.log.error(`CSV export failed: ${error instanceof Error ? error.message : String(error)}`);
                    void vscode.window.showErrorMessage(
                        `Infra Insights: could not save the CSV (${error instanceof Error ? error.message : String(error)}).`,
                    );
                }
                break;
            case 'copy':
                await vscode.env.clipboard.writeText(String(message.text).slice(0, 1_000_000));
                vscode.window.setStatusBarMessage('Infra Insights: row copied', 2000);
                break;
            case 'openLink':
                // The webview checked too, but it renders attacker-controlled data: decide here again.
                if (typeof message.url === 'string' && isAllowedLink(message.url)) {
                    await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
                } else {
                    this.deps.log.warn('A table asked to open a link outside the Azure portal and Microsoft documentation; ignored.');
                }
                break;
            case 'requestChart':
                await this.sendChart(message.row);
                break;
            case 'reload':
                await this.reload();
                break;
        }
    }

    /**
     * Sends the chart of a row: its incident, or its disk (filling up, with the line to the time it is full; or low on
     * space), from GetAnomalies with series for the row's machine — or from the charts already fetched for that series.
     * A newer request stops this one's run and drops its answer (the webview also waits for the selection to settle).
     */
    private async sendChart(row: number): Promise<void> {
        const table = this.table;
        const source = this.source;
        const request = table && chartRequestFor(table, row, { max_results: TABLE_MAX_RESULTS, ...this.request.args });
        if (!request || !source) {
            return;
        }
        const number = ++this.chartRequests;
        this.chartRun?.abort();
        this.chartRun = undefined;
        let chart = this.charts.get(request.key);
        if (chart === undefined) {
            const abort = new AbortController();
            this.chartRun = abort;
            const run = await tools().runTool('GetAnomalies', { source, signal: abort.signal }, request.args);
            if (run.ok && this.table === table) {
                this.charts.set(request.key, chartFor(run.structured, request.target, {}) ?? null);
            }
            if (number !== this.chartRequests) {
                return;
            }
            this.chartRun = undefined;
            if (!run.ok) {
                this.post({ type: 'chart', row, message: run.message });
                return;
            }
            chart = this.charts.get(request.key) ?? null;
        }
        this.post(
            chart
                ? { type: 'chart', row, chart: withMarks(chart, request.marks) }
                : { type: 'chart', row, message: 'The tool returned no series for this row.' },
        );
    }

    private post(message: HostMessage): void {
        if (this.disposed) {
            return;
        }
        if (this.ready) {
            void this.panel.webview.postMessage(message);
        } else {
            this.pending.push(message);
        }
    }

    private html(): string {
        const webview = this.panel.webview;
        const nonce = randomBytes(16).toString('base64');
        const script = webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview', 'table.js'));
        const style = webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'table.css'));
        return tableHtml({ cspSource: webview.cspSource, nonce, scriptUri: script.toString(), styleUri: style.toString() });
    }

    dispose(): void {
        if (this.disposed) {
            return;
        }
        this.disposed = true;
        this.loadRun?.abort();
        this.chartRun?.abort();
        TablePanel.open.delete(this);
        if (TablePanel.lastActive === this) {
            TablePanel.lastActive = undefined;
        }
        if (TablePanel.settling === this) {
            TablePanel.settling = undefined;
        }
        this.panel.dispose();
        for (const d of this.disposables.splice(0)) {
            d.dispose();
        }
    }
}

function safeFileName(title: string): string {
    return title.replace(/[^\w .-]+/g, '-').slice(0, 80) || 'table';
}
