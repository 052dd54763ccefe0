/**
 * The messages between the extension host and the table webview, as discriminated unions both sides import, so a
 * renamed field is a type error on both sides instead of a silently empty table. Data crosses only by `postMessage`;
 * every value is plain JSON and the webview renders it as text.
 */

/** One cell: text, a number, a yes/no, or nothing. */
export type CellValue = string | number | boolean | null;

/** How a column sorts and renders: dates are ISO strings shown as UTC times (the heading says so); severities sort by their rank. */
export type ColumnType = 'text' | 'number' | 'date' | 'severity';

export interface TableColumn {
    key: string;
    title: string;
    type: ColumnType;
    /** Offered as a facet filter (severity, classification, machine, …). */
    facet?: boolean;
    /** Cells are links; the host opens them only after re-checking the host name. */
    link?: boolean;
    /** Severity order, most severe first (for `type: 'severity'`). */
    ranks?: string[];
    /** Relative width in the grid (default 1). */
    width?: number;
}

/** A table as the webview shows it: rows are arrays in column order, compact enough for 20,000+ rows. */
export interface TableData {
    /** Which tool answered (`GetPatchingLevel`, …) and the view of its answer. */
    tool: string;
    view: string;
    title: string;
    /** One line: source, scope, counts. */
    subtitle: string;
    sourceKind: 'sample' | 'azure';
    columns: TableColumn[];
    rows: CellValue[][];
    warnings: string[];
    truncation: { shown: number; total: number };
    /** Rows are anomaly incidents: selecting one asks the host for its chart. */
    chart?: boolean;
    /** Filters applied when the table opens (e.g. the Overview's "reboot pending" item). */
    initial?: Partial<TableViewState>;
}

/** The person's current view of the table; the host recomputes the same row order from it for CSV export. */
export interface TableViewState {
    /** Column key and direction, or none for the tool's own order. */
    sort?: { key: string; descending: boolean };
    /** Free text, matched case-insensitively against every cell. */
    text: string;
    /** Column key → allowed values (an empty or absent list means all). */
    facets: Record<string, string[]>;
}

/** A metric series with its expected band, for the anomaly chart. */
export interface ChartData {
    title: string;
    unit: string;
    /** Epoch ms of the first point. */
    start: number;
    stepMs: number;
    values: (number | null)[];
    expected: (number | null)[];
    lower: (number | null)[];
    upper: (number | null)[];
    /** The incident's window, epoch ms (none for a disk charted because it fills up). */
    incident?: { start: number; end: number; peak: number };
    /** For a disk filling up: a straight line from its last value (`from`, epoch ms; `fromValue`) to 0 at `to`. */
    projection?: { from: number; fromValue: number; to: number };
}

/** Host → webview. */
export type HostMessage =
    | { type: 'loading'; title: string }
    | { type: 'table'; table: TableData }
    | { type: 'error'; message: string }
    | { type: 'chart'; row: number; chart?: ChartData; message?: string };

/** Webview → host. */
export type WebviewMessage =
    | { type: 'ready' }
    | { type: 'view'; state: TableViewState }
    | { type: 'exportCsv'; state: TableViewState }
    | { type: 'copy'; text: string }
    | { type: 'openLink'; url: string }
    | { type: 'requestChart'; row: number }
    /** Run the tool again (the Reload button): the data may have changed since the table opened. */
    | { type: 'reload' };

/** The Azure portal of each cloud: global Azure, Azure US Government and Azure operated by 21Vianet (China). */
export const AZURE_PORTAL_HOSTS: readonly string[] = ['portal.azure.com', 'portal.azure.us', 'portal.azure.cn'];

/**
 * Hosts a link may point to: the Azure portals and Microsoft documentation. Checked in the webview and again in the
 * host; the webview does not know the configured cloud, so every cloud's portal is allowed.
 */
export const ALLOWED_LINK_HOSTS: readonly string[] = [...AZURE_PORTAL_HOSTS, 'learn.microsoft.com', 'docs.microsoft.com'];

/** True for an `https:` URL on an allowed host (exact host name, no credentials, no other port). */
export function isAllowedLink(url: string): boolean {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return false;
    }
    return (
        parsed.protocol === 'https:' &&
        parsed.username === '' &&
        parsed.password === '' &&
        parsed.port === '' &&
        ALLOWED_LINK_HOSTS.includes(parsed.hostname.toLowerCase())
    );
}
