import type { Machine, SqlDatabase, SqlInstance } from '../../core/model';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine } from './fleet';
import { HOSTILE_STRINGS } from './hostile';
import { hashKey, isoTime, Random } from './random';

/** A build Microsoft released for a SQL Server release: a cumulative update (CU), or a security update (GDR) on top of one. */
export interface SqlServerBuild {
    build: string;
    /** As Azure Arc reports it: `CU29`, `CU31 GDR`, `SP3 CU4 GDR`, `SP3 GDR`. */
    patchLevel: string;
    /** The release date, `YYYY-MM-DD`. */
    released: string;
    /** A cumulative update itself (not a GDR on top of one, nor a service pack's GDR). */
    cumulative?: boolean;
    /** The last cumulative update of its release: Microsoft ships none after it. */
    final?: boolean;
}

/** A SQL Server release as the sample knows it. */
export interface SqlRelease {
    version: string;
    /** Highest database compatibility level the version supports. */
    compatibility: number;
    /** The last day of mainstream support, `YYYY-MM-DD` (extended support is in core/lifecycle). */
    mainstreamEnd: string;
    /** Builds, oldest first: instances run one of them, and the cumulative ones among them say which CU is the latest. */
    builds: readonly SqlServerBuild[];
}

/**
 * Real builds from Microsoft's build-version lists (KB2936603, KB3177312, KB4047329, KB4518398, KB5023451), each release
 * up to the newest cumulative update the sample knows, and the mainstream support end dates from Microsoft's lifecycle
 * pages. SQL Server 2014 ended with SP3 CU4 and 2017 with CU31; 2016 SP3 got no cumulative update, only security updates.
 */
const RELEASES: readonly (readonly [SqlRelease, number])[] = [
    [
        {
            version: 'SQL Server 2014',
            compatibility: 120,
            mainstreamEnd: '2019-07-09',
            builds: [
                { build: '12.0.6329.1', patchLevel: 'SP3 CU4', released: '2019-07-29', cumulative: true, final: true },
                { build: '12.0.6444.4', patchLevel: 'SP3 CU4 GDR', released: '2023-02-14' },
                { build: '12.0.6449.1', patchLevel: 'SP3 CU4 GDR', released: '2023-10-10' },
            ],
        },
        1,
    ],
    [
        {
            version: 'SQL Server 2016',
            compatibility: 130,
            mainstreamEnd: '2021-07-13',
            builds: [
                { build: '13.0.6435.1', patchLevel: 'SP3 GDR', released: '2023-10-10' },
                { build: '13.0.6441.1', patchLevel: 'SP3 GDR', released: '2024-07-09' },
                { build: '13.0.6450.1', patchLevel: 'SP3 GDR', released: '2024-10-08' },
            ],
        },
        2,
    ],
    [
        {
            version: 'SQL Server 2017',
            compatibility: 140,
            mainstreamEnd: '2022-10-11',
            builds: [
                { build: '14.0.3436.1', patchLevel: 'CU29', released: '2022-03-30', cumulative: true },
                { build: '14.0.3451.2', patchLevel: 'CU30', released: '2022-07-13', cumulative: true },
                { build: '14.0.3456.2', patchLevel: 'CU31', released: '2022-09-20', cumulative: true, final: true },
                { build: '14.0.3475.1', patchLevel: 'CU31 GDR', released: '2024-09-10' },
            ],
        },
        2,
    ],
    [
        {
            version: 'SQL Server 2019',
            compatibility: 150,
            mainstreamEnd: '2025-02-28',
            builds: [
                { build: '15.0.4365.2', patchLevel: 'CU26', released: '2024-04-11', cumulative: true },
                { build: '15.0.4375.4', patchLevel: 'CU27', released: '2024-06-13', cumulative: true },
                { build: '15.0.4385.2', patchLevel: 'CU28', released: '2024-08-01', cumulative: true },
                { build: '15.0.4405.4', patchLevel: 'CU29', released: '2024-10-31', cumulative: true },
                { build: '15.0.4410.1', patchLevel: 'CU29 GDR', released: '2024-11-12' },
                { build: '15.0.4415.2', patchLevel: 'CU30', released: '2024-12-12', cumulative: true },
                { build: '15.0.4420.2', patchLevel: 'CU31', released: '2025-02-13', cumulative: true },
                { build: '15.0.4430.1', patchLevel: 'CU32', released: '2025-02-27', cumulative: true },
            ],
        },
        4,
    ],
    [
        {
            version: 'SQL Server 2022',
            compatibility: 160,
            mainstreamEnd: '2028-01-11',
            builds: [
                { build: '16.0.4135.4', patchLevel: 'CU14', released: '2024-07-23', cumulative: true },
                { build: '16.0.4145.4', patchLevel: 'CU15', released: '2024-09-25', cumulative: true },
                { build: '16.0.4155.4', patchLevel: 'CU15 GDR', released: '2024-11-12' },
                { build: '16.0.4165.4', patchLevel: 'CU16', released: '2024-11-14', cumulative: true },
                { build: '16.0.4175.1', patchLevel: 'CU17', released: '2025-01-16', cumulative: true },
                { build: '16.0.4185.3', patchLevel: 'CU18', released: '2025-03-13', cumulative: true },
                { build: '16.0.4195.2', patchLevel: 'CU19', released: '2025-05-15', cumulative: true },
            ],
        },
        3,
    ],
];

