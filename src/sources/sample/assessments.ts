import type { FindingSeverity, SqlDatabase, SqlFinding, SqlInstance, WindowsFinding } from '../../core/model';
import { sqlSupport } from '../../core/lifecycle';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine } from './fleet';
import { HOSTILE_LINK, HOSTILE_STRINGS } from './hostile';
import { guidFor, hashKey, Random } from './random';
import type { UnsupportedApp } from './software';
import {
    compareBuilds,
    dayAfter,
    latestCumulativeUpdate,
    SQL_RELEASES,
    STALE_BACKUP_DAYS,
    type BackupState,
    type SqlEstateData,
    type SqlServerBuild,
} from './sql';

/** An ISO time as a person reads it in a message: `2026-10-14 04:55 UTC`. */
function readableTime(iso: string | undefined): string | undefined {
    return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : undefined;
}

/** Both assessments run weekly; history goes back a little over the 30 days the sample keeps. */
const RUN_INTERVAL = 7 * TIME.DAY;
const HISTORY = 36 * TIME.DAY;

interface DatabaseFacts {
    db: SqlDatabase;
    backup: BackupState;
    maxCompatibility: number;
    /** `db.lastFullBackup` in epoch ms, parsed once. */
    lastFullBackupAt?: number;
}

/** What a SQL check looks at: the instance, its host, and for a database check the database. */
interface SqlTarget {
    instance: SqlInstance;
    host: FleetMachine;
    /** The estate's clock (epoch ms). */
    anchor: number;
    db?: DatabaseFacts;
}

interface SqlCheck {
    checkId: string;
    title: string;
    description: string;
    severity: FindingSeverity;
    tags: string[];
    targetType: 'Server' | 'Database';
    /**
     * A fact of the target at a run's time (epoch ms): the check fails in exactly the runs where it holds. Each check has
     * this or `drawn`.
     */
    failsAt?: (target: SqlTarget, at: number) => boolean;
    /** Drawn: whether the check fails on the target at all; the finding then persists, appears or is resolved over the runs. */
    drawn?: (random: Random, instance: SqlInstance) => boolean;
    /** The message of a run at `at` (epoch ms). */
    message: (name: string, target: SqlTarget, at: number) => string;
    /** The message depends on the run's time: it is written for each run rather than once per finding. */
    messagePerRun?: boolean;
}

/**
 * The sample's checks are our own, so no Microsoft page documents each one: every finding links to the real page on
 * SQL best practices assessment rather than to an invented address on Microsoft's documentation site.
 */
const link = (_checkId: string) => 'https://learn.microsoft.com/sql/sql-server/azure-arc/assess';

