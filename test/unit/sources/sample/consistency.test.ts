import * as assert from 'node:assert/strict';
import type { MetricSeries, MissingPatch, SoftwareChange, SoftwareItem, SqlFinding, WindowsFinding } from '../../../../src/core/model';
import { TIME } from '../../../../src/core/timespan';
import { createSampleSource, type SampleSource } from '../../../../src/sources/sample';
import { latestCumulativeUpdate, SQL_RELEASES } from '../../../../src/sources/sample/sql';
import { runTool } from '../../../../src/tools';
import { compareVersions, foreignToRelease, linuxReleaseOf } from './versions';

/**
 * What one tool says about a machine never contradicts what another says, over the whole generated estate: at the
 * default size and seed, and at another size, seed and clock.
 */
const ESTATES = [
    { machines: 60, seed: 42, now: '2026-11-26T12:00:00Z' },
    { machines: 200, seed: 7, now: '2026-12-07T12:00:00Z' },
];

/** Far enough back for every assessment run the sample keeps (36 days) and every software change (30). */
const LOOK_BACK = 40 * TIME.DAY;

/** What GetServerMetadata says of a machine, as far as these tests read it. */
interface ServerRow {
    id: string;
    name: string;
    osName: string;
    status: string;
    lastStatusChange: string;
    monitoringAgent: string;
    logicalCoreCount?: number;
}

/** What GetSqlMetadata says of an instance and its databases, as far as these tests read it. */
interface SqlInstanceRow {
    name: string;
    instanceName: string;
    machineName: string;
    machineId?: string;
    version: string;
    currentVersion: string;
    vCores?: number;
    support?: { extendedEnd: string };
    databases: { name: string; lastFullBackup?: string }[];
}

/** Everything the tools say about one estate, read once. */
interface Estate {
    source: SampleSource;
    now: number;
    servers: ServerRow[];
    sqlInstances: SqlInstanceRow[];
    software: SoftwareItem[];
    changes: SoftwareChange[];
    missing: MissingPatch[];
    windowsFindings: WindowsFinding[];
    sqlFindings: SqlFinding[];
    diskSeries: MetricSeries[];
}

async function structuredItems<T>(source: SampleSource, tool: string): Promise<T[]> {
    const result = await runTool(tool, { source }, { max_results: 50_000 });
    assert.ok(result.ok, result.ok ? '' : result.message);
    return (result.structured as { items: T[] }).items;
}

async function readEstate(machines: number, seed: number, now: string): Promise<Estate> {
    const clock = Date.parse(now);
    const source = createSampleSource({ machines, seed, now: () => new Date(clock) });
    const scopes = await source.listScopes();
    const subscriptionIds = scopes.subscriptions.map((s) => s.subscriptionId);
    const estate: Estate = {
        source,
        now: clock,
        servers: await structuredItems<ServerRow>(source, 'GetServerMetadata'),
        sqlInstances: await structuredItems<SqlInstanceRow>(source, 'GetSqlMetadata'),
        software: [],
        changes: [],
        missing: (await source.getMissingPatches({ subscriptionIds })).rows,
        windowsFindings: [],
        sqlFindings: [],
        diskSeries: [],
    };
    for (const w of scopes.workspaces) {
        const range = { workspaceId: w.customerId, from: new Date(clock - LOOK_BACK), to: new Date(clock) };
        estate.software.push(...(await source.getSoftware({ ...range, includeUpdates: true })).rows);
        estate.changes.push(...(await source.getSoftwareChanges(range)).rows);
        estate.windowsFindings.push(...(await source.getWindowsFindings({ ...range, latestRunOnly: false })).rows);
        estate.sqlFindings.push(...(await source.getSqlFindings({ ...range, latestRunOnly: false })).rows);
        const last30 = { ...range, from: new Date(clock - 30 * TIME.DAY) };
        estate.diskSeries.push(...(await source.getMetricSeries({ ...last30, metrics: ['diskFree'], stepMs: TIME.HOUR })).rows);
    }
    return estate;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const row of rows) {
        const list = groups.get(key(row));
        if (list) {
            list.push(row);
        } else {
            groups.set(key(row), [row]);
        }
    }
    return groups;
}

