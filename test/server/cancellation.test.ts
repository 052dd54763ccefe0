/**
 * MCP cancellation end to end: a real MCP client calls a tool with an AbortSignal (the SDK sends
 * `notifications/cancelled`) while the HTTPS fake of Azure holds the Resource Graph or Log Analytics request open.
 * The fake must see the real SDK close that request, and the server must answer the next call normally — over
 * every transport: in memory, stdio (`dist/server.js`), Streamable HTTP and the legacy SSE transport.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../../src/server/createServer';
import { PATHS, startHttpServer, type RunningHttpServer } from '../../src/server/http';
import { createLogger } from '../../src/server/log';
import { startAzureFake, type AzureFake, type FakeService, type HeldRequest } from '../azure/fake';
import { ARM_TOKEN, LOGS_TOKEN, sourceFor } from '../azure/helpers';
import { call, SERVER_JS, textOf } from '../helpers/fixtures';

const logged: string[] = [];
const logWaiters: { pattern: RegExp; resolve: () => void }[] = [];
const log = createLogger({
    level: 'debug',
    stream: {
        write: (line: string) => {
            logged.push(line);
            for (const waiter of logWaiters.filter((w) => w.pattern.test(line))) {
                waiter.resolve();
            }
            return true;
        },
    } as unknown as NodeJS.WritableStream,
});

/** Resolves when the in-process servers log a line matching `pattern`. */
function logLine(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => logWaiters.push({ pattern, resolve }));
}

interface Connection {
    client: Client;
    close(): Promise<void>;
}

/** Which tool waits on which service. */
const CASES: { tool: string; service: FakeService }[] = [
    { tool: 'GetSwConfig', service: 'logs' },
    { tool: 'GetServerMetadata', service: 'graph' },
];

