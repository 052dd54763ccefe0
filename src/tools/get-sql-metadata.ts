import { z } from 'zod';
import { SUPPORT_ENDING_DAYS, SUPPORT_STATUSES, sqlSupport, type Support } from '../core/lifecycle';
import type { Machine, Scopes, SqlDatabase, SqlInstance } from '../core/model';
import { byText, caselessKey, countIn } from '../core/summaries';
import { domainOf, hostName } from '../core/source';
import { oneLine, TIME, truncate } from '../core/timespan';
import {
    assertDomainAgrees,
    assertKnownMachineIn,
    assertPlacementMatches,
    envelope,
    envelopeOf,
    instanceMatcher,
    nearestNames,
    inLeftOutSubscriptions,
    inputs,
    machineMatcher,
    nameMatcher,
    pickServerName,
    placementMatcher,
    resolveSubscriptions,
    top,
} from './common';
import { describeCounts, describeFilters, firstNames, NAMED_IN_SENTENCE, plural, renderText, shortTime, supportSentence } from './text';
import { inStates, supportSchema } from './get-server-metadata';
import { defineTool, READ_ONLY, type ToolContext } from './types';
import { BACKUP_STALE_AFTER_DAYS, LOG_BACKUP_STALE_AFTER_HOURS } from './vocabulary';

const BACKUP_STATES = ['never', 'stale', 'ok'] as const;
type BackupState = (typeof BACKUP_STATES)[number];
const LOG_BACKUP_STATES = ['never', 'stale', 'ok', 'not-needed'] as const;
type LogBackupState = (typeof LOG_BACKUP_STATES)[number];
/** Database states that mean it cannot be used until someone recovers it (`Offline` is often deliberate: counted apart). */
const NEEDS_RECOVERY_STATES = ['suspect', 'recoverypending', 'emergency'];
/** An instance whose inventory Azure last received longer ago than this is reported as of then (the extension uploads far more often). */
export const INVENTORY_STALE_AFTER_DAYS = 3;

const database = z.object({
    id: z.string(),
    name: z.string(),
    sizeMb: z.number().nullable().describe('null when Azure has no size for the database'),
    spaceAvailableMb: z.number().nullable(),
    freePercent: z.number().nullable(),
    state: z.string(),
    recoveryModel: z.string(),
    compatibilityLevel: z.number().optional(),
    createdAt: z.string().optional(),
    lastFullBackup: z.string().optional(),
    lastLogBackup: z.string().optional(),
    backupState: z
        .enum(BACKUP_STATES)
        .describe(`never = no full backup known; stale = last full backup older than ${BACKUP_STALE_AFTER_DAYS} days`),
    logBackupState: z
        .enum(LOG_BACKUP_STATES)
        .describe(
            `for the full and bulk-logged recovery models: never = no log backup known, stale = last log backup older than ${LOG_BACKUP_STALE_AFTER_HOURS} hours (the log grows until it is backed up, and the data since is not recoverable); not-needed under the simple model and for a read-only database (its log does not grow)`,
        ),
    isReadOnly: z.boolean().optional(),
    isEncrypted: z.boolean().optional(),
    isAutoShrinkOn: z.boolean().optional(),
    isAutoCloseOn: z.boolean().optional(),
});

const instance = z.object({
    id: z.string(),
    kind: z
        .enum(['arc', 'sql-vm'])
        .optional()
        .describe(
            'arc (default): an Arc-enabled SQL Server instance, with its databases; sql-vm: SQL Server on an Azure VM (a SQL virtual machine), of which Azure keeps the edition and licence but no databases',
        ),
    name: z.string(),
    instanceName: z.string(),
    machineName: z.string(),
    machineId: z.string().optional(),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    location: z.string(),
    version: z.string(),
    currentVersion: z.string().optional(),
    patchLevel: z.string().optional(),
    edition: z.string(),
    licenseType: z.string(),
    vCores: z.number().optional(),
    status: z.string(),
    collation: z.string().optional(),
    inventoryAt: z
        .string()
        .optional()
        .describe(
            "when the SQL Server extension last uploaded this instance's inventory: its databases, sizes, states and backups are as of then",
        ),
    support: supportSchema.nullable().describe('where the SQL Server release stands in its lifecycle; null when not known'),
    totalSizeMb: z.number(),
    databases: z.array(database),
});

