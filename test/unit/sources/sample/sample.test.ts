import * as assert from 'node:assert/strict';
import {
    FINDING_SEVERITIES,
    METRIC_KINDS,
    WINDOWS_PATCH_CLASSIFICATIONS,
    type Machine,
    type MetricKind,
    type Scopes,
} from '../../../../src/core/model';
import { UserError } from '../../../../src/core/source';
import { TIME } from '../../../../src/core/timespan';
import { createSampleSource, HOSTILE_LINK, HOSTILE_STRINGS, type SampleOptions, type SampleSource } from '../../../../src/sources/sample';

const NOW = new Date('2026-11-26T12:00:00Z');
const sample = (options: SampleOptions = {}) => createSampleSource({ now: () => new Date(NOW), ...options });
const daysAgo = (days: number) => new Date(NOW.getTime() - days * TIME.DAY);
const ALL_METRICS: MetricKind[] = [...METRIC_KINDS];

/** Every answer of a source, for the default workspace and the other one, over 30 days. */
async function everything(source: SampleSource) {
    const scopes = await source.listScopes();
    const subscriptionIds = scopes.subscriptions.map((s) => s.subscriptionId);
    const perWorkspace = [];
    for (const w of scopes.workspaces) {
        const base = { workspaceId: w.customerId, from: daysAgo(30), to: NOW };
        perWorkspace.push({
            sqlFindings: (await source.getSqlFindings({ ...base, latestRunOnly: false })).rows,
            windowsFindings: (await source.getWindowsFindings({ ...base, latestRunOnly: false })).rows,
            software: (await source.getSoftware({ ...base, includeUpdates: true })).rows,
            changes: (await source.getSoftwareChanges(base)).rows,
            series: (await source.getMetricSeries({ ...base, metrics: ALL_METRICS, stepMs: TIME.HOUR })).rows.map((s) => ({
                ...s,
                values: Array.from(s.values),
            })),
        });
    }
    return {
        scopes,
        machines: (await source.getMachines({ subscriptionIds })).rows,
        sql: (await source.getSql({ subscriptionIds })).rows,
        assessments: (await source.getPatchAssessments({ subscriptionIds })).rows,
        patches: (await source.getMissingPatches({ subscriptionIds })).rows,
        perWorkspace,
        truth: source.groundTruth(),
    };
}

