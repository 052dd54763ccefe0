import * as fs from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

/**
 * Logs to stderr (stdout is the MCP channel of the stdio server) and, when asked, to a file.
 * Callers never pass secrets; `redact` is a second line of defence for URLs and headers that might carry one.
 */
export function createLogger(options: { level?: LogLevel; file?: string; stream?: NodeJS.WritableStream } = {}): Logger {
    const threshold = ORDER[options.level ?? 'info'];
    const stream = options.stream ?? process.stderr;
    const file = options.file ? fs.createWriteStream(options.file, { flags: 'a', mode: 0o600 }) : undefined;
    const write = (level: LogLevel, message: string) => {
        if (ORDER[level] < threshold) {
            return;
        }
        const line = `${new Date().toISOString()} [${level}] ${redact(message)}\n`;
        stream.write(line);
        file?.write(line);
    };
    return {
        debug: (m) => write('debug', m),
        info: (m) => write('info', m),
        warn: (m) => write('warn', m),
        error: (m) => write('error', m),
    };
}

/** Removes credentials from text that may contain a URL query (`code=`, `key=`, `token=`) or a bearer header. */
export function redact(text: string): string {
    return text
        .replace(/([?&](?:code|key|token|access_token|sig)=)[^&\s"']*/gi, '$1[redacted]')
        .replace(/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, '$1[redacted]')
        .replace(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
}