export const getSqlMetadata = defineTool({
    name: 'GetSqlMetadata',
    title: 'SQL Server instances and databases',
    description:
        'Lists SQL Server instances enabled by Azure Arc with version, build, edition, license type, vCores and status, and under each its databases with size, free space, ' +
        'state, recovery model and last full/log backup (backupState never|stale|ok; logBackupState never|stale|ok|not-needed). Use it for licensing questions (edition, vCores, license type), capacity, ' +
        `and "which databases are not backed up", and says where each release stands in Microsoft's lifecycle (out of support, ending within ${SUPPORT_ENDING_DAYS} days, supported) ` +
        'and which instances run the Evaluation edition (it stops 180 days after installation). ' +
        'SQL Server on Azure VMs registered as SQL virtual machines is listed too (kind sql-vm: edition, licence, release from the image; no databases). ' +
        'Filters: server_name (the host, wildcards with *), tags and resource_group (of the host machine), instance_name, backup_state (full backups), log_backup_state, support. ' +
        'Instances with backup problems come first.',
    input: z
        .object({
            subscription_ids: inputs.subscriptionIds,
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            instance_name: z
                .string()
                .max(300)
                .optional()
                .describe(
                    'Only this instance: its instance name (e.g. "MSSQLSERVER" for default instances, "REPORTING"), or its full name as listed (HOST\\NAME, or HOST for a default instance); case-insensitive.',
                ),
            backup_state: z
                .array(z.enum(BACKUP_STATES))
                .max(3)
                .optional()
                .describe(
                    'Only databases whose last FULL backup is in these states: never, stale (older than 7 days), ok. Instances keep only matching databases; instances with none are left out. For log backups use log_backup_state.',
                ),
            log_backup_state: z
                .array(z.enum(LOG_BACKUP_STATES))
                .max(4)
                .optional()
                .describe(
                    `Only databases whose last LOG backup is in these states: never, stale (older than ${LOG_BACKUP_STALE_AFTER_HOURS} hours), ok, not-needed (simple recovery model or read-only). "Which databases have no log backup?" is ["never", "stale"]. Combined with backup_state, a database must match both.`,
                ),
            support: z
                .array(z.enum(SUPPORT_STATUSES))
                .max(4)
                .optional()
                .describe(
                    `Only instances whose release is in one of these lifecycle states: ended, esu, ending (within ${SUPPORT_ENDING_DAYS} days), supported.`,
                ),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            instances: z.number().int(),
            databases: z.number().int(),
            byVersion: z.record(z.number()),
            byEdition: z.record(z.number()),
            byLicenseType: z.record(z.number()),
            totalVCores: z
                .number()
                .describe(
                    'vCores of the hosts the matching instances run on, each host counted once (by machine id, else host name): an instance reports its host’s logical cores, which licensing by core counts once per operating system environment, however many instances it runs',
                ),
            totalSizeGb: z.number(),
            databasesNeverBackedUp: z.number().int(),
            databasesWithStaleBackup: z.number().int(),
            databasesNeedingRecovery: z
                .number()
                .int()
                .describe('databases in the Suspect, RecoveryPending or Emergency state: unusable until recovered'),
            databasesOffline: z.number().int().describe('databases taken offline'),
            databasesWithoutLogBackup: z
                .number()
                .int()
                .describe(
                    `databases in the full or bulk-logged recovery model with no log backup in the last ${LOG_BACKUP_STALE_AFTER_HOURS} hours`,
                ),
            outOfSupport: z.number().int().describe('instances whose release is past extended support'),
            supportEnding: z.number().int().describe(`instances whose release leaves extended support within ${SUPPORT_ENDING_DAYS} days`),
            evaluationEdition: z
                .number()
                .int()
                .describe('instances on the Evaluation edition, whose database engine stops 180 days after installation unless licensed'),
            inventoryStale: z
                .number()
                .int()
                .describe(
                    `instances whose inventory Azure last received ${INVENTORY_STALE_AFTER_DAYS} days ago or more: their databases and backups are as of then (the machine or its SQL Server extension stopped reporting)`,
                ),
        }),
        items: z.array(instance),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const { ids, scopes } = await resolveSubscriptions(context, input.subscription_ids);
        const result = await context.source.getSql({ subscriptionIds: ids, signal: context.signal, progress: context.progress });
        const { instances, databases } = result.rows[0] ?? { instances: [], databases: [] };
        const serverName = pickServerName(input);
        const warnings = [...result.warnings];
        const placement = placementMatcher(input);
        // The host machines, read only when a tag or group selects on them or a name selects no instance.
        let machines: readonly Machine[] | undefined;
        const machinesOf = async () =>
            (machines ??= (await context.source.getMachines({ subscriptionIds: ids, signal: context.signal })).rows);
        // An instance is on the named machine when its host's Azure name matches; failing that, when its host answers to the
        // name under another of its names (the OS host name, the FQDN).
        let onNamedHost = (_i: SqlInstance) => true;
        if (serverName) {
            // Instances know their host by its Azure name, without a domain: a name asked with one is checked on the machines.
            if (!serverName.includes('*') && domainOf(serverName.trim()) !== '') {
                assertDomainAgrees(serverName, await machinesOf());
            }
            const matchesMachine = nameMatcher(serverName);
            onNamedHost = (i) => matchesMachine(i.machineName);
            if (!instances.some(onNamedHost)) {
                // A machine without SQL Server is a plain answer (none), not a mistake in the name; only a name no machine
                // has is refused.
                const all = await machinesOf();
                await assertKnownMachineIn(context, serverName, all, ids, scopes);
                const named = all.filter(machineMatcher(serverName));
                onNamedHost = hostedOn(named);
                if (!instances.some(onNamedHost)) {
                    warnings.push(...noSqlWarnings(named));
                }
            }
        }
        let onPlacedHost = (_i: SqlInstance) => true;
        if (placement) {
            const all = await machinesOf();
            assertPlacementMatches(input, placement, all);
            onPlacedHost = hostedOn(all.filter(placement));
        }
        const today = context.source.now();
        const now = today.getTime();
        const fullStale = ageCheck(now - BACKUP_STALE_AFTER_DAYS * TIME.DAY);
        const logStale = ageCheck(now - LOG_BACKUP_STALE_AFTER_HOURS * TIME.HOUR);
        const backupState = (db: SqlDatabase): BackupState => fullStale(db.lastFullBackup);
        // A log needs backing up only where it grows: not in the simple recovery model, nor in a read-only database.
        const logBackupState = (db: SqlDatabase): LogBackupState =>
            db.recoveryModel.toLowerCase() === 'simple' || db.isReadOnly === true ? 'not-needed' : logStale(db.lastLogBackup);
        const key = caselessKey();
        const byInstance = new Map<string, SqlDatabase[]>();
        for (const db of databases) {
            const instanceKey = key(db.instanceId);
            const list = byInstance.get(instanceKey);
            if (list) {
                list.push(db);
            } else {
                byInstance.set(instanceKey, [db]);
            }
        }
        const matchesInstance = input.instance_name?.trim() ? instanceMatcher(input.instance_name) : undefined;
        const wantedBackup = input.backup_state?.length ? input.backup_state : undefined;
        const wantedLog = input.log_backup_state?.length ? input.log_backup_state : undefined;
        // Every selected instance's databases are judged (for the counts and the order), but only the instances shown are
        // built into output records: a fleet has tens of thousands of databases and an answer shows a few instances.
        const rows: SelectedInstance[] = [];
        for (const i of instances) {
            if (!onNamedHost(i) || (matchesInstance && !matchesInstance(i.machineName, i.instanceName)) || !onPlacedHost(i)) {
                continue;
            }
            const support = sqlSupport(i.version, today) ?? null;
            if (input.support?.length && !inStates(support, input.support)) {
                continue;
            }
            const dbs: JudgedDatabase[] = [];
            let problemCount = 0;
            for (const db of byInstance.get(key(i.id)) ?? []) {
                const backup = backupState(db);
                if (wantedBackup && !wantedBackup.includes(backup)) {
                    continue;
                }
                const log = logBackupState(db);
                if (wantedLog && !wantedLog.includes(log)) {
                    continue;
                }
                dbs.push({ db, backup, log });
                if (needsRecovery(db.state) || backup !== 'ok' || log === 'never' || log === 'stale') {
                    problemCount++;
                }
            }
            if ((wantedBackup || wantedLog) && dbs.length === 0) {
                continue;
            }
            dbs.sort((a, b) => BACKUP_STATES.indexOf(a.backup) - BACKUP_STATES.indexOf(b.backup) || byText(a.db.name, b.db.name));
            rows.push({ i, support, dbs, totalSizeMb: sizeOf(dbs), problems: problemCount });
        }
        const allDbs = rows.flatMap((r) => r.dbs);
        const outOfSupport = rows.filter((r) => inStates(r.support, ['ended', 'esu']));
        const ending = rows.filter((r) => inStates(r.support, ['ending']));
        // Worst first: a database needing recovery, then one never backed up, one with a stale full backup, one without a
        // log backup; among equals, the instance with the most such databases.
        const { items: shown, truncation } = top(
            rows,
            input.max_results,
            (a, b) => worstOf(a) - worstOf(b) || b.problems - a.problems || byText(a.i.name, b.i.name),
        );
        const items = shown.map((r) => ({
            ...r.i,
            support: r.support,
            totalSizeMb: r.totalSizeMb,
            databases: r.dbs.map(({ db, backup, log }) => ({
                id: db.id,
                name: db.name,
                sizeMb: db.sizeMb ?? null,
                spaceAvailableMb: db.spaceAvailableMb ?? null,
                freePercent:
                    db.sizeMb !== undefined && db.sizeMb > 0 && db.spaceAvailableMb !== undefined
                        ? Math.round((db.spaceAvailableMb / db.sizeMb) * 1000) / 10
                        : null,
                state: db.state,
                recoveryModel: db.recoveryModel,
                compatibilityLevel: db.compatibilityLevel,
                createdAt: db.createdAt,
                lastFullBackup: db.lastFullBackup,
                lastLogBackup: db.lastLogBackup,
                backupState: backup,
                logBackupState: log,
                isReadOnly: db.isReadOnly,
                isEncrypted: db.isEncrypted,
                isAutoShrinkOn: db.isAutoShrinkOn,
                isAutoCloseOn: db.isAutoCloseOn,
            })),
        }));
        const evaluation = rows.filter((r) => r.i.edition.toLowerCase() === 'evaluation').map((r) => r.i);
        const inventoryAge = ageCheck(now - INVENTORY_STALE_AFTER_DAYS * TIME.DAY);
        const staleInventory = rows
            .map((r) => r.i)
            .filter((i) => i.inventoryAt !== undefined && inventoryAge(i.inventoryAt) === 'stale')
            .sort((a, b) => byText(a.inventoryAt ?? '', b.inventoryAt ?? '') || byText(a.name, b.name));
        const withoutLog = allDbs.filter((d) => d.log === 'never' || d.log === 'stale');
        const needRecovery = rows
            .flatMap((r) =>
                r.dbs.filter((d) => needsRecovery(d.db.state)).map((d) => ({ instance: r.i.name, name: d.db.name, state: d.db.state })),
            )
            .sort((a, b) => byText(a.instance, b.instance) || byText(a.name, b.name));
        const sqlVms = rows.filter((r) => r.i.kind === 'sql-vm').length;
        const summary = {
            instances: rows.length,
            databases: allDbs.length,
            byVersion: countIn(rows, (r) => r.i.version) as Record<string, number>,
            byEdition: countIn(rows, (r) => r.i.edition) as Record<string, number>,
            byLicenseType: countIn(rows, (r) => r.i.licenseType) as Record<string, number>,
            totalVCores: hostVCores(rows.map((r) => r.i)),
            totalSizeGb: Math.round(sizeOf(allDbs) / 102.4) / 10,
            databasesNeverBackedUp: allDbs.filter((d) => d.backup === 'never').length,
            databasesWithStaleBackup: allDbs.filter((d) => d.backup === 'stale').length,
            databasesNeedingRecovery: needRecovery.length,
            databasesOffline: allDbs.filter((d) => d.db.state.toLowerCase() === 'offline').length,
            databasesWithoutLogBackup: withoutLog.length,
            outOfSupport: outOfSupport.length,
            supportEnding: ending.length,
            evaluationEdition: evaluation.length,
            inventoryStale: staleInventory.length,
        };
        const elsewhere = summary.instances === 0 ? await instancesElsewhere(context, instances, matchesInstance, ids, scopes) : '';
        const sentence =
            summary.instances === 0
                ? describeFilters(input)
                    ? `No SQL Server instance matches ${describeFilters(input)} (of ${plural(instances.length, 'instance')} in the subscriptions read).` +
                      (elsewhere || nearestInstances(input.instance_name, instances, matchesInstance))
                    : 'No SQL Server instance found: none enabled by Azure Arc, and no SQL virtual machine.'
                : `${plural(summary.instances, 'SQL Server instance')} (${describeCounts(summary.byVersion)}) with ${plural(summary.databases, 'database')}, ${summary.totalSizeGb} GB in all${unsized(allDbs)}; ` +
                  `${plural(summary.databasesNeverBackedUp, 'database')} never backed up and ${summary.databasesWithStaleBackup} with a full backup older than ${BACKUP_STALE_AFTER_DAYS} days` +
                  (withoutLog.length > 0
                      ? `; ${plural(withoutLog.length, 'database')} in the full or bulk-logged recovery model ${withoutLog.length === 1 ? 'has' : 'have'} no log backup in the last ${LOG_BACKUP_STALE_AFTER_HOURS} hours (the log grows until one runs).`
                      : '.') +
                  (sqlVms > 0
                      ? ` ${plural(sqlVms, 'instance is', 'instances are')} SQL Server on Azure VMs (SQL virtual machines), whose databases and backups Azure does not inventory.`
                      : '') +
                  recoverySentence(needRecovery, summary.databasesOffline) +
                  supportSentence(outOfSupport, ending, ['instance runs', 'instances run'], 'a SQL Server release') +
                  evaluationSentence(evaluation) +
                  (staleInventory.length > 0
                      ? ` ${plural(staleInventory.length, 'instance has', 'instances have')} sent no inventory for ${INVENTORY_STALE_AFTER_DAYS} days or more — what Azure says of ${staleInventory.length === 1 ? 'it' : 'them'}, backups included, is as of then: ${firstNames(staleInventory.map((i) => `${i.name} (${shortTime(i.inventoryAt)})`))}.`
                      : '');
        return {
            structured: { ...envelopeOf(context, { subscriptionIds: ids }, truncation, warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                warnings,
                // The table has a row per database (one for an instance without any): counted so, for the shown instances and all.
                truncation: { shown: tableRows(shown), total: tableRows(rows) },
                // max_results counts instances; the table has a row per database.
                truncationNote: (rowsShown, total) =>
                    `Table shows ${rowsShown} of ${total} database rows; ` +
                    (truncation.shown < truncation.total
                        ? `structuredContent has ${truncation.shown} of ${plural(truncation.total, 'instance')} (max_results counts instances: raise it for more).`
                        : `all ${plural(truncation.total, 'instance')} are in structuredContent.`),
                table: {
                    columns: [
                        'Instance',
                        'Version',
                        'Edition',
                        'License',
                        'vCores',
                        'Database',
                        'Size MB',
                        'Free %',
                        'Last full backup',
                        'Backup',
                        'Log backup',
                    ],
                    rows: items.flatMap((i) =>
                        i.databases.length
                            ? i.databases.map((db) => [
                                  i.name,
                                  versionCell(i),
                                  i.edition,
                                  i.licenseType,
                                  i.vCores,
                                  db.name,
                                  db.sizeMb,
                                  db.freePercent,
                                  shortTime(db.lastFullBackup),
                                  db.backupState,
                                  db.logBackupState,
                              ])
                            : [
                                  [
                                      i.name,
                                      versionCell(i),
                                      i.edition,
                                      i.licenseType,
                                      i.vCores,
                                      undefined,
                                      undefined,
                                      undefined,
                                      undefined,
                                      undefined,
                                      undefined,
                                  ],
                              ],
                    ),
                },
            }),
        };
    },
});

