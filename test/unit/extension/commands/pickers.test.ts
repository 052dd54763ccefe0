/**
 * The scope pickers with `vscode` stood in for (see ../fakeVscode.ts): on sample data they write none of the sample's
 * fictional scopes into the settings and offer the sign-in instead; on Azure they list what ListScopes returns, and
 * Pick Tenant opens even when listing failed and the error notification is still up.
 */
import { fake } from '../fakeVscode';
import * as assert from 'node:assert/strict';
import type { CommandDeps } from '../../../../src/extension/commands';
import { pickSubscriptions, pickTenant, pickWorkspace } from '../../../../src/extension/commands/pickers';
import { readSettings } from '../../../../src/extension/settings';
import type { ToolRun } from '../../../../src/tools';
import { runTool } from '../../../../src/tools';
import { sampleSource } from '../../../helpers/fixtures';

/** Command deps whose tools read `kind` data; `listing` is what ListScopes answers. */
function depsOn(kind: 'sample' | 'azure', listing: () => Promise<ToolRun>) {
    let listed = 0;
    const deps = {
        runner: {
            activeSource: async () => ({ kind, source: sampleSource(), note: '' }),
            runWithProgress: async () => {
                listed++;
                return { ...(await listing()), sourceKind: kind };
            },
        },
        log: { show: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
        settings: () => readSettings(() => undefined),
    } as unknown as CommandDeps;
    return { deps, listed: () => listed };
}

const sampleScopes = () => runTool('ListScopes', { source: sampleSource() }, {});
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('scope pickers', () => {
    beforeEach(() => fake.reset());

    for (const [name, pick, what] of [
        ['Pick Subscriptions', pickSubscriptions, 'subscriptions'],
        ['Pick Default Workspace', pickWorkspace, 'workspaces'],
    ] as const) {
        it(`${name} on sample data offers the sign-in and writes no sample scope into the settings`, async () => {
            const { deps, listed } = depsOn('sample', sampleScopes);
            fake.answers.quickPick = (items) => items;
            fake.answers.message = async () => 'Sign In';
            await pick(deps);
            await tick();
            assert.equal(listed(), 0, 'the sample scopes are not even listed');
            assert.equal(fake.quickPicks.length, 0);
            assert.deepEqual([...fake.settings.keys()], []);
            assert.deepEqual(fake.messages, [
                {
                    kind: 'information',
                    text: `Infra Insights shows sample data, whose ${what} are fictional: sign in to Azure to pick from your own.`,
                    items: ['Sign In'],
                },
            ]);
            assert.deepEqual(
                fake.commands.map((c) => c.id),
                ['infraInsights.signIn'],
            );
        });
    }

    it('Pick Tenant on sample data lists no sample tenant and offers the sign-in', async () => {
        const scopes = await sampleScopes();
        assert.ok(scopes.ok);
        const sampleTenants = (scopes.structured.subscriptions as { tenantId: string }[]).map((s) => s.tenantId);
        assert.ok(sampleTenants.length > 0);
        const { deps, listed } = depsOn('sample', sampleScopes);
        fake.answers.quickPick = (items) => items[0];
        await pickTenant(deps);
        assert.equal(listed(), 0);
        const labels = fake.quickPicks[0].items.map((i) => i.label);
        assert.deepEqual(labels, ['$(sign-in) Sign in to Azure', 'Home tenant', 'Enter a tenant id or domain…']);
        assert.ok(!labels.some((l) => sampleTenants.includes(l)));
        assert.deepEqual(
            fake.commands.map((c) => c.id),
            ['infraInsights.signIn'],
        );
        assert.deepEqual([...fake.settings.keys()], [], 'choosing the sign-in saves no tenant');
    });

    it('Pick Tenant opens while the error of a failed listing is still on screen', async function () {
        // The person leaves the notification alone (the fake's message boxes never answer by default): a Pick Tenant
        // that waited for it would never get to its list.
        this.timeout(5000);
        const { deps } = depsOn('azure', async () => ({ ok: false, kind: 'source', message: 'Not signed in to Azure in VS Code.' }));
        fake.answers.quickPick = (items) => items.find((i) => i.label === 'Home tenant');
        await pickTenant(deps);
        assert.deepEqual(
            fake.messages.map((m) => [m.kind, m.text]),
            [['error', 'Infra Insights: Not signed in to Azure in VS Code.']],
        );
        assert.deepEqual(
            fake.quickPicks[0].items.map((i) => i.label),
            ['Home tenant', 'Enter a tenant id or domain…'],
        );
        assert.equal(fake.settings.get('tenantId'), '');
    });

    it('Pick Subscriptions on Azure lists the subscriptions ListScopes returns and saves the ones picked', async () => {
        const { deps } = depsOn('azure', sampleScopes);
        fake.answers.quickPick = (items) => items.slice(0, 2);
        await pickSubscriptions(deps);
        const ids = fake.quickPicks[0].items.map((i) => i.description);
        assert.equal(ids.length, 3);
        assert.deepEqual(fake.settings.get('subscriptions'), ids.slice(0, 2));
    });
});
