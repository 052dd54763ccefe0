/**
 * The table webview (runs in the browser, bundled as an iife): renders whatever table the host sends — sortable
 * columns, a text filter, facet filters, counts, row detail, copy and CSV export (through the host), keyboard
 * navigation, and for anomalies a chart of the selected incident. Only the visible rows exist in the DOM, so 20,000
 * rows scroll smoothly. Every value is set with `textContent`: resource names are user-controlled.
 */
import type { ChartData, HostMessage, TableData, TableViewState, WebviewMessage } from '../shared/messages';
import { isAllowedLink } from '../shared/messages';
import { cellText, columnHeading, EMPTY_VIEW, filledCells, rowAsText, TableIndex } from '../shared/tableModel';
import { renderChart } from './lib/chart';

interface VsCodeApi {
    postMessage(message: WebviewMessage): void;
    getState(): unknown;
    setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const ROW_HEIGHT = 24;
/**
 * How long the selection must rest before its chart is asked for: each chart is a tool run in the host, and arrowing
 * through twenty rows should cost one run, not twenty.
 */
const CHART_DELAY_MS = 250;
/** The facet option that stands for several chosen values at once (an Overview item can start with two). */
const SEVERAL = '\u0000several';
/** Rows rendered above and below the visible ones, so a fast scroll does not show blank space. */
const OVERSCAN = 8;

const vscode = acquireVsCodeApi();
const post = (message: WebviewMessage) => vscode.postMessage(message);

function h<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string, parent?: Element): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    if (className) {
        node.className = className;
    }
    if (text !== undefined) {
        node.textContent = text;
    }
    parent?.appendChild(node);
    return node;
}

class TableView {
    private table: TableData | undefined;
    private index: TableIndex | undefined;
    private view: TableViewState = { ...EMPTY_VIEW };
    private order: number[] = [];
    private selected = -1;
    private readonly pool: HTMLDivElement[] = [];
    private readonly root = document.getElementById('app') ?? document.body;
    private header!: HTMLDivElement;
    private viewport!: HTMLDivElement;
    private spacer!: HTMLDivElement;
    private filter!: HTMLInputElement;
    private facetBar!: HTMLDivElement;
    private count!: HTMLSpanElement;
    private detail!: HTMLElement;
    private chartBox!: HTMLDivElement;
    private gridTemplate = '';
    private minWidth = 0;
    private rendering = 0;
    private chartTimer: ReturnType<typeof setTimeout> | undefined;

    showStatus(text: string, error = false): void {
        clearTimeout(this.chartTimer);
        this.root.replaceChildren();
        h('p', error ? 'status error' : 'status', text, this.root).setAttribute('role', error ? 'alert' : 'status');
        if (error) {
            reloadButton(this.root);
        }
    }

    load(table: TableData): void {
        performance.mark('infraInsights.data');
        clearTimeout(this.chartTimer);
        this.table = table;
        this.index = new TableIndex(table);
        const saved = vscode.getState() as { key?: string; view?: TableViewState } | undefined;
        const key = `${table.tool}/${table.view}/${table.title}`;
        const restored = saved?.key === key && saved.view !== undefined;
        this.view = restored && saved.view ? saved.view : { ...EMPTY_VIEW, ...table.initial, facets: { ...table.initial?.facets } };
        this.selected = -1;
        this.build();
        // A view kept from before (the same table loaded again: Reload, a sign-in) is told to the host, which starts every
        // load from the table's initial view: else an export would hold other rows than the ones on screen.
        this.apply(restored);
        this.prepareSorts(table);
        performance.mark('infraInsights.rendered');
        performance.measure('infraInsights.render', 'infraInsights.data', 'infraInsights.rendered');
        requestAnimationFrame(() =>
            setTimeout(() => {
                performance.mark('infraInsights.painted');
                performance.measure('infraInsights.firstPaint', 'infraInsights.data', 'infraInsights.painted');
            }, 0),
        );
    }

