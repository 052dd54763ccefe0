import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
    answerDialogsWith,
    dialogsAnswered,
    invoke,
    note,
    productApi,
    setSetting,
    startServer,
    stopServer,
    testAuthState,
    waitFor,
} from './helpers';

/** What the suite needs from the local HTTPS fake of Azure (test/azure/fake), whatever its exact shape. */
interface AzureFake {
    armEndpoint: string;
    logsEndpoint: string;
    /** PEM of the certificate (or CA) the fake serves, for NODE_EXTRA_CA_CERTS. */
    caPem: string;
    /** Bearer tokens the fake has seen on ARM requests, oldest first. */
    armTokens(): string[];
    close(): Promise<void>;
}

/** Starts the fake from its bundled module (see scripts/run-integration.mjs) and adapts it to `AzureFake`. */
async function startFake(modulePath: string): Promise<AzureFake> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(modulePath) as { startAzureFake: (options?: unknown) => Promise<Record<string, unknown>> };
    const fake = await module.startAzureFake({});
    const text = (...keys: string[]) => keys.map((k) => fake[k]).find((v): v is string => typeof v === 'string') ?? '';
    const url = text('armEndpoint', 'url', 'endpoint', 'baseUrl');
    return {
        armEndpoint: url,
        logsEndpoint: text('logsEndpoint', 'logAnalyticsEndpoint') || url,
        caPem: text('ca', 'caPem', 'cert', 'certificate'),
        armTokens: () => {
            const requests = (fake.requests ?? []) as {
                headers?: Record<string, string | undefined>;
                authorization?: string;
                url?: string;
                path?: string;
            }[];
            return requests
                .filter((r) => !/loganalytics|\/v1\/workspaces/i.test(r.url ?? r.path ?? ''))
                .map((r) => r.authorization ?? r.headers?.authorization ?? '')
                .filter((h) => h.startsWith('Bearer '))
                .map((h) => h.slice('Bearer '.length));
        },
        close: async () => {
            await (fake.close as () => Promise<void>)();
        },
    };
}

const ARM_SESSION_SCOPE = 'https://management.core.windows.net//.default';
const fakeModule = process.env.INFRA_INSIGHTS_IT_AZURE_FAKE;

describe('Azure data through the token bridge (local Azure fake)', () => {
    if (!fakeModule || !dialogsAnswered) {
        it(
            `(pending: ${!fakeModule ? 'the local Azure fake, test/azure/fake, is not in this tree yet' : 'needs the sign-in dialog (code-server route)'})`,
        );
        return;
    }

    let fake: AzureFake;
    const saved: Record<string, string | undefined> = {};
    const serverEnv = (values: Record<string, string>) => {
        // The MCP server is spawned by this extension host with its environment (VS Code copies process.env first).
        for (const [key, value] of Object.entries(values)) {
            saved[key] ??= process.env[key];
            process.env[key] = value;
        }
    };

    before(async () => {
        await productApi();
        fake = await startFake(fakeModule);
        const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'azure-fake-ca-')), 'ca.pem');
        fs.writeFileSync(caFile, fake.caPem);
        serverEnv({
            NODE_EXTRA_CA_CERTS: caFile,
            INFRA_INSIGHTS_ARM_ENDPOINT: fake.armEndpoint,
            INFRA_INSIGHTS_LOGS_ENDPOINT: fake.logsEndpoint,
        });
        // Short-lived tokens, so the suite can watch one expire.
        await vscode.commands.executeCommand('infraInsightsTestAuth.configure', { lifetimeSeconds: 5 });
        answerDialogsWith('Allow');
        await setSetting('dataSource', 'azure');
        await stopServer();
        await startServer();
    });

    after(async () => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) {
                delete process.env[key];
            } else {
                process.env[key] = value;
            }
        }
        await vscode.commands.executeCommand('infraInsightsTestAuth.configure', { lifetimeSeconds: 3600 });
        await setSetting('dataSource', 'sample');
        await stopServer();
        await fake?.close();
    });

    it('a tool call reaches Azure with the token VS Code handed out, through the bridge', async () => {
        const { structured } = await invoke('ListScopes', {});
        assert.equal(structured.source, 'azure', JSON.stringify(structured).slice(0, 400));
        const session = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SESSION_SCOPE));
        assert.ok(session, 'an ARM session exists');
        assert.ok(fake.armTokens().length > 0, 'the fake saw ARM requests with a bearer token');
        assert.equal(fake.armTokens().at(-1), session.accessToken, 'the token is the one VS Code handed out');
    });

    it('after the token expires, the next call gets a fresh one from VS Code', async () => {
        const first = fake.armTokens().at(-1);
        const mintedBefore = (await testAuthState()).minted;
        const session = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SESSION_SCOPE));
        assert.ok(session && first);
        await waitFor('the token to expire', () => Date.now() > session.exp * 1000 + 500, 15_000);
        const { structured } = await invoke('ListScopes', {});
        assert.equal(structured.source, 'azure');
        const latest = fake.armTokens().at(-1);
        const refreshed = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SESSION_SCOPE));
        assert.notEqual(latest, first, 'a fresh token was used');
        assert.equal(latest, refreshed?.accessToken);
        assert.ok((await testAuthState()).minted > mintedBefore);
        note(`(tokens seen by the fake: ${new Set(fake.armTokens()).size})`);
    });
});