/**
 * Why machines that `server_name` names have no SQL Server instance here: none on them as far as Azure knows, or SQL Server
 * found by the Arc agent but not registered as an Arc-enabled SQL Server instance, or an Azure VM (whose SQL Server is
 * a SQL virtual machine resource, not read by this tool).
 */
/** ' (N without a size)' when Azure had no size for some databases, so that the total is not read as complete. */
function unsized(dbs: readonly { db: SqlDatabase }[]): string {
    const n = dbs.filter((d) => d.db.sizeMb === undefined).length;
    return n > 0 ? ` (${n} without a size)` : '';
}

/** 0 (a database needs recovery), 1 (one never backed up), 2 (a stale full backup), 3 (no log backup) or 4 (none of these). */
function worstOf(row: { dbs: readonly JudgedDatabase[] }): number {
    let worst = 4;
    for (const { db, backup, log } of row.dbs) {
        const rank = needsRecovery(db.state)
            ? 0
            : backup === 'never'
              ? 1
              : backup === 'stale'
                ? 2
                : log === 'never' || log === 'stale'
                  ? 3
                  : 4;
        worst = Math.min(worst, rank);
    }
    return worst;
}

/**
 * The vCores of the hosts these instances run on, each host once: every instance reports its host's logical cores, so
 * summing instances would count a host with several instances several times. A host is known by the instance's machine
 * id when Azure gives it, else by its host name; its vCores are the most any of its instances reports (they agree, unless
 * the host was resized between two of their inventories).
 */
