import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { InfraSource } from '../core/source';
import { allTools, describeFailure } from '../tools';
import { throttledProgress } from '../tools/types';
import type { Logger } from './log';
import { registerPrompts } from './prompts';

export const SERVER_NAME = 'infra-insights';
export const SERVER_VERSION = '0.1.0';

/** Most elements any tool call may carry (arrays, object keys): ours need a few hundred at most. */
export const MAX_TOOL_INPUT_ELEMENTS = 10_000;

function instructions(source: InfraSource): string {
    return [
        'Infra Insights analyses a hybrid server estate on Azure (Arc-enabled servers and Azure VMs) with read-only tools:',
        'GetServerMetadata (machines, OS, status, CPU, memory, SQL discovered), GetSqlMetadata (SQL Server instances, databases, backups),',
        'GetPatchingLevel (missing patches and compliance), GetSqlBpAssessment and GetWinBpAssessment (best-practice findings with remediation),',
        'GetSwConfig (installed software), GetSwChangesList (software changes), GetAnomalies (CPU and disk anomalies).',
        'Call ListScopes first to learn subscription and workspace ids instead of asking the user for GUIDs; defaults cover every visible subscription and the default workspace.',
        'Use server_name from GetServerMetadata. Every answer has a short text summary and full rows in structuredContent.',
        source.kind === 'sample'
            ? 'This server runs on SAMPLE DATA: a generated fictional estate. Say so when you present results.'
            : `Data source: ${source.description}.`,
    ].join(' ');
}

/** What the SDK hands a tool call besides its arguments (the part used here). */
interface ToolCallExtra {
    signal: AbortSignal;
    _meta?: { progressToken?: string | number };
    sendNotification: (notification: { method: 'notifications/progress'; params: ProgressParams }) => Promise<void>;
}

interface ProgressParams {
    progressToken: string | number;
    progress: number;
    message: string;
}

/** At most one progress notification per this many milliseconds (a fleet scan reports a batch every few ms). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Progress notifications for a call whose client sent a progress token: the tool's messages, numbered (MCP wants the
 * number to grow with each one; the total is not known in advance), at most one per PROGRESS_INTERVAL_MS. Undefined
 * when the client did not ask.
 */
export function progressReporter(extra: ToolCallExtra, now: () => number = Date.now): ((message: string) => void) | undefined {
    const token = extra._meta?.progressToken;
    if (token === undefined) {
        return undefined;
    }
    let step = 0;
    return throttledProgress(
        (message) => {
            if (extra.signal.aborted) {
                return;
            }
            step++;
            // A lost notification is not worth failing the call for (the client may have gone).
            extra
                .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, message } })
                .catch(() => undefined);
        },
        PROGRESS_INTERVAL_MS,
        now,
    );
}

/** An MCP server exposing every tool over the given source. Stateless: one per connection or request is fine. */
export function createServer(source: InfraSource, log?: Logger): McpServer {
    const server = new McpServer(
        { name: SERVER_NAME, version: SERVER_VERSION, title: 'Infra Insights for Azure' },
        { instructions: instructions(source), capabilities: { tools: {} }, maxToolInputElements: MAX_TOOL_INPUT_ELEMENTS },
    );
    for (const tool of allTools) {
        server.registerTool(
            tool.name,
            {
                title: tool.title,
                description: tool.description,
                inputSchema: tool.input,
                outputSchema: tool.output,
                annotations: { title: tool.title, ...tool.annotations },
            },
            async (args: unknown, extra: ToolCallExtra) => {
                const started = Date.now();
                try {
                    const output = await tool.run({ source, signal: extra.signal, progress: progressReporter(extra) }, args);
                    const items = (output.structured as { items?: unknown[] }).items;
                    log?.info(`${tool.name} answered in ${Date.now() - started} ms${items ? ` with ${items.length} items` : ''}`);
                    return {
                        content: [{ type: 'text' as const, text: output.text }],
                        structuredContent: output.structured as Record<string, unknown>,
                    };
                } catch (error) {
                    const failure = describeFailure(error, extra.signal);
                    const log_ = failure.kind === 'internal' ? log?.error : log?.warn;
                    log_?.(`${tool.name} failed after ${Date.now() - started} ms (${failure.kind}): ${failure.message}`);
                    return { isError: true, content: [{ type: 'text' as const, text: failure.message }] };
                }
            },
        );
    }
    registerPrompts(server, source);
    return server;
}
