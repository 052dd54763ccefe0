/**
 * The extension side of the token bridge: a per-launch local socket from which the MCP server (a child process that
 * has no `vscode` API) asks for Azure access tokens. Entra tokens live about an hour but a server lives for the whole
 * chat session, so handing one token over in the environment would go stale; asking VS Code each time lets VS Code
 * refresh them as it does for every extension.
 *
 * Protocol (the client is `src/sources/azure/tokenBridge.ts`): the client connects and writes ONE newline-terminated
 * JSON request `{"secret", "scopes": [...], "tenantId"?}`; the bridge answers ONE newline-terminated JSON line,
 * `{"token", "expiresOnTimestamp"}` or `{"error": "signedOut"|"forbidden"|"badRequest"|"failed", "message"}`, and
 * closes. The socket sits in a private directory (0700, socket 0600; a random named pipe on Windows) and the secret
 * (32 random bytes, base64url) is compared in constant time. Nothing here imports `vscode`: the caller injects
 * `getToken`, which keeps the bridge unit-testable in plain Node.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The error codes of the protocol; the client (`src/sources/azure/tokenBridge.ts`) maps them to messages a person can
 * act on. `consentRequired`, `wrongTenant` and `interactionRequired` are the Entra ID failures it names separately.
 */
export type TokenBridgeErrorCode =
    'signedOut' | 'forbidden' | 'badRequest' | 'failed' | 'consentRequired' | 'wrongTenant' | 'interactionRequired';

/** A token as the Azure SDK wants it (`AccessToken` of `@azure/core-auth`). */
export interface BridgeToken {
    token: string;
    /** Milliseconds since the epoch. */
    expiresOnTimestamp: number;
}

/** Thrown by a `getToken` implementation to answer with a specific protocol error and message. */
export class TokenBridgeError extends Error {
    constructor(
        readonly code: TokenBridgeErrorCode,
        message: string,
    ) {
        super(message);
        this.name = 'TokenBridgeError';
    }
}

/**
 * Gets a fresh token for the scopes; `undefined` means nobody is signed in (answered as `signedOut`).
 * Called once per request, never cached here, so expiry and refresh stay VS Code's business.
 */
export type GetBridgeToken = (scopes: readonly string[], tenantId: string | undefined) => Promise<BridgeToken | undefined>;

/** What the bridge reports about each request; never the token or the secret. */
export interface TokenBridgeEvent {
    outcome: 'token' | TokenBridgeErrorCode;
    scopes: readonly string[];
    durationMs: number;
    message?: string;
}

export interface TokenBridgeOptions {
    getToken: GetBridgeToken;
    /** Called after each answered request, for the log. */
    onRequest?: (event: TokenBridgeEvent) => void;
    /** Folder to create the private directory in (default: the OS temp folder). Ignored on Windows. */
    parentDir?: string;
    /** Clock, for tests. */
    now?: () => number;
}

/** A running bridge: hand `env` to the server process; `dispose()` closes it and removes the socket and directory. */
export interface TokenBridge {
    readonly path: string;
    readonly secret: string;
    /** `INFRA_INSIGHTS_TOKEN_BRIDGE` and `INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET` for the server's environment. */
    readonly env: Readonly<Record<string, string>>;
    dispose(): Promise<void>;
}

/** The message a signed-out person sees, worded for both the chat (through the server) and the log. */
export const SIGNED_OUT_MESSAGE = "Sign in to Azure from the Accounts menu (or run 'Infra Insights: Sign In').";

/** Longest request line accepted: a secret, a few scopes and a tenant id fit in far less. */
const MAX_REQUEST_BYTES = 16 * 1024;
/** A client that connects and says nothing is dropped after this long. */
const IDLE_TIMEOUT_MS = 10_000;
/** When a token's expiry cannot be read, the client is told to come back this soon. */
export const FALLBACK_LIFETIME_MS = 5 * 60 * 1000;

