import type {
    ChangeCategory,
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
    SourceKind,
    SqlDatabase,
    SqlFinding,
    SqlInstance,
    WindowsFinding,
} from './model';

/**
 * Rows plus what the caller must be told about them. A source never drops rows silently:
 * when Azure returns a partial answer (throttled, truncated, `PartialFailure`) the rows it has
 * come back with a warning saying what is missing and why.
 */
export interface QueryResult<T> {
    rows: T[];
    warnings: string[];
}

/** Options every query accepts. */
export interface QueryOptions {
    /** Aborts in-flight requests (MCP cancellation, a closed table). */
    signal?: AbortSignal;
    /** Told how far a long read has got (a source may never call it). */
    progress?: (message: string) => void;
}

/** Resource Graph-backed queries are scoped by subscription. */
export interface SubscriptionQuery extends QueryOptions {
    /** Subscription ids to search; never empty (tools default it to every visible subscription). */
    subscriptionIds: string[];
}

/** Log Analytics-backed queries are scoped by one workspace and a time range. */
export interface WorkspaceQuery extends QueryOptions {
    /** Workspace customer id. */
    workspaceId: string;
    from: Date;
    to: Date;
    /**
     * Only these machines, by name as Azure knows them (case-insensitive); all when absent. A machine matches under its
     * host name or any FQDN that starts with it (`hostName`): Log Analytics reports a domain-joined machine as
     * `web01.contoso.local` where Resource Graph says `web01`.
     */
    computers?: string[];
}

/** Which machines `findComputers` looks for: `computers` by name, or the names that match `pattern`. */
export interface ComputerSearch extends WorkspaceQuery {
    /**
     * A `server_name` pattern (`*` for any characters, case-insensitive) matched against the whole reported name and its
     * host part. A pattern matching more than {@link MAX_FOUND_COMPUTERS} names is refused as too wide.
     */
    pattern?: string;
}

/** Most machines `findComputers` names. */
export const MAX_FOUND_COMPUTERS = 100;

/** The host part of a machine name (before the first dot), lower case: what Azure and Log Analytics names agree on. */
export function hostName(name: string): string {
    const dot = name.indexOf('.');
    return (dot > 0 ? name.slice(0, dot) : name).toLowerCase();
}

export interface SqlFindingQuery extends WorkspaceQuery {
    /** Only the most recent assessment run of each instance. */
    latestRunOnly: boolean;
}

/**
 * Filters a source may apply where the data is (so that no row cap cuts matching rows away first). A source may also
 * ignore them: the tools apply them again to what comes back. Text filters are "contains, case-insensitive".
 */
export interface WindowsFindingQuery extends WorkspaceQuery {
    /** Only the most recent assessment run of each computer. */
    latestRunOnly: boolean;
    minWeight?: number;
    focusAreaContains?: string;
}

export interface SoftwareQuery extends WorkspaceQuery {
    /** Include installed updates (`SoftwareType == "Update"`) as well as applications and packages. */
    includeUpdates: boolean;
    nameContains?: string;
    publisherContains?: string;
}

export interface SoftwareChangeQuery extends WorkspaceQuery {
    nameContains?: string;
    categories?: readonly ChangeCategory[];
}

export interface MetricQuery extends WorkspaceQuery {
    metrics: MetricKind[];
    /** Bin width of the returned series. */
    stepMs: number;
    /**
     * Receives the series in batches as they become ready, in the order of the rows the query resolves with, so the
     * caller can start on them while the rest are fetched or computed. A source may never call it: the rows are
     * all in the result either way.
     */
    onSeries?: (batch: readonly MetricSeries[]) => void;
}

export interface SqlEstate {
    instances: SqlInstance[];
    databases: SqlDatabase[];
}

/**
 * Where the estate's facts come from: the embedded sample estate or Azure.
 * Queries are typed (the tools never see KQL); each source decides how to answer them.
 */