/** The SQL Server releases the sample's instances run, by version name (`SQL Server 2019`). */
export const SQL_RELEASES: ReadonlyMap<string, SqlRelease> = new Map(RELEASES.map(([release]) => [release.version, release]));

/** Orders two build numbers (`15.0.4405.4`) part by part. */
export function compareBuilds(a: string, b: string): number {
    const x = a.split('.').map(Number);
    const y = b.split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (x[i] ?? 0) - (y[i] ?? 0);
        if (d !== 0) {
            return d;
        }
    }
    return 0;
}

const dayStarts = new Map<string, number>();

/** The start of a day (`YYYY-MM-DD`, UTC) in epoch ms, parsed once per date. */
function dayStart(date: string): number {
    let ms = dayStarts.get(date);
    if (ms === undefined) {
        ms = Date.parse(`${date}T00:00:00Z`);
        dayStarts.set(date, ms);
    }
    return ms;
}

/** The start of the day after a date (`YYYY-MM-DD`, UTC) in epoch ms: when something that ended on that date is over. */
export function dayAfter(date: string): number {
    return dayStart(date) + TIME.DAY;
}

/** The newest cumulative update of a release released by `at` (epoch ms), if any. */
export function latestCumulativeUpdate(release: SqlRelease, at: number): SqlServerBuild | undefined {
    let latest: SqlServerBuild | undefined;
    for (const b of release.builds) {
        if (b.cumulative && dayStart(b.released) <= at) {
            latest = b;
        }
    }
    return latest;
}

const DATABASE_NAMES = [
    'SalesDW',
    'CRM',
    'HR_Payroll',
    'Inventory',
    'WebShop',
    'Finance',
    'Logistics',
    'Intranet',
    'AuditLog',
    'Staging',
    'Archive2019',
    'Billing',
    'Procurement',
    'Timesheets',
    'CustomerPortal',
    'Loyalty',
    'Telemetry',
    'DocumentStore',
    'Warehouse',
    'Pricing',
];

/** Backup situation of a database, kept beside it so tests can check what the tools report. */
export type BackupState = 'ok' | 'stale' | 'never' | 'no-log-backup';

/** The SQL inventory plus the hidden facts the assessment generator keeps consistent with it. */
export interface SqlEstateData {
    instances: SqlInstance[];
    databases: SqlDatabase[];
    /** Per database id. */
    backupStates: Map<string, BackupState>;
    /** Instance id → the fleet machine it runs on. */
    hosts: Map<string, FleetMachine>;
    /** Highest compatibility level per instance id, for the "compatibility level behind" check. */
    maxCompatibility: Map<string, number>;
}

/** Days after which a full backup counts as stale, here and in the BPA findings. */
export const STALE_BACKUP_DAYS = 7;

/** Editions that need no licence (Arc reports them with license type `Free`). */
const FREE_EDITIONS = new Set(['Developer', 'Express', 'Evaluation']);

/**
 * Builds SQL Server instances and databases on the machines that report SQL discovered. Cheap enough to do
 * eagerly (a few objects per SQL machine); backup states are dealt out so every size has some never-backed-up
 * and some stale databases.
 */
