/**
 * The table's logic without a DOM: which rows a view shows in which order, the facet counts, cell text and CSV.
 * The webview and the host both use it, so the CSV the host writes has exactly the rows and order the person sees,
 * and the unit tests check the logic in plain Node.
 */
import type { CellValue, TableColumn, TableData, TableViewState } from './messages';

/** The view with no sort, no text and no facet. */
export const EMPTY_VIEW: TableViewState = { text: '', facets: {} };

/**
 * A column's heading as a person reads it. Date cells are UTC times without a zone (a zone on every cell would not
 * fit the column), so the heading names it — as the sidebar's times and the chart's labels say "UTC".
 */
export function columnHeading(column: TableColumn): string {
    return column.type === 'date' ? `${column.title} (UTC)` : column.title;
}

/** A cell as a person reads it (dates stay ISO-ordered so they sort and read the same in every locale). */
export function cellText(value: CellValue, column?: TableColumn): string {
    if (value === null || value === undefined) {
        return '';
    }
    if (typeof value === 'boolean') {
        return value ? 'yes' : 'no';
    }
    if (column?.type === 'date' && typeof value === 'string') {
        // 2026-11-20T12:00:00.000Z → 2026-11-20 12:00, still UTC: the column heading says so (see columnHeading).
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

/** Packs a rank and a row index into one float: rank × 2³² + row stays exact below 2⁵³. */
const SHIFT = 2 ** 32;

/**
 * Precomputed per table, lazily: lowercase row text for the text filter, and per column a sort key and the full
 * sorted permutation in each direction. A sort is then one pass over a cached permutation (a few ms for 20,000 rows)
 * instead of a comparison sort, and a filter change reuses the permutation too.
 */
export class TableIndex {
    private searchText: string[] | undefined;
    private readonly sortRanks = new Map<string, { ranks: Int32Array; count: number }>();
    private readonly permutations = new Map<string, Int32Array>();
    private lastFilter: { key: string; rows: number[] } | undefined;

    constructor(readonly table: TableData) {}

    /** Row indices the view shows, in order. */
    rowsFor(view: TableViewState): number[] {
        const filtered = this.filtered(view);
        if (!view.sort) {
            return [...filtered];
        }
        const permutation = this.permutation(view.sort.key, view.sort.descending);
        if (!permutation) {
            return [...filtered];
        }
        if (filtered.length === this.table.rows.length) {
            return Array.from(permutation);
        }
        const keep = new Uint8Array(this.table.rows.length);
        for (const r of filtered) {
            keep[r] = 1;
        }
        const order: number[] = [];
        for (const r of permutation) {
            if (keep[r]) {
                order.push(r);
            }
        }
        return order;
    }

    /** Rows passing the text and facet filters, in the tool's order (cached for the last filter). */
    private filtered(view: TableViewState): readonly number[] {
        const key = JSON.stringify([view.text.trim().toLowerCase(), view.facets]);
        if (this.lastFilter?.key === key) {
            return this.lastFilter.rows;
        }
        const rows = this.scan(view, () => true);
        this.lastFilter = { key, rows };
        return rows;
    }

    /** One pass over the rows: `visit` sees each row passing the text filter and which facets it fails (indices). */
    private scan(view: TableViewState, accept: (row: number, failed: number[]) => boolean): number[] {
        const { table } = this;
        const text = view.text.trim().toLowerCase();
        const terms = text ? text.split(/\s+/) : [];
        const search = terms.length ? this.search() : undefined;
        const facetFilters = this.facetFilters(view);
        const order: number[] = [];
        const failed: number[] = [];
        for (let r = 0; r < table.rows.length; r++) {
            if (search && !terms.every((t) => search[r].includes(t))) {
                continue;
            }
            failed.length = 0;
            const row = table.rows[r];
            for (const f of facetFilters) {
                if (!f.allowed.has(cellText(row[f.index], table.columns[f.index]))) {
                    failed.push(f.index);
                }
            }
            if (accept(r, failed) && failed.length === 0) {
                order.push(r);
            }
        }
        return order;
    }

    private facetFilters(view: TableViewState): { index: number; allowed: Set<string> }[] {
        return Object.entries(view.facets)
            .map(([key, values]) => ({ index: this.table.columns.findIndex((c) => c.key === key), allowed: new Set(values) }))
            .filter((f) => f.index >= 0 && f.allowed.size > 0);
    }

    private search(): string[] {
        this.searchText ??= this.table.rows.map((row) =>
            row
                .map((value, i) => cellText(value, this.table.columns[i]))
                .join('\u0001')
                .toLowerCase(),
        );
        return this.searchText;
    }

    /**
     * Every row sorted by a column in one direction, computed once. Keys are dense ranks, so each row packs into one
     * float (rank × 2³² + row) and a native typed-array sort orders 20,000 rows in a few ms; ties keep the tool's order
     * (most important first) and empty cells go last in either direction.
     */
    private permutation(key: string, descending: boolean): Int32Array | undefined {
        const id = `${descending ? '-' : '+'}${key}`;
        const cached = this.permutations.get(id);
        if (cached) {
            return cached;
        }
        const ranked = this.ranksFor(key);
        if (!ranked) {
            return undefined;
        }
        const { ranks, count } = ranked;
        const n = ranks.length;
        const packed = new Float64Array(n);
        for (let r = 0; r < n; r++) {
            const rank = ranks[r];
            const effective = rank < 0 ? count : descending ? count - 1 - rank : rank;
            packed[r] = effective * SHIFT + r;
        }
        packed.sort();
        const permutation = new Int32Array(n);
        for (let i = 0; i < n; i++) {
            permutation[i] = packed[i] % SHIFT;
        }
        this.permutations.set(id, permutation);
        return permutation;
    }

    /** Builds a column's sort orders ahead of need (the webview calls it while the page is idle). */
    prepare(key: string): void {
        this.permutation(key, false);
        this.permutation(key, true);
    }

    /** Dense ranks of a column's cells (-1 = empty) and how many distinct ranks there are. */
    private ranksFor(key: string): { ranks: Int32Array; count: number } | undefined {
        const cached = this.sortRanks.get(key);
        if (cached) {
            return cached;
        }
        const index = this.table.columns.findIndex((c) => c.key === key);
        if (index < 0) {
            return undefined;
        }
        const column = this.table.columns[index];
        const rows = this.table.rows;
        const ranks = new Int32Array(rows.length);
        let count: number;
        if (column.type === 'number' || column.type === 'date' || column.type === 'severity') {
            const order = column.ranks ?? [];
            const values = new Float64Array(rows.length);
            for (let r = 0; r < rows.length; r++) {
                const value = rows[r][index];
                values[r] =
                    value === null || value === ''
                        ? NaN
                        : column.type === 'number'
                          ? Number(value)
                          : column.type === 'date'
                            ? Date.parse(String(value))
                            : rankOf(order, String(value));
            }
            const distinct = Float64Array.from(new Set(values))
                .filter((v) => !Number.isNaN(v))
                .sort();
            const rank = new Map<number, number>();
            distinct.forEach((v, i) => rank.set(v, i));
            for (let r = 0; r < rows.length; r++) {
                ranks[r] = Number.isNaN(values[r]) ? -1 : (rank.get(values[r]) ?? -1);
            }
            count = distinct.length;
        } else {
            // Natural, case-insensitive order through keys compared with `<`: a collator per comparison costs
            // 200+ ms on 20,000 distinct names, this a few ms. Equal cells share one key computation.
            const keyOf = new Map<string, string>();
            const texts = rows.map((row) => {
                const text = cellText(row[index], column);
                let natural = keyOf.get(text);
                if (natural === undefined) {
                    natural = naturalKey(text);
                    keyOf.set(text, natural);
                }
                return natural;
            });
            const distinct = [...new Set(texts)].filter((t) => t !== '').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            const rank = new Map(distinct.map((t, i) => [t, i]));
            for (let r = 0; r < rows.length; r++) {
                ranks[r] = texts[r] === '' ? -1 : (rank.get(texts[r]) ?? -1);
            }
            count = distinct.length;
        }
        const result = { ranks, count };
        this.sortRanks.set(key, result);
        return result;
    }

    /** Values of a facet column with their counts among the rows `view` shows if that facet itself were unset. */
    facetCounts(key: string, view: TableViewState): { value: string; count: number }[] {
        return this.allFacetCounts(view).get(key) ?? [];
    }

    /**
     * Counts of every facet column in one pass: a row counts for a facet when it passes the text filter and every
     * other facet (so a person sees how many rows each value would give).
     */
    allFacetCounts(view: TableViewState): Map<string, { value: string; count: number }[]> {
        const { table } = this;
        const facetColumns = table.columns.map((c, i) => ({ column: c, index: i })).filter((f) => f.column.facet);
        const counts = facetColumns.map(() => new Map<string, number>());
        this.scan(view, (r, failed) => {
            if (failed.length > 1) {
                return false;
            }
            const row = table.rows[r];
            facetColumns.forEach((f, k) => {
                if (failed.length === 0 || failed[0] === f.index) {
                    const value = cellText(row[f.index], f.column);
                    counts[k].set(value, (counts[k].get(value) ?? 0) + 1);
                }
            });
            return false;
        });
        const result = new Map<string, { value: string; count: number }[]>();
        facetColumns.forEach((f, k) => {
            const ranks = f.column.ranks ?? [];
            result.set(
                f.column.key,
                [...counts[k].entries()]
                    .map(([value, count]) => ({ value, count }))
                    .sort((a, b) =>
                        f.column.type === 'severity'
                            ? rankOf(ranks, a.value) - rankOf(ranks, b.value)
                            : b.count - a.count || collator.compare(a.value, b.value),
                    ),
            );
        });
        return result;
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

/**
 * The columns a row has a value in, with that value as text, in column order: what the detail pane lists and the
 * clipboard gets. A column the row leaves empty (a trend's pace on a spike, a Linux package's KB) is left out.
 */
export function filledCells(table: Pick<TableData, 'columns' | 'rows'>, row: number): { column: TableColumn; text: string }[] {
    const out: { column: TableColumn; text: string }[] = [];
    table.columns.forEach((column, i) => {
        const text = cellText(table.rows[row][i], column);
        if (text !== '') {
            out.push({ column, text });
        }
    });
    return out;
}

/** A row as "Column: value" lines (its filled cells), for the clipboard. */
export function rowAsText(table: Pick<TableData, 'columns' | 'rows'>, row: number): string {
    return filledCells(table, row)
        .map(({ column, text }) => `${columnHeading(column)}: ${text}`)
        .join('\n');
}
