import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as net from 'node:net';
import fc from 'fast-check';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import { createServer } from '../../src/server/createServer';
import { PATHS, startHttpServer, type RunningHttpServer } from '../../src/server/http';
import { createLogger } from '../../src/server/log';
import { allTools } from '../../src/tools';
import { call, connectInMemory, sampleSource, SERVER_JS, serverEnv, textOf } from '../helpers/fixtures';

/** What an attacker or a confused model might send as a value. */
const anyString = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.constantFrom(
        "x' or 1==1 //",
        '<script>alert(1)</script>',
        '\u202E',
        '../../etc/passwd',
        '',
        ' ',
        '%00',
        'P1Y',
        '-1d',
        'NaN',
        '7d',
        'ctso-sql-ams-01',
    ),
);
const anyValue = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.constantFrom("x' or 1==1 //", '<script>alert(1)</script>', '\u202E', '../../etc/passwd', '', ' ', '%00', 'P1Y', '-1d', 'NaN'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 5 }),
    fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);

const BAD_LINES: [string, Buffer][] = [
    ['malformed JSON', Buffer.from('{"jsonrpc": "2.0", "id": 1, "method": \n')],
    ['not JSON-RPC', Buffer.from('{"hello": "world"}\n')],
    ['deeply nested JSON', Buffer.from(`${'['.repeat(50_000)}${']'.repeat(50_000)}\n`)],
    [
        'invalid UTF-8',
        Buffer.concat([
            Buffer.from('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"Get'),
            Buffer.from([0xff, 0xfe, 0xc3]),
            Buffer.from('Anomalies","arguments":{}}}\n'),
        ]),
    ],
    ['an unknown method', Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/destroy' })}\n`)],
    [
        'wrong parameter types',
        Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 42, arguments: 'x' } })}\n`),
    ],
    [
        'a 10 MB string argument',
        Buffer.from(
            `${JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'GetSwConfig', arguments: { software_name: 'x'.repeat(10_000_000) } } })}\n`,
        ),
    ],
    [
        'a 100,000-element array',
        Buffer.from(
            `${JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'GetPatchingLevel', arguments: { subscription_ids: Array(100_000).fill('0') } } })}\n`,
        ),
    ],
];

const quiet = createLogger({ level: 'error', stream: { write: () => true } as unknown as NodeJS.WritableStream });

/** The JSON-RPC id of a message, when the bytes parse as one. */
function idOf(bytes: Buffer): number | undefined {
    try {
        const id = (JSON.parse(bytes.toString('utf8')) as { id?: unknown }).id;
        return typeof id === 'number' ? id : undefined;
    } catch {
        return undefined;
    }
}

interface RpcAnswer {
    id?: number | null;
    error?: { code: number; message: string };
    result?: { isError?: boolean } & Record<string, unknown>;
}

interface SseSession {
    post(body: Buffer | string): Promise<Response>;
    /** The answer with this id, when it arrives on the event stream. */
    next(id: number): Promise<RpcAnswer>;
    close(): void;
}

/** A raw legacy-SSE client: the event stream read by hand, messages posted as bytes exactly as given. */
async function openSseSession(base: string, key: string): Promise<SseSession> {
    const abort = new AbortController();
    const stream = await fetch(`${base}${PATHS.sse}`, {
        headers: { 'x-functions-key': key, accept: 'text/event-stream' },
        signal: abort.signal,
    });
    assert.equal(stream.status, 200);
    const answers = new Map<number, RpcAnswer>();
    const waiters = new Map<number, (answer: RpcAnswer) => void>();
    let endpoint: ((path: string) => void) | undefined;
    const endpointPath = new Promise<string>((resolve) => (endpoint = resolve));
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    void (async () => {
        for (;;) {
            const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
            if (done) {
                return;
            }
            buffer += value;
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
                const event = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const type = /^event: (.*)$/m.exec(event)?.[1];
                const data = /^data: (.*)$/m.exec(event)?.[1] ?? '';
                if (type === 'endpoint') {
                    endpoint?.(data);
                } else if (type === 'message') {
                    const answer = JSON.parse(data) as RpcAnswer;
                    if (typeof answer.id === 'number') {
                        answers.set(answer.id, answer);
                        waiters.get(answer.id)?.(answer);
                    }
                }
            }
        }
    })();
    const messageUrl = `${base}${await endpointPath}`;
    return {
        post: (body) =>
            fetch(messageUrl, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-functions-key': key },
                body: typeof body === 'string' ? body : new Uint8Array(body),
            }),
        next: (id) => {
            const seen = answers.get(id);
            return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.set(id, resolve));
        },
        close: () => abort.abort(),
    };
}

describe('hostile input', () => {
    describe('every tool and prompt, through a real MCP client, with arbitrary arguments (fast-check)', () => {
        let client: Client;
        before(async () => {
            client = await connectInMemory();
        });
        after(async () => client.close());

        for (const tool of allTools) {
            it(`${tool.name}: answers or explains, never crashes, and keeps serving`, async () => {
                const names = Object.keys((tool.input as z.ZodObject<z.ZodRawShape>).shape);
                await fc.assert(
                    fc.asyncProperty(
                        fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), anyValue, { maxKeys: 4 }),
                        async (args) => {
                            const result = await call(client, tool.name, args);
                            if (result.isError) {
                                const text = textOf(result);
                                assert.ok(text.length > 10 && text.length < 2000, `a short explanation, got ${text.length} characters`);
                                assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, 'no stack trace');
                            } else {
                                assert.equal((result.structuredContent as { source: string }).source, 'sample');
                            }
                        },
                    ),
                    { numRuns: tool.name === 'GetAnomalies' ? 15 : 40, seed: 20261126 },
                );
                const after = await call(client, 'ListScopes');
                assert.notEqual(after.isError, true);
            });
        }

        it('answers each prompt with one message or refuses it with a short InvalidParams error, and keeps serving', async () => {
            const { prompts } = await client.listPrompts();
            const argumentNames = [...new Set(prompts.flatMap((p) => (p.arguments ?? []).map((a) => a.name)))];
            await fc.assert(
                fc.asyncProperty(
                    fc.constantFrom(...prompts.map((p) => p.name)),
                    // Prompt arguments are strings by the protocol (a non-string is refused by the SDK's request schema, below).
                    fc.dictionary(fc.oneof(fc.constantFrom(...argumentNames), fc.string({ maxLength: 12 })), anyString, { maxKeys: 3 }),
                    async (name, args) => {
                        try {
                            const prompt = await client.getPrompt({ name, arguments: args as Record<string, string> });
                            assert.equal(prompt.messages.length, 1);
                        } catch (error) {
                            assert.ok(error instanceof McpError, String(error));
                            assert.equal(error.code, ErrorCode.InvalidParams, error.message);
                            assert.ok(error.message.length < 2000, `a short explanation, got ${error.message.length} characters`);
                            assert.doesNotMatch(error.message, /\n\s+at .+:\d+:\d+/, 'no stack trace');
                        }
                    },
                ),
                { numRuns: 60, seed: 20261127 },
            );
            const wrongType = await client
                .getPrompt({ name: 'estate-review', arguments: { timespan: 7 as unknown as string } })
                .catch((e: unknown) => e);
            assert.ok(
                wrongType instanceof McpError && /timespan/.test(wrongType.message) && wrongType.message.length < 2000,
                String(wrongType),
            );
            const huge = 'x'.repeat(10 * 1024 * 1024);
            const refused = await client
                .getPrompt({ name: 'investigate-server', arguments: { server_name: huge } })
                .catch((e: unknown) => e);
            assert.ok(refused instanceof McpError && refused.message.length < 2000, String(refused).slice(0, 200));
            const { completion } = await client.complete({
                ref: { type: 'ref/prompt', name: 'investigate-server' },
                argument: { name: 'server_name', value: huge },
            });
            assert.deepEqual(completion.values, []);
            assert.equal((await client.listPrompts()).prompts.length, prompts.length);
        });
    });

    describe('over stdio (dist/server.js)', () => {
        let child: ChildProcessWithoutNullStreams;
        let output = '';
        const responses = () =>
            output
                .split('\n')
                .filter(Boolean)
                .map((line) => JSON.parse(line) as { id?: number | null; error?: { code: number }; result?: { isError?: boolean } });
        before(async () => {
            child = spawn(process.execPath, [SERVER_JS], { env: serverEnv() });
            child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
            child.stdin.write(
                `${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
            );
            child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
        });
        after(() => {
            child.kill();
        });

        for (const [what, bytes] of BAD_LINES) {
            it(`answers ${what} with an error and then serves the next request`, async () => {
                const before = responses().length;
                child.stdin.write(bytes);
                const pingId = 1000 + BAD_LINES.findIndex(([w]) => w === what);
                child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: pingId, method: 'ping' })}\n`);
                // Both answers may come in either order (the ping can overtake a slow tool call); wait for
                // both, bounded by the suite's timeout rather than a clock of our own.
                const isErrorAnswer = (r: ReturnType<typeof responses>[number]) => r.id !== pingId && (r.error || r.result?.isError);
                const answered = () => {
                    const fresh = responses().slice(before);
                    return fresh.some((r) => r.id === pingId) && fresh.some(isErrorAnswer);
                };
                while (!answered() && child.exitCode === null) {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                const fresh = responses().slice(before);
                assert.ok(fresh.some(isErrorAnswer), `an error answer for ${what}: ${JSON.stringify(fresh).slice(0, 300)}`);
                assert.ok(
                    fresh.some((r) => r.id === pingId && r.result),
                    'the server still answers',
                );
            });
        }
    });

    describe('over the legacy SSE transport (message endpoint)', () => {
        let running: RunningHttpServer;
        let session: SseSession;
        const key = 'k3y-not-to-be-logged-8842';
        before(async () => {
            const source = sampleSource();
            running = await startHttpServer(() => createServer(source, quiet), {
                host: '127.0.0.1',
                port: 0,
                key,
                log: quiet,
                bodyTimeoutMs: 500,
            });
            session = await openSseSession(running.url, key);
            const init = await session.post(
                JSON.stringify({
                    jsonrpc: '2.0',
                    id: 0,
                    method: 'initialize',
                    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
                }),
            );
            assert.equal(init.status, 202);
            assert.ok((await session.next(0)).result);
            assert.equal((await session.post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))).status, 202);
        });
        after(async () => {
            session.close();
            await running.close();
        });

        for (const [index, [what, bytes]] of BAD_LINES.entries()) {
            it(`answers ${what} with a JSON-RPC or tool error (or a 4xx) and the session serves the next request`, async () => {
                const response = await session.post(bytes);
                const text = await response.text();
                assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, 'no stack trace');
                if (response.status === 202) {
                    const id = idOf(bytes);
                    assert.notEqual(id, undefined, `a message without an id was accepted: ${what}`);
                    const answer = await session.next(id as number);
                    assert.ok(answer.error || answer.result?.isError, JSON.stringify(answer).slice(0, 300));
                    assert.doesNotMatch(JSON.stringify(answer), /\\n\s+at .+:\d+:\d+/, 'no stack trace');
                } else {
                    assert.ok(response.status >= 400 && response.status < 500, `${response.status}: ${text.slice(0, 200)}`);
                    const parsed = JSON.parse(text) as { jsonrpc?: string; error?: { code: number; message: string } };
                    assert.equal(parsed.jsonrpc, '2.0', text.slice(0, 200));
                    assert.ok(parsed.error && parsed.error.message.length < 300, text.slice(0, 300));
                }
                const pingId = 2000 + index;
                assert.equal((await session.post(JSON.stringify({ jsonrpc: '2.0', id: pingId, method: 'ping' }))).status, 202);
                assert.deepEqual((await session.next(pingId)).result, {}, 'the session still answers');
            });
        }

        it('still runs a tool on the same session after all of them', async () => {
            const id = 3000;
            await session.post(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'ListScopes', arguments: {} } }));
            const answer = await session.next(id);
            assert.ok(answer.result && !answer.result.isError, JSON.stringify(answer).slice(0, 300));
            assert.equal(running.sseSessions(), 1);
        });
    });

    describe('over HTTP', () => {
        let running: RunningHttpServer;
        const logged: string[] = [];
        const key = 'k3y-not-to-be-logged-8842';
        before(async () => {
            const source = sampleSource();
            const log = createLogger({
                level: 'debug',
                stream: { write: (line: string) => logged.push(line) } as unknown as NodeJS.WritableStream,
            });
            running = await startHttpServer(() => createServer(source, log), { host: '127.0.0.1', port: 0, key, log, bodyTimeoutMs: 500 });
        });
        after(async () => running.close());

        const post = (body: Buffer | string, path: string = PATHS.streamable) =>
            fetch(`${running.url}${path}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-functions-key': key },
                body: typeof body === 'string' ? body : new Uint8Array(body),
            });

        for (const [what, bytes] of BAD_LINES) {
            it(`answers ${what} with a JSON-RPC or tool error, without a stack trace`, async () => {
                const response = await post(bytes);
                const text = await response.text();
                assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/);
                if (response.status === 200) {
                    const message = JSON.parse(text) as { error?: unknown; result?: { isError?: boolean } };
                    assert.ok(message.error || message.result?.isError, text.slice(0, 200));
                } else {
                    assert.ok(response.status >= 400 && response.status < 500, `${response.status}`);
                    assert.ok((JSON.parse(text) as { error?: unknown }).error, text.slice(0, 200));
                }
                const ping = await post(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }));
                assert.equal(ping.status, 200);
            });
        }

        it('times out a body that trickles in (slow loris)', async () => {
            const started = Date.now();
            const closedAfter = await new Promise<number>((resolve, reject) => {
                const socket = net.connect(running.port, '127.0.0.1', () => {
                    socket.write(
                        `POST ${PATHS.streamable} HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nx-functions-key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc"`,
                    );
                    const trickle = setInterval(() => socket.write(' '), 100);
                    socket.on('close', () => {
                        clearInterval(trickle);
                        resolve(Date.now() - started);
                    });
                });
                socket.on('error', reject);
                socket.resume();
            });
            // The client never stops trickling, so only the server's body timeout (500 ms here) can close the
            // socket; without it this waits until the suite's timeout fails the test. It must not close at once either.
            assert.ok(closedAfter >= 400, `closed after ${closedAfter} ms, before the body timeout`);
        });

        it('never writes the access key to its log, even when it arrives in the query string', async () => {
            await fetch(`${running.url}${PATHS.sse}?code=${key}-wrong`).then((r) => r.body?.cancel());
            const response = await fetch(`${running.url}${PATHS.streamable}?code=${key}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
                body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'NoSuchTool', arguments: {} } }),
            });
            await response.text();
            assert.ok(logged.length > 0, 'something was logged');
            assert.ok(!logged.join('').includes(key), 'the key is not in the log');
        });
    });
});