export function buildSqlEstate(fleet: Fleet): SqlEstateData {
    const instances: SqlInstance[] = [];
    const databases: SqlDatabase[] = [];
    const hosts = new Map<string, FleetMachine>();
    const maxCompatibility = new Map<string, number>();
    for (const fm of fleet.machines) {
        if (!fm.sqlInstances) {
            continue;
        }
        const random = new Random(hashKey(fm.key, 'sql'));
        const m = fm.machine;
        const names = ['MSSQLSERVER', ...fm.sqlInstances];
        for (const instanceName of names) {
            const release = fm.index === 0 && instanceName === 'MSSQLSERVER' ? RELEASES[3][0] : random.weighted(RELEASES);
            const build = instanceBuild(fleet, fm, release);
            const production = fm.environment === 'Production';
            const edition = production
                ? random.weighted([
                      ['Enterprise', 3],
                      ['Standard', 5],
                      ['Web', 1],
                      // An evaluation copy installed for a trial and never licensed: it stops after 180 days.
                      ['Evaluation', 0.25],
                  ])
                : random.weighted([
                      ['Developer', 4],
                      ['Express', 1],
                      ['Standard', 1],
                      ['Evaluation', 0.5],
                  ]);
            const licenseType = FREE_EDITIONS.has(edition) ? 'Free' : random.pick(['PAYG', 'Paid', 'LicenseOnly', 'ServerCAL']);
            // A draw is spent where the vCores used to be drawn per instance, so that the rest of the stream stays as it was.
            random.next();
            const isDefault = instanceName === 'MSSQLSERVER';
            const resourceName = isDefault ? m.name : `${m.name}_${instanceName}`;
            const instance: SqlInstance = {
                id: `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/Microsoft.AzureArcData/SqlServerInstances/${resourceName}`,
                name: isDefault ? m.name : `${m.name}\\${instanceName}`,
                instanceName,
                machineName: m.name,
                machineId: m.id,
                subscriptionId: m.subscriptionId,
                resourceGroup: m.resourceGroup,
                location: m.location,
                version: release.version,
                currentVersion: build.build,
                patchLevel: build.patchLevel,
                edition,
                licenseType,
                ...vCoresOf(m),
                status: m.status === 'Connected' || m.status === 'Error' ? 'Connected' : 'Disconnected',
                collation: random.chance(0.8) ? 'SQL_Latin1_General_CP1_CI_AS' : 'Latin1_General_CI_AS',
                // The extension uploads inventory about hourly while the machine reports (its own stream: nothing else moves).
                inventoryAt: isoTime(
                    Math.min(fleet.anchor, fm.reportingUntil) -
                        Math.round(new Random(hashKey(fm.key, 'inventory', instanceName)).range(5, 55) * TIME.MINUTE),
                ),
            };
            instances.push(instance);
            hosts.set(instance.id, fm);
            maxCompatibility.set(instance.id, release.compatibility);

            const dbNames: string[] = instanceName === 'REPORTING' ? ['ReportServer', 'ReportServerTempDB'] : [];
            if (fm.role === 'sql' && instanceName === 'ETL') {
                dbNames.push('SSISDB');
            }
            dbNames.push(...random.sample(DATABASE_NAMES, random.int(isDefault ? 3 : 1, isDefault ? 6 : 3)));
            if (fleet.hostile && instances.length === 1) {
                dbNames.push(...HOSTILE_STRINGS);
            }
            for (const name of dbNames) {
                databases.push(makeDatabase(fleet, fm, instance, release, name, random));
            }
        }
    }
    const backupStates = dealBackupStates(fleet, databases, hosts, new Map(instances.map((i) => [i.id, Date.parse(i.inventoryAt ?? '')])));
    return { instances, databases, backupStates, hosts, maxCompatibility };
}

/**
 * What the Azure extension for SQL Server reports as an instance's vCores: the logical cores of the operating system it
 * runs on (an Azure VM's vCPUs), the same for every instance on the host — licensing by core counts the host once.
 */
function vCoresOf(m: Machine): Pick<SqlInstance, 'vCores'> {
    const cores = m.logicalCoreCount ?? m.coreCount;
    return cores === undefined ? {} : { vCores: cores };
}