describe('sample estate', () => {
    let source: SampleSource;
    let scopes: Scopes;
    let subscriptionIds: string[];
    let machines: Machine[];
    before(async () => {
        source = sample();
        scopes = await source.listScopes();
        subscriptionIds = scopes.subscriptions.map((s) => s.subscriptionId);
        machines = (await source.getMachines({ subscriptionIds })).rows;
    });

    describe('determinism', () => {
        it('gives byte-identical answers for the same seed and clock, whatever order queries run in', async () => {
            const a = JSON.stringify(await everything(sample()));
            const other = sample();
            // Ask for metrics and software first this time: lazily built parts must not depend on query order.
            const w = (await other.listScopes()).workspaces[1].customerId;
            await other.getMetricSeries({ workspaceId: w, from: daysAgo(3), to: NOW, metrics: ['cpu'], stepMs: TIME.HOUR });
            await other.getSoftware({ workspaceId: w, from: daysAgo(1), to: NOW, includeUpdates: false });
            const b = JSON.stringify(await everything(other));
            assert.equal(a, b);
        });

        it('gives a different estate for another seed', async () => {
            const other = sample({ seed: 7 });
            const otherScopes = await other.listScopes();
            const names = (await other.getMachines({ subscriptionIds: otherScopes.subscriptions.map((s) => s.subscriptionId) })).rows.map(
                (m) => m.name,
            );
            assert.notDeepEqual(
                names,
                machines.map((m) => m.name),
            );
            assert.notEqual(otherScopes.subscriptions[0].subscriptionId, subscriptionIds[0]);
        });

        it('dates history relative to the clock', async () => {
            const later = sample({ now: () => new Date(NOW.getTime() + 10 * TIME.DAY) });
            const laterScopes = await later.listScopes();
            const assessed = (
                await later.getPatchAssessments({ subscriptionIds: laterScopes.subscriptions.map((s) => s.subscriptionId) })
            ).rows
                .map((a) => a.assessedAt)
                .filter((t): t is string => t !== undefined)
                .sort();
            assert.ok(assessed[assessed.length - 1] > NOW.toISOString(), 'the newest assessment follows the clock');
        });
        it('moves its history along when the clock passes into a new hour, keeping ids and names', async () => {
            let clock = NOW.getTime();
            const moving = createSampleSource({ now: () => new Date(clock) });
            const workspaceId = moving.defaultWorkspaceId ?? '';
            const query = { workspaceId, metrics: ['cpu'] as MetricKind[], stepMs: TIME.HOUR, computers: ['ctso-sql-ams-01'] };
            const before = (await moving.getMetricSeries({ ...query, from: daysAgo(1), to: NOW })).rows[0];
            clock += 5 * TIME.HOUR;
            const later = new Date(clock);
            const after = (await moving.getMetricSeries({ ...query, from: new Date(clock - TIME.DAY), to: later })).rows[0];
            assert.ok(Number.isFinite(after.values[after.values.length - 1]), 'data reaches the new hour');
            assert.ok(Number.isFinite(before.values[before.values.length - 1]));
            const ids = (await moving.listScopes()).subscriptions.map((s) => s.subscriptionId);
            assert.deepEqual(ids, subscriptionIds);
            assert.equal(moving.defaultWorkspaceId, scopes.workspaces[0].customerId);
        });
    });

    describe('what the default estate contains', () => {
        it('describes itself as fictional sample data and is of kind sample', () => {
            assert.equal(source.kind, 'sample');
            assert.equal(source.description, 'Sample estate (60 machines, seed 42) — fictional data');
            assert.equal(source.now().toISOString(), NOW.toISOString());
        });

        it('uses the configured default workspace when given one', () => {
            assert.equal(sample({ defaultWorkspaceId: 'law-ctso-nonprod-neu' }).defaultWorkspaceId, 'law-ctso-nonprod-neu');
        });

        it('has 3 subscriptions, 6–8 resource groups, 3–4 regions and 2 workspaces splitting the machines', () => {
            assert.equal(scopes.subscriptions.length, 3);
            assert.equal(scopes.workspaces.length, 2);
            const groups = new Set([...machines.map((m) => m.resourceGroup), ...scopes.workspaces.map((w) => w.resourceGroup)]);
            assert.ok(groups.size >= 6 && groups.size <= 8, `${groups.size} resource groups`);
            const regions = new Set(machines.map((m) => m.location));
            assert.ok(regions.size >= 3 && regions.size <= 4, `${regions.size} regions`);
            for (const w of scopes.workspaces) {
                assert.match(w.customerId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
                assert.ok(machines.filter((m) => m.workspaceId === w.customerId).length >= 5, `${w.name} has machines`);
            }
            assert.equal(source.defaultWorkspaceId, scopes.workspaces[0].customerId);
        });

        it('has about 60 Arc machines and a few Azure VMs, Windows 2012 R2 to 2025 and three Linux families', () => {
            assert.equal(machines.length, 60);
            assert.equal(new Set(machines.map((m) => m.name.toLowerCase())).size, 60, 'names are unique');
            const vms = machines.filter((m) => m.kind === 'azure-vm').length;
            assert.ok(vms >= 2 && vms <= 15, `${vms} Azure VMs`);
            const os = machines.map((m) => m.osName).join('\n');
            for (const name of ['2012 R2', '2016', '2019', '2022', '2025', 'Ubuntu', 'Red Hat', 'SUSE']) {
                assert.ok(os.includes(name), name);
            }
            assert.ok(machines.some((m) => m.name === 'ctso-sql-ams-01'));
            assert.ok(
                machines.every((m) => /^(ctso-[a-z0-9]+-[a-z]{3}-\d{2,}|[a-z0-9]+-lnx-[a-z]{3}-\d{2,})$/.test(m.name)),
                'Contoso-style names',
            );
            for (const m of machines) {
                assert.ok(m.id.startsWith(`/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/`), m.id);
                assert.ok(m.ipAddresses.length > 0 && m.coreCount && m.memoryGb && m.processorNames, `${m.name} has hardware facts`);
            }
        });

        it('has a few Disconnected and Expired machines', () => {
            const count = (status: string) => machines.filter((m) => m.status === status).length;
            assert.ok(count('Disconnected') >= 2 && count('Disconnected') <= 6);
            assert.ok(count('Expired') >= 1 && count('Expired') <= 4);
            assert.ok(machines.filter((m) => m.status === 'Connected' || m.status === 'Running').length >= 48);
        });

        it('has about 12 SQL instances (2014–2022) on the machines that report SQL, with about 50 databases', async () => {
            const [{ instances, databases }] = (await source.getSql({ subscriptionIds })).rows;
            assert.ok(instances.length >= 9 && instances.length <= 16, `${instances.length} instances`);
            assert.ok(databases.length >= 35 && databases.length <= 70, `${databases.length} databases`);
            const hosts = new Set(machines.filter((m) => m.sqlDiscovered).map((m) => m.name));
            assert.ok(instances.every((i) => hosts.has(i.machineName)));
            assert.ok(new Set(instances.map((i) => i.version)).size >= 3);
            assert.ok(instances.every((i) => /^SQL Server 20(14|16|17|19|22)$/.test(i.version)));
            assert.ok(
                databases.some((d) => d.lastFullBackup === undefined),
                'some never backed up',
            );
            const stale = source.databasesWithoutRecentBackup().filter((b) => b.state === 'stale');
            assert.ok(stale.length >= 3);
            for (const { database } of stale) {
                assert.ok(database.lastFullBackup && Date.parse(database.lastFullBackup) < daysAgo(7).getTime());
            }
            for (const { database } of source.databasesWithoutRecentBackup().filter((b) => b.state === 'never')) {
                assert.equal(database.lastFullBackup, undefined);
            }
        });

        it('has patch assessments for every machine: some stale or missing, some reboots pending, a few fully patched', async () => {
            const assessments = (await source.getPatchAssessments({ subscriptionIds })).rows;
            const patches = (await source.getMissingPatches({ subscriptionIds })).rows;
            assert.equal(assessments.length, 60);
            const weekAgo = daysAgo(7).toISOString();
            assert.ok(assessments.filter((a) => a.assessedAt === undefined).length >= 1, 'some never assessed');
            assert.ok(
                assessments.filter((a) => a.assessedAt !== undefined && a.assessedAt < weekAgo).length >= 2,
                'some older than 7 days',
            );
            assert.ok(assessments.filter((a) => a.rebootPending).length >= 3);
            const fully = source.fullyPatchedMachines();
            assert.ok(fully.length >= 3 && fully.length <= 8, `${fully.length} fully patched`);
            for (const name of fully) {
                assert.ok(!patches.some((p) => p.machineName === name), `${name} misses nothing`);
            }
            // The summary counts are the detail rows counted.
            for (const a of assessments) {
                const mine = patches.filter((p) => p.machineId === a.machineId);
                const total = Object.values(a.countsByClassification).reduce((sum, n) => sum + (n ?? 0), 0);
                assert.equal(total, mine.length, a.machineName);
            }
            // A last patch run that left patches failed or pending is followed by an assessment that still finds some missing.
            const leftBehind = assessments.filter((a) => a.lastInstallation && a.lastInstallation.failed + a.lastInstallation.pending > 0);
            assert.ok(leftBehind.length >= 1, 'a patch run that failed or ran out of its window');
            for (const a of leftBehind) {
                assert.ok(
                    patches.some((p) => p.machineId === a.machineId),
                    `${a.machineName}: its last run left patches behind, so some are missing`,
                );
            }
            // Not assessed: none, none in the last 7 days, or the last one failed (the machines whose agent is in error).
            const failed = assessments.filter((a) => a.status === 'Failed');
            assert.ok(failed.length >= 1 && failed.every((a) => a.assessedAt && a.error), 'a failed assessment, with its error');
            assert.deepEqual(
                source.machinesNotAssessed().sort(),
                assessments
                    .filter((a) => !a.assessedAt || a.assessedAt < weekAgo || a.status === 'Failed')
                    .map((a) => a.machineName)
                    .sort(),
            );
        });

        it('reports Windows patches with KB ids, every classification and MSRC severity, and Linux packages with versions', async () => {
            const patches = (await source.getMissingPatches({ subscriptionIds })).rows;
            const windows = patches.filter((p) => p.osType === 'windows');
            const linux = patches.filter((p) => p.osType === 'linux');
            assert.ok(windows.every((p) => /^\d{7}$/.test(p.kbId ?? '') && p.publishedAt && p.patchName.includes(`KB${p.kbId}`)));
            for (const c of WINDOWS_PATCH_CLASSIFICATIONS) {
                assert.ok(
                    windows.some((p) => p.classification === c),
                    c,
                );
            }
            assert.ok(windows.some((p) => p.severity === 'Critical') && windows.some((p) => p.severity === 'Important'));
            // A release whose Extended Security Updates have ended gets no monthly update after them: Windows Server 2012 R2's
            // machines miss October 2026's at the latest, while later releases miss November's.
            const os = new Map(machines.map((m) => [m.id, m.osName]));
            const monthly = windows.filter((p) => /^\d{4}-\d{2} /.test(p.patchName));
            const old = monthly.filter((p) => os.get(p.machineId)?.includes('2012 R2'));
            assert.ok(
                old.length > 0 && old.every((p) => !p.patchName.startsWith('2026-11 ') && (p.publishedAt ?? '') <= '2026-10-13T23:59:59Z'),
            );
            assert.ok(monthly.some((p) => p.patchName.startsWith('2026-11 ')));
            assert.ok(
                linux.length > 0 &&
                    linux.every(
                        (p) => p.version && !p.kbId && !p.publishedAt && (p.classification === 'Security' || p.classification === 'Other'),
                    ),
            );
        });

        it('has SQL assessment findings of every severity over several runs, with help links', async () => {
            const rows = (
                await source.getSqlFindings({
                    workspaceId: scopes.workspaces[0].customerId,
                    from: daysAgo(30),
                    to: NOW,
                    latestRunOnly: false,
                })
            ).rows;
            for (const severity of FINDING_SEVERITIES) {
                assert.ok(
                    rows.some((r) => r.severity === severity),
                    severity,
                );
            }
            assert.ok(rows.some((r) => r.targetType === 'Server') && rows.some((r) => r.targetType === 'Database'));
            assert.ok(
                rows.every((r) => r.helpLink.startsWith('https://learn.microsoft.com/') && r.tags.length > 0 && r.title && r.description),
            );
            const runsPerInstance = new Map<string, Set<string>>();
            for (const r of rows) {
                const key = `${r.computer}\\${r.instanceName}`;
                runsPerInstance.set(key, (runsPerInstance.get(key) ?? new Set()).add(r.assessmentId));
            }
            assert.ok(
                [...runsPerInstance.values()].some((runs) => runs.size >= 4),
                'several runs over 30 days',
            );
        });

        it('finds the machines reporting to a workspace by name or by a wildcard pattern, case-insensitively', async () => {
            const workspace = scopes.workspaces[0].customerId;
            const inWorkspace = machines.filter((m) => m.workspaceId === workspace).map((m) => m.name);
            const wanted = inWorkspace.filter((n) => n.startsWith('ctso-sql-')).sort();
            assert.ok(wanted.length > 1);
            const window = { workspaceId: workspace, from: daysAgo(7), to: NOW };
            assert.deepEqual([...(await source.findComputers({ ...window, pattern: 'CTSO-SQL-*' })).rows].sort(), wanted);
            assert.deepEqual(
                [...(await source.findComputers({ ...window, pattern: '*-SQL-*-01' })).rows].sort(),
                wanted.filter((n) => n.endsWith('-01')),
            );
            assert.deepEqual((await source.findComputers({ ...window, pattern: 'zz*' })).rows, []);
            assert.deepEqual((await source.findComputers({ ...window, computers: [wanted[0].toUpperCase()] })).rows, [wanted[0]]);
        });

        it('has Windows assessment findings with focus area, action area, object and weight', async () => {
            const window = { workspaceId: scopes.workspaces[0].customerId, from: daysAgo(30), to: NOW };
            const rows = (await source.getWindowsFindings({ ...window, latestRunOnly: false })).rows;
            // The assessment runs weekly: the latest run of each machine is one run, and fewer rows than every run.
            const latest = (await source.getWindowsFindings({ ...window, latestRunOnly: true })).rows;
            const runsOf = (list: typeof rows) => {
                const runs = new Map<string, Set<string>>();
                for (const r of list) {
                    runs.set(r.computer, (runs.get(r.computer) ?? new Set()).add(r.assessmentId));
                }
                return runs;
            };
            assert.ok(
                [...runsOf(rows).values()].some((runs) => runs.size > 1),
                'several weekly runs in 30 days',
            );
            const latestRuns = runsOf(latest);
            assert.deepEqual([...latestRuns.keys()].sort(), [...runsOf(rows).keys()].sort());
            for (const [computer, runs] of latestRuns) {
                assert.equal(runs.size, 1, computer);
                const newest = rows.filter((r) => r.computer === computer).reduce((a, b) => (a.timeGenerated >= b.timeGenerated ? a : b));
                assert.ok(runs.has(newest.assessmentId), computer);
            }
            assert.deepEqual(
                latest,
                rows.filter((r) => latestRuns.get(r.computer)?.has(r.assessmentId)),
            );
            assert.ok(rows.length > 50);
            const windowsNames = new Set(machines.filter((m) => m.osType === 'windows').map((m) => m.name));
            assert.ok(
                rows.every(
                    (r) =>
                        windowsNames.has(r.computer) &&
                        r.focusArea &&
                        r.actionArea &&
                        r.affectedObjectType &&
                        r.weight > 0 &&
                        r.weight <= 100,
                ),
            );
            assert.ok(new Set(rows.map((r) => r.focusArea)).size >= 5);
        });

        it('has 30–60 applications per Windows machine and packages on Linux', async () => {
            const rows = (
                await source.getSoftware({ workspaceId: scopes.workspaces[0].customerId, from: daysAgo(1), to: NOW, includeUpdates: false })
            ).rows;
            const perMachine = new Map<string, number>();
            for (const r of rows) {
                perMachine.set(r.computer, (perMachine.get(r.computer) ?? 0) + 1);
            }
            // A machine whose monitoring agent went quiet sends no inventory after its data ends, hours to days ago.
            const silent = new Set(source.silentMachines().map((s) => s.computer));
            for (const m of machines.filter(
                (m) =>
                    m.workspaceId === scopes.workspaces[0].customerId &&
                    (m.status === 'Connected' || m.status === 'Running') &&
                    !silent.has(m.name),
            )) {
                const n = perMachine.get(m.name) ?? 0;
                if (m.osType === 'windows') {
                    assert.ok(n >= 30 && n <= 60, `${m.name} has ${n} applications`);
                } else {
                    assert.ok(n >= 25, `${m.name} has ${n} packages`);
                }
            }
            assert.ok(rows.every((r) => r.type !== 'Update' && r.publisher && r.version));
            const withUpdates = (
                await source.getSoftware({ workspaceId: scopes.workspaces[0].customerId, from: daysAgo(1), to: NOW, includeUpdates: true })
            ).rows;
            assert.ok(withUpdates.some((r) => r.type === 'Update'));
            assert.equal(withUpdates.filter((r) => r.type !== 'Update').length, rows.length);
        });

        it('has software changes of every category over 30 days, clustered on patch nights', async () => {
            const rows = (await source.getSoftwareChanges({ workspaceId: scopes.workspaces[0].customerId, from: daysAgo(30), to: NOW }))
                .rows;
            for (const category of ['Added', 'Removed', 'Modified'] as const) {
                assert.ok(
                    rows.some((r) => r.changeCategory === category),
                    category,
                );
            }
            assert.ok(
                rows
                    .filter((r) => r.changeCategory === 'Modified')
                    .every((r) => r.previousVersion && r.currentVersion && r.previousVersion !== r.currentVersion),
            );
            const perDay = new Map<string, number>();
            for (const r of rows) {
                perDay.set(r.timeGenerated.slice(0, 10), (perDay.get(r.timeGenerated.slice(0, 10)) ?? 0) + 1);
            }
            const busiest = Math.max(...perDay.values());
            assert.ok(busiest >= rows.length / 10, `the busiest day holds ${busiest} of ${rows.length} changes`);
            for (let i = 1; i < rows.length; i++) {
                assert.ok(rows[i - 1].timeGenerated >= rows[i].timeGenerated, 'newest first');
            }
        });
    });

    describe('metrics and planted anomalies', () => {
        it('returns cpu, disk free and disk transfers per machine for 30 days hourly, with some gaps', async () => {
            const workspaceId = scopes.workspaces[0].customerId;
            const rows = (
                await source.getMetricSeries({ workspaceId, from: daysAgo(30), to: NOW, metrics: ALL_METRICS, stepMs: TIME.HOUR })
            ).rows;
            const reporting = machines.filter(
                (m) => m.workspaceId === workspaceId && (m.status === 'Connected' || m.status === 'Running' || m.status === 'Error'),
            );
            assert.ok(rows.length >= reporting.length * 3);
            for (const s of rows) {
                assert.equal(s.values.length, 720);
                assert.equal(s.start, daysAgo(30).getTime());
                assert.ok(s.values instanceof Float64Array);
                const finite = Array.from(s.values).filter(Number.isFinite);
                assert.ok(
                    finite.every((v) => v >= 0 && (s.unit === '/s' || v <= 100)),
                    `${s.computer} ${s.metric} in range`,
                );
            }
            assert.ok(
                rows.some((s) => Array.from(s.values).some(Number.isNaN)),
                'some gaps',
            );
        });

        it('averages into the requested step and leaves NaN where nothing was sampled', async () => {
            const workspaceId = scopes.workspaces[0].customerId;
            const query = { workspaceId, from: daysAgo(2), to: NOW, metrics: ['cpu'] as MetricKind[], computers: ['ctso-sql-ams-01'] };
            const [fine] = (await source.getMetricSeries({ ...query, stepMs: 5 * TIME.MINUTE })).rows;
            const [coarse] = (await source.getMetricSeries({ ...query, stepMs: 6 * TIME.HOUR })).rows;
            assert.equal(fine.values.length, 576);
            assert.equal(coarse.values.length, 8);
            const [tooFine] = (await source.getMetricSeries({ ...query, stepMs: TIME.MINUTE })).rows;
            assert.ok(Number.isNaN(tooFine.values[1]) && Number.isFinite(tooFine.values[0]), 'one sample per 5 minutes');
        });

        it('plants roughly one clearly visible anomaly per five machines, inside the series time range', async () => {
            const truth = source.groundTruth();
            assert.equal(truth.length, 12);
            assert.ok(new Set(truth.map((t) => t.kind)).size >= 3);
            const end = NOW.getTime();
            for (const t of truth) {
                const start = Date.parse(t.start);
                assert.ok(start >= daysAgo(30).getTime() && start < Date.parse(t.end) && Date.parse(t.end) <= end, JSON.stringify(t));
                const machine = machines.find((m) => m.name === t.computer);
                assert.ok(machine?.workspaceId, t.computer);
                const [series] = (
                    await source.getMetricSeries({
                        workspaceId: machine.workspaceId,
                        from: daysAgo(30),
                        to: NOW,
                        metrics: [t.metric],
                        stepMs: TIME.HOUR,
                        computers: [t.computer],
                    })
                ).rows;
                const at = (time: number) => series.values[Math.floor((time - series.start) / series.stepMs)];
                const inside = at(
                    start +
                        (t.kind === 'level-shift' || t.kind === 'trend'
                            ? Math.min(Date.parse(t.end) - start - TIME.HOUR, 2 * TIME.DAY)
                            : 0),
                );
                const before = at(start - TIME.DAY); // same hour the day before
                assert.ok(Number.isFinite(inside) && Number.isFinite(before), `${t.computer} has data around its anomaly`);
                const change = Math.abs(inside - before);
                const relative = t.metric === 'diskTransfers' ? change / Math.max(before, inside) : change;
                assert.ok(
                    relative >= (t.metric === 'diskTransfers' ? 0.6 : 4),
                    `${t.kind} on ${t.computer} ${t.metric} is visible: ${before.toFixed(1)} → ${inside.toFixed(1)}`,
                );
            }
        });

        it('keeps normal data free of outliers: noise is bounded', async () => {
            const truth = new Set(source.groundTruth().map((t) => `${t.computer}/${t.metric}`));
            const workspaceId = scopes.workspaces[0].customerId;
            const rows = (await source.getMetricSeries({ workspaceId, from: daysAgo(30), to: NOW, metrics: ['cpu'], stepMs: TIME.HOUR }))
                .rows;
            for (const s of rows.filter((r) => !truth.has(`${r.computer}/${r.metric}`))) {
                // Same hour one week apart differs by seasonality drift and bounded noise only.
                for (let i = 168; i < s.values.length; i++) {
                    if (Number.isFinite(s.values[i]) && Number.isFinite(s.values[i - 168])) {
                        assert.ok(Math.abs(s.values[i] - s.values[i - 168]) < 20, `${s.computer} jumps at ${i}`);
                    }
                }
            }
        });
    });

    describe('query parameters', () => {
        it('filters Resource Graph queries by subscription; an unknown subscription matches nothing', async () => {
            const [first] = subscriptionIds;
            const some = (await source.getMachines({ subscriptionIds: [first.toUpperCase()] })).rows;
            assert.ok(some.length > 0 && some.length < 60 && some.every((m) => m.subscriptionId === first));
            assert.deepEqual((await source.getMachines({ subscriptionIds: ['00000000-0000-0000-0000-000000000000'] })).rows, []);
            const [sql] = (await source.getSql({ subscriptionIds: [first] })).rows;
            assert.ok(sql.instances.every((i) => i.subscriptionId === first) && sql.databases.every((d) => d.subscriptionId === first));
            const patches = (await source.getMissingPatches({ subscriptionIds: [first] })).rows;
            const inFirst = new Set(some.map((m) => m.id));
            assert.ok(patches.length > 0 && patches.every((p) => inFirst.has(p.machineId)));
            assert.ok((await source.getPatchAssessments({ subscriptionIds: [first] })).rows.every((a) => a.subscriptionId === first));
        });

        it('answers workspace queries for the machines reporting to that workspace only', async () => {
            for (const w of scopes.workspaces) {
                const names = new Set(machines.filter((m) => m.workspaceId === w.customerId).map((m) => m.name));
                const base = { workspaceId: w.customerId, from: daysAgo(30), to: NOW };
                const computers = [
                    ...(await source.getSqlFindings({ ...base, latestRunOnly: false })).rows.map((r) => r.computer),
                    ...(await source.getWindowsFindings({ ...base, latestRunOnly: false })).rows.map((r) => r.computer),
                    ...(await source.getSoftware({ ...base, includeUpdates: false })).rows.map((r) => r.computer),
                    ...(await source.getSoftwareChanges(base)).rows.map((r) => r.computer),
                    ...(await source.getMetricSeries({ ...base, metrics: ['cpu'], stepMs: TIME.HOUR })).rows.map((r) => r.computer),
                ];
                assert.ok(computers.length > 0);
                assert.ok(
                    computers.every((c) => names.has(c)),
                    w.name,
                );
            }
        });

        it('rejects an unknown workspace with a UserError naming the known ones', async () => {
            await assert.rejects(
                source.getSoftwareChanges({ workspaceId: 'no-such-workspace', from: daysAgo(1), to: NOW }),
                (error: unknown) =>
                    error instanceof UserError &&
                    error.message.includes('"no-such-workspace"') &&
                    scopes.workspaces.every((w) => error.message.includes(w.customerId) && error.message.includes(w.name)),
            );
            await assert.rejects(
                source.getMetricSeries({ workspaceId: 'x', from: daysAgo(1), to: NOW, metrics: ['cpu'], stepMs: TIME.HOUR }),
                UserError,
            );
        });

        it('filters by time', async () => {
            const workspaceId = scopes.workspaces[0].customerId;
            const from = daysAgo(10);
            const to = daysAgo(3);
            const changes = (await source.getSoftwareChanges({ workspaceId, from, to })).rows;
            const all = (await source.getSoftwareChanges({ workspaceId, from: daysAgo(30), to: NOW })).rows;
            assert.ok(changes.length > 0 && changes.length < all.length);
            assert.ok(changes.every((c) => c.timeGenerated >= from.toISOString() && c.timeGenerated <= to.toISOString()));
            const findings = (await source.getWindowsFindings({ workspaceId, from, to, latestRunOnly: false })).rows;
            assert.ok(
                findings.length > 0 && findings.every((f) => f.timeGenerated >= from.toISOString() && f.timeGenerated <= to.toISOString()),
            );
            const sqlFindings = (await source.getSqlFindings({ workspaceId, from, to, latestRunOnly: false })).rows;
            assert.ok(sqlFindings.every((f) => f.timeGenerated >= from.toISOString() && f.timeGenerated <= to.toISOString()));
            const series = (await source.getMetricSeries({ workspaceId, from, to, metrics: ['diskFree'], stepMs: TIME.HOUR })).rows;
            assert.ok(series.length > 0 && series.every((s) => s.start === from.getTime() && s.values.length === 7 * 24));
            const nothing = (await source.getSoftwareChanges({ workspaceId, from: daysAgo(400), to: daysAgo(300) })).rows;
            assert.deepEqual(nothing, []);
        });

        it('filters by computer names, case-insensitively and exactly', async () => {
            const workspaceId = scopes.workspaces[0].customerId;
            const base = { workspaceId, from: daysAgo(30), to: NOW, computers: ['CTSO-SQL-AMS-01'] };
            const sqlFindings = (await source.getSqlFindings({ ...base, latestRunOnly: false })).rows;
            assert.ok(sqlFindings.length > 0 && sqlFindings.every((f) => f.computer === 'ctso-sql-ams-01'));
            const software = (await source.getSoftware({ ...base, includeUpdates: false })).rows;
            assert.ok(software.length > 0 && software.every((s) => s.computer === 'ctso-sql-ams-01'));
            const series = (await source.getMetricSeries({ ...base, metrics: ALL_METRICS, stepMs: TIME.HOUR })).rows;
            assert.deepEqual(
                series.map((s) => `${s.computer} ${s.metric}`),
                ['ctso-sql-ams-01 cpu', 'ctso-sql-ams-01 diskFree', 'ctso-sql-ams-01 diskTransfers'],
            );
            assert.deepEqual((await source.getSoftware({ ...base, computers: ['ctso-sql-ams'], includeUpdates: false })).rows, []);
            for (const latestRunOnly of [false, true]) {
                const mine = (await source.getSqlFindings({ ...base, latestRunOnly })).rows;
                const everyones = (await source.getSqlFindings({ workspaceId, from: daysAgo(30), to: NOW, latestRunOnly })).rows;
                assert.deepEqual(
                    mine,
                    everyones.filter((f) => f.computer === 'ctso-sql-ams-01'),
                );
            }
            const windowsFindings = (await source.getWindowsFindings({ ...base, latestRunOnly: false })).rows;
            assert.ok(windowsFindings.length > 0);
            assert.deepEqual(
                windowsFindings,
                (await source.getWindowsFindings({ workspaceId, from: daysAgo(30), to: NOW, latestRunOnly: false })).rows.filter(
                    (f) => f.computer === 'ctso-sql-ams-01',
                ),
            );
            const changes = (await source.getSoftwareChanges(base)).rows;
            const workspaceChanges = (await source.getSoftwareChanges({ workspaceId, from: daysAgo(30), to: NOW })).rows;
            assert.ok(changes.length > 0);
            assert.deepEqual(
                changes,
                workspaceChanges.filter((c) => c.computer === 'ctso-sql-ams-01'),
            );
        });

        it('returns only the newest run per instance with latestRunOnly', async () => {
            const base = { workspaceId: scopes.workspaces[0].customerId, from: daysAgo(30), to: NOW };
            const all = (await source.getSqlFindings({ ...base, latestRunOnly: false })).rows;
            const latest = (await source.getSqlFindings({ ...base, latestRunOnly: true })).rows;
            assert.ok(latest.length > 0 && latest.length < all.length);
            const newest = new Map<string, string>();
            for (const r of all) {
                const key = `${r.computer}\\${r.instanceName}`;
                if (!newest.has(key) || newest.get(key)! < r.timeGenerated) {
                    newest.set(key, r.timeGenerated);
                }
            }
            assert.ok(latest.every((r) => newest.get(`${r.computer}\\${r.instanceName}`) === r.timeGenerated));
            assert.deepEqual(new Set(latest.map((r) => `${r.computer}\\${r.instanceName}`)), new Set(newest.keys()));
            // New and resolved findings exist: the latest run differs from the one before for some instance.
            const checks = (run: string) => new Set(all.filter((r) => r.assessmentId === run).map((r) => `${r.checkId}/${r.targetName}`));
            let differs = false;
            for (const key of newest.keys()) {
                const runs = [...new Set(all.filter((r) => `${r.computer}\\${r.instanceName}` === key).map((r) => r.assessmentId))];
                if (runs.length >= 2) {
                    const [a, b] = [checks(runs[0]), checks(runs[1])];
                    differs ||= a.size !== b.size || [...a].some((c) => !b.has(c));
                }
            }
            assert.ok(differs, 'some findings are new or resolved between runs');
        });
    });

    describe('scale', () => {
        it('builds a 10,000-machine estate that answers every query', async () => {
            const big = sample({ machines: 10_000 });
            assert.match(big.description, /10,000 machines/);
            const bigScopes = await big.listScopes();
            const ids = bigScopes.subscriptions.map((s) => s.subscriptionId);
            const bigMachines = (await big.getMachines({ subscriptionIds: ids })).rows;
            assert.equal(bigMachines.length, 10_000);
            assert.equal(new Set(bigMachines.map((m) => m.name)).size, 10_000);
            const [sql] = (await big.getSql({ subscriptionIds: ids })).rows;
            assert.ok(sql.instances.length > 1000);
            assert.ok((await big.getMissingPatches({ subscriptionIds: ids })).rows.length > 10_000);
            const base = {
                workspaceId: bigScopes.workspaces[1].customerId,
                from: daysAgo(7),
                to: NOW,
                computers: bigMachines.slice(0, 50).map((m) => m.name),
            };
            assert.ok((await big.getSoftware({ ...base, includeUpdates: false })).rows.length > 0);
            assert.ok((await big.getMetricSeries({ ...base, metrics: ['cpu'], stepMs: TIME.HOUR })).rows.length > 0);
            assert.equal(big.groundTruth().length, 2000);
        });
    });

    describe('hostile variant', () => {
        let hostile: SampleSource;
        let data: Awaited<ReturnType<typeof everything>>;
        before(async () => {
            hostile = sample({ hostile: true });
            data = await everything(hostile);
        });

        it('is off by default', () => {
            const json = JSON.stringify(machines);
            assert.ok(!json.includes('<script>') && !json.includes('onerror'));
        });

        it('plants every hostile string verbatim in names, tags, software, databases and findings', () => {
            assert.ok(HOSTILE_STRINGS.some((s) => s.length === 5000));
            assert.ok(HOSTILE_STRINGS.some((s) => s.includes('\u202E')) && HOSTILE_STRINGS.some((s) => s.includes('\n')));
            const names = new Set(data.machines.map((m) => m.name));
            assert.ok(HOSTILE_STRINGS.filter((s) => names.has(s)).length >= 3, 'machine names');
            const tagValues = new Set(data.machines.flatMap((m) => Object.values(m.tags)));
            const software = data.perWorkspace.flatMap((w) => w.software.map((s) => s.name));
            const changes = data.perWorkspace.flatMap((w) => w.changes.map((s) => s.name));
            const databases = new Set(data.sql[0].databases.map((d) => d.name));
            const targets = new Set(data.perWorkspace.flatMap((w) => w.sqlFindings.map((f) => f.targetName)));
            const objects = new Set(data.perWorkspace.flatMap((w) => w.windowsFindings.map((f) => f.affectedObjectName)));
            const patchNames = new Set(data.patches.map((p) => p.patchName));
            for (const s of HOSTILE_STRINGS) {
                assert.ok(tagValues.has(s), `tag ${JSON.stringify(s.slice(0, 30))}`);
                assert.ok(software.includes(s), `software ${JSON.stringify(s.slice(0, 30))}`);
                assert.ok(changes.includes(s), `change ${JSON.stringify(s.slice(0, 30))}`);
                assert.ok(databases.has(s), `database ${JSON.stringify(s.slice(0, 30))}`);
                assert.ok(targets.has(s), `finding target ${JSON.stringify(s.slice(0, 30))}`);
                assert.ok(objects.has(s), `windows finding ${JSON.stringify(s.slice(0, 30))}`);
                assert.ok(patchNames.has(s), `patch ${JSON.stringify(s.slice(0, 30))}`);
            }
            const findings = data.perWorkspace.flatMap((w) => w.sqlFindings);
            assert.ok(findings.some((f) => f.helpLink === HOSTILE_LINK));
            assert.ok(data.scopes.subscriptions.some((s) => HOSTILE_STRINGS.includes(s.displayName)));
            assert.match(hostile.description, /hostile/);
        });

        it('keeps hostile machines queryable by their exact names', async () => {
            const hostileName = HOSTILE_STRINGS[0];
            const machine = data.machines.find((m) => m.name === hostileName);
            assert.ok(machine?.workspaceId);
            const series = (
                await hostile.getMetricSeries({
                    workspaceId: machine.workspaceId,
                    from: daysAgo(1),
                    to: NOW,
                    metrics: ['cpu'],
                    stepMs: TIME.HOUR,
                    computers: [hostileName],
                })
            ).rows;
            assert.ok(series.every((s) => s.computer === hostileName));
        });
    });
});
