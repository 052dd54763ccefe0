import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
    answerDialogsWith,
    answeredDialogs,
    dialogsAnswered,
    invoke,
    notifications,
    productApi,
    setSetting,
    startServer,
    stopServer,
    TEST_ACCOUNT,
    testAuthState,
    waitFor,
} from './helpers';

const TENANT = '0f0e0d0c-0b0a-0908-0706-050403020100';
const CLIENT_ID = 'c1d2e3f4-0000-4000-8000-00000000c11d';

describe('Sign-in with the configured authentication provider', () => {
    before(async function () {
        if (!dialogsAnswered) {
            this.skip(); // desktop route: VS Code refuses the consent dialog under extensionTestsPath
        }
        await productApi();
    });

    after(() => dialogsAnswered && answerDialogsWith('Allow'));

    it('falls back to sample data and says so when the person declines sign-in at server start', async () => {
        const shownBefore = answeredDialogs().length;
        answerDialogsWith('Cancel');
        await stopServer();
        await setSetting('dataSource', 'azure');
        await startServer();
        const dialog = await waitFor('the sign-in dialog', () => answeredDialogs()[shownBefore]);
        assert.equal(dialog.answer, 'Cancel');
        assert.match(dialog.text, /Infra Insights for Azure/);
        assert.match(dialog.text, /Infra Insights Test Account/);
        // The server still starts, on the sample estate, and every answer says it is sample data.
        const { structured } = await invoke('GetPatchingLevel', {});
        assert.equal(structured.source, 'sample');
        assert.match(String(structured.sourceDescription), /fictional data/);
        assert.equal((await testAuthState()).sessions.length, 0, 'no session was created');
        // …and the person is told why, with the way back to Azure.
        await waitFor('the fallback notification', () =>
            notifications().find((n) => n.includes('Azure sign-in was declined, so the tools use the built-in sample data')),
        );
    });

    it("'Sign In' asks for ARM and Log Analytics sessions with the tenant and client id pseudo-scopes", async () => {
        const api = await productApi();
        await setSetting('tenantId', TENANT);
        await setSetting('clientId', CLIENT_ID);
        await setSetting('dataSource', 'sample');
        answerDialogsWith('Allow');
        const shownBefore = answeredDialogs().length;
        await vscode.commands.executeCommand('infraInsights.signIn');
        assert.equal(answeredDialogs()[shownBefore]?.answer, 'Allow', 'VS Code asked once');
        assert.equal(api.account()?.label, TEST_ACCOUNT);
        const sessions = (await testAuthState()).sessions.map((s) => [...s.scopes].sort());
        assert.deepEqual(sessions, [
            [`VSCODE_CLIENT_ID:${CLIENT_ID}`, `VSCODE_TENANT:${TENANT}`, 'https://management.core.windows.net//.default'],
            [`VSCODE_CLIENT_ID:${CLIENT_ID}`, `VSCODE_TENANT:${TENANT}`, 'https://api.loganalytics.io/.default'],
        ]);
        // Signing in while on sample data switches to "auto", which now means Azure; the status bar says as whom.
        assert.equal(vscode.workspace.getConfiguration('infraInsights').get('dataSource'), 'auto');
        await waitFor('the status bar to show the account', () => api.statusText() === `$(azure) Infra Insights: ${TEST_ACCOUNT}`);
    });

    it("'Sign Out' stops using the account: status and server definition go back to sample data", async () => {
        const api = await productApi();
        const versionSignedIn = api.currentServerLaunch().version;
        await vscode.commands.executeCommand('infraInsights.signOut');
        assert.equal(api.account(), undefined);
        assert.equal(api.statusText(), '$(beaker) Infra Insights: sample data');
        assert.notEqual(api.currentServerLaunch().version, versionSignedIn, 'auto depends on the sign-in state');
        await setSetting('tenantId', undefined);
        await setSetting('clientId', undefined);
    });

    it('a second sign-in reuses the account already granted, without asking again', async () => {
        const api = await productApi();
        const shownBefore = answeredDialogs().length;
        await vscode.commands.executeCommand('infraInsights.signIn');
        assert.equal(api.account()?.label, TEST_ACCOUNT);
        assert.equal(answeredDialogs().length, shownBefore);
        await waitFor('the status bar to show the account again', () => api.statusText() === `$(azure) Infra Insights: ${TEST_ACCOUNT}`);
        await vscode.commands.executeCommand('infraInsights.signOut');
        await setSetting('dataSource', 'sample');
    });
});
