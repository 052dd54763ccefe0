/**
 * The one place where a value becomes KQL text. Every query builder in `queries.ts` passes caller
 * values through these functions: identifiers and enums are validated against a fixed set, times
 * become `datetime(...)` from a `Date`, and any other text becomes a double-quoted string literal
 * in which everything outside printable ASCII is a `\uXXXX` escape — so no input (quotes,
 * backslashes, newlines, `|`, `//`, lone surrogates) can end the literal or change the query's shape.
 */
import { UserError } from '../../core/source';
import { truncate } from '../../core/timespan';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a GUID (subscription id, tenant id, workspace customer id). */
export function isGuid(text: string): boolean {
    return GUID.test(text);
}

/**
 * Returns the GUID in lower case.
 * @throws UserError naming `what` when the text is not a GUID.
 */
export function guid(text: string, what: string): string {
    const trimmed = text.trim();
    if (!isGuid(trimmed)) {
        throw new UserError(`${what} ${JSON.stringify(truncate(text))} is not a GUID (such as 00000000-0000-0000-0000-000000000000).`);
    }
    return trimmed.toLowerCase();
}

/** A KQL string literal whose value is exactly `value` (UTF-16 code units preserved, lone surrogates included). */
export function str(value: string): string {
    let out = '"';
    for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        if (code === 0x22) {
            out += '\\"';
        } else if (code === 0x5c) {
            out += '\\\\';
        } else if (code >= 0x20 && code < 0x7f) {
            out += value[i];
        } else {
            out += `\\u${code.toString(16).padStart(4, '0')}`;
        }
    }
    return `${out}"`;
}

/** A parenthesised list of string literals for `in~ (...)`; callers never pass an empty list (KQL rejects `in ()`). */
export function strList(values: readonly string[]): string {
    if (values.length === 0) {
        throw new Error('strList needs at least one value');
    }
    return `(${values.map(str).join(', ')})`;
}

/**
 * The RE2 regular expression (text, to be quoted with `str`) that matches a whole name against a `server_name` pattern
 * in which `*` stands for any characters, case-insensitively. Every other character is literal: letters and digits as
 * themselves, anything else as a `\x{…}` code-point escape, so no character of the pattern is regex syntax.
 */
export function wildcardRegex(pattern: string): string {
    let out = '(?i)^';
    for (const char of pattern) {
        if (char === '*') {
            out += '.*';
        } else if (/^[A-Za-z0-9]$/.test(char)) {
            out += char;
        } else {
            out += `\\x{${(char.codePointAt(0) ?? 0).toString(16)}}`;
        }
    }
    return `${out}$`;
}

/** `datetime(...)` of a valid `Date`, to the millisecond. */
export function datetime(value: Date): string {
    const time = value.getTime();
    if (!Number.isFinite(time)) {
        throw new UserError('A time in the query is not a valid date.');
    }
    return `datetime(${value.toISOString()})`;
}

/** A KQL timespan literal (`1h`, `15m`, `250ms`) for a whole, positive number of milliseconds. */
export function timespan(ms: number): string {
    if (!Number.isSafeInteger(ms) || ms <= 0) {
        throw new UserError(`${ms} ms is not a usable step; give a positive whole number of milliseconds.`);
    }
    for (const [unit, size] of [
        ['d', 86_400_000],
        ['h', 3_600_000],
        ['m', 60_000],
        ['s', 1000],
    ] as const) {
        if (ms % size === 0) {
            return `${ms / size}${unit}`;
        }
    }
    return `${ms}ms`;
}

/**
 * A lower bound as a KQL `real` literal in plain decimals (no exponent), rounded down to six places: a filter on it keeps
 * every row the exact bound keeps (the tools apply the exact one again).
 */
export function realAtMost(value: number): string {
    if (!Number.isFinite(value)) {
        throw new Error(`${value} is not a finite number`);
    }
    return `real(${(Math.floor(value * 1e6) / 1e6).toFixed(6)})`;
}

/** A whole number for `take`/`top`. */
export function int(value: number): string {
    if (!Number.isSafeInteger(value) || value < 0) {
        throw new Error(`${value} is not a non-negative whole number`);
    }
    return String(value);
}

/**
 * Checks that `value` is one of `allowed` and returns it as a string literal; used for the few
 * enumerations that reach a query (metric kinds, table names chosen from a fixed list).
 */
export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
    const match = allowed.find((a) => a === value);
    if (match === undefined) {
        throw new UserError(`${what} ${JSON.stringify(truncate(value))} is not one of ${allowed.join(', ')}.`);
    }
    return match;
}
