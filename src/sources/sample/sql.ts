import type { SqlDatabase, SqlInstance } from '../../core/model';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine } from './fleet';
import { HOSTILE_STRINGS } from './hostile';
import { hashKey, isoTime, Random } from './random';

interface VersionSpec {
    version: string;
    build: string;
    patchLevel: string;
    /** Highest database compatibility level the version supports. */
    compatibility: number;
}

const VERSIONS: readonly (readonly [VersionSpec, number])[] = [
    [{ version: 'SQL Server 2014', build: '12.0.6449.1', patchLevel: 'SP3 CU4 GDR', compatibility: 120 }, 1],
    [{ version: 'SQL Server 2016', build: '13.0.6450.1', patchLevel: 'SP3 GDR', compatibility: 130 }, 2],
    [{ version: 'SQL Server 2017', build: '14.0.3475.1', patchLevel: 'CU31 GDR', compatibility: 140 }, 2],
    [{ version: 'SQL Server 2019', build: '15.0.4405.4', patchLevel: 'CU29 GDR', compatibility: 150 }, 4],
    [{ version: 'SQL Server 2022', build: '16.0.4155.4', patchLevel: 'CU15 GDR', compatibility: 160 }, 3],
];

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
            const spec = fm.index === 0 && instanceName === 'MSSQLSERVER' ? VERSIONS[3][0] : random.weighted(VERSIONS);
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
                version: spec.version,
                currentVersion: spec.build,
                patchLevel: spec.patchLevel,
                edition,
                licenseType,
                vCores: Math.min(m.logicalCoreCount ?? 4, random.pick([2, 4, 4, 8, 8, 16])),
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
            maxCompatibility.set(instance.id, spec.compatibility);

            const dbNames: string[] = instanceName === 'REPORTING' ? ['ReportServer', 'ReportServerTempDB'] : [];
            if (fm.role === 'sql' && instanceName === 'ETL') {
                dbNames.push('SSISDB');
            }
            dbNames.push(...random.sample(DATABASE_NAMES, random.int(isDefault ? 3 : 1, isDefault ? 6 : 3)));
            if (fleet.hostile && instances.length === 1) {
                dbNames.push(...HOSTILE_STRINGS);
            }
            for (const name of dbNames) {
                databases.push(makeDatabase(fleet, fm, instance, spec, name, random));
            }
        }
    }
    const backupStates = dealBackupStates(fleet, databases, hosts);
    return { instances, databases, backupStates, hosts, maxCompatibility };
}

function makeDatabase(fleet: Fleet, fm: FleetMachine, instance: SqlInstance, spec: VersionSpec, name: string, random: Random): SqlDatabase {
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
function dealBackupStates(fleet: Fleet, databases: SqlDatabase[], hosts: Map<string, FleetMachine>): Map<string, BackupState> {
    const random = new Random(hashKey(fleet.seed, 'backups'));
    const states = new Map<string, BackupState>();
    const order = random.sample(databases, databases.length);
    const never = Math.max(2, Math.round(databases.length * 0.06));
    const stale = Math.max(3, Math.round(databases.length * 0.1));
    order.forEach((db, i) => {
        const state: BackupState =
            i < never ? 'never' : i < never + stale ? 'stale' : db.recoveryModel === 'Full' && random.chance(0.15) ? 'no-log-backup' : 'ok';
        states.set(db.id, state);
        const host = hosts.get(db.instanceId);
        // A machine that stopped reporting shows the backups Azure last heard about.
        const knownAt = Math.min(fleet.anchor, host?.reportingUntil ?? fleet.anchor);
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