describe('MCP cancellation reaches the Azure SDK request (real MCP client → server → real SDK → HTTPS fake)', function () {
    this.timeout(60_000);
    let fake: AzureFake;
    /** Released after each test, so a failing test leaves nothing waiting behind it. */
    const holds: HeldRequest[] = [];
    const hold = (service: FakeService): HeldRequest => {
        const held = fake.hold(service);
        holds.push(held);
        return held;
    };
    before(async () => {
        fake = await startAzureFake({ estate: { machines: 4 } });
    });
    afterEach(() => {
        for (const held of holds.splice(0)) {
            held.release();
        }
    });
    after(async () => fake?.close());

    const transports: Record<string, () => Promise<Connection>> = {
        'in memory': async () => {
            const server = createServer(sourceFor(fake), log);
            const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
            await server.connect(serverSide);
            const client = new Client({ name: 'cancel', version: '1.0.0' });
            await client.connect(clientSide);
            return { client, close: () => client.close() };
        },
        'stdio (dist/server.js)': async () => {
            const dir = mkdtempSync(join(tmpdir(), 'infra-insights-cancel-'));
            const caFile = join(dir, 'ca.pem');
            writeFileSync(caFile, fake.caCertPem);
            const client = new Client({ name: 'cancel', version: '1.0.0' });
            await client.connect(
                new StdioClientTransport({
                    command: process.execPath,
                    args: [SERVER_JS],
                    stderr: 'ignore',
                    env: {
                        PATH: process.env.PATH ?? '',
                        INFRA_INSIGHTS_SOURCE: 'azure',
                        INFRA_INSIGHTS_ARM_ENDPOINT: fake.armEndpoint,
                        INFRA_INSIGHTS_LOGS_ENDPOINT: fake.logsEndpoint,
                        INFRA_INSIGHTS_ARM_TOKEN: ARM_TOKEN,
                        INFRA_INSIGHTS_LOGS_TOKEN: LOGS_TOKEN,
                        NODE_EXTRA_CA_CERTS: caFile,
                    },
                }),
            );
            return {
                client,
                close: async () => {
                    await client.close();
                    rmSync(dir, { recursive: true, force: true });
                },
            };
        },
        'Streamable HTTP': async () => {
            const source = sourceFor(fake);
            const running: RunningHttpServer = await startHttpServer(() => createServer(source, log), { host: '127.0.0.1', port: 0, log });
            const client = new Client({ name: 'cancel', version: '1.0.0' });
            await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}${PATHS.streamable}`)));
            return {
                client,
                close: async () => {
                    await client.close();
                    await running.close();
                },
            };
        },
        'legacy SSE': async () => {
            const source = sourceFor(fake);
            const running: RunningHttpServer = await startHttpServer(() => createServer(source, log), { host: '127.0.0.1', port: 0, log });
            const client = new Client({ name: 'cancel', version: '1.0.0' });
            await client.connect(new SSEClientTransport(new URL(`${running.url}${PATHS.sse}`)));
            return {
                client,
                close: async () => {
                    await client.close();
                    await running.close();
                },
            };
        },
    };

    for (const [name, connect] of Object.entries(transports)) {
        describe(name, () => {
            let connection: Connection;
            before(async () => {
                connection = await connect();
            });
            after(async () => connection?.close());

            for (const { tool, service } of CASES) {
                it(`${tool}: the held ${service === 'logs' ? 'Log Analytics' : 'Resource Graph'} request is closed, and the next call is answered`, async () => {
                    const held = hold(service);
                    const controller = new AbortController();
                    const pending = connection.client.callTool({ name: tool, arguments: {} }, undefined, { signal: controller.signal });
                    const request = await held.arrived;
                    const seenBefore = fake.requests.length;
                    controller.abort(new Error('the user pressed stop'));
                    await assert.rejects(pending, /pressed stop|cancel|abort/i);
                    // Resolves only when the SDK closes the connection; without cancellation it stays open for minutes.
                    await held.abandoned;
                    assert.equal(request.service, service);
                    const next = (await connection.client.callTool({ name: tool, arguments: {} })) as CallToolResult;
                    assert.notEqual(next.isError, true, textOf(next));
                    assert.ok((next.structuredContent as { items: unknown[] }).items.length > 0);
                    // The window moves with the clock; the query is otherwise the same.
                    const same = (text: string) => text.replace(/datetime\([^)]*\)/g, 'datetime()');
                    const retried = fake.requests.slice(seenBefore).filter((r) => same(r.query) === same(request.query)).length;
                    assert.equal(retried, 1, 'the cancelled request was not retried; only the next call sent it again');
                    const again = await call(connection.client, 'ListScopes');
                    assert.notEqual(again.isError, true, textOf(again));
                });
            }
        });
    }
    describe('then', () => {
        it("Streamable HTTP: a cancellation that could name two clients' calls (same id, same address) stops neither", async () => {
            const source = sourceFor(fake);
            const running = await startHttpServer(() => createServer(source, log), { host: '127.0.0.1', port: 0, log });
            const url = new URL(`${running.url}${PATHS.streamable}`);
            const a = new Client({ name: 'a', version: '1.0.0' });
            const b = new Client({ name: 'b', version: '1.0.0' });
            try {
                await a.connect(new StreamableHTTPClientTransport(url));
                await b.connect(new StreamableHTTPClientTransport(url));
                const heldA = hold('logs');
                const heldB = hold('logs');
                const controller = new AbortController();
                const pendingA = a.callTool({ name: 'GetSwConfig', arguments: {} }, undefined, { signal: controller.signal });
                await heldA.arrived;
                const pendingB = b.callTool({ name: 'GetSwConfig', arguments: {} });
                await heldB.arrived;
                let abandoned = 0;
                void heldA.abandoned.then(() => abandoned++);
                void heldB.abandoned.then(() => abandoned++);
                const ignored = logLine(/cancellation of request .* is ambiguous; ignored/);
                controller.abort(new Error('the user pressed stop'));
                await assert.rejects(pendingA, /pressed stop/);
                await ignored;
                heldA.release();
                heldB.release();
                const answer = (await pendingB) as CallToolResult;
                assert.notEqual(answer.isError, true, textOf(answer));
                assert.equal(abandoned, 0, 'neither held request was closed');
            } finally {
                await a.close();
                await b.close();
                await running.close();
            }
        });

        it('logs every cancellation as such, and no error', () => {
            assert.equal(
                logged.filter((line) => /failed after \d+ ms \(cancelled\)/.test(line)).length,
                6,
                'in memory, Streamable HTTP and SSE, two each',
            );
            assert.deepEqual(
                logged.filter((line) => line.includes('[error]')),
                [],
            );
        });
    });
});
