/**
 * The host side of a table webview: runs the tool in-process, sends the table once the webview says `ready`, and
 * does what a webview must not do itself — save the CSV (save dialog + `workspace.fs`), write the clipboard, open a
 * link (after re-checking its host), and fetch an anomaly's series for the chart.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { InfraSource } from '../../core/source';
import type { HostMessage, TableData, TableViewState, WebviewMessage } from '../../shared/messages';
import { isAllowedLink } from '../../shared/messages';
import { EMPTY_VIEW, TableIndex, toCsv } from '../../shared/tableModel';
import { runTool } from '../../tools';
import { chartFor, tableHtml } from './tablePage';
import { tableFromResult, TABLE_MAX_RESULTS, type TableRequest } from './tableSpecs';

/** What a table panel needs from the extension. */
export interface TablePanelDeps {
    extensionUri: vscode.Uri;
    getSource(): Promise<InfraSource>;
    log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

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
    private ready = false;
    private pending: HostMessage[] = [];
    private table: TableData | undefined;
    private index: TableIndex | undefined;
    private view: TableViewState = { ...EMPTY_VIEW };
    private readonly abort = new AbortController();
    private source: InfraSource | undefined;

    private constructor(
        private readonly deps: TablePanelDeps,
        private readonly request: TableRequest,
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
            this.panel.onDidDispose(() => this.dispose()),
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

    /** Opens a panel, runs the tool under a progress notification, and shows the answer (or the error) in it. */
    static async show(deps: TablePanelDeps, request: TableRequest): Promise<OpenedTable> {
        const panel = new TablePanel(deps, request);
        return panel.load();
    }

    /** Runs the request and fills the panel. */
    private async load(): Promise<OpenedTable> {
        const title = this.request.title ?? this.request.tool;
        this.post({ type: 'loading', title });
        const args = { max_results: TABLE_MAX_RESULTS, ...this.request.args };
        const run = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Infra Insights: running ${this.request.tool}…`, cancellable: true },
            async (progress, token) => {
                const cancel = token.onCancellationRequested(() => this.abort.abort());
                try {
                    this.source = await this.deps.getSource();
                    const context = {
                        source: this.source,
                        signal: this.abort.signal,
                        progress: (message: string) => progress.report({ message }),
                    };
                    return await runTool(this.request.tool, context, args);
                } catch (error) {
                    return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
                } finally {
                    cancel.dispose();
                }
            },
        );
        if (!run.ok) {
            this.deps.log.warn(`Table ${this.request.tool} failed: ${run.message}`);
            this.post({ type: 'error', message: run.message });
            return { ok: false, title, rows: 0, message: run.message };
        }
        this.table = tableFromResult(this.request, run.structured);
        this.index = new TableIndex(this.table);
        this.view = { ...EMPTY_VIEW, ...this.table.initial, facets: { ...this.table.initial?.facets } };
        this.panel.title = this.table.title;
        this.post({ type: 'table', table: this.table });
        this.deps.log.info(`Table "${this.table.title}" opened with ${this.table.rows.length} rows.`);
        return { ok: true, title: this.table.title, rows: this.table.rows.length };
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
        await vscode.workspace.fs.writeFile(uri, Buffer.from(toCsv(this.table, order), 'utf8'));
        this.deps.log.info(`Exported ${order.length} rows of "${this.table.title}" to ${uri.toString(true)}.`);
        if (!target) {
            void vscode.window.showInformationMessage(
                `Exported ${order.length.toLocaleString('en')} rows to ${uri.fsPath || uri.toString(true)}.`,
            );
        }
        return uri;
    }

    private async onMessage(message: WebviewMessage): Promise<void> {
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
        }
    }

    /**
     * Runs GetAnomalies with series for the row's machine and sends the chart of its incident, or of its disk (filling up,
     * with the line to the time it is full; or low on space).
     */
    private async sendChart(row: number): Promise<void> {
        const table = this.table;
        if (!table?.chart || !Number.isInteger(row) || row < 0 || row >= table.rows.length || !this.source) {
            return;
        }
        const cell = (key: string) => table.rows[row][table.columns.findIndex((c) => c.key === key)];
        const computer = String(cell('computer'));
        const disk = table.view === 'filling' || table.view === 'lowSpace';
        const metric = disk ? 'diskFree' : String(cell('metric'));
        const target = disk ? { computer, metric, counter: String(cell('counter')) } : { computer, metric };
        const fullAt = cell('fullAt');
        const marks = disk
            ? typeof fullAt === 'string'
                ? { fullAt: Date.parse(fullAt) }
                : {}
            : {
                  incident: {
                      start: Date.parse(String(cell('start'))),
                      end: Date.parse(String(cell('end'))),
                      peak: Date.parse(String(cell('peakTime'))),
                  },
              };
        const args = {
            ...this.request.args,
            server_name: computer,
            metric: metric === 'cpu' ? 'cpu' : 'disk',
            include_series: true,
            max_results: TABLE_MAX_RESULTS,
        };
        const run = await runTool('GetAnomalies', { source: this.source, signal: this.abort.signal }, args);
        if (!run.ok) {
            this.post({ type: 'chart', row, message: run.message });
            return;
        }
        const chart = chartFor(run.structured, target, marks);
        this.post(chart ? { type: 'chart', row, chart } : { type: 'chart', row, message: 'The tool returned no series for this row.' });
    }

    private post(message: HostMessage): void {
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
        this.abort.abort();
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
