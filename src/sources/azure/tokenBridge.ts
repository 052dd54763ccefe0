/**
 * Client side of the token bridge: how the MCP server, launched by the VS Code extension, gets fresh Azure
 * tokens from the extension's Microsoft sign-in (tokens live about an hour; a server lives for a whole chat).
 *
 * PROTOCOL (the extension implements the server side from this comment)
 *
 * Transport: a local stream socket — a Unix domain socket on Linux/macOS, a named pipe on Windows
 *   (`\\.\pipe\<name>`). Its path is in env `INFRA_INSIGHTS_TOKEN_BRIDGE`. The extension creates it in a directory
 *   only the user can read (Unix: mode 0700 dir, socket 0600) and removes it when the server stops.
 * Secret: env `INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET`, a random per-launch value of at least 32 bytes (hex or
 *   base64url). The server sends it with every request; the extension compares it in constant time and answers
 *   `{"error":"forbidden"}` on mismatch.
 * Framing: UTF-8, newline-delimited JSON; one JSON object per line, no newline inside a message. The client opens a
 *   connection, writes ONE request line, reads ONE response line, and closes. (One request per connection keeps
 *   both sides free of request ids; a token is requested at most every few minutes per resource.)
 * Request:  {"secret": string, "scopes": string[], "tenantId"?: string, "claims"?: string}
 *   - `scopes`: the resource scopes the Azure SDK asks for, e.g. ["https://management.azure.com/.default"] or
 *     ["https://api.loganalytics.io/.default"] (or the sovereign-cloud equivalents). Exactly one resource per request.
 *     The extension maps it to `vscode.authentication.getSession('microsoft' | 'microsoft-sovereign-cloud',
 *     [...scopes, 'VSCODE_TENANT:<tenantId>'?, 'VSCODE_CLIENT_ID:<id>'?], { silent: true })` — never prompting;
 *     sign-in prompts belong to the extension's own UI.
 *   - `tenantId` (GUID, optional): the tenant the token must be issued by; absent means the configured/home tenant.
 *   - `claims` (optional): a base64 claims challenge from a 401 (Conditional Access); the extension may answer
 *     `{"error":"interactionRequired"}` if it cannot satisfy it silently.
 * Response, success: {"token": string, "expiresOnTimestamp": number}
 *   - `expiresOnTimestamp`: epoch MILLISECONDS when the token expires (the JWT `exp` * 1000, or now + 5 min if unknown).
 * Response, failure: {"error": code, "message"?: string}
 *   - `signedOut`: no Microsoft session in VS Code (the user must sign in from the Accounts menu).
 *   - `forbidden`: bad secret.
 *   - `consentRequired`: AADSTS65002 / AADSTS650057 — the client id is not authorised for the resource.
 *   - `wrongTenant`: the requested tenant is not available to the signed-in account.
 *   - `interactionRequired`: a claims challenge or MFA step needs the user.
 *   - any other string: an unexpected failure; `message` (one sentence, no token, no stack) is shown to the user.
 * Limits: the client gives up after 10 s or 64 KiB without a complete line. Neither side logs the secret or tokens.
 */
import * as net from 'node:net';
import type { AbortSignalLike } from '@azure/abort-controller';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { SourceError } from '../../core/source';

export const TOKEN_BRIDGE_ENV = 'INFRA_INSIGHTS_TOKEN_BRIDGE';
export const TOKEN_BRIDGE_SECRET_ENV = 'INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET';

/** One request on the bridge. */
export interface TokenBridgeRequest {
    secret: string;
    scopes: string[];
    tenantId?: string;
    claims?: string;
}

/** One answer on the bridge. */
export type TokenBridgeResponse = { token: string; expiresOnTimestamp: number } | { error: string; message?: string };

const TIMEOUT_MS = 10_000;
const MAX_LINE = 64 * 1024;

/**
 * A `TokenCredential` that asks the VS Code extension for each token, so the server always uses the account (and
 * tenant) the person signed in with in VS Code. Tokens are cached until five minutes before they expire.
 */
export class TokenBridgeCredential implements TokenCredential {
    private readonly cache = new Map<string, AccessToken>();

