import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createServer } from '../../src/server/createServer';
import { PATHS, startHttpServer, type RunningHttpServer } from '../../src/server/http';
import { createLogger } from '../../src/server/log';
import { call, sampleSource, SERVER_JS, serverEnv, textOf } from '../helpers/fixtures';

const quiet = createLogger({ level: 'error', stream: { write: () => true } as unknown as NodeJS.WritableStream });

async function exercise(transport: Transport): Promise<void> {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    try {
        const { tools } = await client.listTools();
        assert.equal(tools.length, 9);
        const patches = await call(client, 'GetPatchingLevel', { classification: ['Critical'] });
        assert.notEqual(patches.isError, true, textOf(patches));
        const items = (patches.structuredContent as { items: { classification: string }[] }).items;
        assert.ok(items.length > 0);
        assert.ok(items.every((p) => p.classification === 'Critical'));
        const bad = await call(client, 'GetAnomalies', { timespan: 'forever' });
        assert.equal(bad.isError, true);
        const again = await call(client, 'ListScopes');
        assert.notEqual(again.isError, true);
    } finally {
        await client.close();
    }
}

describe('MCP transports', () => {
    it('stdio: dist/server.js serves every tool and exits when its parent closes stdin', async () => {
        await exercise(new StdioClientTransport({ command: process.execPath, args: [SERVER_JS], env: serverEnv(), stderr: 'ignore' }));
        const child = spawn(process.execPath, [SERVER_JS], { env: serverEnv(), stdio: ['pipe', 'ignore', 'ignore'] });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        child.stdin.end();
        assert.equal(await exited, 0);
    });

    describe('HTTP without a key (loopback)', () => {
        let running: RunningHttpServer;
        before(async () => {
            const source = sampleSource();
            running = await startHttpServer(() => createServer(source), { host: '127.0.0.1', port: 0, log: quiet });
        });
        after(async () => running.close());

        it('serves Streamable HTTP at /mcp', async () => {
            await exercise(new StreamableHTTPClientTransport(new URL(`${running.url}${PATHS.streamable}`)));
        });

        it('serves the legacy SSE transport at the Azure Functions sample path', async () => {
            await exercise(new SSEClientTransport(new URL(`${running.url}${PATHS.sse}`)));
        });

        it('refuses requests whose Host is not loopback (DNS rebinding) and cross-origin requests', async () => {
            const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
            // fetch cannot set Host, so this one goes through node:http as a rebinding browser's request would arrive.
            const rebindingStatus = await new Promise<number>((resolve, reject) => {
                const req = http.request(
                    `${running.url}${PATHS.streamable}`,
                    {
                        method: 'POST',
                        headers: {
                            host: `evil.example:${running.port}`,
                            'content-type': 'application/json',
                            accept: 'application/json, text/event-stream',
                        },
                    },
                    (res) => {
                        res.resume();
                        resolve(res.statusCode ?? 0);
                    },
                );
                req.on('error', reject);
                req.end(body);
            });
            assert.equal(rebindingStatus, 403);
            const crossOrigin = await fetch(`${running.url}${PATHS.streamable}`, {
                method: 'POST',
                headers: {
                    origin: 'https://evil.example',
                    'content-type': 'application/json',
                    accept: 'application/json, text/event-stream',
                },
                body,
            });
            assert.equal(crossOrigin.status, 403);
            assert.equal(crossOrigin.headers.get('access-control-allow-origin'), null);
        });

        it('answers malformed JSON and oversized bodies with a JSON-RPC error, without a stack trace', async () => {
            const malformed = await fetch(`${running.url}${PATHS.streamable}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
                body: '{"jsonrpc": "2.0", "id": 1, "method": ',
            });
            assert.equal(malformed.status, 400);
            const parsed = (await malformed.json()) as { error: { code: number; message: string } };
            assert.equal(parsed.error.code, -32700);
            const huge = await fetch(`${running.url}${PATHS.streamable}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
                body: JSON.stringify({
                    jsonrpc: '2.0',
                    id: 2,
                    method: 'tools/call',
                    params: { name: 'GetSwConfig', arguments: { software_name: 'x'.repeat(10_000_000) } },
                }),
            });
            assert.equal(huge.status, 413);
            assert.doesNotMatch(await huge.text(), /at .*\.js:\d+/);
            await exercise(new StreamableHTTPClientTransport(new URL(`${running.url}${PATHS.streamable}`)));
        });
    });

    describe('HTTP with an access key', () => {
        const key = 'test-key-5f0c2a9e7b';
        let running: RunningHttpServer;
        before(async () => {
            const source = sampleSource();
            running = await startHttpServer(() => createServer(source), { host: '127.0.0.1', port: 0, key, log: quiet });
        });
        after(async () => running.close());

        it('accepts the key as x-functions-key, as a bearer token and as ?code=', async () => {
            const url = new URL(`${running.url}${PATHS.streamable}`);
            await exercise(new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-functions-key': key } } }));
            await exercise(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
            await exercise(new SSEClientTransport(new URL(`${running.url}${PATHS.sse}?code=${key}`)));
            await exercise(
                new SSEClientTransport(new URL(`${running.url}${PATHS.sse}`), {
                    requestInit: { headers: { 'x-functions-key': key } },
                    eventSourceInit: {
                        fetch: (u, init) =>
                            fetch(u, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-functions-key': key } }),
                    },
                }),
            );
        });

        it('refuses a missing or wrong key with 401', async () => {
            const body = JSON.stringify({
                jsonrpc: '2.0',
                id: 1,
                method: 'initialize',
                params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
            });
            const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
            for (const extra of [{}, { 'x-functions-key': 'wrong' }, { authorization: `Bearer ${key}x` }] as Record<string, string>[]) {
                const response = await fetch(`${running.url}${PATHS.streamable}`, {
                    method: 'POST',
                    headers: { ...headers, ...extra },
                    body,
                });
                assert.equal(response.status, 401);
            }
            const sse = await fetch(`${running.url}${PATHS.sse}?code=nope`);
            assert.equal(sse.status, 401);
        });
    });

    it('refuses to listen beyond loopback without a key', async () => {
        const source = sampleSource();
        await assert.rejects(
            startHttpServer(() => createServer(source), { host: '0.0.0.0', port: 0, log: quiet }),
            /Refusing to listen on 0\.0\.0\.0 without an access key/,
        );
    });
});
