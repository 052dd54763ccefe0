import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import type { AzureFake, AzureFakeOptions } from '../azure/fake';
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

const ARM_SCOPE = 'https://management.core.windows.net//.default';
const LOGS_SCOPE = 'https://api.loganalytics.io/.default';
const fakeModule = process.env.INFRA_INSIGHTS_IT_AZURE_FAKE;

/** The test-auth fixture's API: the token it currently considers valid for a scope. */
interface TestAuthApi {
    validTokenFor(scope: string): string;
}

describe('Azure data through the token bridge (local HTTPS fake of Azure)', () => {
    if (!fakeModule || !dialogsAnswered) {
        it(
            `(pending: ${!fakeModule ? 'the local Azure fake, test/azure/fake, is not in this tree' : 'needs the sign-in dialog (code-server route)'})`,
        );
        return;
    }

    let fake: AzureFake;
    const saved: Record<string, string | undefined> = {};
    /** The MCP server is spawned by this extension host with a copy of its environment (then the definition's env). */
    const serverEnv = (values: Record<string, string>) => {
        for (const [key, value] of Object.entries(values)) {
            saved[key] ??= process.env[key];
            process.env[key] = value;
        }
    };

    before(async () => {
        await productApi();
        const fixture = await vscode.extensions.getExtension<TestAuthApi>('infra-insights-tests.test-auth')?.activate();
        assert.ok(fixture, 'the test-auth fixture exposes its API');
        // The fake accepts exactly the token VS Code's (test) provider currently holds for each resource: a token from
        // anywhere else, or one that expired, gets a 401 like Azure's.
        const options: AzureFakeOptions = {
            tokens: {
                get arm() {
                    return fixture.validTokenFor(ARM_SCOPE);
                },
                get logs() {
                    return fixture.validTokenFor(LOGS_SCOPE);
                },
            },
        };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { startAzureFake } = require(fakeModule) as typeof import('../azure/fake');
        fake = await startAzureFake(options);
        const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'azure-fake-ca-')), 'ca.pem');
        fs.writeFileSync(caFile, fake.caCertPem);
        serverEnv({
            NODE_EXTRA_CA_CERTS: caFile,
            INFRA_INSIGHTS_ARM_ENDPOINT: fake.armEndpoint,
            INFRA_INSIGHTS_LOGS_ENDPOINT: fake.logsEndpoint,
        });
        // Short-lived tokens, so the suite can watch one expire; earlier suites' sessions are removed so the only ARM
        // session is the one this server start creates.
        await vscode.commands.executeCommand('infraInsightsTestAuth.configure', { lifetimeSeconds: 6 });
        await vscode.commands.executeCommand('infraInsightsTestAuth.signOutAll');
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

    it('a tool call reaches Azure with the token VS Code holds, fetched through the bridge', async () => {
        const { structured, parts } = await invoke('ListScopes', {});
        assert.equal(structured.source, 'azure', parts.join('\n').slice(0, 600));
        assert.deepEqual(
            (structured.subscriptions as { subscriptionId: string }[]).map((s) => s.subscriptionId).sort(),
            fake.estate.subscriptions.map((s) => s.subscriptionId).sort(),
        );
        const graph = fake.requests.filter((r) => r.service === 'graph');
        assert.ok(graph.length > 0, 'the server queried Resource Graph');
        assert.deepEqual(
            graph.map((r) => r.status),
            graph.map(() => 200),
            'every request carried the valid token',
        );
        const arm = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SCOPE));
        assert.ok(arm, 'the ARM session was created by VS Code sign-in');
    });

    it('Log Analytics queries get their own token through the bridge', async () => {
        const { structured, parts } = await invoke('GetAnomalies', { timespan: '3d' });
        assert.equal(structured.source, 'azure', parts.join('\n').slice(0, 600));
        const logs = fake.requests.filter((r) => r.service === 'logs');
        assert.ok(logs.length > 0, 'the server queried Log Analytics');
        assert.ok(
            logs.every((r) => r.status === 200),
            `statuses ${logs.map((r) => r.status).join(', ')}`,
        );
        assert.ok((await testAuthState()).sessions.some((s) => s.scopes.includes(LOGS_SCOPE)));
    });

    it('the sidebar and tables (tools run in-process) read the same Azure estate', async function () {
        // NODE_EXTRA_CA_CERTS is read when a process starts, and this extension host started before the fake: trust its
        // certificate in this process the way Node allows at run time (Node 22.19+), and put the defaults back after.
        const tlsDefaults = tls as unknown as {
            setDefaultCACertificates?: (certs: string[]) => void;
            getCACertificates?: (kind: string) => string[];
        };
        if (!tlsDefaults.setDefaultCACertificates || !tlsDefaults.getCACertificates) {
            this.skip(); // an older Node in this extension host cannot trust a new CA at run time
        }
        const defaults = tlsDefaults.getCACertificates('default');
        tlsDefaults.setDefaultCACertificates([...defaults, fake.caCertPem]);
        const api = await productApi();
        const result = await api.runTool('ListScopes', {}).finally(() => tlsDefaults.setDefaultCACertificates?.(defaults));
        assert.equal(result.ok, true, result.message);
        assert.equal(result.sourceKind, 'azure');
        for (const subscription of fake.estate.subscriptions) {
            assert.ok(result.text?.includes(subscription.subscriptionId), subscription.subscriptionId);
        }
    });

    it('after that token expires, the next call gets a fresh one from VS Code (and the old one is refused)', async () => {
        const before = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SCOPE));
        assert.ok(before);
        const mintedBefore = (await testAuthState()).minted;
        await waitFor('the ARM token to expire', () => Date.now() > before.exp * 1000 + 300, 20_000);
        const requestsBefore = fake.requests.length;
        const { structured, parts } = await invoke('GetServerMetadata', {});
        assert.equal(structured.source, 'azure', parts.join('\n').slice(0, 600));
        const after = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SCOPE));
        assert.ok(after);
        assert.notEqual(after.accessToken, before.accessToken, 'VS Code handed out a fresh token');
        assert.ok(after.exp > before.exp);
        assert.ok((await testAuthState()).minted > mintedBefore);
        const newRequests = fake.requests.slice(requestsBefore).filter((r) => r.service === 'graph');
        assert.ok(newRequests.length > 0);
        assert.ok(
            newRequests.every((r) => r.status === 200),
            `the fake accepted the fresh token (statuses ${newRequests.map((r) => r.status).join(', ')})`,
        );
        // The expired token really is refused: the fresh one was needed, not merely used.
        assert.equal(await graphStatusWith(fake, before.accessToken), 401);
        assert.notEqual(await graphStatusWith(fake, after.accessToken), 401, 'the fresh token passes authentication');
        note(`(${fake.requests.length} requests to the fake; ${(await testAuthState()).minted} tokens minted)`);
    });

    it("after 'Sign Out', the tools stop reading Azure: the server is told to sign in, or restarts on sample data", async () => {
        await vscode.commands.executeCommand('infraInsights.signOut');
        const session = (await testAuthState()).sessions.find((s) => s.scopes.includes(ARM_SCOPE));
        assert.ok(session);
        // Wait out the token the server already holds; its next request must go back to the bridge.
        await waitFor('the ARM token to expire', () => Date.now() > session.exp * 1000 + 300, 20_000);
        const answer = await invoke('GetServerMetadata', {}).then(
            (a) => a.parts.join('\n'),
            (error: Error) => error.message,
        );
        // Either the running server asks the bridge and is told to sign in (the client's sentence for signedOut), or
        // VS Code already restarted it on the new definition ("azure" became "auto"), which uses sample data.
        assert.doesNotMatch(answer, /"source":"azure"/);
        assert.match(
            answer,
            /Not signed in to Azure in VS Code\. Sign in from VS Code's Accounts menu \(or run Infra Insights: Sign In\)|"source":"sample"/,
        );
        assert.equal(vscode.workspace.getConfiguration('infraInsights').get('dataSource'), 'auto');
        note(`(after sign-out the model read: ${answer.slice(0, 120)})`);
    });
});

/** One Resource Graph request straight to the fake with the given bearer token; resolves with the HTTP status. */
function graphStatusWith(fake: AzureFake, token: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const url = new URL('/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', fake.armEndpoint);
        const request = https.request(
            url,
            { method: 'POST', ca: fake.caCertPem, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
            (response) => {
                response.resume();
                response.on('end', () => resolve(response.statusCode ?? 0));
            },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ query: 'resources | project id | limit 1' }));
    });
}