/** Our own wording of common SQL Server configuration advice; not Microsoft's rule texts. */
const SQL_CHECKS: readonly SqlCheck[] = [
    {
        checkId: 'FullBackupNeverTaken',
        title: 'Database has never been backed up',
        description: 'Without a full backup the database cannot be restored after a disk failure, corruption or a mistaken delete.',
        severity: 'High',
        tags: ['DefaultRuleset', 'Backup', 'DataIntegrity'],
        targetType: 'Database',
        failsAt: ({ db }) => db?.backup === 'never',
        message: (t) => `No full backup of ${t} is recorded in msdb. Schedule a full backup and verify that it restores.`,
    },
    {
        checkId: 'FullBackupTooOld',
        title: 'Last full backup is older than a week',
        description:
            'A stale full backup means a long restore chain or lost data; most recovery objectives expect a full backup at least weekly.',
        severity: 'High',
        tags: ['DefaultRuleset', 'Backup'],
        targetType: 'Database',
        messagePerRun: true,
        failsAt: ({ db }, at) => (lastFullBackupAge(db, at) ?? 0) > STALE_BACKUP_DAYS * TIME.DAY,
        message: (t, { db }, at) =>
            `The last full backup of ${t} finished ${readableTime(db?.db.lastFullBackup) ?? 'long ago'}, ${Math.floor((lastFullBackupAge(db, at) ?? 0) / TIME.DAY)} days before this assessment. Check the backup job and its history.`,
    },
    {
        checkId: 'LogBackupMissing',
        title: 'Full recovery model without log backups',
        description:
            'In the full recovery model the transaction log grows until it is backed up, and point-in-time restore needs the log backups.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'Backup', 'Storage'],
        targetType: 'Database',
        failsAt: ({ db }) => db?.backup === 'no-log-backup',
        message: (t) =>
            `${t} uses the full recovery model but has no transaction log backup. Add log backups or switch to the simple recovery model.`,
    },
    {
        checkId: 'AutoShrinkOn',
        title: 'Auto shrink is enabled',
        description:
            'Shrinking and regrowing files fragments indexes and costs I/O at unpredictable times; size files for their workload instead.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'DBConfiguration', 'Performance'],
        targetType: 'Database',
        failsAt: ({ db }) => db?.db.isAutoShrinkOn === true,
        message: (t) => `AUTO_SHRINK is ON for ${t}.`,
    },
    {
        checkId: 'AutoCloseOn',
        title: 'Auto close is enabled',
        description:
            'Closing a database when the last user leaves makes the next connection pay for reopening it and flushes its plans from cache.',
        severity: 'Low',
        tags: ['DefaultRuleset', 'DBConfiguration', 'Performance'],
        targetType: 'Database',
        failsAt: ({ db }) => db?.db.isAutoCloseOn === true,
        message: (t) => `AUTO_CLOSE is ON for ${t}.`,
    },
    {
        checkId: 'CompatibilityLevelBehind',
        title: 'Database compatibility level is below the server version',
        description: 'An old compatibility level keeps older query optimizer behaviour and hides features the server already has.',
        severity: 'Low',
        tags: ['DefaultRuleset', 'DBConfiguration', 'QueryOptimizer'],
        targetType: 'Database',
        failsAt: ({ db }) => db !== undefined && (db.db.compatibilityLevel ?? db.maxCompatibility) < db.maxCompatibility,
        message: (t, { db }) =>
            `${t} runs at compatibility level ${db?.db.compatibilityLevel}; the server supports ${db?.maxCompatibility}. Test the workload at the higher level before raising it.`,
    },
    {
        checkId: 'PercentFileGrowth',
        title: 'Data or log file grows by a percentage',
        description: 'Percentage growth makes each growth larger than the last; large files then stall writes while they grow.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'DBFileConfiguration', 'Storage'],
        targetType: 'Database',
        drawn: (r) => r.chance(0.3),
        message: (t) => `A file of ${t} grows by 10 percent. Use a fixed growth in megabytes sized for the workload.`,
    },
    {
        checkId: 'IntegrityCheckOverdue',
        title: 'No recent consistency check',
        description: 'Corruption found early can be repaired from backups; found late it may already be in every backup you keep.',
        severity: 'High',
        tags: ['DefaultRuleset', 'DBCC', 'DataIntegrity'],
        targetType: 'Database',
        drawn: (r) => r.chance(0.2),
        message: (t) => `The last clean DBCC CHECKDB of ${t} is more than 14 days old.`,
    },
    {
        checkId: 'QueryStoreDisabled',
        title: 'Query Store is off',
        description: 'Query Store keeps plan and runtime history, which makes plan regressions quick to find and fix.',
        severity: 'Information',
        tags: ['DefaultRuleset', 'QueryStore', 'Performance'],
        targetType: 'Database',
        drawn: (r, i) => !i.version.endsWith('2014') && r.chance(0.35),
        message: (t) => `Query Store is not enabled on ${t}.`,
    },
    {
        checkId: 'StatisticsStale',
        title: 'Statistics are out of date',
        description: 'Statistics that no longer describe the data lead the optimizer to poor plans.',
        severity: 'Low',
        tags: ['DefaultRuleset', 'Statistics', 'Performance'],
        targetType: 'Database',
        drawn: (r) => r.chance(0.25),
        message: (t) => `Several statistics on large tables in ${t} were last updated more than 30 days ago.`,
    },
    {
        checkId: 'MaxDopNotSet',
        title: 'Max degree of parallelism left at 0',
        description: 'Unlimited parallelism lets one query take every scheduler; cap it to the cores of one NUMA node.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'MaxDOP', 'Performance', 'CPU'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.5),
        message: (t, { instance }) => `max degree of parallelism is 0 on ${t} (${instance.vCores ?? 'several'} cores in use).`,
    },
    {
        checkId: 'MaxServerMemoryDefault',
        title: 'Max server memory is unlimited',
        description: 'Without a cap SQL Server can starve the operating system and other services of memory.',
        severity: 'High',
        tags: ['DefaultRuleset', 'Memory', 'Configuration'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.35),
        message: (t) => `max server memory (MB) on ${t} is 2147483647. Leave room for the operating system.`,
    },
    {
        checkId: 'CostThresholdDefault',
        title: 'Cost threshold for parallelism is 5',
        description: 'The old default makes small queries go parallel, which often costs more than it saves.',
        severity: 'Low',
        tags: ['DefaultRuleset', 'Configuration', 'Performance'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.5),
        message: (t) => `cost threshold for parallelism is 5 on ${t}; a value between 30 and 50 is a better starting point.`,
    },
    {
        checkId: 'TempDbFileCount',
        title: 'TempDB has a single data file',
        description: 'One tempdb data file becomes an allocation bottleneck under concurrency; use several equally sized files.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'DBFileConfiguration', 'Storage', 'IO'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.4),
        message: (t) => `tempdb on ${t} has 1 data file.`,
    },
    {
        checkId: 'SaLoginEnabled',
        title: 'The sa login is enabled',
        description: 'A well-known administrator name is the first target of password guessing; disable or rename it.',
        severity: 'High',
        tags: ['DefaultRuleset', 'Security'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.2),
        message: (t) => `The sa login is enabled on ${t}.`,
    },
    {
        checkId: 'XpCmdShellEnabled',
        title: 'xp_cmdshell is enabled',
        description: 'Running operating system commands from T-SQL widens what a compromised login can do.',
        severity: 'High',
        tags: ['DefaultRuleset', 'Security'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.1),
        message: (t) => `xp_cmdshell is enabled on ${t}.`,
    },
    {
        checkId: 'BackupTraceFlagMissing',
        title: 'Successful backups fill the error log',
        description: 'Every successful backup writes a line to the error log; on busy servers that hides the lines that matter.',
        severity: 'Low',
        tags: ['DefaultRuleset', 'TraceFlag', 'Backup'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.45),
        message: (t) => `Trace flag 3226 is not enabled on ${t}.`,
    },
    {
        checkId: 'PowerPlanNotHighPerformance',
        title: 'Windows power plan is Balanced',
        description: 'The Balanced plan lowers CPU clock speed under light load, which lengthens short queries.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'Performance', 'CPU'],
        targetType: 'Server',
        failsAt: ({ host, anchor }, at) => balancedPowerPlan(host, anchor, at),
        message: (t) => `The host of ${t} uses the Balanced power plan.`,
    },
    {
        checkId: 'VersionOutOfSupport',
        title: 'SQL Server version is out of mainstream support',
        description: 'Versions past their support dates get no fixes; plan an upgrade or enrol in extended security updates.',
        severity: 'High',
        tags: ['DefaultRuleset', 'UpdateIssues'],
        targetType: 'Server',
        messagePerRun: true,
        failsAt: ({ instance }, at) => {
            const release = SQL_RELEASES.get(instance.version);
            return release !== undefined && at >= dayAfter(release.mainstreamEnd);
        },
        message: (t, { instance }, at) => {
            const release = SQL_RELEASES.get(instance.version);
            const support = sqlSupport(instance.version, new Date(at));
            const extended = support
                ? `; extended support ${support.status === 'ended' || support.status === 'esu' ? 'ended' : 'ends'} ${support.extendedEnd}`
                : '';
            return `${t} runs ${instance.version} (${instance.currentVersion ?? 'unknown build'}): mainstream support ended ${release?.mainstreamEnd ?? 'already'}${extended}.`;
        },
    },
    {
        checkId: 'CumulativeUpdateBehind',
        title: 'Latest cumulative update not installed',
        description: 'Cumulative updates carry fixes for known defects; staying current shortens every support case.',
        severity: 'Medium',
        tags: ['DefaultRuleset', 'UpdateIssues'],
        targetType: 'Server',
        messagePerRun: true,
        failsAt: ({ instance }, at) => {
            const latest = latestCumulativeUpdateOf(instance, at);
            return latest !== undefined && compareBuilds(instance.currentVersion ?? '0', latest.build) < 0;
        },
        message: (t, { instance }, at) => {
            const latest = latestCumulativeUpdateOf(instance, at);
            const which = latest?.final ? `the final cumulative update for ${instance.version}` : 'newer';
            return `${t} is at ${instance.patchLevel ?? 'an older patch level'} (${instance.currentVersion ?? 'unknown build'}); ${latest?.patchLevel ?? 'a later update'} (${latest?.build ?? 'newer build'}), released ${latest?.released ?? 'since'}, is ${which}.`;
        },
    },
    {
        checkId: 'AgentJobsFailing',
        title: 'SQL Agent jobs failed recently',
        description: 'Failed maintenance jobs often mean backups, index maintenance or consistency checks are silently not happening.',
        severity: 'Low',
        tags: ['DefaultRuleset', 'Agent'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.2),
        message: (t) => `2 SQL Agent jobs on ${t} failed in the last 7 days.`,
    },
    {
        checkId: 'DeprecatedFeaturesUsed',
        title: 'Deprecated features are in use',
        description: 'Features marked deprecated will be removed in a later version; find their callers before upgrading.',
        severity: 'Information',
        tags: ['DefaultRuleset', 'Deprecated'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.3),
        message: (t) => `Deprecated feature counters on ${t} are above zero.`,
    },
    {
        checkId: 'InstantFileInitOff',
        title: 'Instant file initialization is off',
        description: 'Without it, every data file growth and restore writes zeros over the new space first.',
        severity: 'Information',
        tags: ['DefaultRuleset', 'Performance', 'Storage', 'IO'],
        targetType: 'Server',
        drawn: (r) => r.chance(0.4),
        message: (t) => `The service account of ${t} lacks the Perform volume maintenance tasks privilege.`,
    },
];