export interface InfraSource {
    readonly kind: SourceKind;
    /** One line for people: which source, which account or seed. */
    readonly description: string;
    /** The workspace to use when a caller names none (from settings or flags). */
    readonly defaultWorkspaceId?: string;
    /** Current time; the sample estate's clock is injectable so tests are deterministic. */
    now(): Date;

    listScopes(options?: QueryOptions): Promise<Scopes>;
    getMachines(query: SubscriptionQuery): Promise<QueryResult<Machine>>;
    /** The machines' monitoring-agent extensions, and every extension of theirs that is not in the Succeeded state. */
    getMachineExtensions(query: SubscriptionQuery): Promise<QueryResult<MachineExtension>>;
    getSql(query: SubscriptionQuery): Promise<QueryResult<SqlEstate>>;
    getPatchAssessments(query: SubscriptionQuery): Promise<QueryResult<PatchAssessment>>;
    getMissingPatches(query: SubscriptionQuery): Promise<QueryResult<MissingPatch>>;
    getSqlFindings(query: SqlFindingQuery): Promise<QueryResult<SqlFinding>>;
    getWindowsFindings(query: WindowsFindingQuery): Promise<QueryResult<WindowsFinding>>;
    getSoftware(query: SoftwareQuery): Promise<QueryResult<SoftwareItem>>;
    getSoftwareChanges(query: SoftwareChangeQuery): Promise<QueryResult<SoftwareChange>>;
    getMetricSeries(query: MetricQuery): Promise<QueryResult<MetricSeries>>;
    /**
     * The names under which `query.computers` (by host name) sent anything to the workspace in the window: how a machine
     * that Resource Graph does not show this account — one in a subscription it cannot read, whose agent reports to a
     * central workspace it can — is still found by name.
     */
    findComputers(query: ComputerSearch): Promise<QueryResult<string>>;
    /** The latest free megabytes of the disks of `query.computers` (all machines when absent) in the window. */
    getDiskFreeSpace(query: WorkspaceQuery): Promise<QueryResult<DiskFreeSpace>>;
}

/**
 * A mistake the caller can fix (bad timespan, unknown workspace or machine). Tools turn it
 * into an MCP `isError` result; anything else thrown is a bug or an outage and is reported as such.
 */
export class UserError extends Error {
    override readonly name = 'UserError';
}

/**
 * The source cannot answer for a reason outside the caller's input (not signed in, no access,
 * table absent, Azure unavailable). The message is one or two sentences a person can act on.
 */
export class SourceError extends Error {
    override readonly name = 'SourceError';
    constructor(
        message: string,
        readonly code:
            'auth' | 'forbidden' | 'notFound' | 'throttled' | 'timeout' | 'unavailable' | 'badResponse' | 'cancelled' = 'unavailable',
    ) {
        super(message);
    }
}

/**
 * A case-insensitive matcher for a machine name pattern (`*` = any characters), comparing host names. A name asked with
 * its domain matches a name without one, or one whose domain agrees (the same, or one ends with the other: web01.contoso.com
 * and web01.eu.contoso.com), but not the same host in another domain (web01.fabrikam.org).
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
    const wanted = pattern.toLowerCase();
    if (!wanted.includes('*')) {
        const wantedHost = hostName(wanted);
        const wantedDomain = domainOf(wanted);
        return (name) => hostName(name) === wantedHost && (wantedDomain === '' || domainsAgree(wantedDomain, domainOf(name)));
    }
    const regex = new RegExp(`^${wanted.split('*').map(escapeRegExp).join('.*')}$`, 'i');
    return (name) => regex.test(name) || regex.test(hostName(name));
}

/** The domain part of a host name ("corp.contoso.com" of "web01.corp.contoso.com"), lower case; "" without one. */
export function domainOf(name: string): string {
    const dot = name.indexOf('.');
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function domainsAgree(a: string, b: string): boolean {
    return b === '' || a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
