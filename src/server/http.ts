import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from './log';

/** Paths of the Azure Functions sample, so its `mcp.json` entries work unchanged. */
export const PATHS = {
    streamable: '/mcp',
    sse: '/runtime/webhooks/mcp/sse',
    sseMessage: '/runtime/webhooks/mcp/message',
    health: '/healthz',
} as const;

export interface HttpServerOptions {
    host: string;
    port: number;
    /** When set, every request must carry it (`x-functions-key`, `Authorization: Bearer`, or `?code=`). */
    key?: string;
    log: Logger;
    /** Largest request body accepted. */
    maxBodyBytes?: number;
    /** A body must arrive within this time (slow-loris protection). */
    bodyTimeoutMs?: number;
}

export interface RunningHttpServer {
    url: string;
    port: number;
    close(): Promise<void>;
    /** Open legacy SSE sessions (for leak checks). */
    sseSessions(): number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
    return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Starts the HTTP MCP server: Streamable HTTP at `/mcp` (stateless: a fresh server per request, so replicas scale out)
 * and the legacy SSE transport at the Azure Functions sample's paths.
 * @throws Error when asked to bind beyond loopback without a key.
 */
export async function startHttpServer(makeServer: () => McpServer, options: HttpServerOptions): Promise<RunningHttpServer> {
    if (!isLoopback(options.host) && !options.key) {
        throw new Error(
            `Refusing to listen on ${options.host} without an access key: anyone on the network could read your estate. Set INFRA_INSIGHTS_KEY (or --key-file), or bind to 127.0.0.1.`,
        );
    }
    const { log } = options;
    const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
    const bodyTimeout = options.bodyTimeoutMs ?? 15_000;
    const keyDigest = options.key ? digest(options.key) : undefined;
    const sseSessions = new Map<string, { transport: SSEServerTransport; server: McpServer }>();
    const loopbackOnly = isLoopback(options.host);
    const inFlight = new InFlightCalls();
    let port = options.port;

    const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'no-store');
        if (loopbackOnly && !hostAllowed(req, port)) {
            return reject(res, 403, 'Forbidden: this server only answers requests addressed to localhost.');
        }
        if (!originAllowed(req, port)) {
            return reject(res, 403, 'Forbidden: cross-origin requests are not allowed.');
        }
        if (req.method === 'OPTIONS') {
            // CORS is closed: no Access-Control-Allow-* headers, so browsers refuse cross-origin calls.
            res.writeHead(204).end();
            return;
        }
        if (url.pathname === PATHS.health) {
            // Counts only, for load tests' leak checks; nothing about the estate or the caller.
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok', sseSessions: sseSessions.size }));
            return;
        }
        if (keyDigest && !keyPresented(req, url, keyDigest)) {
            log.warn(`401 ${req.method} ${url.pathname}: missing or wrong access key`);
            res.setHeader('WWW-Authenticate', 'Bearer');
            return reject(
                res,
                401,
                'Unauthorized: send the access key as the x-functions-key header, Authorization: Bearer <key>, or ?code=<key>.',
            );
        }
        if (url.pathname === PATHS.streamable) {
            const body = req.method === 'POST' ? await readJson(req, res, maxBody, bodyTimeout) : undefined;
            if (body === FAILED) {
                return;
            }
            inFlight.cancel(req, body, log);
            const server = makeServer();
            const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
            const unregister = inFlight.register(req, res, body);
            res.on('close', () => {
                unregister();
                void transport.close();
                void server.close();
            });
            await server.connect(transport);
            await transport.handleRequest(req, res, body);
            return;
        }
        if (url.pathname === PATHS.sse && req.method === 'GET') {
            // A client that authenticated with ?code= must be able to post its messages the same way.
            const code = url.searchParams.get('code');
            const endpoint = code ? `${PATHS.sseMessage}?code=${encodeURIComponent(code)}` : PATHS.sseMessage;
            const transport = new SSEServerTransport(endpoint, res);
            const server = makeServer();
            sseSessions.set(transport.sessionId, { transport, server });
            res.on('close', () => {
                sseSessions.delete(transport.sessionId);
                void server.close();
            });
            await server.connect(transport);
            return;
        }
        if (url.pathname === PATHS.sseMessage && req.method === 'POST') {
            const session = sseSessions.get(url.searchParams.get('sessionId') ?? '');
            if (!session) {
                return reject(res, 404, 'Unknown or closed SSE session: open a new one at ' + PATHS.sse + '.');
            }
            const body = await readJson(req, res, maxBody, bodyTimeout);
            if (body === FAILED) {
                return;
            }
            if (!JSONRPCMessageSchema.safeParse(body).success) {
                // The SDK's SSE transport would echo the body back as text (and overflow the stack on deep nesting).
                return rpcError(res, 400, -32600, 'Invalid Request: the body is not a JSON-RPC 2.0 message.');
            }
            await session.transport.handlePostMessage(req, res, body);
            return;
        }
        reject(res, 404, `Not found. MCP endpoints: ${PATHS.streamable} (Streamable HTTP) and ${PATHS.sse} (SSE).`);
    };

    const server = http.createServer((req, res) => {
        handler(req, res).catch((error: unknown) => {
            log.error(
                `HTTP ${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname} failed: ${error instanceof Error ? error.message : String(error)}`,
            );
            if (!res.headersSent) {
                reject(res, 500, 'Internal server error.');
            } else {
                res.destroy();
            }
        });
    });
    server.requestTimeout = 120_000;
    server.headersTimeout = 20_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(options.port, options.host, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    return {
        url: `http://${hostForUrl}:${port}`,
        port,
        sseSessions: () => sseSessions.size,
        close: () =>
            new Promise<void>((resolve) => {
                for (const { transport } of sseSessions.values()) {
                    void transport.close();
                }
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

const FAILED = Symbol('failed');

/**
 * Stateless Streamable HTTP gives every POST its own server, so the `notifications/cancelled` a client sends for a
 * call (in a POST of its own) would reach a server that never saw the call. This registry lets it find the call:
 * the POST holding a single request with that id, from the same address. Ids are only unique per client, so when
 * several such calls are in flight the cancellation is ambiguous and dropped rather than risk stopping another
 * client's call. Cancelling answers the call's POST with a JSON-RPC error and closes its server, which aborts the
 * tool's signal and with it the Azure requests.
 */
class InFlightCalls {
    private readonly calls = new Map<string, Set<() => void>>();

    register(req: http.IncomingMessage, res: http.ServerResponse, body: unknown): () => void {
        const message = body as { method?: unknown; id?: unknown } | undefined;
        if (!message || Array.isArray(message) || typeof message.method !== 'string' || !isRequestId(message.id)) {
            return () => undefined;
        }
        const id = message.id;
        const key = this.key(req, id);
        const cancel = () => {
            if (res.headersSent) {
                res.destroy();
                return;
            }
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(
                JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32800, message: 'Request cancelled by the client.' } }),
            );
        };
        const set = this.calls.get(key) ?? new Set();
        set.add(cancel);
        this.calls.set(key, set);
        return () => {
            set.delete(cancel);
            if (set.size === 0 && this.calls.get(key) === set) {
                this.calls.delete(key);
            }
        };
    }

    /** Cancels the calls named by `notifications/cancelled` messages in `body`. */
    cancel(req: http.IncomingMessage, body: unknown, log: Logger): void {
        for (const message of Array.isArray(body) ? body : [body]) {
            const note = message as { method?: unknown; params?: { requestId?: unknown } } | undefined;
            if (note?.method !== 'notifications/cancelled' || !isRequestId(note.params?.requestId)) {
                continue;
            }
            const set = this.calls.get(this.key(req, note.params.requestId));
            if (set?.size === 1) {
                log.info(`Streamable HTTP: request ${JSON.stringify(note.params.requestId)} cancelled by the client.`);
                [...set][0]();
            } else if (set) {
                log.warn(`Streamable HTTP: cancellation of request ${JSON.stringify(note.params.requestId)} is ambiguous; ignored.`);
            }
        }
    }

    private key(req: http.IncomingMessage, id: string | number): string {
        return `${req.socket.remoteAddress ?? ''}|${typeof id}:${id}`;
    }
}

function isRequestId(id: unknown): id is string | number {
    return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** Reads a JSON body within the size and time limits, answering the JSON-RPC error itself when it cannot. */
async function readJson(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    maxBytes: number,
    timeoutMs: number,
): Promise<unknown | typeof FAILED> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
        rpcError(res, 413, -32600, `Request body too large: the limit is ${maxBytes} bytes.`);
        req.resume();
        return FAILED;
    }
    const text = await new Promise<string | typeof FAILED>((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const timer = setTimeout(() => {
            rpcError(res, 408, -32600, `Request body not received within ${timeoutMs / 1000} s.`, true);
            req.destroy();
            resolve(FAILED);
        }, timeoutMs);
        req.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
                clearTimeout(timer);
                rpcError(res, 413, -32600, `Request body too large: the limit is ${maxBytes} bytes.`, true);
                req.destroy();
                resolve(FAILED);
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => {
            clearTimeout(timer);
            resolve(Buffer.concat(chunks).toString('utf8'));
        });
        req.on('error', () => {
            clearTimeout(timer);
            resolve(FAILED);
        });
    });
    if (text === FAILED) {
        return FAILED;
    }
    try {
        return JSON.parse(text);
    } catch {
        rpcError(res, 400, -32700, 'Parse error: the request body is not valid JSON.');
        return FAILED;
    }
}