/** Run times of a weekly assessment on one target, newest first, limited to when the machine's data reached Log Analytics. */
function runTimes(fleet: Fleet, dataEnd: number, random: Random): number[] {
    const newest = dataEnd - Math.round(random.range(0.3, 6.8) * TIME.DAY);
    const times: number[] = [];
    for (let t = newest; t >= fleet.anchor - HISTORY; t -= RUN_INTERVAL) {
        times.push(Math.floor(t / 1000) * 1000);
    }
    return times;
}

/** Which runs (indices into newest-first run times) a drawn finding appears in: most persist, some are new, some resolved. */
function lifetime(random: Random, runs: number): [number, number] {
    const roll = random.next();
    if (roll < 0.15 && runs > 1) {
        return [0, random.int(0, Math.min(1, runs - 1))]; // new: only the latest run or two
    }
    if (roll < 0.3 && runs > 1) {
        return [random.int(1, runs - 1), runs - 1]; // resolved: gone from the newest runs
    }
    return [0, runs - 1];
}

/**
 * How long before `at` (epoch ms) the database's last full backup finished; undefined when it was never backed up. A
 * database whose backups stopped was backed up daily until its last backup, so before then it was never behind.
 */
function lastFullBackupAge(db: DatabaseFacts | undefined, at: number): number | undefined {
    if (db === undefined || db.backup === 'never' || db.lastFullBackupAt === undefined) {
        return undefined;
    }
    return Math.max(0, at - db.lastFullBackupAt);
}

