import * as assert from 'node:assert/strict';
import type { MissingPatch, PatchAssessment } from '../../../src/core/model';
import { CaselessIds, comparePatches, summariseFleet, summarisePatchesPerMachine } from '../../../src/core/summaries';

const now = new Date('2026-11-26T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

function assessment(name: string, assessedAt: string | undefined, extra: Partial<PatchAssessment> = {}): PatchAssessment {
    return {
        machineId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/${name}`,
        machineName: name,
        osType: 'windows',
        subscriptionId: 's',
        resourceGroup: 'rg',
        assessedAt,
        status: 'Succeeded',
        rebootPending: false,
        countsByClassification: {},
        ...extra,
    };
}

function patch(
    machine: string,
    classification: MissingPatch['classification'],
    severity: MissingPatch['severity'] = 'Important',
): MissingPatch {
    return {
        machineId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/${machine}`,
        machineName: machine,
        osType: 'windows',
        patchName: `${classification} update for ${machine}`,
        kbId: '5000001',
        classification,
        severity,
        publishedAt: daysAgo(20),
        rebootBehaviour: 'CanRequestReboot',
    };
}

describe('patch compliance summaries', () => {
    const assessments = [
        assessment('a', daysAgo(1), { rebootPending: true }),
        assessment('b', daysAgo(2)),
        assessment('c', daysAgo(3)),
        assessment('d', daysAgo(9)),
        assessment('e', undefined, { assessmentMode: 'ImageDefault' }),
    ];
    const patches = [
        patch('a', 'Critical', 'Critical'),
        patch('a', 'Updates'),
        patch('b', 'Definition', 'Unspecified'),
        patch('d', 'Security'),
    ];
    const perMachine = summarisePatchesPerMachine(assessments, patches, now, (id) => (id.endsWith('/d') ? 'Disconnected' : 'Connected'));

    it('classifies each machine and never reports an unassessed one as patched: its counts are unknown (null), not zero', () => {
        assert.deepEqual(
            perMachine.map((m) => [m.machineName, m.state, m.missing]),
            [
                ['a', 'missing-critical-or-security', 2],
                ['b', 'missing-other', 1],
                ['c', 'compliant', 0],
                ['d', 'not-assessed', null],
                ['e', 'not-assessed', null],
            ],
        );
    });

    it('explains why a machine is not assessed', () => {
        assert.match(perMachine[3].notAssessedReason ?? '', /last assessed 9 days ago; the machine is disconnected/);
        assert.match(
            perMachine[4].notAssessedReason ?? '',
            /no assessment in the last 7 days; periodic assessment is off \(assessmentMode ImageDefault\)/,
        );
        // An Arc agent whose extension service does not run explains it before the assessment setting; offline comes first.
        const serviceDown = summarisePatchesPerMachine(
            assessments,
            patches,
            now,
            (id) => (id.endsWith('/d') ? 'Disconnected' : 'Connected'),
            undefined,
            () => 'Stopped',
        );
        assert.deepEqual(
            serviceDown.map((m) => m.notAssessedReason),
            [
                undefined,
                undefined,
                undefined,
                perMachine[3].notAssessedReason,
                "no assessment in the last 7 days; its Arc agent's extension service is Stopped, and Azure Update Manager assesses through an extension — start that service on the machine",
            ],
        );
    });

    it('computes fleet compliance over assessed machines only', () => {
        const fleet = summariseFleet(
            perMachine,
            patches.filter((p) => p.machineName !== 'd'),
        );
        assert.equal(fleet.machines, 5);
        assert.equal(fleet.assessed, 3);
        assert.equal(fleet.notAssessed, 2);
        assert.equal(fleet.compliant, 2);
        assert.equal(fleet.compliancePercent, 66.7);
        assert.equal(fleet.rebootPending, 1);
        assert.equal(fleet.criticalMissing, 1);
        assert.deepEqual(fleet.bySeverity, { Critical: 1, Important: 1, Unspecified: 1 });
    });

    it('joins patches to assessments whatever the case of their ids, answer after answer with the same numbering', () => {
        const ids = new CaselessIds();
        const shouting = patches.map((p) => ({ ...p, machineId: p.machineId.toUpperCase() }));
        const first = summarisePatchesPerMachine(assessments, shouting, now, () => 'Connected', ids);
        const second = summarisePatchesPerMachine(assessments, patches, now, () => 'Connected', ids);
        for (const answer of [first, second]) {
            assert.deepEqual(
                answer.map((m) => [m.machineName, m.missing, m.critical]),
                [
                    ['a', 2, 1],
                    ['b', 1, 0],
                    ['c', 0, 0],
                    ['d', null, null],
                    ['e', null, null],
                ],
            );
        }
    });

    it('numbers ids case-insensitively in the order first met', () => {
        const ids = new CaselessIds();
        assert.deepEqual(
            ['/Sub/A', '/sub/b', '/SUB/a', '/sub/B', '/sub/c', '/sub/a'].map((id) => ids.number(id)),
            [0, 1, 0, 1, 2, 0],
        );
        assert.equal(ids.size, 3);
    });

    it('sorts Critical and Security patches first, then by severity', () => {
        const sorted = [patch('x', 'Updates', 'Critical'), patch('x', 'Security', 'Moderate'), patch('x', 'Critical', 'Critical')].sort(
            comparePatches,
        );
        assert.deepEqual(
            sorted.map((p) => p.classification),
            ['Critical', 'Security', 'Updates'],
        );
    });
});