/** The applications and packages of a machine at a time: its inventory with the changes since then undone. */
function installedAt(items: readonly SoftwareItem[], changes: readonly SoftwareChange[], at: number): Map<string, string> {
    const state = new Map(items.map((i) => [i.name, i.version]));
    const newestFirst = changes
        .filter((c) => Date.parse(c.timeGenerated) > at)
        .sort((a, b) => b.timeGenerated.localeCompare(a.timeGenerated));
    for (const c of newestFirst) {
        if (c.changeCategory === 'Added') {
            state.delete(c.name);
        } else {
            state.set(c.name, c.previousVersion ?? '');
        }
    }
    return state;
}

/** The free space (%) of a series at a time: its latest value at or before it, or its first one for a time before the data. */
function freeAt(series: MetricSeries, at: number): number | undefined {
    const values = Array.from(series.values);
    const bin = Math.min(values.length - 1, Math.floor((at - series.start) / series.stepMs));
    for (let i = bin; i >= 0; i--) {
        if (Number.isFinite(values[i])) {
            return values[i];
        }
    }
    return values.find((v) => Number.isFinite(v));
}

const UNSUPPORTED_CHECK = 'Remove software that is no longer supported by its publisher';
const DISK_CHECK = 'Keep at least 15% free space on the system volume';
const WINDOWS_POWER_CHECK = 'Use the High performance power plan';
const DISTRIBUTION_PUBLISHERS = /^(Ubuntu Developers|Red Hat, Inc\.|SUSE LLC)/;