function latestCumulativeUpdateOf(instance: SqlInstance, at: number): SqlServerBuild | undefined {
    const release = SQL_RELEASES.get(instance.version);
    return release && latestCumulativeUpdate(release, at);
}

/**
 * Whether a machine's Windows power plan is Balanced at `at` (epoch ms): about three servers in ten keep that default,
 * and a quarter of those were switched to High performance some days ago. One fact per machine, which the SQL and the
 * Windows assessment both read, so they never disagree about the host.
 */
function balancedPowerPlan(fm: FleetMachine, anchor: number, at: number): boolean {
    const random = new Random(hashKey(fm.key, 'power plan'));
    if (!random.chance(0.3)) {
        return false;
    }
    const switchedAt = random.chance(0.25) ? anchor - random.range(3, 30) * TIME.DAY : Infinity;
    return at < switchedAt;
}

/** What the assessments read about a machine from the rest of the estate, so their findings agree with the other tools. */
export interface MachineFacts {
    /** When the machine's data in Log Analytics ends (epoch ms): no run after it. */
    dataEnd(fm: FleetMachine): number;
    /** Free space of the system volume (%) at a time (epoch ms), as its metric series has it. */
    systemDiskFree(fm: FleetMachine): (at: number) => number | undefined;
    /** The unsupported applications the machine had, and until when (as its software inventory and changes have them). */
    unsupportedApps(fm: FleetMachine): readonly UnsupportedApp[];
}