function rpcError(res: http.ServerResponse, status: number, code: number, message: string, close = false): void {
    if (res.headersSent) {
        res.destroy();
        return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', ...(close ? { Connection: 'close' } : {}) }).end(
        JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }),
    );
}

function reject(res: http.ServerResponse, status: number, message: string): void {
    rpcError(res, status, -32000, message);
}

function digest(text: string): Buffer {
    return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests in constant time, so response timing reveals nothing about the key. */
function keyPresented(req: http.IncomingMessage, url: URL, expected: Buffer): boolean {
    const candidates: string[] = [];
    const header = req.headers['x-functions-key'];
    if (typeof header === 'string') {
        candidates.push(header);
    }
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) {
        candidates.push(auth.replace(/^bearer\s+/i, ''));
    }
    const code = url.searchParams.get('code');
    if (code !== null) {
        candidates.push(code);
    }
    let ok = false;
    for (const candidate of candidates) {
        ok = timingSafeEqual(digest(candidate), expected) || ok;
    }
    return ok;
}

/** DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends `Host: evil.example`. */
function hostAllowed(req: http.IncomingMessage, port: number): boolean {
    const host = req.headers.host;
    if (!host) {
        return false;
    }
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    return !!match && isLoopback(match[1]) && (match[2] === undefined || Number(match[2]) === port);
}

/** Browsers send Origin on cross-site requests; only the server's own loopback origins are accepted. */
function originAllowed(req: http.IncomingMessage, port: number): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) {
        return true;
    }
    try {
        const url = new URL(origin);
        return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname) && Number(url.port || 80) === port;
    } catch {
        return false;
    }
}