function hostVCores(instances: readonly SqlInstance[]): number {
    const byHost = new Map<string, number>();
    for (const i of instances) {
        if (i.vCores === undefined) {
            continue;
        }
        const host = i.machineId ? `id:${i.machineId.toLowerCase()}` : `name:${hostName(i.machineName)}`;
        byHost.set(host, Math.max(byHost.get(host) ?? 0, i.vCores));
    }
    let total = 0;
    for (const vCores of byHost.values()) {
        total += vCores;
    }
    return total;
}

/** Total size of the databases Azure has a size for, in MB. */
function sizeOf(dbs: readonly { db: SqlDatabase }[]): number {
    return dbs.reduce((sum, d) => sum + (d.db.sizeMb ?? 0), 0);
}

function noSqlWarnings(machines: readonly Machine[]): string[] {
    return [...machines]
        .sort((a, b) => byText(a.name, b.name))
        .slice(0, NAMED_IN_SENTENCE)
        .map((m) =>
            m.kind === 'azure-vm'
                ? `${m.name} is an Azure VM with no SQL virtual machine resource: SQL Server on it, if any, is not registered with the SQL IaaS Agent extension, so Azure does not know it.`
                : m.sqlDiscovered
                  ? `${m.name} has SQL Server installed (found by the Azure Arc agent), but no Arc-enabled SQL Server instance is registered for it: the Azure extension for SQL Server (${m.osType === 'linux' ? 'LinuxAgent.SqlServer' : 'WindowsAgent.SqlServer'}) is not installed on it, has failed, or has not reported yet.`
                  : `${m.name} has no SQL Server instance: the Azure Arc agent found no SQL Server on it.`,
        );
}

