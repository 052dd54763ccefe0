import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import {
    SIGNED_OUT_MESSAGE,
    startTokenBridge,
    TokenBridgeError,
    type GetBridgeToken,
    type TokenBridge,
    type TokenBridgeEvent,
} from '../../../../src/extension/auth/tokenBridge';

const ARM = 'https://management.azure.com/.default';

/** Speaks the protocol the way the server's client does: one JSON line out, one JSON line back. */
function ask(bridgePath: string, request: unknown): Promise<Record<string, unknown>> {
    return askRaw(bridgePath, `${JSON.stringify(request)}\n`).then((line) => JSON.parse(line) as Record<string, unknown>);
}

function askRaw(bridgePath: string, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(bridgePath);
        let received = '';
        socket.setEncoding('utf8');
        socket.on('connect', () => socket.write(text));
        socket.on('data', (chunk: string) => (received += chunk));
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
    });
}

describe('token bridge', () => {
    let bridge: TokenBridge | undefined;
    const events: TokenBridgeEvent[] = [];

    async function start(getToken: GetBridgeToken): Promise<TokenBridge> {
        events.length = 0;
        bridge = await startTokenBridge({ getToken, onRequest: (event) => events.push(event) });
        return bridge;
    }

    afterEach(async () => {
        await bridge?.dispose();
        bridge = undefined;
    });

    it('answers a request carrying the secret with the token and its expiry', async () => {
        const seen: [readonly string[], string | undefined][] = [];
        const b = await start(async (scopes, tenantId) => {
            seen.push([scopes, tenantId]);
            return { token: 'token-1', expiresOnTimestamp: 1_900_000_000_000 };
        });
        const reply = await ask(b.path, { secret: b.secret, scopes: [ARM], tenantId: 'contoso.onmicrosoft.com' });
        assert.deepEqual(reply, { token: 'token-1', expiresOnTimestamp: 1_900_000_000_000 });
        assert.deepEqual(seen, [[[ARM], 'contoso.onmicrosoft.com']]);
        assert.deepEqual(b.env, { INFRA_INSIGHTS_TOKEN_BRIDGE: b.path, INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET: b.secret });
        assert.match(b.secret, /^[A-Za-z0-9_-]{43}$/, '32 random bytes in base64url');
    });

    it('refuses a wrong or missing secret without asking for a token', async () => {
        let calls = 0;
        const b = await start(async () => {
            calls++;
            return { token: 'never', expiresOnTimestamp: 0 };
        });
        // One character off: a fixed 'A' would be the right secret whenever the random one already ends in 'A'.
        const wrong = await ask(b.path, { secret: `${b.secret.slice(0, -1)}${b.secret.endsWith('A') ? 'B' : 'A'}`, scopes: [ARM] });
        const missing = await ask(b.path, { scopes: [ARM] });
        const shorter = await ask(b.path, { secret: 'x', scopes: [ARM] });
        for (const reply of [wrong, missing, shorter]) {
            assert.equal(reply.error, 'forbidden');
            assert.equal(reply.token, undefined);
        }
        assert.equal(calls, 0);
    });

    it('maps "no session" to signedOut with the sign-in instruction', async () => {
        const b = await start(async () => undefined);
        const reply = await ask(b.path, { secret: b.secret, scopes: [ARM] });
        assert.deepEqual(reply, { error: 'signedOut', message: SIGNED_OUT_MESSAGE });
        assert.equal(SIGNED_OUT_MESSAGE, "Sign in to Azure from the Accounts menu (or run 'Infra Insights: Sign In').");
    });

    it('answers bad requests and failures with their codes, and logs no token or secret', async () => {
        const b = await start(async (scopes) => {
            if (scopes[0] === 'https://graph.microsoft.com/.default') {
                throw new TokenBridgeError('badRequest', 'Only Azure Resource Manager and Log Analytics tokens are served.');
            }
            if (scopes[0] === 'boom') {
                throw new Error('network down');
            }
            return { token: 'secret-token-value', expiresOnTimestamp: 1 };
        });
        assert.equal(
            (await askRaw(b.path, 'not json\n')).trim(),
            JSON.stringify({ error: 'badRequest', message: 'The token request is not JSON.' }),
        );
        assert.equal((await ask(b.path, { secret: b.secret, scopes: [] })).error, 'badRequest');
        assert.equal((await ask(b.path, { secret: b.secret, scopes: [ARM], tenantId: 'a/b' })).error, 'badRequest');
        assert.deepEqual(await ask(b.path, { secret: b.secret, scopes: ['https://graph.microsoft.com/.default'] }), {
            error: 'badRequest',
            message: 'Only Azure Resource Manager and Log Analytics tokens are served.',
        });
        const failed = await ask(b.path, { secret: b.secret, scopes: ['boom'] });
        assert.equal(failed.error, 'failed');
        assert.match(String(failed.message), /network down/);
        assert.equal((await ask(b.path, { secret: b.secret, scopes: [ARM] })).token, 'secret-token-value');
        const logged = JSON.stringify(events);
        assert.doesNotMatch(logged, /secret-token-value/);
        assert.ok(!logged.includes(b.secret));
        assert.deepEqual(
            events.map((e) => e.outcome),
            ['badRequest', 'badRequest', 'badRequest', 'badRequest', 'failed', 'token'],
        );
    });

    it('serves concurrent requests, each with a fresh call to getToken', async () => {
        let counter = 0;
        const b = await start(async (scopes) => {
            const n = ++counter;
            await new Promise((r) => setTimeout(r, 20 + (n % 3) * 10));
            return { token: `${scopes[0]}#${n}`, expiresOnTimestamp: n };
        });
        const scopes = Array.from({ length: 20 }, (_, i) => `scope-${i}`);
        const replies = await Promise.all(scopes.map((s) => ask(b.path, { secret: b.secret, scopes: [s] })));
        replies.forEach((reply, i) => assert.match(String(reply.token), new RegExp(`^scope-${i}#\\d+$`)));
        assert.equal(new Set(replies.map((r) => r.token)).size, 20);
        assert.equal(counter, 20);
    });

    it('refuses a request line longer than any real request', async () => {
        const b = await start(async () => ({ token: 't', expiresOnTimestamp: 1 }));
        const reply = JSON.parse(await askRaw(b.path, `${'x'.repeat(20_000)}\n`)) as { error: string };
        assert.equal(reply.error, 'badRequest');
    });

    if (process.platform !== 'win32') {
        it('keeps the socket in a private directory and removes both on dispose', async () => {
            const b = await start(async () => ({ token: 't', expiresOnTimestamp: 1 }));
            const dir = b.path.slice(0, b.path.lastIndexOf('/'));
            assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
            assert.equal(fs.statSync(b.path).mode & 0o777, 0o600);
            assert.ok(fs.statSync(b.path).isSocket());
            await b.dispose();
            await b.dispose(); // idempotent
            assert.equal(fs.existsSync(b.path), false);
            assert.equal(fs.existsSync(dir), false);
            await assert.rejects(ask(b.path, { secret: b.secret, scopes: [ARM] }), /ENOENT|ECONNREFUSED/);
        });

        it('gives every launch its own path and secret', async () => {
            const first = await start(async () => ({ token: 't', expiresOnTimestamp: 1 }));
            const second = await startTokenBridge({ getToken: async () => ({ token: 'u', expiresOnTimestamp: 1 }) });
            try {
                assert.notEqual(first.path, second.path);
                assert.notEqual(first.secret, second.secret);
                assert.equal((await ask(second.path, { secret: first.secret, scopes: [ARM] })).error, 'forbidden');
            } finally {
                await second.dispose();
            }
        });
    }
});

describe('token bridge: claims challenges', () => {
    it('answers interactionRequired for a claims challenge without asking VS Code', async () => {
        let calls = 0;
        const bridge = await startTokenBridge({
            getToken: async () => {
                calls++;
                return { token: 't', expiresOnTimestamp: 1 };
            },
        });
        try {
            const reply = await ask(bridge.path, { secret: bridge.secret, scopes: [ARM], claims: 'eyJhY2Nlc3NfdG9rZW4iOnt9fQ==' });
            assert.equal(reply.error, 'interactionRequired');
            assert.match(String(reply.message), /Infra Insights: Sign In/);
            assert.equal(calls, 0);
            assert.equal((await ask(bridge.path, { secret: bridge.secret, scopes: [ARM], claims: 42 })).error, 'badRequest');
        } finally {
            await bridge.dispose();
        }
    });
});
