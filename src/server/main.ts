/** Entry point of `dist/server-main.js` (started by `dist/server.js`, see `launch.ts`): the stdio MCP server, configured from the environment. */
import { serveStdio } from './stdio';

serveStdio().catch((error: unknown) => {
    process.stderr.write(`Infra Insights MCP server could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