for (const { machines, seed, now } of ESTATES) {
    describe(`sample estate consistency across tools (${machines} machines, seed ${seed}, ${now})`, () => {
        let estate: Estate;
        before(async () => {
            estate = await readEstate(machines, seed, now);
        });

        it('lists the Log Analytics agent in the inventory exactly where GetServerMetadata says it runs, once, and nothing twice', () => {
            const inventory = groupBy(estate.software, (i) => i.computer);
            let checked = 0;
            for (const server of estate.servers) {
                const items = inventory.get(server.name);
                if (!items) {
                    continue;
                }
                checked++;
                const legacy = items.filter((i) => i.name === 'Microsoft Monitoring Agent' || i.name === 'omsagent');
                const expected = server.monitoringAgent === 'legacy' || server.monitoringAgent === 'both' ? 1 : 0;
                assert.equal(
                    legacy.length,
                    expected,
                    `${server.name} (${server.monitoringAgent}): ${legacy.map((i) => i.version).join(', ')}`,
                );
                const ama = items.filter((i) => i.name === 'Azure Monitor Agent' || i.name === 'azuremonitoragent');
                assert.equal(ama.length, server.monitoringAgent === 'ama' || server.monitoringAgent === 'both' ? 1 : 0, server.name);
                const names = items.map((i) => i.name);
                assert.equal(new Set(names).size, names.length, `${server.name} lists an item twice`);
            }
            assert.ok(checked > machines / 2, `${checked} machines checked`);
            assert.ok(
                estate.servers.some((s) => s.monitoringAgent === 'legacy' || s.monitoringAgent === 'both'),
                'the estate has machines with the Log Analytics agent',
            );
        });

        it('fails the system-volume check in exactly the Windows assessment runs where the C: free space is under 15 %', () => {
            const series = new Map(estate.diskSeries.filter((s) => s.counter.startsWith('C:')).map((s) => [s.computer, s]));
            let runs = 0;
            let failed = 0;
            for (const [computer, rows] of groupBy(estate.windowsFindings, (f) => f.computer)) {
                const disk = series.get(computer);
                if (!disk) {
                    continue;
                }
                for (const [time, run] of groupBy(rows, (f) => f.timeGenerated)) {
                    const free = freeAt(disk, Date.parse(time));
                    assert.ok(free !== undefined, computer);
                    const flagged = run.some((f) => f.recommendation === DISK_CHECK);
                    assert.equal(flagged, free < 15, `${computer} at ${time}: C: ${free.toFixed(1)} % free`);
                    runs++;
                    failed += flagged ? 1 : 0;
                }
            }
            assert.ok(runs > 20, `${runs} runs checked`);
            assert.ok(
                estate.windowsFindings.every((f) => f.recommendation !== DISK_CHECK || f.affectedObjectName === 'C:'),
                'the check names the system volume',
            );
            if (machines >= 200) {
                assert.ok(failed > 0, 'a larger estate has a Windows machine low on space');
            }
        });

        it('has one power-plan fact per host: the SQL and the Windows assessment agree, run after run', () => {
            const sqlRuns = groupBy(estate.sqlFindings, (f) => f.computer);
            let hosts = 0;
            let balanced = 0;
            for (const [computer, windowsRows] of groupBy(estate.windowsFindings, (f) => f.computer)) {
                // Every run either assessment made of the host, oldest first, and whether it found the Balanced plan.
                const runs: [string, boolean, string][] = [];
                for (const [time, run] of groupBy(windowsRows, (f) => f.timeGenerated)) {
                    runs.push([time, run.some((f) => f.recommendation === WINDOWS_POWER_CHECK), 'Windows']);
                }
                for (const [key, run] of groupBy(sqlRuns.get(computer) ?? [], (f) => `${f.timeGenerated}|${f.instanceName}`)) {
                    runs.push([key.split('|')[0], run.some((f) => f.checkId === 'PowerPlanNotHighPerformance'), 'SQL']);
                }
                runs.sort((a, b) => a[0].localeCompare(b[0]));
                // Balanced until it was switched, if ever: never Balanced again after a run found High performance.
                const switched = runs.findIndex(([, found]) => !found);
                const after = switched < 0 ? [] : runs.slice(switched).filter(([, found]) => found);
                assert.deepEqual(
                    after,
                    [],
                    `${computer}: ${runs.map(([t, f, by]) => `${by} ${t} ${f ? 'Balanced' : 'High performance'}`).join('; ')}`,
                );
                hosts += sqlRuns.has(computer) ? 1 : 0;
                balanced += runs.some(([, found]) => found) ? 1 : 0;
            }
            assert.ok(hosts > 0 && balanced > 0, `${hosts} SQL hosts, ${balanced} machines on Balanced`);
        });

        it('tells a Windows machine to remove unsupported software only while its inventory has it, and always then', () => {
            const inventory = groupBy(estate.software, (i) => i.computer);
            const changes = groupBy(estate.changes, (c) => c.computer);
            const unsupported = new Set(
                estate.windowsFindings.filter((f) => f.recommendation === UNSUPPORTED_CHECK).map((f) => f.affectedObjectName),
            );
            assert.ok(unsupported.size > 0, 'the estate has unsupported software');
            let checked = 0;
            for (const [computer, rows] of groupBy(estate.windowsFindings, (f) => f.computer)) {
                const items = inventory.get(computer);
                if (!items) {
                    continue;
                }
                for (const [time, run] of groupBy(rows, (f) => f.timeGenerated)) {
                    const then = installedAt(items, changes.get(computer) ?? [], Date.parse(time));
                    const named = run.filter((f) => f.recommendation === UNSUPPORTED_CHECK).map((f) => f.affectedObjectName);
                    const installed = [...unsupported].filter((name) => then.has(name));
                    assert.deepEqual(named.sort(), installed.sort(), `${computer} at ${time}`);
                    checked += named.length;
                }
            }
            assert.ok(checked > 0, 'some runs name unsupported software');
        });

        it('lists as missing only updates of installed Linux packages, to a higher version, in the distribution’s own scheme', () => {
            const servers = new Map(estate.servers.map((s) => [s.name, s]));
            const inventory = groupBy(
                estate.software.filter((i) => i.type === 'Package'),
                (i) => i.computer,
            );
            const linuxMissing = estate.missing.filter((p) => p.osType === 'linux');
            let compared = 0;
            for (const patch of linuxMissing) {
                const installed = (inventory.get(patch.machineName) ?? []).filter((i) => i.name === patch.patchName);
                if (!inventory.has(patch.machineName)) {
                    continue; // sends no inventory to a workspace
                }
                assert.equal(installed.length, 1, `${patch.machineName}: ${patch.patchName} ${patch.version ?? ''} is not installed`);
                assert.ok(
                    compareVersions(installed[0].version, patch.version ?? '') < 0,
                    `${patch.machineName}: ${patch.patchName} ${installed[0].version} installed, ${patch.version ?? ''} missing`,
                );
                compared++;
            }
            assert.ok(compared > 10, `${compared} missing packages compared`);
            const versions = [
                ...estate.software.filter((i) => i.type === 'Package').map((i) => [i.computer, i.name, i.version] as const),
                ...linuxMissing.map((p) => [p.machineName, p.patchName, p.version ?? ''] as const),
            ];
            for (const [computer, name, version] of versions) {
                const osName = servers.get(computer)?.osName ?? '';
                const release = linuxReleaseOf(osName);
                assert.ok(release, `${computer} runs ${osName}`);
                assert.equal(foreignToRelease(release, version), undefined, `${computer} (${osName}): ${name} ${version}`);
            }
        });

        it('gives third-party Linux packages their vendor as publisher and the distribution’s own packages the distribution', () => {
            const servers = new Map(estate.servers.map((s) => [s.name, s]));
            const thirdParty =
                /^(docker-ce|containerd\.io|postgresql|pgbackrest|pgbouncer|fabrikam-|tailspin-|grafana|kube|cri-tools|contoso-|azcmagent|azuremonitoragent|omsagent)/;
            const distribution = { Ubuntu: 'Ubuntu Developers', Red: 'Red Hat, Inc.', SUSE: 'SUSE LLC' } as Record<string, string>;
            const publishers = new Map<string, Set<string>>();
            for (const item of estate.software.filter((i) => i.type === 'Package')) {
                const osName = servers.get(item.computer)?.osName ?? '';
                if (thirdParty.test(item.name)) {
                    assert.doesNotMatch(item.publisher, DISTRIBUTION_PUBLISHERS, `${item.computer}: ${item.name}`);
                    const seen = publishers.get(item.name) ?? new Set();
                    publishers.set(item.name, seen.add(item.publisher));
                } else if (item.name === 'htop' || item.name === 'certbot') {
                    // EPEL on Red Hat; the distribution elsewhere.
                    assert.ok(
                        item.publisher === 'Fedora Project' || item.publisher.startsWith(distribution[osName.split(' ')[0]]),
                        item.publisher,
                    );
                } else {
                    assert.ok(
                        item.publisher.startsWith(distribution[osName.split(' ')[0]]),
                        `${item.computer} (${osName}): ${item.name} by ${item.publisher}`,
                    );
                }
            }
            for (const [name, seen] of publishers) {
                assert.equal(seen.size, 1, `${name} is published by ${[...seen].join(' and ')}`);
            }
            assert.ok(publishers.has('fabrikam-backup-agent'), 'the estate runs the Fabrikam backup agent on Linux');
            const windowsFabrikam = estate.software.find((i) => i.name === 'Fabrikam Backup Agent');
            assert.deepEqual([...(publishers.get('fabrikam-backup-agent') ?? [])], [windowsFabrikam?.publisher]);
        });

        it('states backups in each SQL assessment run as they were at that run, as GetSqlMetadata has them', () => {
            const databases = new Map<string, { lastFullBackup?: string }>();
            for (const instance of estate.sqlInstances) {
                for (const db of instance.databases) {
                    databases.set(`${instance.machineName}|${instance.instanceName}|${db.name}`, db);
                }
            }
            let stale = 0;
            for (const [key, rows] of groupBy(estate.sqlFindings, (f) => `${f.computer}|${f.instanceName}`)) {
                for (const [time, run] of groupBy(rows, (f) => f.timeGenerated)) {
                    const at = Date.parse(time);
                    for (const [dbKey, db] of databases) {
                        if (!dbKey.startsWith(`${key}|`)) {
                            continue;
                        }
                        const name = dbKey.slice(key.length + 1);
                        const never = run.some((f) => f.checkId === 'FullBackupNeverTaken' && f.targetName === name);
                        const old = run.find((f) => f.checkId === 'FullBackupTooOld' && f.targetName === name);
                        assert.equal(never, db.lastFullBackup === undefined, `${dbKey} at ${time}`);
                        const last = db.lastFullBackup === undefined ? undefined : Date.parse(db.lastFullBackup);
                        // Backed up daily until its last backup: stale only in runs more than 7 days after it.
                        assert.equal(
                            old !== undefined,
                            last !== undefined && at - last > 7 * TIME.DAY,
                            `${dbKey} at ${time}: last ${db.lastFullBackup}`,
                        );
                        if (old) {
                            // The backup's time to the minute, as the message gives it: 2026-10-09 16:28 UTC.
                            const stamp = String(db.lastFullBackup);
                            assert.ok(old.message.includes(`${stamp.slice(0, 10)} ${stamp.slice(11, 16)} UTC`), old.message);
                            stale++;
                        }
                    }
                }
            }
            for (const f of estate.sqlFindings.filter((f) => f.checkId === 'FullBackupTooOld')) {
                const quoted = /(\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC/.exec(f.message);
                assert.ok(quoted !== null && `${quoted[1]}T${quoted[2]}` <= f.timeGenerated, `${f.timeGenerated}: ${f.message}`);
            }
            assert.ok(stale > 0, 'some runs find a stale backup');
        });

        it('ends every Log Analytics record of a machine where its data ends: inventory, changes and assessment runs', () => {
            const silent = new Map(estate.source.silentMachines().map((s) => [s.computer, Date.parse(s.lastSample)]));
            const stopped = /^(Disconnected|Expired|Stopped|Deallocated)$/;
            const dataEnd = (s: ServerRow) =>
                silent.has(s.name)
                    ? (silent.get(s.name) ?? 0) + 5 * TIME.MINUTE
                    : stopped.test(s.status)
                      ? Math.min(estate.now, Date.parse(s.lastStatusChange))
                      : estate.now;
            const times = new Map<string, number[]>();
            const note = (computer: string, time: string) => times.set(computer, [...(times.get(computer) ?? []), Date.parse(time)]);
            for (const c of estate.changes) {
                note(c.computer, c.timeGenerated);
            }
            for (const f of [...estate.windowsFindings, ...estate.sqlFindings]) {
                note(f.computer, f.timeGenerated);
            }
            const lastSeen = new Map(estate.software.map((i) => [i.computer, Date.parse(i.lastSeen)]));
            for (const server of estate.servers) {
                const end = dataEnd(server);
                for (const t of times.get(server.name) ?? []) {
                    assert.ok(
                        t <= end,
                        `${server.name}: a record at ${new Date(t).toISOString()}, data ends ${new Date(end).toISOString()}`,
                    );
                }
                const seen = lastSeen.get(server.name);
                if (seen !== undefined) {
                    assert.ok(
                        seen <= end && seen >= end - TIME.HOUR,
                        `${server.name}: inventory last seen ${new Date(seen).toISOString()}, data ends ${new Date(end).toISOString()}`,
                    );
                }
            }
            if (machines >= 200) {
                assert.ok(
                    [...silent.keys()].some((name) => lastSeen.has(name)),
                    'a larger estate has a machine whose agent went quiet',
                );
            }
        });

        it('gives each item’s software changes one valid history, versions rising, that ends at its inventory row', () => {
            const inventory = groupBy(estate.software, (i) => `${i.computer}|${i.name}`);
            const withInventory = new Set(estate.software.map((i) => i.computer));
            let histories = 0;
            for (const [key, rows] of groupBy(estate.changes, (c) => `${c.computer}|${c.name}`)) {
                const oldestFirst = [...rows].sort((a, b) => a.timeGenerated.localeCompare(b.timeGenerated));
                const describe = oldestFirst
                    .map((c) => `${c.timeGenerated} ${c.changeCategory} ${c.previousVersion ?? ''}→${c.currentVersion ?? ''}`)
                    .join('; ');
                let present = oldestFirst[0].changeCategory !== 'Added';
                let version = oldestFirst[0].previousVersion;
                for (let i = 0; i < oldestFirst.length; i++) {
                    const c = oldestFirst[i];
                    assert.ok(i === 0 || c.timeGenerated > oldestFirst[i - 1].timeGenerated, `${key}: two changes at once: ${describe}`);
                    if (c.changeCategory === 'Added') {
                        assert.ok(!present, `${key}: added while installed: ${describe}`);
                        present = true;
                        version = c.currentVersion;
                    } else {
                        assert.ok(
                            present && c.previousVersion === version,
                            `${key}: ${c.changeCategory} of what is not installed: ${describe}`,
                        );
                        if (c.changeCategory === 'Removed') {
                            present = false;
                            version = undefined;
                        } else {
                            assert.ok(
                                compareVersions(c.previousVersion ?? '', c.currentVersion ?? '') < 0,
                                `${key}: not an upgrade: ${describe}`,
                            );
                            version = c.currentVersion;
                        }
                    }
                }
                assert.ok(withInventory.has(oldestFirst[0].computer), `${key}: changes of a machine without inventory`);
                assert.deepEqual(
                    (inventory.get(key) ?? []).map((i) => i.version),
                    present ? [version] : [],
                    `${key}: ${describe}`,
                );
                histories++;
            }
            assert.ok(histories > 50, `${histories} histories checked`);
            assert.ok(
                estate.changes.some((c) => c.changeCategory === 'Removed') && estate.changes.some((c) => c.changeCategory === 'Added'),
            );
        });

        it('finds a missing cumulative update and an end of mainstream support from the instance’s release and build', () => {
            const mainstreamEnd: Record<string, string> = {
                'SQL Server 2014': '2019-07-09',
                'SQL Server 2016': '2021-07-13',
                'SQL Server 2017': '2022-10-11',
                'SQL Server 2019': '2025-02-28',
                'SQL Server 2022': '2028-01-11',
            };
            const instances = new Map(estate.sqlInstances.map((i) => [`${i.machineName}|${i.instanceName}`, i]));
            let behind = 0;
            let current = 0;
            for (const [key, rows] of groupBy(estate.sqlFindings, (f) => `${f.computer}|${f.instanceName}`)) {
                const instance = instances.get(key);
                assert.ok(instance, key);
                const release = SQL_RELEASES.get(instance.version);
                assert.ok(release, instance.version);
                for (const [time, run] of groupBy(rows, (f) => f.timeGenerated)) {
                    const at = Date.parse(time);
                    const latest = latestCumulativeUpdate(release, at);
                    const cu = run.find((f) => f.checkId === 'CumulativeUpdateBehind');
                    const expected: boolean = latest !== undefined && compareVersions(instance.currentVersion, latest.build) < 0;
                    assert.equal(cu !== undefined, expected, `${key} at ${time}: ${instance.version} ${instance.currentVersion}`);
                    if (instance.version === 'SQL Server 2017') {
                        // CU31 (14.0.3456.2) is SQL Server 2017's last cumulative update.
                        assert.equal(
                            cu !== undefined,
                            compareVersions(instance.currentVersion, '14.0.3456.2') < 0,
                            `${key}: ${instance.currentVersion}`,
                        );
                    }
                    if (/2014|2016/.test(instance.version)) {
                        assert.equal(cu, undefined, `${key}: ${instance.version} gets no more cumulative updates`);
                    }
                    behind += cu ? 1 : 0;
                    current += cu ? 0 : 1;
                    const support = run.find((f) => f.checkId === 'VersionOutOfSupport');
                    const past: boolean = at >= Date.parse(`${mainstreamEnd[instance.version]}T00:00:00Z`) + TIME.DAY;
                    assert.equal(support !== undefined, past, `${key} at ${time}: ${instance.version}`);
                    if (support) {
                        assert.ok(support.message.includes(`mainstream support ended ${mainstreamEnd[instance.version]}`), support.message);
                        assert.ok(
                            support.message.includes(String(instance.support?.extendedEnd)),
                            `${support.message} / ${instance.support?.extendedEnd}`,
                        );
                    }
                }
            }
            assert.ok(behind > 0, `${behind} runs behind`);
            if (machines >= 200) {
                assert.ok(current > 0, `${current} runs current`);
            }
        });

        it('gives an update the same classification, severity, publication date, reboot behaviour and title on every machine', () => {
            // An update is one KB (Windows) or one version of a package (Linux): what the vendor says of it is the same wherever it is missing.
            const updates = groupBy(estate.missing, (p) => (p.kbId ? `KB${p.kbId}` : `${p.patchName}@${p.version ?? ''}`));
            let shared = 0;
            const severities = new Set<string>();
            for (const [update, rows] of updates) {
                assert.equal(new Set(rows.map((p) => p.machineId)).size, rows.length, `${update} is missing once per machine`);
                if (rows.length < 2) {
                    continue;
                }
                shared++;
                for (const attribute of ['classification', 'severity', 'publishedAt', 'rebootBehaviour', 'patchName'] as const) {
                    const values = new Set(rows.map((p) => p[attribute]));
                    assert.equal(
                        values.size,
                        1,
                        `${update}: ${attribute} ${rows.map((p) => `${String(p[attribute])} on ${p.machineName}`).join(', ')}`,
                    );
                }
                severities.add(rows[0].severity);
            }
            assert.ok(shared > 20, `${shared} updates missing on several machines`);
            // Still a mix: the monthly cumulative updates are Critical, .NET's Important, Linux advisories of every severity.
            for (const severity of ['Critical', 'Important', 'Unspecified']) {
                assert.ok(severities.has(severity), `${severity} among ${[...severities].join(', ')}`);
            }
            // A Critical update published more than 30 days before the clock is still missing somewhere (overdue).
            assert.ok(
                estate.missing.some(
                    (p) => p.severity === 'Critical' && p.publishedAt && Date.parse(p.publishedAt) < estate.now - 30 * TIME.DAY,
                ),
            );
        });

        it('reports as the vCores of each SQL Server instance its host’s logical cores, and counts every host once in totalVCores', async () => {
            const servers = new Map(estate.servers.map((s) => [s.id.toLowerCase(), s]));
            for (const instance of estate.sqlInstances) {
                const host = servers.get((instance.machineId ?? '').toLowerCase());
                assert.ok(host, `${instance.name}: its host ${instance.machineId} is in GetServerMetadata`);
                assert.equal(host.name, instance.machineName);
                assert.equal(instance.vCores, host.logicalCoreCount, `${instance.name} on ${host.name}`);
            }
            const perHost = new Map(estate.sqlInstances.map((i) => [i.machineId, i.vCores ?? 0]));
            assert.ok(perHost.size < estate.sqlInstances.length, 'some host runs several instances');
            const result = await runTool('GetSqlMetadata', { source: estate.source }, { max_results: 1 });
            assert.ok(result.ok, result.ok ? '' : result.message);
            const summary = (result.structured as { summary: { instances: number; totalVCores: number } }).summary;
            assert.equal(summary.instances, estate.sqlInstances.length);
            assert.equal(
                summary.totalVCores,
                [...perHost.values()].reduce((sum, n) => sum + n, 0),
            );
        });
    });
}
