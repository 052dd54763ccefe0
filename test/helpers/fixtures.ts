import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../../src/server/createServer';
import { createSampleSource, type SampleOptions } from '../../src/sources/sample';

/** The clock every test fixes, so the sample estate is the same on every run. */
export const NOW = new Date('2026-11-26T12:00:00Z');
/** The nine tools, by the names the server registers (the names users of the original sample know). */
export const TOOL_NAMES = [
    'GetServerMetadata',
    'GetSqlMetadata',
    'GetPatchingLevel',
    'GetSqlBpAssessment',
    'GetWinBpAssessment',
    'GetSwConfig',
    'GetSwChangesList',
    'GetAnomalies',
    'ListScopes',
];
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'server.js');
export const CLI_JS = path.join(REPO_ROOT, 'dist', 'cli.js');

export function sampleSource(options: SampleOptions = {}) {
    return createSampleSource({ now: () => new Date(NOW), ...options });
}

/** A real MCP client connected in memory to a server over the sample estate. */
export async function connectInMemory(options: SampleOptions = {}): Promise<Client> {
    const server = createServer(sampleSource(options));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    return client;
}

export function textOf(result: CallToolResult): string {
    return result.content
        .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
        .map((c) => c.text)
        .join('\n');
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Environment for a spawned server: the sample estate with the fixed clock. */
export function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: process.env.PATH ?? '', INFRA_INSIGHTS_SOURCE: 'sample', INFRA_INSIGHTS_NOW: NOW.toISOString(), ...extra };
}
