import { UserError } from './source';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const KQL_UNITS: Record<string, number> = { d: DAY, h: HOUR, m: MINUTE, s: 1000, ms: 1 };
const KQL_PATTERN = /^(\d+(?:\.\d+)?)(d|h|m|s|ms)$/i;
// ISO 8601 durations without years or months: those have no fixed length.
const ISO_PATTERN = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** The longest look-back any tool accepts: Log Analytics keeps 2 years of interactive data at most. */
export const MAX_TIMESPAN_MS = 730 * DAY;

/**
 * Parses a timespan as KQL writes it (`30d`, `12h`, `90m`, `45s`) or as ISO 8601 (`P7D`, `PT12H`, `P1DT6H`, `P2W`).
 * @returns the length in milliseconds.
 * @throws UserError naming the accepted forms when the text is neither, zero, or longer than two years.
 */
export function parseTimespan(text: string): number {
    const trimmed = text.trim();
    let ms: number | undefined;
    const kql = KQL_PATTERN.exec(trimmed);
    if (kql?.[2] === 'M') {
        // Upper-case M reads as a month to most people and as minutes to a case-blind parser: neither guess is safe.
        throw new UserError(
            `Timespan ${JSON.stringify(truncate(text))} is ambiguous: write ${kql[1]}m for minutes; a month has no fixed length, so write it in days (30d).`,
        );
    }
    if (kql) {
        ms = Number(kql[1]) * KQL_UNITS[kql[2].toLowerCase()];
    } else {
        const iso = ISO_PATTERN.exec(trimmed);
        if (iso && trimmed.length > 1 && !/T$/i.test(trimmed)) {
            const [, w, d, h, m, s] = iso.map((part) => (part === undefined ? 0 : Number(part)));
            ms = w * 7 * DAY + d * DAY + h * HOUR + m * MINUTE + s * 1000;
        }
    }
    if (ms === undefined) {
        throw new UserError(
            `Timespan ${JSON.stringify(truncate(text))} is not understood. Use a KQL timespan such as 30d, 12h or 90m, or ISO 8601 such as P7D or PT12H.`,
        );
    }
    if (!(ms > 0)) {
        throw new UserError(`Timespan ${JSON.stringify(truncate(text))} is zero; give a positive length such as 1d.`);
    }
    if (ms > MAX_TIMESPAN_MS) {
        throw new UserError(
            `Timespan ${JSON.stringify(truncate(text))} is longer than 730d, the most Log Analytics keeps; give a shorter one.`,
        );
    }
    return Math.round(ms);
}

/** Formats milliseconds as the shortest KQL timespan (`7d`, `36h`, `90m`), for summaries and KQL `ago()`. */
export function formatTimespan(ms: number): string {
    for (const [unit, size] of [
        ['d', DAY],
        ['h', HOUR],
        ['m', MINUTE],
        ['s', 1000],
    ] as const) {
        if (ms % size === 0) {
            return `${ms / size}${unit}`;
        }
    }
    return `${ms}ms`;
}

/** Shortens user text before echoing it in an error, so a 10 MB argument does not become a 10 MB message. */
export function truncate(text: string, max = 80): string {
    return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export const TIME = { MINUTE, HOUR, DAY } as const;

/** Line breaks written as `\n` (as in table cells): a value from Azure or a user never starts a line of its own. */
export function oneLine(text: string): string {
    return text.replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, '\\n');
}