/** The free space under which the Windows assessment fails the system volume. */
export const SYSTEM_VOLUME_MIN_FREE_PERCENT = 15;

/**
 * Builds assessment findings one machine at a time, so a query about a few machines never pays for the whole
 * estate; every fact a machine's findings depend on is looked up here rather than carried between machines.
 */
export class AssessmentBuilder {
    private readonly instancesByHost = new Map<number, SqlInstance[]>();
    private readonly dbsByInstance = new Map<string, SqlDatabase[]>();

    constructor(
        private readonly fleet: Fleet,
        private readonly sql: SqlEstateData,
        private readonly facts: MachineFacts,
    ) {
        for (const instance of sql.instances) {
            const host = sql.hosts.get(instance.id);
            if (host) {
                const list = this.instancesByHost.get(host.index) ?? [];
                list.push(instance);
                this.instancesByHost.set(host.index, list);
            }
        }
        for (const db of sql.databases) {
            const list = this.dbsByInstance.get(db.instanceId) ?? [];
            list.push(db);
            this.dbsByInstance.set(db.instanceId, list);
        }
    }

    /** SQL best-practices findings of the instances on one machine, every run. */
    sqlFindings(fm: FleetMachine): SqlFinding[] {
        const { fleet, sql } = this;
        const rows: SqlFinding[] = [];
        const instances = this.instancesByHost.get(fm.index) ?? [];
        const dataEnd = instances.length ? this.facts.dataEnd(fm) : 0;
        for (const instance of instances) {
            const random = new Random(hashKey(fm.key, 'sql-bpa', instance.instanceName));
            const times = runTimes(fleet, dataEnd, random);
            if (times.length === 0) {
                continue;
            }
            const ids = times.map((t) => guidFor(fleet.seed, 'sql-run', instance.id, t));
            const stamps = times.map((t) => new Date(t).toISOString());
            const targets: { name: string; target: SqlTarget }[] = [
                { name: instance.name, target: { instance, host: fm, anchor: fleet.anchor } },
            ];
            for (const db of this.dbsByInstance.get(instance.id) ?? []) {
                targets.push({
                    name: db.name,
                    target: {
                        instance,
                        host: fm,
                        anchor: fleet.anchor,
                        db: {
                            db,
                            backup: sql.backupStates.get(db.id) ?? 'ok',
                            maxCompatibility: sql.maxCompatibility.get(instance.id) ?? 160,
                            lastFullBackupAt: db.lastFullBackup === undefined ? undefined : Date.parse(db.lastFullBackup),
                        },
                    },
                });
            }
            // The hostile variant gives the first machine's first finding a script link and a 5,000-character message.
            let plantHostile = fleet.hostile && fm.index === 0 && instance.instanceName === 'MSSQLSERVER';
            for (const check of SQL_CHECKS) {
                for (const { name, target } of targets) {
                    if ((check.targetType === 'Database') !== (target.db !== undefined)) {
                        continue;
                    }
                    // A drawn finding lives in a span of runs; one that follows from facts is checked run by run.
                    let first = 0;
                    let last = times.length - 1;
                    if (!check.failsAt) {
                        if (!check.drawn?.(random, instance)) {
                            continue;
                        }
                        [first, last] = lifetime(random, times.length);
                    }
                    let message: string | undefined;
                    let hostile = false;
                    for (let run = first; run <= last; run++) {
                        if (check.failsAt && !check.failsAt(target, times[run])) {
                            continue;
                        }
                        if (plantHostile) {
                            plantHostile = false;
                            hostile = true;
                        }
                        message = hostile
                            ? HOSTILE_STRINGS[5]
                            : message === undefined || check.messagePerRun
                              ? check.message(name, target, times[run])
                              : message;
                        rows.push({
                            timeGenerated: stamps[run],
                            assessmentId: ids[run],
                            computer: fm.machine.name,
                            instanceName: instance.instanceName,
                            checkId: check.checkId,
                            title: check.title,
                            description: check.description,
                            helpLink: hostile ? HOSTILE_LINK : link(check.checkId),
                            targetType: check.targetType,
                            targetName: name,
                            severity: check.severity,
                            message,
                            tags: check.tags,
                        });
                    }
                }
            }
        }
        return rows;
    }

