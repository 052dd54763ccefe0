/**
 * The stdio MCP server that VS Code (and any MCP client) launches as `dist/server.js` (entries: `launch.ts`, then `main.ts`).
 * Configuration comes from the environment (see `sourceConfigFromEnv`); logs go to stderr only.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { selectSource, sourceConfigFromEnv } from '../sources';
import { createServer } from './createServer';
import { createLogger, type LogLevel } from './log';

/** Serves MCP over this process's stdin/stdout until the parent closes stdin, then exits cleanly. */
export async function serveStdio(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    const log = createLogger({
        level: (env.INFRA_INSIGHTS_LOG_LEVEL as LogLevel) || 'info',
        file: env.INFRA_INSIGHTS_LOG_FILE || undefined,
    });
    const { source, note } = await selectSource(sourceConfigFromEnv(env), env);
    log.info(`Infra Insights MCP server (stdio) starting: ${note}`);
    const server = createServer(source, log);
    const transport = new StdioServerTransport();
    let closing = false;
    const shutdown = (why: string) => {
        if (closing) {
            return;
        }
        closing = true;
        log.info(`Stopping: ${why}.`);
        void server.close().finally(() => process.exit(0));
        // A stuck close must not leave an orphan behind.
        setTimeout(() => process.exit(0), 2000).unref();
    };
    // The parent going away closes our stdin: exit rather than linger as an orphan.
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('close', () => shutdown('stdin closed'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
    await server.connect(transport);
    // The SDK drops a line it cannot parse; JSON-RPC asks for an error reply (id null) so the client learns why.
    server.server.onerror = (error: Error) => {
        const invalid =
            error instanceof SyntaxError
                ? { code: -32700, message: 'Parse error: the line is not valid JSON.' }
                : error.name === 'ZodError'
                  ? { code: -32600, message: 'Invalid Request: the line is not a JSON-RPC message.' }
                  : undefined;
        log.warn(`stdio: ${invalid ? invalid.message : error.message}`);
        if (invalid) {
            process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: invalid })}\n`);
        }
    };
}
