import type {
    DiskFreeSpace,
    Machine,
    MachineExtension,
    MetricKind,
    MetricSeries,
    MissingPatch,
    PatchAssessment,
    Scopes,
    SoftwareChange,
    SoftwareItem,
    SqlDatabase,
    SqlFinding,
    WindowsFinding,
    Workspace,
} from '../../core/model';
import { METRIC_KINDS } from '../../core/model';
import type {
    ComputerSearch,
    InfraSource,
    MetricQuery,
    QueryOptions,
    QueryResult,
    SoftwareChangeQuery,
    SoftwareQuery,
    SqlEstate,
    SqlFindingQuery,
    SubscriptionQuery,
    WindowsFindingQuery,
    WorkspaceQuery,
} from '../../core/source';
import { hostName, MAX_FOUND_COMPUTERS, nameMatcher, UserError } from '../../core/source';
import { TIME } from '../../core/timespan';
import { AssessmentBuilder } from './assessments';
import { machineExtensions } from './extensions';
import { buildFleet, type Fleet, type FleetMachine } from './fleet';
import { MetricModel, SeriesArena, type GrowingDisk, type InjectedAnomaly, type LowDisk, type SilentMachine } from './metrics';
import { machinePatches, type MachinePatches } from './patches';
import { buildSqlEstate, type BackupState, type SqlEstateData } from './sql';
import { machineSoftware, unsupportedApps, type MachineSoftware, type SqlBuild } from './software';

export { HOSTILE_LINK, HOSTILE_STRINGS } from './hostile';
export type { GrowingDisk, InjectedAnomaly, LowDisk, SilentMachine } from './metrics';
export { METRIC_HISTORY_MS } from './metrics';
export { STALE_BACKUP_DAYS, type BackupState } from './sql';

/** How to build the sample estate. */
export interface SampleOptions {
    /** Seed of every random choice (default 42): same seed + same clock gives byte-identical answers. */
    seed?: number;
    /** Number of machines (default 60); scales to 10,000+ for benchmarks. */
    machines?: number;
    /** The clock (default: the system clock); tests fix it. History is laid out back from the current hour and moves with it. */
    now?: () => Date;
    /** Test-only: plant attacker-controlled strings in names, tags, software, databases and findings. */
    hostile?: boolean;
    /** The workspace to use when a caller names none; defaults to the production workspace so tools answer without one. */
    defaultWorkspaceId?: string;
}

/** What the tests know about a database's backups, to check what the tools say about them. */
export interface BackupTruth {
    database: SqlDatabase;
    state: BackupState;
}

/**
 * The embedded sample estate as an {@link InfraSource}, plus the ground truth tests measure the tools against
 * (planted anomalies, fully patched machines, databases without usable backups).
 *
 * Rows are generated once and shared between answers (only the arrays are new), so callers treat them as read-only,
 * as they would treat records parsed from Azure.
 */
export interface SampleSource extends InfraSource {
    readonly kind: 'sample';
    readonly seed: number;
    readonly machineCount: number;
    /** Every anomaly planted in the metric series. */
    groundTruth(): InjectedAnomaly[];
    /** Disks that fill steadily all month on machines without a planted anomaly (not anomalies, but full within weeks). */
    growingDisks(): GrowingDisk[];
    /** Disks that have been nearly full (under 10 % free) and flat all month, on machines with neither of the above. */
    lowDisks(): LowDisk[];
    /** Machines that stopped sending metrics hours or days ago while Azure Arc still shows them connected. */
    silentMachines(): SilentMachine[];
    /** Names of machines assessed within 7 days and missing no patch at all. */
    fullyPatchedMachines(): string[];
    /** Databases whose last full backup is missing (`never`) or older than `STALE_BACKUP_DAYS` (7) days (`stale`). */
    databasesWithoutRecentBackup(): BackupTruth[];
    /** Databases in the full or bulk-logged recovery model planted without log backups (also those never or long not backed up). */
    databasesWithoutLogBackup(): SqlDatabase[];
    /** Names of machines whose Update Manager assessment is older than 7 days, absent, or failed. */
    machinesNotAssessed(): string[];
}

const DEFAULT_MACHINES = 60;
const DEFAULT_SEED = 42;

/**
 * Creates the sample estate: a fictional hybrid fleet generated in memory from a seed, with no network.
 * The machines, scopes and SQL inventory are built here (a few hundred milliseconds at 10,000 machines); patches,
 * findings and software are built on first use and cached; metric samples are computed per machine on first use and
 * kept within a memory budget, then averaged into the bins each query asks for.
 */
