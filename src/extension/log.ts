/**
 * The "Infra Insights" log (a `LogOutputChannel`, so VS Code adds timestamps and levels and the person can pick the
 * level). Every line goes through `redact`: nothing that looks like a token or a bridge secret may reach the log, even
 * if an error message from a library happens to carry one.
 */
import type * as vscode from 'vscode';

/** The logging surface the rest of the extension uses. */
export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    /** Logs the message and, when given, the cause's message (never its full object, which may hold headers). */
    error(message: string, cause?: unknown): void;
    show(): void;
}

/** Removes JWTs, bearer credentials and long opaque secrets from a log line. */
export function redact(line: string): string {
    return (
        line
            .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '<redacted token>')
            .replace(/\b(Bearer|access_token=|"?token"?\s*[:=])\s*"?[A-Za-z0-9._~+/=-]{8,}"?/gi, '$1 <redacted>')
            // 43 base64url characters (a 32-byte secret) standing alone: not part of a longer run of them. `\b` would not do: a
            // secret that starts or ends with '-' has no word boundary there, and would slip through.
            .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, (match) =>
                /[a-z]/.test(match) && /[A-Z0-9]/.test(match) ? '<redacted secret>' : match,
            )
    );
}

/** Wraps the output channel; `channel` is created by `extension.ts` and disposed with the extension. */
export function createLogger(channel: vscode.LogOutputChannel): Logger {
    return {
        debug: (message) => channel.debug(redact(message)),
        info: (message) => channel.info(redact(message)),
        warn: (message) => channel.warn(redact(message)),
        error: (message, cause) => {
            const detail = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
            channel.error(redact(`${message}${detail}`));
        },
        show: () => channel.show(true),
    };
}