    /** Windows assessment findings (failed recommendations) of one machine, every run. */
    windowsFindings(fm: FleetMachine): WindowsFinding[] {
        const fleet = this.fleet;
        const rows: WindowsFinding[] = [];
        if (fm.machine.osType !== 'windows') {
            return rows;
        }
        const random = new Random(hashKey(fm.key, 'win-assessment'));
        const times = runTimes(fleet, this.facts.dataEnd(fm), random);
        if (times.length === 0) {
            return rows;
        }
        const ids = times.map((t) => guidFor(fleet.seed, 'win-run', fm.index, t));
        const stamps = times.map((t) => new Date(t).toISOString());
        const add = (check: WindowsCheck, objectName: string, first: number, last: number) => {
            const recommendationId = RECOMMENDATION_IDS.get(check) ?? '';
            for (let run = first; run <= last; run++) {
                rows.push({
                    timeGenerated: stamps[run],
                    assessmentId: ids[run],
                    computer: fm.machine.name,
                    recommendationId,
                    recommendation: check.recommendation,
                    description: check.description,
                    focusArea: check.focusArea,
                    actionArea: check.actionArea,
                    affectedObjectType: check.affectedObjectType,
                    affectedObjectName: objectName,
                    weight: check.weight,
                });
            }
        };
        // The system volume's series is read once per machine, not once per run.
        let diskFree: ((at: number) => number | undefined) | undefined;
        let apps: readonly UnsupportedApp[] | undefined;
        const context: WindowsContext = {
            fm,
            anchor: fleet.anchor,
            systemDiskFree: (at) => (diskFree ??= this.facts.systemDiskFree(fm))(at),
            unsupportedApps: () => (apps ??= this.facts.unsupportedApps(fm)),
        };
        for (const check of WINDOWS_CHECKS) {
            if (check.appliesTo && !check.appliesTo(fm)) {
                continue;
            }
            if (check.failingAt) {
                times.forEach((t, run) => {
                    for (const objectName of check.failingAt?.(context, t) ?? []) {
                        add(check, objectName, run, run);
                    }
                });
                continue;
            }
            if (!random.chance(check.odds ?? 0)) {
                continue;
            }
            // Drawn even when lasting, so that the findings after it stay the same.
            const [first, last] = lifetime(random, times.length);
            add(check, check.objectName?.(fm) ?? fm.machine.name, check.lasting ? 0 : first, check.lasting ? times.length - 1 : last);
        }
        if (fleet.hostile && fm.index <= 4) {
            // Unsupported software named by an attacker: the object names carry every planted string.
            const check = WINDOWS_CHECKS.find((c) => c.affectedObjectType === 'Application') ?? WINDOWS_CHECKS[0];
            for (const text of HOSTILE_STRINGS) {
                add(check, text, 0, 0);
            }
        }
        return rows;
    }
}