/**
 * The build an instance runs, from its own stream (so nothing else in the SQL estate moves): one of its release's builds
 * already released at the estate's clock, newer ones likelier, the same for every instance of that release on the machine (the machine's
 * installed programs list a release once, at one version).
 */
function instanceBuild(fleet: Fleet, fm: FleetMachine, release: SqlRelease): SqlServerBuild {
    const released = release.builds.filter((b) => dayStart(b.released) <= fleet.anchor);
    // Newer builds are likelier: most instances are a few updates behind at most.
    const weighted = released.map((b, i) => [b, i + 1] as const);
    return new Random(hashKey(fm.key, 'sql build', release.version)).weighted(weighted.length ? weighted : [[release.builds[0], 1]]);
}

function makeDatabase(fleet: Fleet, fm: FleetMachine, instance: SqlInstance, spec: SqlRelease, name: string, random: Random): SqlDatabase {
    const sizeMb = Math.round(Math.exp(random.range(Math.log(80), Math.log(900_000))));
    const recoveryModel =
        name.startsWith('ReportServerTemp') || name === 'Staging'
            ? 'Simple'
            : random.weighted([
                  ['Full', 6],
                  ['Simple', 3],
                  ['Bulk-logged', 1],
              ]);
    const state = random.weighted([
        ['Online', 60],
        ['Offline', 1],
        ['RecoveryPending', 0.5],
    ]);
    const legacy = random.chance(0.25);
    const compatibilityLevel = legacy ? Math.max(100, spec.compatibility - 10 * random.int(1, 3)) : spec.compatibility;
    const created = fleet.anchor - Math.round(random.range(60, 3000) * TIME.DAY);
    return {
        id: `${instance.id}/Databases/${name}`,
        name,
        instanceId: instance.id,
        instanceName: instance.name,
        machineName: fm.machine.name,
        subscriptionId: instance.subscriptionId,
        sizeMb,
        spaceAvailableMb: Math.round(sizeMb * random.range(0.02, 0.4)),
        state,
        recoveryModel,
        compatibilityLevel,
        createdAt: isoTime(created),
        isReadOnly: name.startsWith('Archive') || random.chance(0.03),
        isEncrypted: fm.environment === 'Production' && random.chance(0.4),
        isAutoShrinkOn: random.chance(0.12),
        isAutoCloseOn: random.chance(0.05),
    };
}

/** Gives every database its backup history; at least two never backed up and three stale at any size. */
function dealBackupStates(
    fleet: Fleet,
    databases: SqlDatabase[],
    hosts: Map<string, FleetMachine>,
    inventoryAt: Map<string, number>,
): Map<string, BackupState> {
    const random = new Random(hashKey(fleet.seed, 'backups'));
    const states = new Map<string, BackupState>();
    const order = random.sample(databases, databases.length);
    const never = Math.max(2, Math.round(databases.length * 0.06));
    const stale = Math.max(3, Math.round(databases.length * 0.1));
    order.forEach((db, i) => {
        // A read-only database's log does not grow, so it never lacks a log backup (drawn all the same: the stream stays).
        const noLog = db.recoveryModel === 'Full' && random.chance(0.15) && db.isReadOnly !== true;
        const state: BackupState = i < never ? 'never' : i < never + stale ? 'stale' : noLog ? 'no-log-backup' : 'ok';
        states.set(db.id, state);
        const host = hosts.get(db.instanceId);
        // Backups are known as of the instance's latest inventory (a machine that stopped reporting shows what Azure last heard).
        const inventory = inventoryAt.get(db.instanceId);
        const knownAt = Math.min(
            fleet.anchor,
            host?.reportingUntil ?? fleet.anchor,
            Number.isFinite(inventory) ? (inventory as number) : Infinity,
        );
        if (state === 'ok' || state === 'no-log-backup') {
            db.lastFullBackup = isoTime(knownAt - Math.round(random.range(2, 26) * TIME.HOUR));
        } else if (state === 'stale') {
            db.lastFullBackup = isoTime(knownAt - Math.round(random.range(STALE_BACKUP_DAYS + 2, 60) * TIME.DAY));
        }
        if (state === 'ok' && db.recoveryModel !== 'Simple') {
            db.lastLogBackup = isoTime(knownAt - Math.round(random.range(5, 60) * TIME.MINUTE));
        }
    });
    return states;
}
