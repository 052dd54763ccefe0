/**
 * The table's logic without a DOM: which rows a view shows in which order, the facet counts, cell text and CSV.
 * The webview and the host both use it, so the CSV the host writes has exactly the rows and order the person sees,
 * and the unit tests check the logic in plain Node.
 */
import type { CellValue, TableColumn, TableData, TableViewState } from './messages';

/** The view with no sort, no text and no facet. */
export const EMPTY_VIEW: TableViewState = { text: '', facets: {} };

/** A cell as a person reads it (dates stay ISO so they sort and read the same in every locale). */
export function cellText(value: CellValue, column?: TableColumn): string {
    if (value === null || value === undefined) {
        return '';
    }
    if (typeof value === 'boolean') {
        return value ? 'yes' : 'no';
    }
    if (column?.type === 'date' && typeof value === 'string') {
        // 2026-11-20T12:00:00.000Z → 2026-11-20 12:00 UTC: shorter, and unambiguous.
        const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
        return match ? `${match[1]} ${match[2]}` : value;
    }
    return String(value);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A key whose plain `<` order is natural (web-2 before web-10) and ignores case and accents. */
export function naturalKey(text: string): string {
    return text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/\d+/g, (digits) => digits.padStart(16, '0'));
}

/** Precomputed per table: lowercase row text for the text filter and sort keys per column, built once. */
export class TableIndex {
    private readonly searchText: string[];
    private readonly sortKeys = new Map<string, Float64Array>();

    constructor(readonly table: TableData) {
        this.searchText = table.rows.map((row) =>
            row
                .map((value, i) => cellText(value, table.columns[i]))
                .join('\u0001')
                .toLowerCase(),
        );
    }

    /** Row indices the view shows, in order. */
    rowsFor(view: TableViewState): number[] {
        const { table } = this;
        const text = view.text.trim().toLowerCase();
        const facetFilters = Object.entries(view.facets)
            .map(([key, values]) => ({ index: table.columns.findIndex((c) => c.key === key), allowed: new Set(values) }))
            .filter((f) => f.index >= 0 && f.allowed.size > 0);
        const terms = text ? text.split(/\s+/) : [];
        const order: number[] = [];
        for (let r = 0; r < table.rows.length; r++) {
            const row = table.rows[r];
            if (terms.length && !terms.every((t) => this.searchText[r].includes(t))) {
                continue;
            }
            if (facetFilters.some((f) => !f.allowed.has(cellText(row[f.index], table.columns[f.index])))) {
                continue;
            }
            order.push(r);
        }
        if (view.sort) {
            this.sort(order, view.sort.key, view.sort.descending);
        }
        return order;
    }

    /** Sorts row indices in place by one column; ties keep the tool's order (most important first). */
    sort(order: number[], key: string, descending: boolean): void {
        const keys = this.keysFor(key);
        if (!keys) {
            return;
        }
        const sign = descending ? -1 : 1;
        // NaN (empty cells) last in either direction.
        order.sort((a, b) => {
            const x = keys[a];
            const y = keys[b];
            if (Number.isNaN(x) || Number.isNaN(y)) {
                return Number.isNaN(x) ? (Number.isNaN(y) ? a - b : 1) : -1;
            }
            return (x - y) * sign || a - b;
        });
    }

    private keysFor(key: string): Float64Array | undefined {
        const cached = this.sortKeys.get(key);
        if (cached) {
            return cached;
        }
        const index = this.table.columns.findIndex((c) => c.key === key);
        if (index < 0) {
            return undefined;
        }
        const column = this.table.columns[index];
        const rows = this.table.rows;
        let keys: Float64Array;
        if (column.type === 'number' || column.type === 'date' || column.type === 'severity') {
            keys = new Float64Array(rows.length);
            const ranks = column.ranks ?? [];
            for (let r = 0; r < rows.length; r++) {
                const value = rows[r][index];
                keys[r] =
                    value === null || value === ''
                        ? NaN
                        : column.type === 'number'
                          ? Number(value)
                          : column.type === 'date'
                            ? Date.parse(String(value))
                            : rankOf(ranks, String(value));
            }
        } else {
            // Natural, case-insensitive order through precomputed keys compared with `<`, turned into ranks: a collator
            // per comparison costs 200+ ms on 20,000 distinct names, this a few ms.
            const texts = rows.map((row) => naturalKey(cellText(row[index], column)));
            const distinct = [...new Set(texts)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            const rank = new Map(distinct.map((t, i) => [t, i]));
            keys = new Float64Array(rows.length);
            for (let r = 0; r < rows.length; r++) {
                keys[r] = texts[r] === '' ? NaN : (rank.get(texts[r]) ?? NaN);
            }
        }
        this.sortKeys.set(key, keys);
        return keys;
    }

    /** Values of a facet column with their counts among the rows `view` shows if that facet itself were unset. */
    facetCounts(key: string, view: TableViewState): { value: string; count: number }[] {
        const index = this.table.columns.findIndex((c) => c.key === key);
        if (index < 0) {
            return [];
        }
        const column = this.table.columns[index];
        const others = { ...view, sort: undefined, facets: { ...view.facets, [key]: [] } };
        const counts = new Map<string, number>();
        for (const r of this.rowsFor(others)) {
            const value = cellText(this.table.rows[r][index], column);
            counts.set(value, (counts.get(value) ?? 0) + 1);
        }
        const ranks = column.ranks ?? [];
        return [...counts.entries()]
            .map(([value, count]) => ({ value, count }))
            .sort((a, b) =>
                column.type === 'severity'
                    ? rankOf(ranks, a.value) - rankOf(ranks, b.value)
                    : b.count - a.count || collator.compare(a.value, b.value),
            );
    }
}

function rankOf(ranks: string[], value: string): number {
    const i = ranks.indexOf(value);
    return i < 0 ? ranks.length : i;
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell per RFC 4180 (quoted when it holds a comma, quote or line break; quotes doubled), with text that a
 * spreadsheet would run as a formula prefixed by `'` — resource names and tags are attacker-controlled.
 */
export function csvCell(value: CellValue, column?: TableColumn): string {
    let text = cellText(value, column?.type === 'date' ? undefined : column);
    if (typeof value === 'string' && FORMULA_START.test(text)) {
        text = `'${text}`;
    }
    return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole CSV (header + rows in `order`), CRLF line ends as RFC 4180 says. */
export function toCsv(table: Pick<TableData, 'columns' | 'rows'>, order?: readonly number[]): string {
    const lines = [table.columns.map((c) => csvCell(c.title)).join(',')];
    const indices = order ?? table.rows.map((_, i) => i);
    for (const r of indices) {
        lines.push(table.rows[r].map((value, i) => csvCell(value, table.columns[i])).join(','));
    }
    return `${lines.join('\r\n')}\r\n`;
}

/** A row as "Column: value" lines, for the clipboard and the detail pane. */
export function rowAsText(table: Pick<TableData, 'columns' | 'rows'>, row: number): string {
    return table.columns.map((c, i) => `${c.title}: ${cellText(table.rows[row][i], c)}`).join('\n');
}
