import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, productApi } from './helpers';

const PALETTE_COMMANDS = [
    'infraInsights.signIn',
    'infraInsights.signOut',
    'infraInsights.pickTenant',
    'infraInsights.pickSubscriptions',
    'infraInsights.pickWorkspace',
    'infraInsights.useSampleData',
    'infraInsights.showLog',
];

describe('Activation in a real VS Code', () => {
    it('activates on startup without prompting and returns its API', async () => {
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(extension);
        // activationEvents is onStartupFinished: by the time the tests run it is active without anyone asking.
        await waitUntilActive(extension);
        const api = await productApi();
        assert.equal(typeof api.currentServerLaunch, 'function');
        assert.match(vscode.version, /^1\.1\d\d\.\d+$/);
        // A figure for the README, not a limit: wall-clock limits do not belong in tests on shared machines.
        assert.ok(Number.isFinite(api.activationMs));
        if (process.env.INFRA_INSIGHTS_IT_REPORT) {
            fs.appendFileSync(
                process.env.INFRA_INSIGHTS_IT_REPORT,
                `    [figure] activation took ${api.activationMs} ms of the extension's own time\n`,
            );
        }
    });

    it('registers every command it contributes, under the "Infra Insights" category', async () => {
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        const contributed = (extension?.packageJSON as { contributes: { commands: { command: string; category: string }[] } }).contributes
            .commands;
        const ours = contributed.filter((c) => PALETTE_COMMANDS.includes(c.command));
        assert.deepEqual(ours.map((c) => c.command).sort(), [...PALETTE_COMMANDS].sort());
        assert.ok(ours.every((c) => c.category === 'Infra Insights'));
        const registered = new Set(await vscode.commands.getCommands(true));
        const missing = contributed.filter((c) => !registered.has(c.command)).map((c) => c.command);
        assert.deepEqual(missing, [], 'every contributed command has a handler');
    });

    it("describes an MCP server that runs dist/server.js with the editor's own runtime and the settings in its env", async () => {
        const api = await productApi();
        const launch = api.currentServerLaunch();
        assert.equal(launch.label, 'Infra Insights for Azure');
        assert.equal(launch.command, process.execPath);
        assert.equal(launch.args.length, 1);
        assert.match(launch.args[0], /[\\/]dist[\\/]server\.js$/);
        assert.ok(fs.existsSync(launch.args[0]), `${launch.args[0]} exists`);
        assert.equal(launch.env.ELECTRON_RUN_AS_NODE, '1');
        // The runner's settings.json chooses the sample estate.
        assert.equal(launch.env.INFRA_INSIGHTS_SOURCE, 'sample');
        assert.equal(launch.env.INFRA_INSIGHTS_TOKEN_BRIDGE, null, 'no bridge before VS Code starts the server');
        assert.match(launch.version, /^[0-9a-f]{12}$/);
    });

    it('shows the data source in the status bar', async () => {
        const api = await productApi();
        assert.equal(api.statusText(), '$(beaker) Infra Insights: sample data');
        assert.equal(api.account(), undefined);
    });

    it('runs tools in-process for the UI on the sample estate', async () => {
        const api = await productApi();
        const result = await api.runTool('ListScopes', {});
        assert.equal(result.ok, true, result.message);
        assert.equal(result.sourceKind, 'sample');
        assert.match(result.text ?? '', /^SAMPLE DATA/);
        assert.match(result.text ?? '', /\d+ subscriptions and \d+ Log Analytics workspaces are visible/);
    });

    it('has the test sign-in fixture installed beside it', () => {
        assert.ok(vscode.extensions.getExtension('infra-insights-tests.test-auth'));
    });
});

async function waitUntilActive(extension: vscode.Extension<unknown>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!extension.isActive && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(extension.isActive, true, 'activated by onStartupFinished');
}