/** An instance `server_name` and the filters selected, its databases judged (and filtered by backup state), in shown order. */
interface SelectedInstance {
    i: SqlInstance;
    support: Support | null;
    dbs: JudgedDatabase[];
    totalSizeMb: number;
    /** Databases needing recovery or without a recent full or log backup: the most first. */
    problems: number;
}

interface JudgedDatabase {
    db: SqlDatabase;
    backup: BackupState;
    log: LogBackupState;
}

/** The version, with its lifecycle state unless it is simply supported: `SQL Server 2014 (ended)`. */
function versionCell(i: { version: string; support: { status: string } | null }): string {
    return i.support && i.support.status !== 'supported' ? `${i.version} (${i.support.status})` : i.version;
}

function needsRecovery(state: string): boolean {
    return state !== 'Online' && NEEDS_RECOVERY_STATES.includes(state.toLowerCase());
}

/**
 * Whether a time is missing (`never`), before `cutoff` (`stale`) or not (`ok`). Both sources write times as canonical
 * ISO 8601 (`2026-11-20T12:00:00.000Z`), which compare as text; anything else is parsed.
 */
function ageCheck(cutoff: number): (time: string | undefined) => 'never' | 'stale' | 'ok' {
    const cutoffIso = new Date(cutoff).toISOString();
    return (time) => {
        if (!time) {
            return 'never';
        }
        if (time.length === 24 && time.charCodeAt(23) === 90 /* Z */) {
            return time < cutoffIso ? 'stale' : 'ok';
        }
        const parsed = Date.parse(time);
        return !Number.isFinite(parsed) ? 'never' : parsed < cutoff ? 'stale' : 'ok';
    };
}

