/**
 * The token bridge going away and coming back, seen from a real MCP client: the server's Azure source uses the bridge
 * credential (`INFRA_INSIGHTS_TOKEN_BRIDGE` + secret) and the extension's real bridge (`startTokenBridge`) hands out
 * the tokens the HTTPS fake of Azure requires. Tokens expire as they are issued here, so every request needs the
 * bridge (with hour-long tokens a server keeps working on its cached token, which is the point of caching).
 *
 * The extension always opens a bridge on a fresh path; an extension host that comes back on the same path is
 * emulated by listening at the old path again and relaying each request to a new real bridge, with its secret.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { startTokenBridge, type GetBridgeToken, type TokenBridge } from '../../src/extension/auth/tokenBridge';
import { createServer } from '../../src/server/createServer';
import { createAzureSource } from '../../src/sources/azure';
import { startAzureFake, type AzureFake } from '../azure/fake';
import { ARM_TOKEN, LOGS_TOKEN } from '../azure/helpers';
import { call, textOf } from '../helpers/fixtures';

/**
 * The fake's tokens, at their expiry the moment they are handed out: neither the credential's cache nor the SDK
 * pipeline's may reuse one, so every request asks the bridge (as every request does once an hour-long token expired).
 */
const getToken: GetBridgeToken = async (scopes) => ({
    token: scopes.some((s) => /loganalytics/i.test(s)) ? LOGS_TOKEN : ARM_TOKEN,
    expiresOnTimestamp: Date.now(),
});

/** Listens at `socketPath` (in a fresh 0700 directory) and relays each one-line request to `bridge`, with its secret. */
async function relayAt(socketPath: string, secret: string, bridge: TokenBridge): Promise<net.Server> {
    fs.mkdirSync(path.dirname(socketPath), { mode: 0o700 });
    const server = net.createServer((socket) => {
        let buffer = '';
        socket.setEncoding('utf8');
        socket.on('error', () => socket.destroy());
        socket.on('data', (chunk: string) => {
            buffer += chunk;
            const end = buffer.indexOf('\n');
            if (end < 0) {
                return;
            }
            const request = JSON.parse(buffer.slice(0, end)) as { secret?: string };
            if (request.secret !== secret) {
                socket.end(`${JSON.stringify({ error: 'forbidden' })}\n`);
                return;
            }
            const upstream = net.connect(bridge.path, () => upstream.write(`${JSON.stringify({ ...request, secret: bridge.secret })}\n`));
            upstream.on('error', () => socket.destroy());
            upstream.pipe(socket);
        });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    fs.chmodSync(socketPath, 0o600);
    return server;
}

describe('token bridge gone and back (real MCP client → server with the bridge credential → HTTPS fake)', () => {
    let fake: AzureFake;
    let first: TokenBridge;
    let second: TokenBridge | undefined;
    let relay: net.Server | undefined;
    let client: Client;
    let bridgePath: string;
    let bridgeSecret: string;

    before(async () => {
        fake = await startAzureFake({ estate: { machines: 4 }, tokens: { arm: ARM_TOKEN, logs: LOGS_TOKEN } });
        first = await startTokenBridge({ getToken });
        bridgePath = first.path;
        bridgeSecret = first.secret;
        const source = createAzureSource({
            env: { ...first.env, INFRA_INSIGHTS_ARM_ENDPOINT: fake.armEndpoint, INFRA_INSIGHTS_LOGS_ENDPOINT: fake.logsEndpoint },
            caCertPem: fake.caCertPem,
        });
        assert.equal(source.credentialKind, 'vscode-bridge');
        const server = createServer(source);
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await server.connect(serverSide);
        client = new Client({ name: 'bridge', version: '1.0.0' });
        await client.connect(clientSide);
    });
    after(async () => {
        await client?.close();
        await first?.dispose();
        await second?.dispose();
        await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
        fs.rmSync(path.dirname(bridgePath), { recursive: true, force: true });
        await fake?.close();
    });

    const tools = ['GetServerMetadata', 'GetSwConfig'];

    it('answers while the bridge is up', async () => {
        for (const tool of tools) {
            const result = await call(client, tool);
            assert.notEqual(result.isError, true, textOf(result));
        }
        assert.ok(fake.requests.length > 0 && fake.requests.every((r) => r.status === 200));
    });

    it('fails at once with a clear one-line message when the bridge is gone (VS Code closed), without a token or the secret', async () => {
        await first.dispose();
        assert.equal(fs.existsSync(bridgePath), false, 'the socket is gone');
        const sent = fake.requests.length;
        for (const tool of tools) {
            const result = await call(client, tool);
            assert.equal(result.isError, true, textOf(result));
            const text = textOf(result);
            // Not the 10-second "did not answer" message: a missing socket is refused at once, not waited for.
            assert.match(text, /^The VS Code token bridge is not reachable \(VS Code closed\?\)\. Restart the MCP server from VS Code\.$/);
            assert.doesNotMatch(text, /\n/);
            for (const secret of [ARM_TOKEN, LOGS_TOKEN, bridgeSecret]) {
                assert.ok(!text.includes(secret), 'no token or secret in the message');
            }
        }
        assert.equal(fake.requests.length, sent, 'no request reached Azure without a token');
    });

    it('answers again once the bridge is back on the same path', async () => {
        second = await startTokenBridge({ getToken });
        relay = await relayAt(bridgePath, bridgeSecret, second);
        for (const tool of tools) {
            const result = await call(client, tool);
            assert.notEqual(result.isError, true, textOf(result));
            assert.ok((result.structuredContent as { items: unknown[] }).items.length > 0);
        }
    });
});