/** What a Windows check that follows from facts looks at. */
interface WindowsContext {
    fm: FleetMachine;
    /** The estate's clock (epoch ms). */
    anchor: number;
    /** Free space of the system volume (%) at a time (epoch ms). */
    systemDiskFree: (at: number) => number | undefined;
    /** The unsupported applications the machine had, and until when. */
    unsupportedApps: () => readonly UnsupportedApp[];
}

interface WindowsCheck {
    recommendation: string;
    description: string;
    focusArea: string;
    actionArea: string;
    affectedObjectType: string;
    weight: number;
    /** Chance a drawn check fails on a machine (a check with `failingAt` is not drawn). */
    odds?: number;
    /** Which object a drawn check names: the server itself, or something on it. */
    objectName?: (fm: FleetMachine) => string;
    /**
     * The objects that fail in a run at `at` (epoch ms), from the machine's facts; such a check is not drawn, and fails in
     * exactly the runs where its facts say so.
     */
    failingAt?: (context: WindowsContext, at: number) => string[];
    appliesTo?: (fm: FleetMachine) => boolean;
    /** A state of the machine that no configuration change fixes (its OS release): failed in every run. */
    lasting?: boolean;
}

const server = (fm: FleetMachine) => fm.machine.name;
const SECURITY = 'Security and Compliance';
const AVAILABILITY = 'Availability and Business Continuity';
const PERFORMANCE = 'Performance and Scalability';
const UPGRADE = 'Upgrade, Migration and Deployment';
const OPERATIONS = 'Operations and Monitoring';
const CHANGE = 'Change and Configuration Management';

