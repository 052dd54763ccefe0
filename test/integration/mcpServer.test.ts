import * as assert from 'node:assert/strict';
import { invoke, mcpTools, note, productApi, setSetting, startServer, TOOLS, waitFor } from './helpers';

describe("The MCP server through VS Code's own MCP client", () => {
    before(async () => {
        await productApi();
    });

    it('starts from the provider and lists its nine tools in vscode.lm.tools', async () => {
        const started = Date.now();
        await startServer();
        const names = mcpTools().map((t) => t.name);
        for (const tool of TOOLS) {
            assert.ok(
                names.some((n) => n.toLowerCase().endsWith(tool.toLowerCase())),
                `${tool} is listed (have ${names.join(', ')})`,
            );
        }
        // VS Code prefixes MCP tool names with the server; ours must not collide with other extensions' tools.
        assert.ok(
            names.every((n) => n.toLowerCase().startsWith('mcp_')),
            names.join(', '),
        );
        note(`(server up and ${names.length} tools listed in ${Date.now() - started} ms)`);
    });

    it('GetPatchingLevel answers with the sample estate', async () => {
        const { structured, parts } = await invoke('GetPatchingLevel', {});
        note(`(VS Code handed the model ${parts.length} text part(s), starting: ${parts.map((p) => p.slice(0, 60)).join(' | ')})`);
        // What the model reads says plainly that this is fictional sample data.
        assert.equal(structured.source, 'sample');
        assert.match(String(structured.sourceDescription), /^Sample estate \(60 machines, seed \d+\) — fictional data$/);
        const summary = structured.summary as { machines: number; assessed: number; missingPatches: number; compliancePercent: number };
        assert.equal(summary.machines, 60);
        assert.ok(summary.assessed > 0 && summary.assessed <= 60);
        assert.ok(summary.missingPatches > 0, JSON.stringify(summary));
        assert.ok(summary.compliancePercent >= 0 && summary.compliancePercent <= 100);
        assert.ok((structured.machines as unknown[]).length > 0);
    });

    it('GetAnomalies answers with anomalies found in the sample estate', async () => {
        const { structured } = await invoke('GetAnomalies', { timespan: '7d' });
        assert.equal(structured.source, 'sample');
        const items = structured.items as { computer: string; score: number; counter: string; direction: string }[];
        const summary = structured.summary as { incidents: number; machinesWithIncidents: number; seriesAnalysed: number };
        assert.ok(items.length > 0, 'the sample estate has planted anomalies');
        assert.equal(items.length, summary.incidents);
        assert.ok(summary.seriesAnalysed > 0);
        // Most significant first, each with a machine, a counter and a direction a person can act on.
        assert.deepEqual(
            items.map((i) => i.score),
            [...items.map((i) => i.score)].sort((a, b) => b - a),
        );
        assert.ok(items.every((i) => i.computer && i.counter && i.direction));
    });

    it('a caller mistake comes back as an actionable message, not a crash', async () => {
        const answer = await invoke('GetAnomalies', { timespan: 'last tuesday' }).then(
            (a) => a.parts.join('\n'),
            (error: Error) => error.message,
        );
        assert.match(answer, /timespan/i);
    });

    it("changes the definition's version when the data-source setting changes", async () => {
        const api = await productApi();
        const before = api.currentServerLaunch();
        const changed = new Promise<void>((resolve) => {
            const subscription = api.onDidChangeServerDefinitions(() => {
                subscription.dispose();
                resolve();
            });
        });
        await setSetting('dataSource', 'auto');
        await changed;
        const after = api.currentServerLaunch();
        assert.equal(after.env.INFRA_INSIGHTS_SOURCE, 'auto');
        assert.notEqual(after.version, before.version);
        await setSetting('dataSource', 'sample');
        const back = await waitFor(
            'the version to return',
            () => api.currentServerLaunch().version === before.version && api.currentServerLaunch(),
        );
        assert.equal(back.env.INFRA_INSIGHTS_SOURCE, 'sample');
    });
});
