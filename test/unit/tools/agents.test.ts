import * as assert from 'node:assert/strict';
import { extensionServiceDown } from '../../../src/tools/agents';
import { agentLabel } from '../../../src/tools/vocabulary';

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