/** Our own wording of common Windows Server hygiene advice. */
const WINDOWS_CHECKS: readonly WindowsCheck[] = [
    {
        recommendation: 'Turn off SMB version 1',
        description: 'SMBv1 lacks the protections of later versions and is a common path for worms; nothing current needs it.',
        focusArea: SECURITY,
        actionArea: 'Network Security',
        affectedObjectType: 'Server',
        weight: 38.2,
        odds: 0.25,
        objectName: server,
    },
    {
        recommendation: 'Require NTLMv2 and refuse LM and NTLM',
        description: 'Older challenge-response protocols can be cracked offline from captured traffic.',
        focusArea: SECURITY,
        actionArea: 'Authentication',
        affectedObjectType: 'Server',
        weight: 31.5,
        odds: 0.2,
        objectName: server,
    },
    {
        recommendation: 'Enable Windows Defender Credential Guard',
        description: 'Isolating credential secrets makes pass-the-hash attacks from a compromised server much harder.',
        focusArea: SECURITY,
        actionArea: 'Credential Protection',
        affectedObjectType: 'Server',
        weight: 22.4,
        odds: 0.35,
        objectName: server,
        appliesTo: (fm) => !fm.os.product.includes('2012'),
    },
    {
        recommendation: 'Restrict local administrator group membership',
        description: 'Every extra local administrator is another account whose compromise gives control of the server.',
        focusArea: SECURITY,
        actionArea: 'Access Control',
        affectedObjectType: 'Group',
        weight: 19.7,
        odds: 0.3,
        objectName: () => 'BUILTIN\\Administrators',
    },
    {
        recommendation: 'Plan the move off an operating system past end of support',
        description: 'Servers past end of support only get fixes through paid extended updates, and those end too.',
        focusArea: UPGRADE,
        actionArea: 'Operating System',
        affectedObjectType: 'Server',
        weight: 44.9,
        odds: 1,
        objectName: server,
        appliesTo: (fm) => fm.os.product.includes('2012'),
        lasting: true,
    },
    {
        recommendation: 'Keep at least 15% free space on the system volume',
        description: 'Updates, page file growth and crash dumps fail on a nearly full system volume.',
        focusArea: AVAILABILITY,
        actionArea: 'Storage',
        affectedObjectType: 'Disk',
        weight: 27.3,
        failingAt: ({ systemDiskFree }, at) => {
            const free = systemDiskFree(at);
            return free !== undefined && free < SYSTEM_VOLUME_MIN_FREE_PERCENT ? ['C:'] : [];
        },
    },
    {
        recommendation: 'Size the page file to hold a kernel memory dump',
        description: 'Without room for a dump, the cause of a crash cannot be diagnosed afterwards.',
        focusArea: AVAILABILITY,
        actionArea: 'Crash Recovery',
        affectedObjectType: 'Server',
        weight: 12.1,
        odds: 0.25,
        objectName: server,
    },
    {
        recommendation: 'Make the Security event log large enough for 30 days',
        description: 'A small log overwrites the evidence an investigation needs before anyone looks.',
        focusArea: OPERATIONS,
        actionArea: 'Event Logs',
        affectedObjectType: 'Event Log',
        weight: 16.8,
        odds: 0.4,
        objectName: () => 'Security',
    },
    {
        recommendation: 'Investigate repeated unexpected shutdowns',
        description: 'Unplanned restarts point at failing hardware, drivers or power, and interrupt the workloads on the server.',
        focusArea: AVAILABILITY,
        actionArea: 'Stability',
        affectedObjectType: 'Server',
        weight: 25.6,
        odds: 0.1,
        objectName: server,
    },
    {
        recommendation: 'Use a consistent time source',
        description: 'Clock skew breaks Kerberos authentication and makes logs from different servers impossible to line up.',
        focusArea: OPERATIONS,
        actionArea: 'Time Synchronization',
        affectedObjectType: 'Service',
        weight: 14.3,
        odds: 0.15,
        objectName: () => 'W32Time',
    },
    {
        recommendation: 'Disable services that the server role does not need',
        description: 'Every running service is code that can fail or be attacked; the print spooler is a frequent example.',
        focusArea: SECURITY,
        actionArea: 'Attack Surface',
        affectedObjectType: 'Service',
        weight: 21.9,
        odds: 0.35,
        objectName: () => 'Spooler',
        appliesTo: (fm) => fm.role !== 'fs',
    },
    {
        recommendation: 'Use the High performance power plan',
        description: 'Balanced power management slows short bursts of work on servers with variable load.',
        focusArea: PERFORMANCE,
        actionArea: 'Power Management',
        affectedObjectType: 'Server',
        weight: 9.4,
        failingAt: ({ fm, anchor }, at) => (balancedPowerPlan(fm, anchor, at) ? [fm.machine.name] : []),
    },
    {
        recommendation: 'Align the network adapter receive buffers with the load',
        description: 'Small receive buffers drop packets under bursts, which shows up as retransmits and slow responses.',
        focusArea: PERFORMANCE,
        actionArea: 'Networking',
        affectedObjectType: 'Network Adapter',
        weight: 7.8,
        odds: 0.2,
        objectName: () => 'Ethernet0',
    },
    {
        recommendation: 'Record configuration changes through change management',
        description: 'Settings changed by hand drift from the documented baseline and surprise the next person.',
        focusArea: CHANGE,
        actionArea: 'Baseline',
        affectedObjectType: 'Server',
        weight: 11.2,
        odds: 0.25,
        objectName: server,
    },
    {
        recommendation: 'Remove software that is no longer supported by its publisher',
        description: 'Unsupported applications get no security fixes and block operating system upgrades.',
        focusArea: UPGRADE,
        actionArea: 'Applications',
        affectedObjectType: 'Application',
        weight: 17.5,
        // What the machine's inventory had at the run's time: each application until it was removed.
        failingAt: ({ unsupportedApps }, at) =>
            unsupportedApps()
                .filter((app) => at < app.removedAt)
                .map((app) => app.name),
    },
    {
        recommendation: 'Configure the domain controller to use a reliable external time source',
        description: 'The PDC emulator sets the time for the whole domain; it should follow an authoritative source.',
        focusArea: OPERATIONS,
        actionArea: 'Active Directory',
        affectedObjectType: 'Domain',
        weight: 29.1,
        odds: 0.5,
        objectName: (fm) => fm.machine.domain ?? 'corp.contoso.com',
        appliesTo: (fm) => fm.role === 'dc',
    },
];

/** Stable ids of the recommendations, as the assessment gives each rule one. */
const RECOMMENDATION_IDS = new Map(WINDOWS_CHECKS.map((check) => [check, guidFor('win-check', check.recommendation)]));