/**
 * " The instance ctso-sql-ams-02\\APP2 is in subscription Contoso Non-Production (…), which subscription_ids leaves out: …"
 * — when `instance_name` matches no instance of the subscriptions asked for but does in another visible one (the nearest
 * names of the chosen ones would lead to a different instance); empty otherwise.
 */
async function instancesElsewhere(
    context: ToolContext,
    instances: readonly SqlInstance[],
    matches: ((host: string, instanceName: string) => boolean) | undefined,
    ids: readonly string[],
    scopes: Scopes,
): Promise<string> {
    if (!matches || instances.some((i) => matches(i.machineName, i.instanceName))) {
        return '';
    }
    const elsewhere = await inLeftOutSubscriptions(ids, scopes, async (subscriptionIds) =>
        (await context.source.getSql({ subscriptionIds, signal: context.signal })).rows
            .flatMap((r) => r.instances)
            .filter((i) => matches(i.machineName, i.instanceName)),
    );
    if (!elsewhere) {
        return '';
    }
    const { found, where } = elsewhere;
    return ` ${found.length === 1 ? `The instance ${oneLine(truncate(found[0].name, 120))} is` : `${found.length} instances of that name are`} ${where}`;
}

/**
 * " Nearest instance names: …" when instance_name matches no instance at all (not when other filters left nothing), so a
 * mistyped name is corrected rather than answered with nothing.
 */
