import { describeSupport, SUPPORT_ENDING_DAYS, type Support } from '../core/lifecycle';
import { SAMPLE_NOTICE, type Envelope } from './common';
import { oneLine, truncate } from '../core/timespan';
import type { ToolContext } from './types';

/** The text block's budget: a model reads it cheaply; the full rows are in `structuredContent`. */
export const TEXT_BUDGET = 8000;
const CELL_MAX = 80;

export type Cell = string | number | boolean | undefined | null;

export interface TextTable {
    columns: string[];
    rows: Cell[][];
}

/** One table cell as plain text on one line: values from Azure may hold pipes, newlines or 5,000 characters. */
export function cell(value: Cell): string {
    if (value === undefined || value === null || value === '') {
        return '-';
    }
    const text = String(value)
        .replace(/\r\n|\r|\n/g, '\\n')
        .replace(/\|/g, '\\|');
    if (text.length <= CELL_MAX) {
        return text;
    }
    // A name that ends in what tells it apart — an update's "(KB5040437)", a definition's "(Version 1.421.…)" — keeps its end.
    const tail = /\((?:KB\d+|Version [^()]*)\)$/.exec(text)?.[0];
    return tail && tail.length < CELL_MAX / 2 ? `${text.slice(0, CELL_MAX - tail.length - 2)}… ${tail}` : `${text.slice(0, CELL_MAX - 1)}…`;
}

/**
 * Renders the text block: a sample-data notice when it applies, one summary sentence, warnings,
 * then a compact table of the top rows that fits the budget, then what was left out.
 */
export function renderText(
    context: ToolContext,
    parts: {
        summary: string;
        table?: TextTable;
        truncation?: Envelope['truncation'];
        warnings?: string[];
        notes?: string[];
        /** The closing line when rows are left out, where table rows are not the items `max_results` counts. */
        truncationNote?: (rowsShown: number, total: number) => string;
    },
    budget = TEXT_BUDGET,
): string {
    const lines: string[] = [];
    if (context.source.kind === 'sample') {
        lines.push(SAMPLE_NOTICE);
    }
    // Sentences name machines, databases and errors from Azure: each stays one line whatever those hold, so no value
    // can start a line of its own (a fake table row, a fake warning).
    lines.push(oneLine(parts.summary));
    for (const warning of parts.warnings ?? []) {
        lines.push(`Warning: ${oneLine(warning)}`);
    }
    lines.push(...(parts.notes ?? []).map(oneLine));
    let rowsShown = 0;
    if (parts.table && parts.table.rows.length > 0) {
        const header = `| ${parts.table.columns.join(' | ')} |`;
        const rule = `|${parts.table.columns.map(() => '---').join('|')}|`;
        lines.push('', header, rule);
        let used = lines.join('\n').length;
        for (const row of parts.table.rows) {
            const line = `| ${row.map(cell).join(' | ')} |`;
            if (used + line.length + 200 > budget) {
                break;
            }
            lines.push(line);
            used += line.length + 1;
            rowsShown++;
        }
    }
    const total = parts.truncation?.total ?? parts.table?.rows.length ?? 0;
    if (parts.table && rowsShown < total && parts.truncationNote) {
        lines.push('', parts.truncationNote(rowsShown, total));
    } else if (parts.table && rowsShown < total) {
        lines.push(
            '',
            `Table shows the top ${rowsShown} of ${total}${parts.truncation && parts.truncation.shown < total ? ` (structuredContent has ${parts.truncation.shown}; raise max_results for more)` : ' (all are in structuredContent)'}.`,
        );
    }
    return lines.join('\n');
}

/** Inputs that say where to look or how to answer, not which rows to keep. */
const NOT_FILTERS = new Set([
    'workspace_id',
    'subscription_ids',
    'timespan',
    'max_results',
    'latest_run_only',
    'include_updates',
    'include_series',
    'sensitivity',
    'resolution',
    'low_free_space',
]);

/**
 * The filters an answer was asked with, as a phrase for an empty answer: `kind "azure-vm" and status "Stopped"` (values
 * quoted: they are the caller's data); empty when none.
 */
export function describeFilters(input: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const [name, value] of Object.entries(input)) {
        if (NOT_FILTERS.has(name) || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
            continue;
        }
        if (name === 'ServerName' && typeof input.server_name === 'string' && input.server_name.trim()) {
            continue; // the same name twice (a different one is refused)
        }
        const quote = (v: unknown) => (typeof v === 'string' ? JSON.stringify(truncate(v, 80)) : String(v));
        parts.push(`${name} ${Array.isArray(value) ? value.map(quote).join(' or ') : quote(value)}`);
    }
    return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
}

/** `3 critical, 1 low` from a count map, in the given order, skipping zeros. */
export function describeCounts(counts: Record<string, number>, order?: readonly string[]): string {
    const keys = order
        ? [...order.filter((k) => k in counts), ...Object.keys(counts).filter((k) => !order.includes(k))]
        : Object.keys(counts);
    const parts = keys.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
    return parts.length ? parts.join(', ') : 'none';
}

/** Formats an ISO time as `2026-11-26 14:00Z` for tables. */
export function shortTime(iso: string | undefined): string | undefined {
    return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : undefined;
}

/** How many names a summary sentence spells out before "and N more" (the rest are in structuredContent). */
export const NAMED_IN_SENTENCE = 5;

/** The first names, comma-separated, then "and N more" for the rest: `a, b and 3 more`. */
export function firstNames(names: readonly string[], shown = NAMED_IN_SENTENCE): string {
    const rest = names.length - shown;
    return `${names.slice(0, shown).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

export function plural(count: number, word: string, pluralWord = `${word}s`): string {
    return `${count} ${count === 1 ? word : pluralWord}`;
}

/**
 * " 12 machines run a Windows Server release past extended support (Windows Server 2012 R2 on 12: extended support ended …). 9
 * run one that leaves it within 180 days (…)." — empty when neither.
 */
export function supportSentence(
    outOfSupport: readonly { support: Support | null }[],
    ending: readonly { support: Support | null }[],
    [one, many]: readonly [string, string],
    release: string,
): string {
    const byRelease = (list: readonly { support: Support | null }[]) => {
        const counts = new Map<string, { support: Support; count: number }>();
        for (const { support } of list) {
            if (support) {
                const entry = counts.get(support.product) ?? { support, count: 0 };
                entry.count++;
                counts.set(support.product, entry);
            }
        }
        return [...counts.values()].map(({ support, count }) => `${support.product} on ${count}: ${describeSupport(support)}`).join('; ');
    };
    const subject = (n: number) => (n === 1 ? `1 ${one}` : `${n} ${many}`);
    let text = '';
    if (outOfSupport.length > 0) {
        text += ` ${subject(outOfSupport.length)} ${release} past extended support (${byRelease(outOfSupport)}).`;
    }
    if (ending.length > 0) {
        // "one that leaves it" leans on the sentence before; alone, the release is named in full.
        const what = outOfSupport.length > 0 ? 'one that leaves it' : `${release} that leaves extended support`;
        text += ` ${subject(ending.length)} ${what} within ${SUPPORT_ENDING_DAYS} days (${byRelease(ending)}).`;
    }
    return text;
}