    constructor(
        private readonly path: string,
        private readonly secret: string,
        private readonly tenantId?: string,
    ) {}

    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
        const list = typeof scopes === 'string' ? [scopes] : [...scopes];
        const tenantId = options?.tenantId ?? this.tenantId;
        const key = `${tenantId ?? ''}|${list.join(' ')}`;
        const cached = this.cache.get(key);
        if (cached && !options?.claims && cached.expiresOnTimestamp - Date.now() > 5 * 60_000) {
            return cached;
        }
        const request: TokenBridgeRequest = { secret: this.secret, scopes: list };
        if (tenantId) {
            request.tenantId = tenantId;
        }
        if (options?.claims) {
            request.claims = options.claims;
        }
        const response = await exchange(this.path, request, options?.abortSignal);
        if ('error' in response) {
            throw bridgeError(response);
        }
        if (typeof response.token !== 'string' || !response.token || !Number.isFinite(response.expiresOnTimestamp)) {
            throw new SourceError('The VS Code token bridge sent an answer without a token; sign in to Azure again from VS Code.', 'auth');
        }
        const token: AccessToken = { token: response.token, expiresOnTimestamp: response.expiresOnTimestamp, tokenType: 'Bearer' };
        this.cache.set(key, token);
        return token;
    }
}

/** The bridge's error code as a message a person can act on (the code itself stays machine-readable in `SourceError.code`). */
function bridgeError(response: { error: string; message?: string }): SourceError {
    const detail = typeof response.message === 'string' ? ` ${response.message.slice(0, 300)}` : '';
    switch (response.error) {
        case 'signedOut':
            return new SourceError(
                "Not signed in to Azure in VS Code. Sign in from VS Code's Accounts menu (or run Infra Insights: Sign In).",
                'auth',
            );
        case 'forbidden':
            return new SourceError(
                'The VS Code token bridge refused this server (secret mismatch); restart the MCP server from VS Code.',
                'auth',
            );
        case 'consentRequired':
            return new SourceError(
                'Your tenant does not let VS Code sign-in get this Azure token (AADSTS65002/650057). Set infraInsights.clientId to your own app registration, or run the server outside VS Code after az login.',
                'auth',
            );
        case 'wrongTenant':
            return new SourceError(
                `The signed-in account cannot get a token for the configured tenant.${detail} Pick another tenant (Infra Insights: Pick Tenant).`,
                'auth',
            );
        case 'interactionRequired':
            return new SourceError(
                'Azure asks you to sign in again (multi-factor or Conditional Access). Sign in to Azure from VS Code and retry.',
                'auth',
            );
        default:
            return new SourceError(`VS Code could not give an Azure token (${String(response.error).slice(0, 40)}).${detail}`, 'auth');
    }
}

/** Sends one request line and reads one response line. */
function exchange(path: string, request: TokenBridgeRequest, signal?: AbortSignalLike): Promise<TokenBridgeResponse> {
    return new Promise((resolve, reject) => {
        let buffer = '';
        let settled = false;
        const socket = net.createConnection(path);
        const finish = (error: Error | undefined, value?: TokenBridgeResponse) => {
            if (settled) {
                return;
            }
            settled = true;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            socket.destroy();
            if (error) {
                reject(error);
            } else {
                resolve(value as TokenBridgeResponse);
            }
        };
        const onAbort = () => finish(new SourceError('The request was cancelled.', 'cancelled'));
        const timer = setTimeout(
            () =>
                finish(
                    new SourceError(
                        'The VS Code token bridge did not answer within 10 seconds; restart the MCP server from VS Code.',
                        'auth',
                    ),
                ),
            TIMEOUT_MS,
        );
        if (signal?.aborted) {
            onAbort();
            return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.setEncoding('utf8');
        socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
        socket.on('data', (chunk: string) => {
            buffer += chunk;
            const end = buffer.indexOf('\n');
            if (end >= 0) {
                try {
                    finish(undefined, JSON.parse(buffer.slice(0, end)) as TokenBridgeResponse);
                } catch {
                    finish(
                        new SourceError(
                            'The VS Code token bridge sent an answer that is not JSON; restart the MCP server from VS Code.',
                            'auth',
                        ),
                    );
                }
            } else if (buffer.length > MAX_LINE) {
                finish(new SourceError('The VS Code token bridge sent an oversized answer; restart the MCP server from VS Code.', 'auth'));
            }
        });
        socket.on('error', () =>
            finish(
                new SourceError(
                    'The VS Code token bridge is not reachable (VS Code closed?). Restart the MCP server from VS Code.',
                    'auth',
                ),
            ),
        );
        socket.on('end', () =>
            finish(new SourceError('The VS Code token bridge closed without answering; restart the MCP server from VS Code.', 'auth')),
        );
    });
}
