import * as assert from 'node:assert/strict';
import type { InfraSource } from '../../../src/core/source';
import { agentFailed, agentsOf, extensionServiceDown } from '../../../src/tools/agents';
import { agentLabel } from '../../../src/tools/vocabulary';
import { sampleSource } from '../../helpers/fixtures';

describe('monitoring agents and the Arc extension service', () => {
    it('judges the extension service down only from a state that says so, on a connected Arc-enabled server', () => {
        const arc = (extensionService: string | undefined, status: 'Connected' | 'Disconnected' = 'Connected') => ({
            kind: 'arc' as const,
            status,
            extensionService,
        });
        for (const state of ['Stopped', 'StopPending', 'Paused', 'inactive', 'failed', 'STOPPED']) {
            assert.equal(extensionServiceDown(arc(state)), true, state);
        }
        for (const state of ['Running', 'active', 'StartPending', 'activating', 'Unknown', '', undefined]) {
            assert.equal(extensionServiceDown(arc(state)), false, String(state));
        }
        assert.equal(extensionServiceDown(arc('Stopped', 'Disconnected')), false, 'a stale report is not judged');
        assert.equal(extensionServiceDown({ kind: 'azure-vm', status: 'Running', extensionService: 'Stopped' }), false);
    });

    it("gives each machine the same view whether a source lists its extensions together or between other machines'", async () => {
        const source = sampleSource({ machines: 300 });
        const { subscriptions } = await source.listScopes();
        const ids = subscriptions.map((s) => s.subscriptionId);
        const { rows } = await source.getMachineExtensions({ subscriptionIds: ids });
        // By extension name: each machine's rows are scattered among the others'.
        const scattered = [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const runs = scattered.filter((e, i) => i === 0 || e.machineId !== scattered[i - 1].machineId).length;
        assert.ok(runs > new Set(rows.map((e) => e.machineId)).size, 'some machine comes back after another');
        const reordering: InfraSource = Object.create(source, {
            getMachineExtensions: { value: async () => ({ rows: scattered, warnings: [] }) },
        });
        const together = await agentsOf({ source }, ids, false);
        const apart = await agentsOf({ source: reordering }, ids, false);
        const { rows: machines } = await source.getMachines({ subscriptionIds: ids });
        const seen = new Set<string>();
        for (const m of machines) {
            assert.deepEqual(apart.of(m), together.of(m), m.name);
            seen.add(`${together.of(m).monitoringAgent}/${agentFailed(together.of(m))}/${together.of(m).failedExtensions.length > 0}`);
        }
        assert.ok(seen.size >= 4, `a mix of agents and failures: ${[...seen].join(', ')}`);
    });

    it('labels an agent in a few words, with its state when it is not Succeeded', () => {
        assert.deepEqual(
            [
                agentLabel('ama', 'Succeeded'),
                agentLabel('ama', 'Failed'),
                agentLabel('legacy', 'succeeded'),
                agentLabel('both', 'Updating'),
                agentLabel('none', null),
                agentLabel(null, null),
            ],
            ['AMA', 'AMA (Failed)', 'MMA only (retired)', 'AMA + MMA (Updating)', 'none', undefined],
        );
    });
});