export function createSampleSource(options: SampleOptions = {}): SampleSource {
    return new SampleEstate(options);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

class SampleEstate implements SampleSource {
    readonly kind = 'sample' as const;
    readonly description: string;
    readonly defaultWorkspaceId?: string;
    readonly seed: number;
    readonly machineCount: number;
    private readonly clock: () => Date;
    private readonly hostile: boolean;
    private estate: EstateAtHour;

    constructor(options: SampleOptions) {
        this.seed = options.seed ?? DEFAULT_SEED;
        this.machineCount = Math.max(1, Math.floor(options.machines ?? DEFAULT_MACHINES));
        this.clock = options.now ?? (() => new Date());
        this.hostile = options.hostile === true;
        this.estate = new EstateAtHour(this.seed, this.machineCount, this.hostile, hourOf(this.clock()));
        // Scopes come from the seed alone, so the default workspace stays valid when the estate is rebuilt.
        this.defaultWorkspaceId = options.defaultWorkspaceId ?? this.estate.fleet.workspaces[0].customerId;
        const count = this.machineCount.toLocaleString('en');
        this.description = `Sample estate (${count} machine${this.machineCount === 1 ? '' : 's'}, seed ${this.seed}${this.hostile ? ', hostile values planted' : ''}) — fictional data`;
    }

    now(): Date {
        return this.clock();
    }

    /** The estate for the clock's current hour. */
    private current(): EstateAtHour {
        const anchor = hourOf(this.clock());
        if (anchor !== this.estate.fleet.anchor) {
            this.estate = new EstateAtHour(this.seed, this.machineCount, this.hostile, anchor);
        }
        return this.estate;
    }

    listScopes(options?: QueryOptions): Promise<Scopes> {
        return this.current().listScopes(options);
    }
    getMachines(query: SubscriptionQuery): Promise<QueryResult<Machine>> {
        return this.current().getMachines(query);
    }
    getMachineExtensions(query: SubscriptionQuery): Promise<QueryResult<MachineExtension>> {
        return this.current().getMachineExtensions(query);
    }
    getSql(query: SubscriptionQuery): Promise<QueryResult<SqlEstate>> {
        return this.current().getSql(query);
    }
    getPatchAssessments(query: SubscriptionQuery): Promise<QueryResult<PatchAssessment>> {
        return this.current().getPatchAssessments(query);
    }
    getMissingPatches(query: SubscriptionQuery): Promise<QueryResult<MissingPatch>> {
        return this.current().getMissingPatches(query);
    }
    getSqlFindings(query: SqlFindingQuery): Promise<QueryResult<SqlFinding>> {
        return this.current().getSqlFindings(query);
    }
    getWindowsFindings(query: WindowsFindingQuery): Promise<QueryResult<WindowsFinding>> {
        return this.current().getWindowsFindings(query);
    }
    getSoftware(query: SoftwareQuery): Promise<QueryResult<SoftwareItem>> {
        return this.current().getSoftware(query);
    }
    getSoftwareChanges(query: SoftwareChangeQuery): Promise<QueryResult<SoftwareChange>> {
        return this.current().getSoftwareChanges(query);
    }
    getMetricSeries(query: MetricQuery): Promise<QueryResult<MetricSeries>> {
        return this.current().getMetricSeries(query);
    }
    findComputers(query: ComputerSearch): Promise<QueryResult<string>> {
        return this.current().findComputers(query);
    }
    getDiskFreeSpace(query: WorkspaceQuery): Promise<QueryResult<DiskFreeSpace>> {
        return this.current().getDiskFreeSpace(query);
    }
    groundTruth(): InjectedAnomaly[] {
        return this.current().groundTruth();
    }
    growingDisks(): GrowingDisk[] {
        return this.current().growingDisks();
    }
    lowDisks(): LowDisk[] {
        return this.current().lowDisks();
    }
    silentMachines(): SilentMachine[] {
        return this.current().silentMachines();
    }
    fullyPatchedMachines(): string[] {
        return this.current().fullyPatchedMachines();
    }
    databasesWithoutRecentBackup(): BackupTruth[] {
        return this.current().databasesWithoutRecentBackup();
    }
    databasesWithoutLogBackup(): SqlDatabase[] {
        return this.current().databasesWithoutLogBackup();
    }
    machinesNotAssessed(): string[] {
        return this.current().machinesNotAssessed();
    }
}

function hourOf(date: Date): number {
    return Math.floor(date.getTime() / TIME.HOUR) * TIME.HOUR;
}

/**
 * The estate as of one hour. History is laid out relative to that hour, so when the clock moves on (a long-running
 * server) the source builds the estate afresh for the new hour rather than letting the data age.
 */
class EstateAtHour {
    readonly fleet: Fleet;
    private readonly sql: SqlEstateData;
    /** Instances by name, databases by instance then name: the order every SQL answer uses. */
    private readonly sqlSorted: SqlEstate;
    private readonly metrics: MetricModel;
    private readonly machinesSorted: FleetMachine[];
    private patches?: MachinePatches[];
    /** Rows of every machine in name order, built on first use: a query of every subscription copies them whole. */
    private machineRows?: Machine[];
    private extensionRows?: MachineExtension[];
    private assessmentRows?: PatchAssessment[];
    private missingRows?: MissingPatch[];
    private machineSubscriptions?: string[];
    private readonly assessments: AssessmentBuilder;
    private readonly sqlFindings: FindingsCache<SqlFinding> = { perMachine: new Map(), perWorkspace: new Map() };
    private readonly windowsFindings: FindingsCache<WindowsFinding> = { perMachine: new Map(), perWorkspace: new Map() };
    /** Machine index by lower-case name, to tie generated rows back to machines without string compares per query. */
    private readonly indexByName: Map<string, number>;
    private readonly software = new Map<number, MachineSoftware>();
    private readonly changesByWorkspace = new Map<string, TimedRows<SoftwareChange>>();
    /** By workspace id and whether updates are included. */
    private readonly softwareByWorkspace = new Map<string, SoftwareIndex>();

    constructor(seed: number, machineCount: number, hostile: boolean, anchor: number) {
        this.fleet = buildFleet(seed, machineCount, anchor, hostile);
        this.sql = buildSqlEstate(this.fleet);
        this.metrics = new MetricModel(this.fleet);
        this.assessments = new AssessmentBuilder(this.fleet, this.sql, {
            dataEnd: (fm) => this.dataEnd(fm),
            systemDiskFree: (fm) => this.systemDiskFree(fm),
            unsupportedApps: (fm) => unsupportedApps(fm, this.dataEnd(fm)),
        });
        const instances = [...this.sql.instances].sort((a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()));
        const order = new Map(instances.map((i, n) => [i.id, n]));
        const databases = [...this.sql.databases].sort(
            (a, b) =>
                (order.get(a.instanceId) ?? 0) - (order.get(b.instanceId) ?? 0) || compareText(a.name.toLowerCase(), b.name.toLowerCase()),
        );
        this.sqlSorted = { instances, databases };
        const lowerNames = this.fleet.machines.map((fm) => fm.machine.name.toLowerCase());
        this.machinesSorted = [...this.fleet.machines].sort(
            (a, b) => compareText(lowerNames[a.index], lowerNames[b.index]) || a.index - b.index,
        );
        this.indexByName = new Map(this.fleet.machines.map((fm) => [fm.machine.name.toLowerCase(), fm.index]));
    }

    async listScopes(_options?: QueryOptions): Promise<Scopes> {
        return { subscriptions: this.fleet.subscriptions.map((s) => ({ ...s })), workspaces: this.fleet.workspaces.map((w) => ({ ...w })) };
    }

    async getMachines(query: SubscriptionQuery): Promise<QueryResult<Machine>> {
        const inScope = this.subscriptionFilter(query);
        this.machineRows ??= this.machinesSorted.map((m) => m.machine);
        return ok(this.everyMachineIn(inScope) ? this.machineRows.slice() : this.machineRows.filter((m) => inScope(m.subscriptionId)));
    }

    async getMachineExtensions(query: SubscriptionQuery): Promise<QueryResult<MachineExtension>> {
        const inScope = this.subscriptionFilter(query);
        if (!this.extensionRows) {
            const silent = new Set(this.metrics.silentMachines().map((m) => m.computer));
            this.extensionRows = this.machinesSorted.flatMap((fm) => machineExtensions(this.fleet, fm, silent.has(fm.machine.name)));
        }
        const bySubscription = (e: MachineExtension) => inScope(e.machineId.split('/')[2] ?? '');
        return ok(this.everyMachineIn(inScope) ? this.extensionRows.slice() : this.extensionRows.filter(bySubscription));
    }

    async getSql(query: SubscriptionQuery): Promise<QueryResult<SqlEstate>> {
        const inScope = this.subscriptionFilter(query);
        return ok([
            {
                instances: this.sqlSorted.instances.filter((i) => inScope(i.subscriptionId)),
                databases: this.sqlSorted.databases.filter((d) => inScope(d.subscriptionId)),
            },
        ]);
    }

    async getPatchAssessments(query: SubscriptionQuery): Promise<QueryResult<PatchAssessment>> {
        const inScope = this.subscriptionFilter(query);
        this.assessmentRows ??= this.allPatches().map((p) => p.assessment);
        return ok(
            this.everyMachineIn(inScope) ? this.assessmentRows.slice() : this.assessmentRows.filter((a) => inScope(a.subscriptionId)),
        );
    }

    async getMissingPatches(query: SubscriptionQuery): Promise<QueryResult<MissingPatch>> {
        const inScope = this.subscriptionFilter(query);
        const patches = this.allPatches();
        if (this.everyMachineIn(inScope)) {
            this.missingRows ??= patches.flatMap((p) => p.missing);
            return ok(this.missingRows.slice());
        }
        const rows: MissingPatch[] = [];
        for (const p of patches) {
            if (inScope(p.assessment.subscriptionId)) {
                rows.push(...p.missing);
            }
        }
        return ok(rows);
    }

    async getSqlFindings(query: SqlFindingQuery): Promise<QueryResult<SqlFinding>> {
        const indexed = this.findingsIndex(query, this.sqlFindings, (fm) => this.assessments.sqlFindings(fm), compareSqlFindings);
        return ok(inRange(indexed, query));
    }

    async getWindowsFindings(query: WindowsFindingQuery): Promise<QueryResult<WindowsFinding>> {
        const indexed = this.findingsIndex(
            query,
            this.windowsFindings,
            (fm) => this.assessments.windowsFindings(fm),
            compareWindowsFindings,
        );
        return ok(inRange(indexed, query));
    }

    /**
     * The findings of the machines a query selects, sorted and indexed. A few named machines are generated and
     * sorted on the spot; a whole workspace is generated once and kept. Both orders come from the same comparator.
     */
    private findingsIndex<T extends { timeGenerated: string; computer: string; instanceName?: string }>(
        query: WorkspaceQuery,
        cache: FindingsCache<T>,
        build: (fm: FleetMachine) => T[],
        order: (a: T, b: T) => number,
    ): TimedRows<T> {
        const machines = this.selectMachines(query);
        const rowsOf = (fm: FleetMachine) => {
            let rows = cache.perMachine.get(fm.index);
            if (!rows) {
                rows = build(fm);
                cache.perMachine.set(fm.index, rows);
            }
            return rows;
        };
        const group = (row: T) => row.instanceName ?? '';
        if (query.computers) {
            return this.index(machines.flatMap(rowsOf).sort(order), group);
        }
        const workspaceId = this.workspace(query.workspaceId).customerId;
        let indexed = cache.perWorkspace.get(workspaceId);
        if (!indexed) {
            indexed = this.index(machines.flatMap(rowsOf).sort(order), group);
            cache.perWorkspace.set(workspaceId, indexed);
        }
        return indexed;
    }

    /** Parses times and ties rows to machines once, so each query is a scan over numbers. */
    private index<T extends { timeGenerated: string; computer: string }>(rows: T[], group: (row: T) => string): TimedRows<T> {
        const times = new Float64Array(rows.length);
        const machines = new Int32Array(rows.length);
        const groups = new Int32Array(rows.length);
        const groupIds = new Map<string, number>();
        rows.forEach((row, i) => {
            times[i] = Date.parse(row.timeGenerated);
            machines[i] = this.indexByName.get(row.computer.toLowerCase()) ?? -1;
            const key = `${machines[i]}\u0000${group(row)}`;
            let id = groupIds.get(key);
            if (id === undefined) {
                id = groupIds.size;
                groupIds.set(key, id);
            }
            groups[i] = id;
        });
        return { rows, times, machines, groups };
    }

    async getSoftware(query: SoftwareQuery): Promise<QueryResult<SoftwareItem>> {
        const from = query.from.getTime();
        const to = query.to.getTime();
        const rows: SoftwareItem[] = [];
        const workspaceId = this.workspace(query.workspaceId).customerId;
        // Inventory is a snapshot taken while the machine reports; it is in range when reporting overlaps it.
        if (this.metrics.dataStart > to) {
            return ok(rows);
        }
        // Asked about the past: the snapshot then is the one shown, seen at the end of the range.
        const seenThen = new Date(Math.floor(to / TIME.HOUR) * TIME.HOUR).toISOString();
        if (query.computers) {
            for (const fm of this.selectMachines(query)) {
                if (this.dataEnd(fm) < from) {
                    continue;
                }
                const software = this.softwareOf(fm);
                for (const item of software.items) {
                    if (query.includeUpdates || item.type !== 'Update') {
                        rows.push(software.lastSeen > to ? { ...item, lastSeen: seenThen } : item);
                    }
                }
            }
            return ok(rows);
        }
        // A whole workspace: copy ranges of its inventory laid end to end, not a row at a time from every machine.
        const index = this.softwareIndex(workspaceId, query.includeUpdates);
        const { start, lastReport, lastSeen } = index;
        let count = 0;
        for (let m = 0; m < lastReport.length; m++) {
            if (lastReport[m] >= from) {
                count += start[m + 1] - start[m];
            }
        }
        if (count === index.rows.length && !lastSeen.some((seen) => seen > to)) {
            return ok(index.rows.slice());
        }
        rows.length = count;
        let next = 0;
        for (let m = 0; m < lastReport.length; m++) {
            if (lastReport[m] < from) {
                continue;
            }
            const past = lastSeen[m] > to;
            for (let i = start[m]; i < start[m + 1]; i++) {
                rows[next++] = past ? { ...index.rows[i], lastSeen: seenThen } : index.rows[i];
            }
        }
        return ok(rows);
    }

    /** Every machine of the sample estate is one Resource Graph shows, so this finds what `computers` or `pattern` already names. */
    async findComputers(query: ComputerSearch): Promise<QueryResult<string>> {
        if (query.pattern !== undefined) {
            const matches = nameMatcher(query.pattern);
            const { computers: _all, ...everyMachine } = query;
            return ok(
                this.selectMachines(everyMachine)
                    .map((fm) => fm.machine.name)
                    .filter(matches)
                    .slice(0, MAX_FOUND_COMPUTERS),
            );
        }
        return ok(query.computers ? this.selectMachines(query).map((fm) => fm.machine.name) : []);
    }

    /** The latest free space of each machine's system disk (the one disk the sample's machines report), from its series. */
    async getDiskFreeSpace(query: WorkspaceQuery): Promise<QueryResult<DiskFreeSpace>> {
        const machines = new Map(this.selectMachines(query).map((fm) => [fm.machine.name, fm]));
        const series = await this.getMetricSeries({ ...query, metrics: ['diskFree'], stepMs: DISK_SPACE_STEP_MS });
        const rows: DiskFreeSpace[] = [];
        for (const s of series.rows) {
            const fm = machines.get(s.computer);
            let last = s.values.length - 1;
            while (last >= 0 && !Number.isFinite(s.values[last])) {
                last--;
            }
            if (fm && last >= 0) {
                const sizeMb = systemDiskGb(fm) * 1024;
                rows.push({
                    computer: s.computer,
                    counter: s.counter,
                    freeMb: Math.round((s.values[last] / 100) * sizeMb),
                    at: new Date(s.start + last * s.stepMs).toISOString(),
                });
            }
        }
        return { rows, warnings: series.warnings };
    }

    async getSoftwareChanges(query: SoftwareChangeQuery): Promise<QueryResult<SoftwareChange>> {
        const from = query.from.getTime();
        const to = query.to.getTime();
        if (query.computers) {
            // A few machines: collect and sort their changes directly.
            const rows: SoftwareChange[] = [];
            for (const fm of this.selectMachines(query)) {
                const { changes, changeTimes } = this.softwareOf(fm);
                for (let i = 0; i < changes.length; i++) {
                    if (changeTimes[i] >= from && changeTimes[i] <= to) {
                        rows.push(changes[i]);
                    }
                }
            }
            return ok(rows.sort(compareChanges));
        }
        // A whole workspace: sort its changes once, then every query is a scan.
        const workspaceId = this.workspace(query.workspaceId).customerId;
        let indexed = this.changesByWorkspace.get(workspaceId);
        if (!indexed) {
            const rows: SoftwareChange[] = [];
            for (const fm of this.selectMachines(query)) {
                rows.push(...this.softwareOf(fm).changes);
            }
            indexed = this.index(rows.sort(compareChanges), () => '');
            this.changesByWorkspace.set(workspaceId, indexed);
        }
        const out: SoftwareChange[] = [];
        for (let i = 0; i < indexed.rows.length; i++) {
            if (indexed.times[i] >= from && indexed.times[i] <= to) {
                out.push(indexed.rows[i]);
            }
        }
        return ok(out);
    }

    async getMetricSeries(query: MetricQuery): Promise<QueryResult<MetricSeries>> {
        if (!(query.stepMs > 0)) {
            throw new UserError(`The metric step must be a positive number of milliseconds, not ${query.stepMs}.`);
        }
        const from = query.from.getTime();
        const to = query.to.getTime();
        const metrics = METRIC_KINDS.filter((k: MetricKind) => query.metrics.includes(k));
        const rows: MetricSeries[] = [];
        if (to <= from) {
            return ok(rows);
        }
        const arena = new SeriesArena();
        let delivered = 0;
        let points = 0;
        for (const fm of this.selectMachines(query)) {
            for (const metric of metrics) {
                const series = this.metrics.series(fm, metric, from, to, query.stepMs, arena);
                if (series) {
                    rows.push(series);
                    points += series.values.length;
                }
            }
            if (query.onSeries && points >= SERIES_BATCH_POINTS) {
                query.onSeries(rows.slice(delivered));
                delivered = rows.length;
                points = 0;
                // The event loop back between batches: the caller's workers answer, and a cancellation gets through.
                await new Promise((resolve) => setImmediate(resolve));
                query.signal?.throwIfAborted();
            }
        }
        if (query.onSeries && delivered < rows.length) {
            query.onSeries(rows.slice(delivered));
        }
        return ok(rows);
    }

    groundTruth(): InjectedAnomaly[] {
        return this.metrics.groundTruth();
    }

    growingDisks(): GrowingDisk[] {
        return this.metrics.growingDisks();
    }

    lowDisks(): LowDisk[] {
        return this.metrics.lowDisks();
    }

    silentMachines(): SilentMachine[] {
        return this.metrics.silentMachines();
    }

    fullyPatchedMachines(): string[] {
        const recent = this.fleet.anchor - 7 * TIME.DAY;
        return this.allPatches()
            .filter((p) => p.assessment.assessedAt !== undefined && Date.parse(p.assessment.assessedAt) >= recent && p.missing.length === 0)
            .map((p) => p.assessment.machineName);
    }

    machinesNotAssessed(): string[] {
        const recent = this.fleet.anchor - 7 * TIME.DAY;
        return this.allPatches()
            .filter(
                (p) =>
                    p.assessment.assessedAt === undefined ||
                    Date.parse(p.assessment.assessedAt) < recent ||
                    p.assessment.status === 'Failed',
            )
            .map((p) => p.assessment.machineName);
    }

    databasesWithoutRecentBackup(): BackupTruth[] {
        return this.sql.databases
            .map((database) => ({ database, state: this.sql.backupStates.get(database.id) ?? 'ok' }))
            .filter((b) => b.state === 'never' || b.state === 'stale');
    }

    databasesWithoutLogBackup(): SqlDatabase[] {
        return this.sql.databases.filter((db) => db.recoveryModel !== 'Simple' && (this.sql.backupStates.get(db.id) ?? 'ok') !== 'ok');
    }

    /** Patches of every machine in name order, built once. */
    private allPatches(): MachinePatches[] {
        this.patches ??= this.machinesSorted.map((fm) => machinePatches(this.fleet, fm));
        return this.patches;
    }

    /** A workspace's inventory (with or without installed updates) in machine name order, built on first use and kept. */
    private softwareIndex(workspaceId: string, includeUpdates: boolean): SoftwareIndex {
        const key = `${workspaceId}\u0000${includeUpdates}`;
        let index = this.softwareByWorkspace.get(key);
        if (!index) {
            const machines = this.machinesSorted.filter((fm) => fm.machine.workspaceId === workspaceId);
            const rows: SoftwareItem[] = [];
            const start = new Int32Array(machines.length + 1);
            const lastReport = new Float64Array(machines.length);
            const lastSeen = new Float64Array(machines.length);
            machines.forEach((fm, m) => {
                const software = this.softwareOf(fm);
                for (const item of software.items) {
                    if (includeUpdates || item.type !== 'Update') {
                        rows.push(item);
                    }
                }
                start[m + 1] = rows.length;
                lastReport[m] = this.dataEnd(fm);
                lastSeen[m] = software.lastSeen;
            });
            index = { rows, start, lastReport, lastSeen };
            this.softwareByWorkspace.set(key, index);
        }
        return index;
    }

    /** The SQL Server releases on a machine, from its instances (so its inventory lists what GetSqlMetadata lists). */
    private sqlBuildsOf(fm: FleetMachine): SqlBuild[] {
        if (!fm.sqlInstances) {
            return [];
        }
        if (!this.sqlBuilds) {
            this.sqlBuilds = new Map();
            for (const i of this.sql.instances) {
                const builds = this.sqlBuilds.get(i.machineId ?? '') ?? [];
                builds.push({ version: i.version, build: i.currentVersion ?? '' });
                this.sqlBuilds.set(i.machineId ?? '', builds);
            }
        }
        return this.sqlBuilds.get(fm.machine.id) ?? [];
    }
    private sqlBuilds?: Map<string, SqlBuild[]>;

    /**
     * When the machine's data in Log Analytics ends: when it stopped reporting, or when its monitoring agent went quiet
     * while Azure still shows it connected. Its metric series end there, and so do its inventory, software changes and
     * assessment runs: one time per machine for every record that reaches a workspace.
     */
    private dataEnd(fm: FleetMachine): number {
        return this.metrics.profile(fm).dataEnd;
    }

    /**
     * The free space (%) of a machine's system volume at a time, as its hourly series has it (the resolution GetAnomalies
     * and the disk figures read): the latest sample at or before that time, or the first one for a time before the data.
     */
    private systemDiskFree(fm: FleetMachine): (at: number) => number | undefined {
        const series = this.metrics.series(fm, 'diskFree', this.metrics.dataStart, this.fleet.anchor, TIME.HOUR, this.diskArena);
        if (!series) {
            return () => undefined;
        }
        const values = series.values.slice();
        this.diskArena.giveBack(series.values);
        const start = series.start;
        return (at) => {
            const bin = Math.min(values.length - 1, Math.floor((at - start) / TIME.HOUR));
            for (let i = bin; i >= 0; i--) {
                if (values[i] === values[i]) {
                    return values[i];
                }
            }
            return values.find((v) => v === v);
        };
    }
    private readonly diskArena = new SeriesArena();

    private softwareOf(fm: FleetMachine): MachineSoftware {
        let software = this.software.get(fm.index);
        if (!software) {
            software = machineSoftware(this.fleet, fm, this.sqlBuildsOf(fm), this.dataEnd(fm));
            this.software.set(fm.index, software);
        }
        return software;
    }

    /** Whether a query covers the subscriptions of every machine, so its answer is every row (the usual question). */
    private everyMachineIn(inScope: (subscriptionId: string) => boolean): boolean {
        this.machineSubscriptions ??= [...new Set(this.fleet.machines.map((fm) => fm.machine.subscriptionId))];
        return this.machineSubscriptions.every(inScope);
    }

    /**
     * Resource Graph answers only for the subscriptions asked for; an unknown id simply matches nothing. Rows share a
     * few subscription id strings, so each is lower-cased and decided once per query rather than once per row.
     */
    private subscriptionFilter(query: SubscriptionQuery): (subscriptionId: string) => boolean {
        const wanted = new Set(query.subscriptionIds.map((id) => id.trim().toLowerCase()));
        const verdicts = new Map<string, boolean>();
        let lastId: string | undefined;
        let lastVerdict = false;
        return (id) => {
            if (id !== lastId) {
                let verdict = verdicts.get(id);
                if (verdict === undefined) {
                    verdict = wanted.has(id.toLowerCase());
                    verdicts.set(id, verdict);
                }
                lastId = id;
                lastVerdict = verdict;
            }
            return lastVerdict;
        };
    }

    private workspace(id: string): Workspace {
        const wanted = id.trim().toLowerCase();
        const match = this.fleet.workspaces.find((w) => w.customerId.toLowerCase() === wanted || w.name.toLowerCase() === wanted);
        if (!match) {
            const known = this.fleet.workspaces.map((w) => `${w.customerId} (${w.name})`).join(', ');
            throw new UserError(
                `Workspace ${JSON.stringify(id.slice(0, 80))} is not a known Log Analytics workspace of the sample estate. Known workspaces: ${known}.`,
            );
        }
        return match;
    }

    /** Machines reporting to the query's workspace (and among `computers` when given), in name order. */
    private selectMachines(query: WorkspaceQuery): FleetMachine[] {
        const workspace = this.workspace(query.workspaceId);
        const names = query.computers ? new Set(query.computers.map(hostName)) : undefined;
        return this.machinesSorted.filter(
            (fm) => fm.machine.workspaceId === workspace.customerId && (!names || names.has(hostName(fm.machine.name))),
        );
    }
}

/** The resolution at which the latest free space of a disk is read: hourly, as GetAnomalies reads the % by default. */
const DISK_SPACE_STEP_MS = TIME.HOUR;

/**
 * A machine's system disk in GB: the usual Azure OS disk sizes (127 GB for Windows images, 30 GB for Linux ones) or a
 * larger one, fixed per machine.
 */
function systemDiskGb(fm: FleetMachine): number {
    const sizes = fm.machine.osType === 'windows' ? [127, 127, 256, 512] : [30, 30, 64, 128];
    return sizes[Math.abs(Math.trunc(fm.key)) % sizes.length];
}

/** Points per batch of series handed to a query's `onSeries` (a few milliseconds of generating). */
const SERIES_BATCH_POINTS = 250_000;

function ok<T>(rows: T[]): QueryResult<T> {
    return { rows, warnings: [] };
}

/** Generated rows with their times parsed and their machine (and instance, for SQL) numbered. */
interface TimedRows<T> {
    rows: T[];
    times: Float64Array;
    machines: Int32Array;
    groups: Int32Array;
}

/** A workspace's inventory: every machine's items end to end, machine m's in `rows[start[m]]` up to `rows[start[m + 1]]`. */
interface SoftwareIndex {
    rows: SoftwareItem[];
    start: Int32Array;
    /** Epoch ms per machine: when it last reported (its inventory is in a range that reaches back this far)… */
    lastReport: Float64Array;
    /** …and when its latest inventory snapshot was taken. */
    lastSeen: Float64Array;
}

/** Newest first, then by computer and software name; both ways of answering change queries sort with this. */
function compareChanges(a: SoftwareChange, b: SoftwareChange): number {
    return (
        compareText(b.timeGenerated, a.timeGenerated) ||
        compareText(a.computer.toLowerCase(), b.computer.toLowerCase()) ||
        compareText(a.name, b.name) ||
        compareText(a.changeCategory, b.changeCategory)
    );
}

/** Findings generated per machine, and sorted per workspace once asked for. */
interface FindingsCache<T> {
    perMachine: Map<number, T[]>;
    perWorkspace: Map<string, TimedRows<T>>;
}

/** Newest run first, then computer, instance, check and target, so every answer lists findings in the same order. */
/**
 * The indexed findings in the query's range; with `latestRunOnly`, only the latest run of each group (an instance, or a
 * computer) in the range. Rows are newest first, so the first run met per group is its latest.
 */
function inRange<T extends { assessmentId: string }>(
    { rows, times, groups }: TimedRows<T>,
    query: WorkspaceQuery & { latestRunOnly: boolean },
): T[] {
    const from = query.from.getTime();
    const to = query.to.getTime();
    const out: T[] = [];
    if (!query.latestRunOnly) {
        for (let i = 0; i < rows.length; i++) {
            if (times[i] >= from && times[i] <= to) {
                out.push(rows[i]);
            }
        }
        return out;
    }
    // Per group, the row that first showed its latest run (-1: none yet).
    let groupCount = 0;
    for (const group of groups) {
        groupCount = Math.max(groupCount, group + 1);
    }
    const latestRow = new Int32Array(groupCount).fill(-1);
    for (let i = 0; i < rows.length; i++) {
        if (times[i] < from || times[i] > to) {
            continue;
        }
        const first = latestRow[groups[i]];
        if (first < 0) {
            latestRow[groups[i]] = i;
        } else if (times[first] !== times[i]) {
            // Another run. Here a run's rows share one time and no two runs of a group share one, so the time tells runs
            // apart — the ids would too, at a microsecond a comparison (they are built by concatenation), where a time
            // is one number.
            continue;
        }
        out.push(rows[i]);
    }
    return out;
}

function compareSqlFindings(a: SqlFinding, b: SqlFinding): number {
    return (
        compareText(b.timeGenerated, a.timeGenerated) ||
        compareText(a.computer.toLowerCase(), b.computer.toLowerCase()) ||
        compareText(a.instanceName, b.instanceName) ||
        compareText(a.checkId, b.checkId) ||
        compareText(a.targetName, b.targetName)
    );
}

/** Newest run first, then computer, recommendation and affected object. */
function compareWindowsFindings(a: WindowsFinding, b: WindowsFinding): number {
    return (
        compareText(b.timeGenerated, a.timeGenerated) ||
        compareText(a.computer.toLowerCase(), b.computer.toLowerCase()) ||
        compareText(a.recommendation, b.recommendation) ||
        compareText(a.affectedObjectName, b.affectedObjectName)
    );
}
