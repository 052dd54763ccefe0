import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceError, UserError } from '../../src/core/source';
import {
    azureSourceOptionsFromEnv,
    createAzureSource,
    probeAzure,
    TokenBridgeCredential,
    type TokenBridgeRequest,
} from '../../src/sources/azure';
import { toSourceError } from '../../src/sources/azure/errors';
import { startAzureFake, type AzureFake } from './fake';
import { rejection } from './helpers';

/** A stand-in for the extension's side of the bridge: answers each line with `answer(request)`. */
async function startBridge(
    answer: (request: TokenBridgeRequest) => unknown,
): Promise<{ path: string; requests: TokenBridgeRequest[]; close(): Promise<void> }> {
    const dir = mkdtempSync(join(tmpdir(), 'ii-bridge-'));
    const path = process.platform === 'win32' ? `\\\\.\\pipe\\ii-bridge-${process.pid}-${Date.now()}` : join(dir, 'bridge.sock');
    const requests: TokenBridgeRequest[] = [];
    const server = net.createServer((socket) => {
        let buffer = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
            buffer += chunk;
            const end = buffer.indexOf('\n');
            if (end >= 0) {
                const request = JSON.parse(buffer.slice(0, end)) as TokenBridgeRequest;
                requests.push(request);
                socket.end(`${JSON.stringify(answer(request))}\n`);
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return {
        path,
        requests,
        close: () =>
            new Promise<void>((resolve) =>
                server.close(() => {
                    rmSync(dir, { recursive: true, force: true });
                    resolve();
                }),
            ),
    };
}

describe('Azure credentials', () => {
    let fake: AzureFake | undefined;
    afterEach(async () => {
        await fake?.close();
        fake = undefined;
    });

    it('gets tokens from the VS Code token bridge, per resource, with the secret and tenant, and caches them', async () => {
        const bridge = await startBridge((r) =>
            r.secret === 's3cret'
                ? {
                      token: r.scopes[0].includes('loganalytics') ? 'logs-from-vscode' : 'arm-from-vscode',
                      expiresOnTimestamp: Date.now() + 3_600_000,
                  }
                : { error: 'forbidden' },
        );
        try {
            fake = await startAzureFake({ tokens: { arm: 'arm-from-vscode', logs: 'logs-from-vscode' } });
            const source = createAzureSource({
                env: {
                    INFRA_INSIGHTS_TOKEN_BRIDGE: bridge.path,
                    INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET: 's3cret',
                    INFRA_INSIGHTS_ARM_TOKEN: 'ignored-when-the-bridge-is-set',
                    INFRA_INSIGHTS_ARM_ENDPOINT: fake.armEndpoint,
                    INFRA_INSIGHTS_LOGS_ENDPOINT: fake.logsEndpoint,
                },
                tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
                caCertPem: fake.caCertPem,
            });
            assert.equal(source.credentialKind, 'vscode-bridge');
            assert.match(source.description, /VS Code sign-in/);
            const subs = fake.estate.subscriptions.map((s) => s.subscriptionId);
            assert.equal((await source.getMachines({ subscriptionIds: subs })).rows.length, 20);
            await source.getMachines({ subscriptionIds: subs });
            const to = fake.estate.now;
            await source.getSoftwareChanges({
                workspaceId: fake.estate.workspaces[0].customerId,
                from: new Date(to.getTime() - 86_400_000),
                to,
            });
            assert.deepEqual(
                bridge.requests.map((r) => r.scopes),
                [['https://management.azure.com/.default'], ['https://api.loganalytics.io/.default']],
                'one request per resource; the second machines query used the cached token',
            );
            assert.ok(bridge.requests.every((r) => r.tenantId === '72f988bf-86f1-41af-91ab-2d7cd011db47'));
            assert.deepEqual(await probeAzure(source), { ok: true });
        } finally {
            await bridge.close();
        }
    });

    it('turns bridge errors into actionable messages', async () => {
        const codes = ['signedOut', 'forbidden', 'consentRequired', 'somethingElse'];
        const bridge = await startBridge((r) => ({ error: codes[Number(r.scopes[0].split('#')[1])], message: 'detail' }));
        try {
            const messages: string[] = [];
            for (let i = 0; i < codes.length; i++) {
                const error = await rejection(
                    new TokenBridgeCredential(bridge.path, 'x').getToken(`https://management.azure.com/.default#${i}`),
                );
                assert.ok(error instanceof SourceError);
                assert.equal(error.code, 'auth');
                messages.push(error.message);
            }
            assert.match(messages[0], /Accounts menu/);
            assert.match(messages[1], /restart the MCP server/);
            assert.match(messages[2], /AADSTS65002.*clientId/);
            assert.match(messages[3], /somethingElse.*detail/);
        } finally {
            await bridge.close();
        }
        const gone = await rejection(
            new TokenBridgeCredential(join(tmpdir(), 'no-such-bridge.sock'), 'x').getToken('https://management.azure.com/.default'),
        );
        assert.match(gone.message, /not reachable/);
    });

    it('says which static token is missing, and probe reports it without throwing', async () => {
        const source = createAzureSource({ env: { INFRA_INSIGHTS_LOGS_TOKEN: 'only-logs' } });
        assert.equal(source.credentialKind, 'env-tokens');
        const probe = await probeAzure(source);
        assert.equal(probe.ok, false);
        assert.match(probe.ok ? '' : probe.reason, /INFRA_INSIGHTS_ARM_TOKEN/);
    });

    it('reads options from the environment and rejects bad values by name', () => {
        const options = azureSourceOptionsFromEnv({
            INFRA_INSIGHTS_CLOUD: 'azurechinacloud',
            INFRA_INSIGHTS_TENANT_ID: '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
            INFRA_INSIGHTS_SUBSCRIPTION_IDS: '00000000-0000-4000-8000-000000000001, 00000000-0000-4000-8000-000000000002',
            INFRA_INSIGHTS_WORKSPACE_ID: '00000000-0000-4000-8000-0000000000aa',
        });
        assert.equal(options.cloud, 'AzureChinaCloud');
        assert.equal(options.tenantId, '72f988bf-86f1-41af-91ab-2d7cd011db47');
        assert.equal(options.subscriptionIds?.length, 2);
        assert.throws(() => azureSourceOptionsFromEnv({ INFRA_INSIGHTS_CLOUD: 'Mars' }), /INFRA_INSIGHTS_CLOUD.*AzureCloud/);
        assert.throws(() => azureSourceOptionsFromEnv({ INFRA_INSIGHTS_TENANT_ID: 'contoso' }), UserError);
        assert.match(createAzureSource({ ...options, env: {} }).description, /AzureChinaCloud.*DefaultAzureCredential/);
    });

    it('maps sign-in failures to what to do, and never repeats a token', () => {
        const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl';
        const consent = toSourceError(
            Object.assign(new Error(`AADSTS65002: Consent between first party application and resource must be configured. token ${jwt}`), {
                name: 'AuthenticationError',
            }),
            {
                service: 'logs',
            },
        );
        assert.match(consent.message, /client id.*az login/);
        const unavailable = toSourceError(
            Object.assign(new Error('DefaultAzureCredential failed'), { name: 'CredentialUnavailableError' }),
            { service: 'graph' },
        );
        assert.match(unavailable.message, /az login.*Accounts menu/);
        const tenant = toSourceError(
            Object.assign(new Error('The access token is from the wrong issuer'), {
                statusCode: 401,
                code: 'InvalidAuthenticationTokenTenant',
            }),
            {
                service: 'graph',
                subscriptionIds: ['00000000-0000-4000-8000-000000000001'],
            },
        );
        assert.match(tenant.message, /different tenant.*00000000-0000-4000-8000-000000000001.*tenant/);
        const other = toSourceError(new Error(`boom Bearer ${jwt} and ${jwt}`), { service: 'graph' });
        assert.ok(!other.message.includes(jwt), other.message);
    });
});