/** Starts a bridge listening on a fresh private socket (or named pipe on Windows). */
export async function startTokenBridge(options: TokenBridgeOptions): Promise<TokenBridge> {
    const secret = crypto.randomBytes(32).toString('base64url');
    const secretDigest = digest(secret);
    const now = options.now ?? Date.now;
    let dir: string | undefined;
    let socketPath: string;
    if (process.platform === 'win32') {
        socketPath = `\\\\.\\pipe\\infra-insights-${crypto.randomBytes(16).toString('hex')}`;
    } else {
        dir = fs.mkdtempSync(path.join(shortParent(options.parentDir), 'infra-insights-'));
        // mkdtemp already uses 0700; say it explicitly so a changed default cannot widen it.
        fs.chmodSync(dir, 0o700);
        socketPath = path.join(dir, 'bridge.sock');
    }

    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        void serve(socket);
    });

    async function serve(socket: net.Socket): Promise<void> {
        const started = now();
        socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
        socket.on('error', () => socket.destroy());
        let line: string;
        try {
            line = await readLine(socket);
        } catch (error) {
            answer(socket, { error: 'badRequest', message: error instanceof Error ? error.message : 'Unreadable request.' });
            report('badRequest', [], started, 'unreadable request');
            return;
        }
        const request = parseRequest(line);
        if ('error' in request) {
            // The secret is checked before scopes and tenant, so a caller without it learns nothing more.
            answer(socket, request);
            report(request.error, [], started, request.message);
            return;
        }
        if (request.claims) {
            // A claims challenge (Conditional Access, MFA) cannot be met silently, and the bridge never prompts.
            const message =
                "Azure asks you to sign in again (multi-factor or Conditional Access): run 'Infra Insights: Sign In', then retry.";
            answer(socket, { error: 'interactionRequired', message });
            report('interactionRequired', request.scopes, started, message);
            return;
        }
        try {
            const token = await options.getToken(request.scopes, request.tenantId);
            if (!token) {
                answer(socket, { error: 'signedOut', message: SIGNED_OUT_MESSAGE });
                report('signedOut', request.scopes, started);
                return;
            }
            answer(socket, { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp });
            report('token', request.scopes, started);
        } catch (error) {
            const code: TokenBridgeErrorCode = error instanceof TokenBridgeError ? error.code : 'failed';
            const message =
                error instanceof TokenBridgeError
                    ? error.message
                    : `VS Code could not provide an Azure token: ${error instanceof Error ? error.message : String(error)}`;
            answer(socket, { error: code, message });
            report(code, request.scopes, started, message);
        }
    }

    function report(outcome: TokenBridgeEvent['outcome'], scopes: readonly string[], started: number, message?: string): void {
        options.onRequest?.({ outcome, scopes, durationMs: now() - started, message });
    }

    type ParsedRequest = { scopes: string[]; tenantId?: string; claims?: string } | { error: TokenBridgeErrorCode; message: string };
    function parseRequest(line: string): ParsedRequest {
        let value: unknown;
        try {
            value = JSON.parse(line);
        } catch {
            return { error: 'badRequest', message: 'The token request is not JSON.' };
        }
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
            return { error: 'badRequest', message: 'The token request must be a JSON object.' };
        }
        const { secret: given, scopes, tenantId, claims } = value as Record<string, unknown>;
        if (typeof given !== 'string' || !crypto.timingSafeEqual(digest(given), secretDigest)) {
            return { error: 'forbidden', message: 'The token bridge refused the request: wrong or missing secret.' };
        }
        if (
            !Array.isArray(scopes) ||
            scopes.length === 0 ||
            scopes.length > 8 ||
            !scopes.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 300)
        ) {
            return { error: 'badRequest', message: 'The token request needs "scopes": a list of 1 to 8 scope strings.' };
        }
        if (tenantId !== undefined && (typeof tenantId !== 'string' || !/^[A-Za-z0-9.-]{1,100}$/.test(tenantId))) {
            return { error: 'badRequest', message: 'The token request has an invalid "tenantId"; use a tenant GUID or domain name.' };
        }
        if (claims !== undefined && typeof claims !== 'string') {
            return { error: 'badRequest', message: 'The token request has an invalid "claims"; it must be the base64 challenge string.' };
        }
        return { scopes: scopes as string[], tenantId: tenantId as string | undefined, claims: claims || undefined };
    }

    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => {
            server.off('error', reject);
            resolve();
        });
    });
    if (dir) {
        fs.chmodSync(socketPath, 0o600);
    }

    let disposed: Promise<void> | undefined;
    return {
        path: socketPath,
        secret,
        env: { INFRA_INSIGHTS_TOKEN_BRIDGE: socketPath, INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET: secret },
        dispose() {
            disposed ??= new Promise<void>((resolve) => {
                for (const socket of sockets) {
                    socket.destroy();
                }
                server.close(() => {
                    if (dir) {
                        fs.rmSync(dir, { recursive: true, force: true });
                    }
                    resolve();
                });
            });
            return disposed;
        },
    };
}

/** Hashing both sides first gives equal-length buffers, so `timingSafeEqual` never leaks the secret's length. */
function digest(value: string): Buffer {
    return crypto.createHash('sha256').update(value, 'utf8').digest();
}

/** Unix socket paths are limited to about 104 bytes; a long TMPDIR falls back to /tmp. */
function shortParent(parent: string | undefined): string {
    const base = parent ?? os.tmpdir();
    return base.length > 70 ? '/tmp' : base;
}

function answer(socket: net.Socket, body: Record<string, unknown>): void {
    if (!socket.destroyed) {
        socket.end(`${JSON.stringify(body)}\n`);
    }
}

/** Reads up to the first newline (or the end of the stream), refusing anything longer than a request can be. */
function readLine(socket: net.Socket): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
            const newline = chunk.indexOf(0x0a);
            const part = newline >= 0 ? chunk.subarray(0, newline) : chunk;
            size += part.length;
            if (size > MAX_REQUEST_BYTES) {
                finish();
                reject(new Error('The token request is too long.'));
                return;
            }
            chunks.push(part);
            if (newline >= 0) {
                finish();
                resolve(Buffer.concat(chunks).toString('utf8'));
            }
        };
        const onEnd = () => {
            finish();
            resolve(Buffer.concat(chunks).toString('utf8'));
        };
        const finish = () => {
            socket.off('data', onData);
            socket.off('end', onEnd);
        };
        socket.on('data', onData);
        socket.on('end', onEnd);
    });
}
