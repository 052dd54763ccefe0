import * as assert from 'node:assert/strict';
import type { MissingPatch, PatchAssessment, SoftwareChange, SoftwareItem } from '../../../../src/core/model';
import { TIME } from '../../../../src/core/timespan';
import { createSampleSource, type SampleSource } from '../../../../src/sources/sample';
import { MAINTENANCE_WINDOW } from '../../../../src/sources/sample/patches';
import { runTool } from '../../../../src/tools';

/**
 * A machine's patch history (GetPatchingLevel's last installation run) and its Change Tracking (GetSwChangesList) tell
 * one story: what a run installed is the software that changed during it. At a clock the day after a Linux patch night
 * and at one on a Sunday evening, hours after one (where Update Manager has assessed again since).
 */
const ESTATES = [
    { machines: 300, seed: 42, now: '2026-12-07T18:00:00Z' },
    { machines: 300, seed: 7, now: '2026-11-29T20:00:00Z' },
];

/** Far enough back for every software change the sample keeps (30 days). */
const LOOK_BACK = 40 * TIME.DAY;
/** How far back Change Tracking reaches from the end of a machine's data. */
const CHANGE_HISTORY = 30 * TIME.DAY;

interface Estate {
    source: SampleSource;
    assessments: PatchAssessment[];
    missing: MissingPatch[];
    inventory: SoftwareItem[];
    changes: SoftwareChange[];
}

async function readEstate(machines: number, seed: number, now: string): Promise<Estate> {
    const clock = Date.parse(now);
    const source = createSampleSource({ machines, seed, now: () => new Date(clock) });
    const scopes = await source.listScopes();
    const subscriptionIds = scopes.subscriptions.map((s) => s.subscriptionId);
    const estate: Estate = {
        source,
        assessments: (await source.getPatchAssessments({ subscriptionIds })).rows,
        missing: (await source.getMissingPatches({ subscriptionIds })).rows,
        inventory: [],
        changes: [],
    };
    for (const w of scopes.workspaces) {
        const range = { workspaceId: w.customerId, from: new Date(clock - LOOK_BACK), to: new Date(clock) };
        estate.inventory.push(...(await source.getSoftware({ ...range, includeUpdates: true })).rows);
        estate.changes.push(...(await source.getSoftwareChanges(range)).rows);
    }
    return estate;
}

/** What a patch run installs as Change Tracking records it: updates on Windows, package version changes on Linux. */
const isPatch = (osType: string) => (c: SoftwareChange) =>
    osType === 'windows' ? c.type === 'Update' : c.type === 'Package' && c.changeCategory === 'Modified';