    /**
     * Computes every column's sort order while the page is idle, so a click on a header only walks a cached
     * permutation; a click before that computes the one column it needs.
     */
    private prepareSorts(table: TableData): void {
        const keys = table.columns.map((c) => c.key);
        const idle = (run: () => void) =>
            typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 2000 }) : setTimeout(run, 50);
        const next = () => {
            const key = keys.shift();
            if (key !== undefined && this.table === table) {
                this.index?.prepare(key);
                idle(next);
            }
        };
        idle(next);
    }

    private build(): void {
        const table = this.table as TableData;
        this.root.replaceChildren();
        const head = h('header', 'head', undefined, this.root);
        h('h1', 'title', table.title, head);
        h('p', 'subtitle', table.subtitle, head);
        if (table.sourceKind === 'sample') {
            h('p', 'badge', 'Sample data — a fictional estate, not your Azure resources.', head);
        }
        for (const warning of table.warnings) {
            h('p', 'warning', warning, head).setAttribute('role', 'note');
        }

        const toolbar = h('div', 'toolbar', undefined, this.root);
        toolbar.setAttribute('role', 'toolbar');
        this.filter = h('input', 'filter', undefined, toolbar);
        this.filter.type = 'search';
        this.filter.placeholder = 'Filter rows (/)';
        this.filter.setAttribute('aria-label', 'Filter rows');
        this.filter.value = this.view.text;
        let timer: ReturnType<typeof setTimeout> | undefined;
        this.filter.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
                this.view = { ...this.view, text: this.filter.value };
                this.apply(true);
            }, 120);
        });
        this.facetBar = h('div', 'facets', undefined, toolbar);
        this.count = h('span', 'count', '', toolbar);
        this.count.setAttribute('aria-live', 'polite');
        const copy = h('button', 'action', 'Copy row', toolbar);
        copy.title = 'Copy the selected row (Ctrl+C)';
        copy.addEventListener('click', () => this.copySelected());
        const exportCsv = h('button', 'action', 'Export CSV…', toolbar);
        exportCsv.title = 'Save the rows shown, in this order, as CSV';
        exportCsv.addEventListener('click', () => post({ type: 'exportCsv', state: this.view }));
        reloadButton(toolbar);

        const main = h('div', 'main', undefined, this.root);
        // Dates need room for "2026-11-20 02:00"; other columns share by weight.
        const weights = table.columns.map((c) => c.width ?? (c.type === 'date' ? 1.35 : 1));
        this.gridTemplate = weights.map((w) => `minmax(${Math.round(w * 90)}px, ${w}fr)`).join(' ');
        this.minWidth = weights.reduce((s, w) => s + Math.round(w * 90), 0);
        this.viewport = h('div', 'viewport', undefined, main);
        this.viewport.tabIndex = 0;
        this.viewport.setAttribute('role', 'grid');
        this.viewport.setAttribute('aria-label', table.title);
        this.viewport.setAttribute('aria-colcount', String(table.columns.length));
        this.header = h('div', 'row header', undefined, this.viewport);
        this.header.setAttribute('role', 'row');
        this.header.style.gridTemplateColumns = this.gridTemplate;
        this.header.style.minWidth = `${this.minWidth}px`;
        table.columns.forEach((column) => {
            const cell = h('div', 'cell', undefined, this.header);
            cell.setAttribute('role', 'columnheader');
            const button = h('button', 'sort', columnHeading(column), cell);
            button.title = `Sort by ${columnHeading(column)}`;
            button.addEventListener('click', () => this.toggleSort(column.key));
        });
        this.spacer = h('div', 'spacer', undefined, this.viewport);
        this.spacer.style.minWidth = `${this.minWidth}px`;
        this.pool.length = 0;
        this.viewport.addEventListener('scroll', () => this.scheduleRows(), { passive: true });
        this.viewport.addEventListener('keydown', (e) => this.onKey(e));
        this.spacer.addEventListener('click', (e) => {
            const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
            if (row?.dataset.position) {
                this.select(Number(row.dataset.position));
            }
        });
        new ResizeObserver(() => this.scheduleRows()).observe(this.viewport);

        this.detail = h('aside', 'detail', undefined, main);
        this.detail.setAttribute('aria-label', 'Row detail');
        this.detail.tabIndex = -1;
        this.chartBox = h('div', 'chart-box');
        document.addEventListener('keydown', (e) => {
            if (e.key === '/' && document.activeElement !== this.filter) {
                e.preventDefault();
                this.filter.focus();
            }
        });
    }

    private toggleSort(key: string): void {
        const current = this.view.sort;
        // Ascending → descending → the tool's own order (which is "most important first").
        const sort = current?.key !== key ? { key, descending: false } : !current.descending ? { key, descending: true } : undefined;
        performance.mark('infraInsights.sortStart');
        this.view = { ...this.view, sort };
        this.apply(true, false);
        performance.mark('infraInsights.sortEnd');
        performance.measure('infraInsights.sort', 'infraInsights.sortStart', 'infraInsights.sortEnd');
    }

    /** Recomputes the rows shown from the view, redraws headers, facets (unless only the sort changed), counts and rows. */
    private apply(persist: boolean, filtersChanged = true): void {
        const table = this.table as TableData;
        const index = this.index as TableIndex;
        const selectedRow = this.selected >= 0 ? this.order[this.selected] : -1;
        this.order = index.rowsFor(this.view);
        this.selected = selectedRow >= 0 ? this.order.indexOf(selectedRow) : -1;
        this.spacer.style.height = `${this.order.length * ROW_HEIGHT}px`;
        this.viewport.setAttribute('aria-rowcount', String(this.order.length + 1));
        Array.from(this.header.children).forEach((cell, i) => {
            const key = table.columns[i].key;
            const sorted = this.view.sort?.key === key ? (this.view.sort.descending ? 'descending' : 'ascending') : 'none';
            cell.setAttribute('aria-sort', sorted);
            cell.classList.toggle('sorted', sorted !== 'none');
            (cell.firstElementChild as HTMLElement).dataset.arrow = sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '';
        });
        if (filtersChanged) {
            this.renderFacets();
        }
        const total = table.rows.length;
        const more =
            table.truncation.total > table.truncation.shown ? ` (the tool found ${table.truncation.total.toLocaleString('en')})` : '';
        this.count.textContent = `${this.order.length.toLocaleString('en')} of ${total.toLocaleString('en')} rows${more}`;
        this.renderRows();
        this.renderDetail();
        if (persist) {
            vscode.setState({ key: `${table.tool}/${table.view}/${table.title}`, view: this.view });
            post({ type: 'view', state: this.view });
        }
    }

    private renderFacets(): void {
        const table = this.table as TableData;
        const index = this.index as TableIndex;
        this.facetBar.replaceChildren();
        const counts = index.allFacetCounts(this.view);
        for (const column of table.columns.filter((c) => c.facet)) {
            const values = counts.get(column.key) ?? [];
            if (values.length < 2 && !this.view.facets[column.key]?.length) {
                continue;
            }
            const select = h('select', 'facet', undefined, this.facetBar);
            select.setAttribute('aria-label', `Filter by ${column.title}`);
            select.dataset.facet = column.key;
            h('option', undefined, `${column.title}: all`, select).value = '';
            const chosen = this.view.facets[column.key] ?? [];
            const countOf = new Map(values.map((v) => [v.value, v.count]));
            const label = (value: string, count: number) => `${column.title}: ${value || '(empty)'} (${count.toLocaleString('en')})`;
            if (chosen.length > 1) {
                // The view filters on all of them: one option says so, with the rows they give together.
                const total = chosen.reduce((sum, value) => sum + (countOf.get(value) ?? 0), 0);
                h('option', undefined, label(chosen.map((v) => v || '(empty)').join(', '), total), select).value = SEVERAL;
            }
            const listed = values.slice(0, 500);
            // A chosen value no row has (or one past the first 500) still gets its option, or the dropdown shows blank.
            const missing = chosen.filter((value) => !listed.some((v) => v.value === value)).map((value) => ({ value, count: 0 }));
            for (const { value, count } of [...listed, ...missing]) {
                h('option', undefined, label(value, countOf.get(value) ?? count), select).value = value;
            }
            select.value = chosen.length > 1 ? SEVERAL : (chosen[0] ?? '');
            // The several-values option is chosen only as the view starts: picking another leaves one value (or all).
            select.addEventListener('change', () => {
                this.view = { ...this.view, facets: { ...this.view.facets, [column.key]: select.value ? [select.value] : [] } };
                this.apply(true);
            });
        }
    }

    private scheduleRows(): void {
        if (!this.rendering) {
            this.rendering = requestAnimationFrame(() => {
                this.rendering = 0;
                this.renderRows();
            });
        }
    }

    /** Draws only the rows in (and just around) the viewport, reusing row elements. */
    private renderRows(): void {
        const table = this.table as TableData;
        const headerHeight = this.header.offsetHeight;
        const top = Math.max(0, this.viewport.scrollTop - headerHeight);
        const height = this.viewport.clientHeight || 600;
        const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
        const last = Math.min(this.order.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
        const needed = Math.max(0, last - first);
        while (this.pool.length < needed) {
            const row = h('div', 'row', undefined, this.spacer);
            row.setAttribute('role', 'row');
            row.style.gridTemplateColumns = this.gridTemplate;
            for (const column of table.columns) {
                h('div', column.type === 'number' ? 'cell number' : 'cell', undefined, row).setAttribute('role', 'gridcell');
            }
            this.pool.push(row);
        }
        for (let k = 0; k < this.pool.length; k++) {
            const element = this.pool[k];
            const position = first + k;
            if (k >= needed) {
                element.hidden = true;
                continue;
            }
            element.hidden = false;
            const r = this.order[position];
            const values = table.rows[r];
            element.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
            element.dataset.position = String(position);
            element.id = rowId(position);
            element.setAttribute('aria-rowindex', String(position + 2));
            element.setAttribute('aria-selected', String(position === this.selected));
            element.classList.toggle('selected', position === this.selected);
            const cells = element.children;
            for (let c = 0; c < cells.length; c++) {
                const text = cellText(values[c], table.columns[c]);
                const cell = cells[c] as HTMLElement;
                if (cell.textContent !== text) {
                    cell.textContent = text;
                }
                cell.title = text.length > 30 ? text.slice(0, 1000) : '';
                const column = table.columns[c];
                cell.dataset.severity = column.type === 'severity' ? text.toLowerCase() : '';
            }
        }
        // Focus stays on the grid while the arrows move the selection: a screen reader follows the active descendant,
        // which must be a row in the DOM (a selected row scrolled out of the rendered window has none).
        const active = this.selected >= 0 && this.selected >= first && this.selected < last ? rowId(this.selected) : undefined;
        if (active) {
            this.viewport.setAttribute('aria-activedescendant', active);
        } else {
            this.viewport.removeAttribute('aria-activedescendant');
        }
    }

    private select(position: number): void {
        if (this.order.length === 0) {
            return;
        }
        this.selected = Math.max(0, Math.min(this.order.length - 1, position));
        const top = this.selected * ROW_HEIGHT;
        const headerHeight = this.header.offsetHeight;
        const viewTop = this.viewport.scrollTop;
        const viewHeight = this.viewport.clientHeight - headerHeight;
        if (top < viewTop) {
            this.viewport.scrollTop = top;
        } else if (top + ROW_HEIGHT > viewTop + viewHeight) {
            this.viewport.scrollTop = top + ROW_HEIGHT - viewHeight;
        }
        this.renderRows();
        this.renderDetail();
        const table = this.table as TableData;
        if (table.chart) {
            this.chartBox.replaceChildren();
            h('p', 'status', 'Loading the chart…', this.chartBox);
            const row = this.order[this.selected];
            clearTimeout(this.chartTimer);
            this.chartTimer = setTimeout(() => post({ type: 'requestChart', row }), CHART_DELAY_MS);
        }
    }

    private renderDetail(): void {
        const table = this.table as TableData;
        this.detail.replaceChildren();
        if (this.selected < 0) {
            h('p', 'hint', 'Select a row (click, or ↑/↓ in the table) to see all of it here.', this.detail);
            return;
        }
        const r = this.order[this.selected];
        h('h2', undefined, 'Row detail', this.detail);
        const list = h('dl', undefined, undefined, this.detail);
        for (const { column, text } of filledCells(table, r)) {
            h('dt', undefined, columnHeading(column), list);
            const dd = h('dd', undefined, undefined, list);
            if (column.link && text && isAllowedLink(text)) {
                const link = h('a', 'link', text, dd);
                link.href = '#';
                link.addEventListener('click', (e) => {
                    e.preventDefault();
                    post({ type: 'openLink', url: text });
                });
            } else {
                dd.textContent = text;
            }
        }
        if (table.chart) {
            this.detail.appendChild(this.chartBox);
        }
    }

    showChart(row: number, chart: ChartData | undefined, message: string | undefined): void {
        if (this.selected < 0 || this.order[this.selected] !== row) {
            return;
        }
        this.chartBox.replaceChildren();
        if (!chart) {
            h('p', 'status', message ?? 'No series for this row.', this.chartBox);
            return;
        }
        h('h2', undefined, chart.title, this.chartBox);
        this.chartBox.appendChild(renderChart(chart));
        const legend = h('p', 'legend', undefined, this.chartBox);
        h('span', 'key values', 'actual', legend);
        h('span', 'key expected', 'expected', legend);
        h('span', 'key band', 'expected band', legend);
        h('span', 'key anomaly', 'outside the band', legend);
        if (chart.projection) {
            h('span', 'key projection', 'at this pace, to 0 %', legend);
        }
    }

    private copySelected(): void {
        if (this.table && this.selected >= 0) {
            post({ type: 'copy', text: rowAsText(this.table, this.order[this.selected]) });
        }
    }

    private onKey(e: KeyboardEvent): void {
        const page = Math.max(1, Math.floor((this.viewport.clientHeight - this.header.offsetHeight) / ROW_HEIGHT) - 1);
        const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
        if (e.key in moves) {
            this.select((this.selected < 0 ? -1 : this.selected) + moves[e.key]);
        } else if (e.key === 'Home') {
            this.select(0);
        } else if (e.key === 'End') {
            this.select(this.order.length - 1);
        } else if ((e.key === 'c' || e.key === 'C') && (e.ctrlKey || e.metaKey)) {
            this.copySelected();
        } else if (e.key === 'Enter' && this.selected >= 0) {
            this.detail.focus();
        } else {
            return;
        }
        e.preventDefault();
    }
}

/** The id of the row element at a position (rows are reused as the grid scrolls; the id follows the position). */
function rowId(position: number): string {
    return `row-${position}`;
}

/** "Reload": the host runs the tool again (after a change in Azure, or a failure worth retrying). */
function reloadButton(parent: Element): void {
    const button = h('button', 'action', 'Reload', parent);
    button.title = 'Run the tool again and show its answer now';
    button.addEventListener('click', () => post({ type: 'reload' }));
}

const table = new TableView();
window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
    const message = event.data;
    switch (message.type) {
        case 'loading':
            table.showStatus(`Loading ${message.title}…`);
            break;
        case 'error':
            table.showStatus(message.message, true);
            break;
        case 'table':
            table.load(message.table);
            break;
        case 'chart':
            table.showChart(message.row, message.chart, message.message);
            break;
    }
});
table.showStatus('Waiting for data…');
post({ type: 'ready' });