function nearestInstances(
    asked: string | undefined,
    instances: readonly { name: string; machineName: string; instanceName: string }[],
    matches: ((host: string, instanceName: string) => boolean) | undefined,
): string {
    if (!asked || !matches || instances.some((i) => matches(i.machineName, i.instanceName))) {
        return '';
    }
    const near = nearestNames(asked.replace(/\//g, '\\'), [...new Set(instances.map((i) => i.name))], 5);
    return near.length ? ` Nearest instance names: ${near.join(', ')}.` : '';
}

/** The databases that need recovery, naming a few with their state, and how many are offline. */
function recoverySentence(databases: readonly { instance: string; name: string; state: string }[], offline: number): string {
    const named = firstNames(databases.map((d) => `${d.name} on ${d.instance} (${d.state})`));
    const recovery =
        databases.length > 0
            ? ` ${databases.length === 1 ? '1 database needs' : `${databases.length} databases need`} recovery: ${named}.`
            : '';
    return recovery + (offline > 0 ? ` ${offline === 1 ? '1 database is' : `${offline} databases are`} offline.` : '');
}

/** How many instances run the Evaluation edition, naming a few: it stops working 180 days after installation. */
function evaluationSentence(instances: readonly { name: string }[]): string {
    if (instances.length === 0) {
        return '';
    }
    const named = firstNames(instances.map((i) => i.name).sort(byText));
    return ` ${instances.length === 1 ? '1 instance runs' : `${instances.length} instances run`} the Evaluation edition, which stops 180 days after it was installed unless licensed: ${named}.`;
}

/** The text table's rows for these instances: one per database, one for an instance without any. */
function tableRows(instances: readonly { dbs: readonly unknown[] }[]): number {
    return instances.reduce((sum, r) => sum + Math.max(1, r.dbs.length), 0);
}

/** Whether an instance runs on one of these machines: by its host's ARM id when Azure gives it, else by host name. */
function hostedOn(machines: readonly Machine[]): (i: SqlInstance) => boolean {
    const ids = new Set(machines.map((m) => m.id.toLowerCase()));
    const hosts = new Set(machines.map((m) => hostName(m.name)));
    return (i) => (i.machineId ? ids.has(i.machineId.toLowerCase()) : hosts.has(hostName(i.machineName)));
}