for (const { machines, seed, now } of ESTATES) {
    describe(`sample patch runs and Change Tracking (${machines} machines, seed ${seed}, ${now})`, () => {
        let estate: Estate;
        before(async () => {
            estate = await readEstate(machines, seed, now);
        });

        it('shows each machine’s latest patch run in Change Tracking: as many changes in its window as it installed, none after', () => {
            const lastSeen = new Map(estate.inventory.map((i) => [i.computer, Date.parse(i.lastSeen)]));
            const changesOf = new Map<string, SoftwareChange[]>();
            for (const c of estate.changes) {
                changesOf.set(c.computer, [...(changesOf.get(c.computer) ?? []), c]);
            }
            const missingKbs = new Map<string, Set<string>>();
            for (const p of estate.missing) {
                missingKbs.set(p.machineName, (missingKbs.get(p.machineName) ?? new Set()).add(p.kbId ?? ''));
            }
            const checked = { windows: 0, linux: 0, Succeeded: 0, Failed: 0, CompletedWithWarnings: 0 } as Record<string, number>;
            const skipped = { noWorkspace: 0, afterDataEnd: 0, beforeHistory: 0 };
            for (const a of estate.assessments) {
                const run = a.lastInstallation;
                if (!run) {
                    continue;
                }
                const at = Date.parse(run.at);
                const seen = lastSeen.get(a.machineName);
                // Tolerances: no workspace, no Change Tracking; a run that ended after the machine's data ended (its agent
                // went quiet) or began before the 30 days Change Tracking keeps is not there to compare with.
                if (seen === undefined) {
                    skipped.noWorkspace++;
                    continue;
                }
                if (at > seen) {
                    skipped.afterDataEnd++;
                    continue;
                }
                if (at - MAINTENANCE_WINDOW < seen + TIME.HOUR - CHANGE_HISTORY) {
                    skipped.beforeHistory++;
                    continue;
                }
                const patches = (changesOf.get(a.machineName) ?? []).filter(isPatch(a.osType));
                const during = patches.filter((c) => {
                    const t = Date.parse(c.timeGenerated);
                    return t >= at - MAINTENANCE_WINDOW && t <= at;
                });
                const describe = `${a.machineName} (${a.osType}): run ${run.status} at ${run.at}, installed ${run.installed}; changes ${patches
                    .map((c) => `${c.timeGenerated} ${c.name}`)
                    .join(', ')}`;
                assert.equal(during.length, run.installed, describe);
                // The run is the latest: no patch night after it that the patch history would have to show.
                const nightly = (changesOf.get(a.machineName) ?? []).filter((c) => isPatch(a.osType)(c) || c.changeCategory === 'Modified');
                assert.ok(
                    nightly.every((c) => Date.parse(c.timeGenerated) <= at),
                    `${describe}: a patch-night change after the latest run`,
                );
                if (a.osType === 'windows') {
                    for (const c of during) {
                        const kb = /\(KB(\d+)\)|KB(\d+)/.exec(c.name);
                        assert.ok(kb && c.changeCategory === 'Added', `${a.machineName}: ${c.changeCategory} ${c.name}`);
                        assert.ok(
                            !missingKbs.get(a.machineName)?.has(kb[1] ?? kb[2]),
                            `${a.machineName}: ${c.name} was installed at ${run.at} yet is missing`,
                        );
                    }
                }
                checked[a.osType]++;
                checked[run.status]++;
            }
            const summary = JSON.stringify({ checked, skipped });
            assert.ok(checked.windows > 50 && checked.linux > 30, summary);
            assert.ok(checked.Succeeded > 50 && checked.Failed > 0 && checked.CompletedWithWarnings > 0, summary);
            assert.ok(skipped.noWorkspace > 0, summary);
        });

        it('assesses a machine after its latest patch run, which Azure keeps 30 days', () => {
            const clock = Date.parse(now);
            let runs = 0;
            for (const a of estate.assessments) {
                if (a.lastInstallation) {
                    runs++;
                    assert.ok(a.assessedAt && a.lastInstallation.at < a.assessedAt, a.machineName);
                    assert.ok(Date.parse(a.lastInstallation.at) >= clock - 30 * TIME.DAY, `${a.machineName}: ${a.lastInstallation.at}`);
                }
            }
            assert.ok(runs > machines / 2, `${runs} runs`);
        });
    });
}

describe('what patch night installed on pg-lnx-chi-01 (default sample estate)', () => {
    it('GetSwChangesList lists as many package changes in the run as GetPatchingLevel says it installed', async () => {
        const clock = Date.parse('2026-12-07T18:00:00Z');
        const source = createSampleSource({ now: () => new Date(clock) });
        const patching = await runTool('GetPatchingLevel', { source }, { server_name: 'pg-lnx-chi-01' });
        assert.ok(patching.ok, patching.ok ? '' : patching.message);
        const [machine] = (patching.structured as { machines: PatchAssessment[] }).machines;
        const run = machine.lastInstallation;
        assert.ok(run && run.status === 'Succeeded' && run.installed > 0, JSON.stringify(run));
        const changes = await runTool('GetSwChangesList', { source }, { server_name: 'pg-lnx-chi-01', timespan: '7d' });
        assert.ok(changes.ok, changes.ok ? '' : changes.message);
        const items = (changes.structured as { items: SoftwareChange[] }).items;
        const at = Date.parse(run.at);
        const during = items.filter((c) => Date.parse(c.timeGenerated) <= at && Date.parse(c.timeGenerated) >= at - MAINTENANCE_WINDOW);
        assert.equal(during.length, run.installed, changes.text);
        assert.ok(during.every((c) => c.changeCategory === 'Modified' && c.previousVersion && c.currentVersion));
    });
});
