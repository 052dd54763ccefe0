/**
 * The Azure source: `InfraSource` over Azure Resource Graph (machines, SQL, patches, scopes) and Log Analytics
 * (assessments, software, metric series). Queries come from `queries.ts`; this file moves them over the wire
 * safely — paging, subscription batches, quotas, concurrency, timeouts, cancellation — and maps answers to records.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import { randomUUID } from 'node:crypto';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpHeaders, PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import { LogsQueryClient, LogsQueryResultStatus, type LogsQueryResult, type LogsTable } from '@azure/monitor-query-logs';
import type {
    Machine,
    DiskFreeSpace,
    MachineExtension,
    MetricKind,
    MetricSeries,
    MissingPatch,
    PatchAssessment,
    PatchInstallation,
    Scopes,
    SoftwareChange,
    SoftwareItem,
    SqlFinding,
    WindowsFinding,
    Workspace,
} from '../../core/model';
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
import { hostName, MAX_FOUND_COMPUTERS, SourceError, UserError } from '../../core/source';
import { truncate } from '../../core/timespan';
import { chooseCredential, CLOUD_NAMES, CLOUDS, type CloudName, type CredentialKind } from './credentials';
import { toSourceError, type ErrorContext } from './errors';
import { guid, isGuid } from './kql';
import * as map from './mapping';
import * as q from './queries';

export { TokenBridgeCredential, TOKEN_BRIDGE_ENV, TOKEN_BRIDGE_SECRET_ENV } from './tokenBridge';
export type { TokenBridgeRequest, TokenBridgeResponse } from './tokenBridge';
export { CLOUD_NAMES, type CloudName } from './credentials';

/** How to build the Azure source. Everything is optional: the defaults suit a person who ran `az login`. */
export interface AzureSourceOptions {
    /** Use this credential instead of choosing one (bridge → env tokens → DefaultAzureCredential). */
    credential?: TokenCredential;
    cloud?: CloudName;
    /** Tenant to sign in to; empty means the account's home tenant. */
    tenantId?: string;
    /** Resource Manager endpoint override (sovereign or private clouds, tests). */
    armEndpoint?: string;
    /** Log Analytics endpoint override, including `/v1`. */
    logsEndpoint?: string;
    defaultWorkspaceId?: string;
    /** Subscriptions `listScopes` is limited to; all visible ones when absent. */
    subscriptionIds?: string[];
    /** Environment to read credentials and overrides from (default `process.env`). */
    env?: NodeJS.ProcessEnv;
    /** An extra CA certificate (PEM) to trust for these clients only: TLS-inspecting proxies, and the test fake. */
    caCertPem?: string;
    /** Per-request timeout for Resource Graph (default 60 s). */
    graphTimeoutMs?: number;
    /** Server-side timeout of a Log Analytics query in seconds (default 180, at most 600). */
    logsServerTimeoutSeconds?: number;
    /** Most Log Analytics queries in flight (default and maximum 5, the per-user limit). */
    logsConcurrency?: number;
    /** Retries after a 429/503 (default 6); waits follow `Retry-After`. */
    maxRetries?: number;
}

/** The Azure source plus a credential check for `--source auto`. */
export interface AzureSource extends InfraSource {
    readonly kind: 'azure';
    readonly credentialKind: CredentialKind;
    /** Tries to get a Resource Manager token; never throws. */
    probe(timeoutMs?: number): Promise<{ ok: true } | { ok: false; reason: string }>;
}

const ENV = {
    armEndpoint: 'INFRA_INSIGHTS_ARM_ENDPOINT',
    logsEndpoint: 'INFRA_INSIGHTS_LOGS_ENDPOINT',
    tenantId: 'INFRA_INSIGHTS_TENANT_ID',
    cloud: 'INFRA_INSIGHTS_CLOUD',
    workspaceId: 'INFRA_INSIGHTS_WORKSPACE_ID',
    subscriptionIds: 'INFRA_INSIGHTS_SUBSCRIPTION_IDS',
} as const;

/**
 * Reads the Azure settings the extension (or a person) passes in the environment: `INFRA_INSIGHTS_CLOUD`,
 * `INFRA_INSIGHTS_TENANT_ID`, `INFRA_INSIGHTS_WORKSPACE_ID`, `INFRA_INSIGHTS_SUBSCRIPTION_IDS` (comma-separated),
 * `INFRA_INSIGHTS_ARM_ENDPOINT`, `INFRA_INSIGHTS_LOGS_ENDPOINT`. Credentials are read later from the same `env`.
 * @throws UserError for a cloud name or id that is not valid, naming the variable.
 */
export function azureSourceOptionsFromEnv(env: NodeJS.ProcessEnv): AzureSourceOptions {
    const cloudText = env[ENV.cloud]?.trim();
    const cloud = cloudText ? CLOUD_NAMES.find((c) => c.toLowerCase() === cloudText.toLowerCase()) : undefined;
    if (cloudText && !cloud) {
        throw new UserError(`${ENV.cloud}: ${JSON.stringify(truncate(cloudText, 40))} is not a cloud; use ${CLOUD_NAMES.join(', ')}.`);
    }
    const tenant = env[ENV.tenantId]?.trim();
    const workspace = env[ENV.workspaceId]?.trim();
    const subscriptions = env[ENV.subscriptionIds]
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    return {
        cloud,
        tenantId: tenant ? guid(tenant, ENV.tenantId) : undefined,
        defaultWorkspaceId: workspace || undefined,
        subscriptionIds: subscriptions?.length ? subscriptions.map((s) => guid(s, ENV.subscriptionIds)) : undefined,
        armEndpoint: env[ENV.armEndpoint]?.trim() || undefined,
        logsEndpoint: env[ENV.logsEndpoint]?.trim() || undefined,
        env,
    };
}

/**
 * Creates the Azure source. Nothing touches the network until the first query; a missing sign-in surfaces as a
 * `SourceError('auth')` on that query (or from `probeAzure`).
 */
export function createAzureSource(options: AzureSourceOptions = {}): AzureSource {
    return new AzureInfraSource(options);
}

/** Whether the source's credential can get a token: `--source auto` picks Azure only when this says ok. */
export function probeAzure(source: AzureSource, timeoutMs = 10_000): Promise<{ ok: true } | { ok: false; reason: string }> {
    return source.probe(timeoutMs);
}

/** Resource Graph accepts many subscriptions per request; 100 keeps each request well under its limits (docs: < 300). */
export const SUBSCRIPTION_BATCH = 100;
/** Resource Graph's largest page. */
export const GRAPH_PAGE_SIZE = 1000;
/** Values (series × bins) per metric answer: far below the 64 MB Log Analytics limit at ~20 bytes per value. */
const SERIES_VALUE_BUDGET = 1_000_000;
/** Series expected per computer and metric (cpu has one; disks have one per volume). */
const SERIES_PER_METRIC = { cpu: 1, diskFree: 4, diskTransfers: 4 } as const;

const CONTEXT_HEADER = 'x-infra-insights-context';

interface RequestContext {
    signal?: AbortSignal;
    timeoutMs: number;
    onHeaders?: (headers: HttpHeaders) => void;
    /** The response body as received (a reference to the text the SDK read, not a copy). */
    onBody?: (body: string | null | undefined) => void;
}

/** The context of each request, for the per-attempt policy (the retry policy sends the same request object again). */
const attemptContexts = new WeakMap<PipelineRequest, RequestContext>();

/**
 * Each attempt's deadline and the caller's signal, applied by us rather than through `request.timeout`: the SDK's HTTP
 * client (ts-http-runtime 0.3) clears its own timeout timer only when a response arrives, so every cancelled or failed
 * attempt left a timer running for the whole timeout (3.5 minutes for Log Analytics) — holding the request in memory and
 * keeping a CLI from exiting after it had printed its error. Ours is cleared however the attempt ends.
 */
export const attemptPolicy: PipelinePolicy = {
    name: 'infraInsightsAttemptDeadline',
    sendRequest: async (request, next) => {
        const context = attemptContexts.get(request);
        if (!context) {
            return stopRetryingUnreachable(request, next);
        }
        const callerSignal = request.abortSignal;
        const attempt = new AbortController();
        const abort = () => attempt.abort();
        if (callerSignal?.aborted) {
            attempt.abort();
        }
        callerSignal?.addEventListener('abort', abort);
        const deadline = setTimeout(abort, context.timeoutMs);
        request.abortSignal = attempt.signal;
        request.timeout = 0;
        try {
            return await stopRetryingUnreachable(request, next);
        } finally {
            clearTimeout(deadline);
            callerSignal?.removeEventListener('abort', abort);
            request.abortSignal = callerSignal;
        }
    },
};

/**
 * Errors that mean the endpoint could not be reached at all (no such host, connection refused, no route) rather than a
 * connection that broke: the SDK retries them like any transient error — six times with growing waits, 38 seconds before
 * a person offline hears "cannot reach" — so after UNREACHABLE_ATTEMPTS of them a request stops.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
export const UNREACHABLE_ATTEMPTS = 3;
const unreachableAttempts = new WeakMap<PipelineRequest, number>();

async function stopRetryingUnreachable(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
    try {
        return await next(request);
    } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
            const attempts = (unreachableAttempts.get(request) ?? 0) + 1;
            unreachableAttempts.set(request, attempts);
            if (attempts >= UNREACHABLE_ATTEMPTS) {
                // The SDK's retry policy retries only its own RestError: a plain error with the same code ends the request.
                throw Object.assign(new Error((error as Error).message), { code });
            }
        }
        throw error;
    }
}

class AzureInfraSource implements AzureSource {
    readonly kind = 'azure' as const;
    readonly description: string;
    readonly defaultWorkspaceId?: string;
    readonly credentialKind: CredentialKind;
    private readonly credential: TokenCredential;
    private readonly graph: ResourceGraphClient;
    private readonly logs: LogsQueryClient;
    private readonly armScope: string;
    private readonly contexts = new Map<string, RequestContext>();
    private readonly quota = new QuotaGate();
    private readonly logsSlots: Semaphore;
    private readonly graphTimeoutMs: number;
    private readonly logsServerTimeoutSeconds: number;
    private readonly subscriptionIds?: string[];
    private scopesCache?: { at: number; value: Promise<Scopes> };

    constructor(options: AzureSourceOptions) {
        const env = options.env ?? process.env;
        const cloudName = options.cloud ?? 'AzureCloud';
        const cloud = CLOUDS[cloudName];
        const tenantId = options.tenantId;
        const chosen = chooseCredential(env, cloud, tenantId, options.credential);
        this.credential = chosen.credential;
        this.credentialKind = chosen.kind;
        this.armScope = cloud.armScope;
        this.defaultWorkspaceId = options.defaultWorkspaceId;
        this.subscriptionIds = options.subscriptionIds;
        this.graphTimeoutMs = options.graphTimeoutMs ?? 60_000;
        this.logsServerTimeoutSeconds = Math.min(600, Math.max(1, options.logsServerTimeoutSeconds ?? 180));
        this.logsSlots = new Semaphore(Math.min(5, Math.max(1, options.logsConcurrency ?? 5)));
        const armEndpoint = options.armEndpoint ?? env[ENV.armEndpoint] ?? cloud.arm;
        const logsEndpoint = options.logsEndpoint ?? env[ENV.logsEndpoint] ?? cloud.logs;
        const agent = options.caCertPem
            ? new https.Agent({ ca: [...tls.rootCertificates, options.caCertPem], keepAlive: true })
            : undefined;
        const policy = this.contextPolicy(agent);
        const retryOptions = { maxRetries: options.maxRetries ?? 6, maxRetryDelayInMs: 120_000 };
        this.graph = new ResourceGraphClient(this.credential, {
            endpoint: armEndpoint,
            credentials: { scopes: [cloud.armScope] },
            additionalPolicies: [
                { policy, position: 'perCall' },
                { policy: attemptPolicy, position: 'perRetry' },
            ],
            retryOptions,
        });
        this.logs = new LogsQueryClient(this.credential, {
            endpoint: logsEndpoint,
            credentials: { scopes: [cloud.logsScope] },
            additionalPolicies: [
                { policy, position: 'perCall' },
                { policy: attemptPolicy, position: 'perRetry' },
            ],
            retryOptions,
        });
        const how: Record<CredentialKind, string> = {
            given: 'given credential',
            'vscode-bridge': 'VS Code sign-in',
            'env-tokens': 'tokens from the environment',
            default: 'DefaultAzureCredential (az login, managed identity or service principal)',
        };
        this.description = `Azure (${cloudName}${tenantId ? `, tenant ${tenantId}` : ''}; ${how[this.credentialKind]})`;
    }

    now(): Date {
        return new Date();
    }

    async probe(timeoutMs = 10_000): Promise<{ ok: true } | { ok: false; reason: string }> {
        try {
            const token = await this.credential.getToken(this.armScope, { abortSignal: AbortSignal.timeout(timeoutMs) });
            return token ? { ok: true } : { ok: false, reason: 'No Azure token is available; run az login.' };
        } catch (error) {
            return { ok: false, reason: toSourceError(error, { service: 'graph' }).message };
        }
    }

    /**
     * The Log Analytics client drops `abortSignal` and `onResponse` from its options (1.0.0), but passes request
     * headers through. So every call registers its signal, timeout and header callback under a random id sent in a
     * private header, and this policy applies them and removes the header before the request leaves.
     */
    private contextPolicy(agent: https.Agent | undefined): PipelinePolicy {
        return {
            name: 'infraInsightsRequestContext',
            sendRequest: async (request, next) => {
                const id = request.headers.get(CONTEXT_HEADER);
                const context = id ? this.contexts.get(id) : undefined;
                request.headers.delete(CONTEXT_HEADER);
                if (context) {
                    attemptContexts.set(request, context);
                    if (context.signal) {
                        // Seen by the retry policy too, so that a cancellation also ends a wait between attempts.
                        request.abortSignal = context.signal;
                    }
                }
                if (agent) {
                    request.agent = agent;
                }
                const response = await next(request);
                context?.onHeaders?.(response.headers);
                context?.onBody?.(response.bodyAsText);
                return response;
            },
        };
    }

    private async withContext<T>(context: RequestContext, run: (headers: Record<string, string>) => Promise<T>): Promise<T> {
        const id = randomUUID();
        this.contexts.set(id, context);
        try {
            return await run({ [CONTEXT_HEADER]: id });
        } finally {
            this.contexts.delete(id);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Resource Graph

    /**
     * Runs one query over all subscriptions: batches of 100, pages of 1,000 until no skip token comes back (not
     * until `resultTruncated` says so — it is "false" while more pages exist). Rows are mapped page by page.
     */
    private async queryGraph<T>(
        built: q.BuiltQuery,
        subscriptionIds: string[] | undefined,
        mapRow: (row: map.GraphRow) => T,
        options: QueryOptions | undefined,
        what: string,
    ): Promise<QueryResult<T>> {
        const signal = options?.signal;
        const rows: T[] = [];
        const warnings: string[] = [];
        const batches: (string[] | undefined)[] = [];
        if (subscriptionIds === undefined) {
            batches.push(undefined);
        } else {
            const ids = [...new Set(subscriptionIds.map((s) => guid(s, 'Subscription id')))];
            for (let i = 0; i < ids.length; i += SUBSCRIPTION_BATCH) {
                batches.push(ids.slice(i, i + SUBSCRIPTION_BATCH));
            }
        }
        for (const batch of batches) {
            let skipToken: string | undefined;
            let pages = 0;
            do {
                signal?.throwIfAborted();
                await this.quota.ready(signal);
                let limitHit = false;
                const response = await this.withContext(
                    {
                        signal,
                        timeoutMs: this.graphTimeoutMs,
                        onHeaders: (h) => {
                            this.quota.observe(h);
                            limitHit ||= h.get('x-ms-tenant-subscription-limit-hit') === 'true';
                        },
                    },
                    (headers) =>
                        this.graph.resources(
                            {
                                query: built.text,
                                subscriptions: batch,
                                options: { top: GRAPH_PAGE_SIZE, skipToken, resultFormat: 'table' },
                            },
                            { requestOptions: { headers }, abortSignal: signal },
                        ),
                ).catch((error: unknown) => {
                    throw signal?.aborted
                        ? new SourceError('The request was cancelled.', 'cancelled')
                        : toSourceError(error, { service: 'graph', subscriptionIds: batch });
                });
                pages++;
                for (const row of map.graphRowsOf(response.data)) {
                    rows.push(mapRow(row));
                }
                options?.progress?.(`Read ${rows.length.toLocaleString('en')} ${what} from Resource Graph…`);
                if (limitHit) {
                    warnings.push(
                        'Resource Graph used only the first 10,000 subscriptions of the tenant; name the subscriptions to see the rest.',
                    );
                }
                const next = typeof response.skipToken === 'string' && response.skipToken ? response.skipToken : undefined;
                if (!next && String(response.resultTruncated) === 'true') {
                    warnings.push(
                        `Resource Graph truncated the answer after ${rows.length.toLocaleString('en')} rows (${response.totalRecords} exist); narrow the subscriptions.`,
                    );
                }
                if (next && next === skipToken) {
                    throw new SourceError(
                        'Resource Graph returned the same page token twice; the answer cannot be completed.',
                        'badResponse',
                    );
                }
                skipToken = next;
                if (pages > 100_000) {
                    throw new SourceError('Resource Graph kept returning pages; stopped after 100,000.', 'badResponse');
                }
            } while (skipToken);
        }
        return { rows, warnings };
    }

    async listScopes(options?: QueryOptions): Promise<Scopes> {
        const subscriptions = await this.queryGraph(
            q.subscriptionsQuery(),
            this.subscriptionIds,
            map.toSubscription,
            options,
            'subscriptions',
        );
        const workspaces = await this.queryGraph(q.workspacesQuery(), this.subscriptionIds, map.toWorkspace, options, 'workspaces');
        const scopes = { subscriptions: subscriptions.rows, workspaces: workspaces.rows.filter((w) => w.customerId) };
        this.scopesCache = { at: Date.now(), value: Promise.resolve(scopes) };
        return scopes;
    }

    async getMachines(query: SubscriptionQuery): Promise<QueryResult<Machine>> {
        const machines = await this.queryGraph(q.machinesQuery(), query.subscriptionIds, map.toMachine, query, 'machines');
        // Then, only where there are Azure VMs (after the machines, so the two do not race for the same quota window), their
        // network interfaces. The addresses are a detail: without them (no read access to network interfaces) the machines
        // still count. No progress of their own: the machines' is what a person waits for.
        const vms = machines.rows.filter((m) => m.kind === 'azure-vm' && m.ipAddresses.length === 0);
        if (vms.length === 0) {
            return machines;
        }
        const subscriptions = [...new Set(vms.map((m) => m.subscriptionId))];
        const nics = await this.queryGraph(
            q.vmAddressesQuery(),
            subscriptions,
            map.toVmAddresses,
            { signal: query.signal },
            'network interfaces',
        ).catch((error: unknown) => {
            if (query.signal?.aborted) {
                throw error;
            }
            return {
                rows: [],
                warnings: [`The IP addresses of Azure VMs could not be read (${error instanceof Error ? error.message : String(error)}).`],
            };
        });
        const addresses = new Map<string, string[]>();
        for (const nic of nics.rows) {
            addresses.set(nic.vmKey, [...(addresses.get(nic.vmKey) ?? []), ...nic.addresses]);
        }
        for (const vm of vms) {
            vm.ipAddresses = addresses.get(vm.id.toLowerCase()) ?? [];
        }
        return { rows: machines.rows, warnings: [...machines.warnings, ...nics.warnings] };
    }

    getMachineExtensions(query: SubscriptionQuery): Promise<QueryResult<MachineExtension>> {
        return this.queryGraph(q.machineExtensionsQuery(), query.subscriptionIds, map.toMachineExtension, query, 'machine extensions');
    }

    async getSql(query: SubscriptionQuery): Promise<QueryResult<SqlEstate>> {
        // Three independent reads, side by side (each pages on its own).
        const [instances, databases, sqlVms] = await Promise.all([
            this.queryGraph(q.sqlInstancesQuery(), query.subscriptionIds, map.toSqlInstance, query, 'SQL Server instances'),
            this.queryGraph(q.sqlDatabasesQuery(), query.subscriptionIds, map.toSqlDatabase, query, 'databases'),
            this.queryGraph(q.sqlVirtualMachinesQuery(), query.subscriptionIds, map.toSqlVirtualMachine, query, 'SQL virtual machines'),
        ]);
        return {
            rows: [{ instances: [...instances.rows, ...sqlVms.rows], databases: databases.rows }],
            warnings: [...instances.warnings, ...databases.warnings, ...sqlVms.warnings],
        };
    }

    async getPatchAssessments(query: SubscriptionQuery): Promise<QueryResult<PatchAssessment>> {
        // One after the other, so that the two do not race for the same quota window.
        const assessments = await this.queryGraph(
            q.patchAssessmentsQuery(),
            query.subscriptionIds,
            map.toPatchAssessment,
            query,
            'patch assessments',
        );
        const runs = await this.queryGraph(
            q.patchInstallationsQuery(),
            query.subscriptionIds,
            map.toPatchInstallation,
            query,
            'patch installations',
        );
        const latest = new Map<string, PatchInstallation>();
        for (const run of runs.rows) {
            const known = run && latest.get(run.machineKey);
            if (run && (!known || Date.parse(run.installation.at) > Date.parse(known.at))) {
                latest.set(run.machineKey, run.installation);
            }
        }
        for (const assessment of assessments.rows) {
            const installation = latest.get(assessment.machineId.toLowerCase());
            if (installation) {
                assessment.lastInstallation = installation;
            }
        }
        return { rows: assessments.rows, warnings: [...assessments.warnings, ...runs.warnings] };
    }

    getMissingPatches(query: SubscriptionQuery): Promise<QueryResult<MissingPatch>> {
        return this.queryGraph(q.missingPatchesQuery(), query.subscriptionIds, map.toMissingPatch, query, 'missing patches');
    }

    // -----------------------------------------------------------------------------------------
    // Log Analytics

    /** Runs one Log Analytics query with at most 5 in flight, and turns a partial answer into rows plus a warning. */
    private async queryLogs(
        workspaceId: string,
        built: q.BuiltQuery,
        window: q.LogsWindow,
        table: string,
        signal: AbortSignal | undefined,
    ): Promise<{ table: LogsTable; warnings: string[] }> {
        const context: ErrorContext = { service: 'logs', workspaceId, table };
        await this.logsSlots.acquire(signal);
        let result: LogsQueryResult;
        // The SDK keeps a partial answer's details but drops each detail's inner error, which says what went wrong and how
        // badly (a warning, or rows lost): read from the body as received, and parsed only if the answer is partial.
        let body: string | null | undefined;
        const onBody = (text: string | null | undefined) => {
            body = text;
        };
        try {
            signal?.throwIfAborted();
            result = await this.withContext({ signal, timeoutMs: (this.logsServerTimeoutSeconds + 30) * 1000, onBody }, (headers) =>
                this.logs.queryWorkspace(
                    workspaceId,
                    built.text,
                    { startTime: window.from, endTime: window.to },
                    { serverTimeoutInSeconds: this.logsServerTimeoutSeconds, requestOptions: { headers } },
                ),
            );
        } catch (error) {
            if (signal?.aborted) {
                throw new SourceError('The request was cancelled.', 'cancelled');
            }
            const mapped = toSourceError(error, context);
            if (mapped instanceof SourceError && mapped.code === 'notFound' && !/table/i.test(mapped.message)) {
                throw await this.unknownWorkspace(workspaceId, mapped, signal);
            }
            throw mapped;
        } finally {
            this.logsSlots.release();
        }
        const warnings: string[] = [];
        let tables: LogsTable[];
        const bodyError = result.status === LogsQueryResultStatus.PartialFailure ? errorOfBody(body) : undefined;
        if (result.status === LogsQueryResultStatus.PartialFailure && onlyAbsentUnionTables(built.text, bodyError)) {
            // A fuzzy union over a table the workspace lacks (no VM Insights, no Heartbeat yet) is answered in full, with
            // a warning per absent table: nothing is missing from the rows.
            tables = result.partialTables ?? [];
        } else if (result.status === LogsQueryResultStatus.PartialFailure) {
            tables = result.partialTables ?? [];
            const said = innerMessages(bodyError)[0] ?? result.partialError?.message;
            const reason = said ? truncate(String(said).replace(/\s+/g, ' '), 200) : 'no reason given';
            warnings.push(
                `Log Analytics returned a partial answer for ${table} (${reason}); some rows are missing. A shorter timespan or fewer machines gives a complete one.`,
            );
        } else {
            tables = result.tables ?? [];
        }
        const first = tables[0];
        if (!first || !Array.isArray(first.rows) || !Array.isArray(first.columnDescriptors)) {
            if (warnings.length > 0) {
                return {
                    table: {
                        name: 'PrimaryResult',
                        columnDescriptors: built.columns.map((name) => ({ name, type: 'string' as const })),
                        rows: [],
                    },
                    warnings,
                };
            }
            throw new SourceError(
                `Log Analytics answered the ${table} query without a result table; the answer cannot be used.`,
                'badResponse',
            );
        }
        if (first.rows.length > q.LOGS_ROW_CAP) {
            first.rows.length = q.LOGS_ROW_CAP;
            warnings.push(
                `Only the first ${q.LOGS_ROW_CAP.toLocaleString('en')} ${table} rows are shown; narrow the timespan or name the machines.`,
            );
        }
        return { table: first, warnings };
    }

    /** A workspace Log Analytics does not know: the caller's mistake when it is not among the visible ones. */
    private async unknownWorkspace(workspaceId: string, fallback: SourceError, signal?: AbortSignal): Promise<Error> {
        try {
            const scopes = await this.knownScopes(signal);
            if (scopes.workspaces.some((w) => w.customerId.toLowerCase() === workspaceId.toLowerCase())) {
                return fallback;
            }
            return new UserError(
                `Workspace ${workspaceId} is not a Log Analytics workspace visible to this account. ${describeWorkspaces(scopes.workspaces)}`,
            );
        } catch {
            return fallback;
        }
    }

    private knownScopes(signal?: AbortSignal): Promise<Scopes> {
        if (!this.scopesCache || Date.now() - this.scopesCache.at > 5 * 60_000) {
            const value = this.listScopes({ signal });
            this.scopesCache = { at: Date.now(), value };
            value.catch(() => (this.scopesCache = undefined));
        }
        return this.scopesCache.value;
    }

    /** Checks the workspace id before any query: a name or a typo becomes a `UserError` listing the real ones. */
    private async workspaceOf(query: WorkspaceQuery): Promise<string> {
        const id = query.workspaceId.trim();
        if (isGuid(id)) {
            return id.toLowerCase();
        }
        let known = '';
        try {
            known = ` ${describeWorkspaces((await this.knownScopes(query.signal)).workspaces)}`;
        } catch {
            // Listing is a courtesy; the message stands without it.
        }
        throw new UserError(
            `Workspace ${JSON.stringify(truncate(query.workspaceId))} is not a workspace id (the GUID "Workspace ID").${known}`,
        );
    }

    private window(query: WorkspaceQuery): q.LogsWindow {
        if (!(query.from.getTime() < query.to.getTime())) {
            throw new UserError('The time range is empty: "from" must be before "to".');
        }
        // One name per host: the query matches host names, so `WEB01` and `web01.contoso.local` are the same machine there.
        const computers = [
            ...new Map(
                (query.computers ?? [])
                    .map((c) => c.trim())
                    .filter(Boolean)
                    .map((c) => [hostName(c), c]),
            ).values(),
        ];
        return { from: query.from, to: query.to, computers: computers.length > 0 ? computers : undefined };
    }

    async getSqlFindings(query: SqlFindingQuery): Promise<QueryResult<SqlFinding>> {
        const workspaceId = await this.workspaceOf(query);
        const built = q.sqlFindingsQuery({ ...this.window(query), latestRunOnly: query.latestRunOnly });
        const { table, warnings } = await this.queryLogs(workspaceId, built, this.window(query), 'SqlAssessment_CL', query.signal);
        return { rows: map.toSqlFindings(table, built.columns), warnings };
    }

    async getWindowsFindings(query: WindowsFindingQuery): Promise<QueryResult<WindowsFinding>> {
        const workspaceId = await this.workspaceOf(query);
        const built = q.windowsFindingsQuery({
            ...this.window(query),
            latestRunOnly: query.latestRunOnly,
            minWeight: query.minWeight,
            focusAreaContains: query.focusAreaContains,
        });
        const { table, warnings } = await this.queryLogs(
            workspaceId,
            built,
            this.window(query),
            'WindowsServerAssessmentRecommendation',
            query.signal,
        );
        return { rows: map.toWindowsFindings(table, built.columns), warnings };
    }

    async getSoftware(query: SoftwareQuery): Promise<QueryResult<SoftwareItem>> {
        const workspaceId = await this.workspaceOf(query);
        const built = q.softwareQuery({
            ...this.window(query),
            includeUpdates: query.includeUpdates,
            nameContains: query.nameContains,
            publisherContains: query.publisherContains,
        });
        const { table, warnings } = await this.queryLogs(workspaceId, built, this.window(query), 'ConfigurationData', query.signal);
        return { rows: map.toSoftware(table, built.columns), warnings };
    }

    async getSoftwareChanges(query: SoftwareChangeQuery): Promise<QueryResult<SoftwareChange>> {
        const workspaceId = await this.workspaceOf(query);
        const built = q.softwareChangesQuery({ ...this.window(query), nameContains: query.nameContains, categories: query.categories });
        const { table, warnings } = await this.queryLogs(workspaceId, built, this.window(query), 'ConfigurationChange', query.signal);
        return { rows: map.toSoftwareChanges(table, built.columns), warnings };
    }

    async getDiskFreeSpace(query: WorkspaceQuery): Promise<QueryResult<DiskFreeSpace>> {
        const workspaceId = await this.workspaceOf(query);
        const window = this.window(query);
        const built = q.diskFreeSpaceQuery(window);
        const { table, warnings } = await this.queryLogs(workspaceId, built, window, 'Perf', query.signal);
        return { rows: map.toDiskFreeSpace(table, built.columns), warnings };
    }

    async findComputers(query: ComputerSearch): Promise<QueryResult<string>> {
        const window: q.LogsWindow = { ...this.window(query), namePattern: query.pattern };
        if (!window.computers && window.namePattern === undefined) {
            return { rows: [], warnings: [] };
        }
        const workspaceId = await this.workspaceOf(query);
        const built = q.reportingComputersQuery(window);
        const { table, warnings } = await this.queryLogs(workspaceId, built, window, 'Heartbeat', query.signal);
        const ix = map.columnIndex(table, built.columns, 'computer list');
        const rows = table.rows.map((r) => String(r[ix.Computer] ?? '')).filter(Boolean);
        if (rows.length > MAX_FOUND_COMPUTERS && query.pattern !== undefined) {
            throw new UserError(
                `server_name ${JSON.stringify(truncate(query.pattern))} matches more than ${MAX_FOUND_COMPUTERS} machines that report to this workspace but that Resource Graph does not show you: give a narrower pattern.`,
            );
        }
        return { rows: rows.slice(0, MAX_FOUND_COMPUTERS), warnings };
    }

    /**
     * CPU and disk series from `Perf` and `InsightsMetrics` (VM Insights), each metric of a machine from the table that
     * holds it — `Perf` when both do. Computers are fetched in batches sized so that one answer holds about a million
     * values, far below Log Analytics' limits.
     */
    async getMetricSeries(query: MetricQuery): Promise<QueryResult<MetricSeries>> {
        const workspaceId = await this.workspaceOf(query);
        const window = this.window(query);
        if (query.metrics.length === 0) {
            return { rows: [], warnings: [] };
        }
        const warnings: string[] = [];
        const tablesBuilt = q.metricTablesQuery({ ...window, metrics: query.metrics });
        const found = await this.queryLogs(workspaceId, tablesBuilt, window, 'Perf', query.signal);
        warnings.push(...found.warnings);
        const sourceIx = map.columnIndex(found.table, tablesBuilt.columns, 'metric table');
        const present = new Set(found.table.rows.map((r) => String(r[sourceIx.SourceTable])));
        const tables = q.METRIC_TABLES.filter((t) => present.has(t));
        if (tables.length === 0) {
            warnings.push('No Perf or InsightsMetrics data in this workspace for the time range: no CPU or disk counters are collected.');
            return { rows: [], warnings };
        }
        // The workspace's own names of the machines first (all, or those the host names select), so that the series
        // queries over the largest table filter by exact name, which the workspace's index serves.
        const listedPerTable = await Promise.all(
            tables.map(async (table) => {
                const listBuilt = q.metricComputersQuery({ ...window, table, metrics: query.metrics });
                const listed = await this.queryLogs(workspaceId, listBuilt, window, table, query.signal);
                warnings.push(...listed.warnings);
                const ix = map.columnIndex(listed.table, listBuilt.columns, 'computer list');
                return listed.table.rows
                    .map((r) => ({ computer: String(r[ix.Computer] ?? ''), metric: String(r[ix.Metric] ?? '') as MetricKind }))
                    .filter((p) => p.computer && query.metrics.includes(p.metric));
            }),
        );
        // Each (machine, metric) from the first table that has it: a machine's CPU may be in Perf (a SQL Server counter set)
        // while VM Insights alone sends its disks. Matched by host name across tables (one may say web01, the other
        // web01.contoso.local); within a table every name is read, since a renamed machine's names each hold their days.
        const taken = new Set<string>();
        const groups = new Map<string, { table: q.MetricTable; metrics: MetricKind[]; computers: string[] }>();
        tables.forEach((table, t) => {
            const metricsOf = new Map<string, MetricKind[]>();
            for (const { computer, metric } of listedPerTable[t]) {
                if (!taken.has(`${hostName(computer)}|${metric}`)) {
                    metricsOf.set(computer, [...(metricsOf.get(computer) ?? []), metric]);
                }
            }
            for (const [computer, metrics] of metricsOf) {
                metrics.forEach((m) => taken.add(`${hostName(computer)}|${m}`));
                const ordered = query.metrics.filter((m) => metrics.includes(m));
                const key = `${table}|${ordered.join(',')}`;
                const group = groups.get(key) ?? { table, metrics: ordered, computers: [] };
                group.computers.push(computer);
                groups.set(key, group);
            }
        });
        const bins = Math.max(1, Math.ceil((window.to.getTime() - window.from.getTime()) / query.stepMs));
        const batches: { table: q.MetricTable; metrics: MetricKind[]; computers: string[] }[] = [];
        for (const { table, metrics, computers } of groups.values()) {
            const perComputer = metrics.reduce((n, m) => n + SERIES_PER_METRIC[m], 0);
            const batchSize = Math.max(1, Math.min(500, Math.floor(SERIES_VALUE_BUDGET / (bins * perComputer))));
            for (let i = 0; i < computers.length; i += batchSize) {
                batches.push({ table, metrics, computers: computers.slice(i, i + batchSize) });
            }
        }
        // Each batch's series go to `onSeries` as soon as every batch before it has answered (the order of the rows),
        // so the caller's detection runs while the later batches are still being fetched.
        const ready: MetricSeries[][] = [];
        let nextToDeliver = 0;
        const answers = await Promise.all(
            batches.map(async ({ table, metrics, computers: batch }, k) => {
                const built = q.metricSeriesQuery({
                    ...window,
                    computers: batch,
                    exactComputers: true,
                    table,
                    metrics,
                    stepMs: query.stepMs,
                });
                const answer = await this.queryLogs(workspaceId, built, window, table, query.signal);
                // Every series starts at `from`: the query does not send the time axis, which doubled the answer's size.
                const unreadable: string[] = [];
                const rows = withoutRedundantTotals(
                    map.toMetricSeries(answer.table, built.columns, window.from.getTime(), query.stepMs, (what) => unreadable.push(what)),
                );
                if (unreadable.length > 0) {
                    answer.warnings.push(
                        `Log Analytics sent ${unreadable.length === 1 ? 'a series' : `${unreadable.length} series`} that could not be read (not a list of values), left out: ${unreadable.slice(0, 5).join(', ')}${unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : ''}.`,
                    );
                }
                ready[k] = rows;
                while (query.onSeries && ready[nextToDeliver] !== undefined) {
                    query.onSeries(ready[nextToDeliver]);
                    nextToDeliver++;
                }
                return { rows, warnings: answer.warnings };
            }),
        );
        const rows: MetricSeries[] = [];
        for (const a of answers) {
            rows.push(...a.rows);
            warnings.push(...a.warnings);
        }
        return { rows, warnings };
    }
}

/**
 * Drops a machine's `_Total` disk series when it also reports its volumes: the aggregate would list the same space
 * twice (and a nearly full C: could hide behind a roomy D:). A machine that reports only `_Total` keeps it. A batch
 * holds every series of its computers, so this is decided per batch.
 */
export function withoutRedundantTotals(rows: MetricSeries[]): MetricSeries[] {
    const totalPrefix = `${q.PERF_TOTAL_INSTANCE} `;
    const withVolumes = new Set(
        rows.filter((s) => s.metric !== 'cpu' && !s.counter.startsWith(totalPrefix)).map((s) => `${s.computer}\u0000${s.metric}`),
    );
    return rows.filter(
        (s) => s.metric === 'cpu' || !s.counter.startsWith(totalPrefix) || !withVolumes.has(`${s.computer}\u0000${s.metric}`),
    );
}

function describeWorkspaces(workspaces: Workspace[]): string {
    if (workspaces.length === 0) {
        return 'No Log Analytics workspace is visible to this account.';
    }
    const listed = workspaces.slice(0, 10).map((w) => `${w.name} (${w.customerId})`);
    return `Known workspaces: ${listed.join(', ')}${workspaces.length > 10 ? `, and ${workspaces.length - 10} more` : ''}.`;
}

/** `hh:mm:ss` (Resource Graph's quota reset) in milliseconds. */
function parseResetAfter(text: string | undefined): number | undefined {
    const m = text ? /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text.trim()) : null;
    return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 : undefined;
}

/**
 * Resource Graph's per-user quota (documented example: 15 queries per 5 s). Every answer says how many queries are
 * left and when the window resets; when none are left the next request waits for the reset instead of earning a 429.
 */
class QuotaGate {
    private blockedUntil = 0;

    observe(headers: HttpHeaders): void {
        const remaining = Number(headers.get('x-ms-user-quota-remaining'));
        const resetMs = parseResetAfter(headers.get('x-ms-user-quota-resets-after'));
        if (Number.isFinite(remaining) && remaining <= 0) {
            // A little jitter so parallel servers of one user do not all return at the same instant.
            this.blockedUntil = Math.max(this.blockedUntil, Date.now() + (resetMs ?? 5000) + Math.floor(Math.random() * 100));
        }
    }

    async ready(signal?: AbortSignal): Promise<void> {
        const wait = this.blockedUntil - Date.now();
        if (wait > 0) {
            await sleep(wait, signal);
        }
    }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(new SourceError('The request was cancelled.', 'cancelled'));
            return;
        }
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(new SourceError('The request was cancelled.', 'cancelled'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/** At most `size` holders; Log Analytics queues a user's sixth concurrent query and answers 429 after 3 minutes. */
class Semaphore {
    private active = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(private readonly size: number) {}

    acquire(signal?: AbortSignal): Promise<void> {
        if (this.active < this.size) {
            this.active++;
            return Promise.resolve();
        }
        return new Promise((resolve, reject) => {
            const grant = () => {
                signal?.removeEventListener('abort', onAbort);
                this.active++;
                resolve();
            };
            const onAbort = () => {
                const i = this.waiting.indexOf(grant);
                if (i >= 0) {
                    this.waiting.splice(i, 1);
                }
                reject(new SourceError('The request was cancelled.', 'cancelled'));
            };
            this.waiting.push(grant);
            signal?.addEventListener('abort', onAbort, { once: true });
        });
    }

    release(): void {
        this.active--;
        this.waiting.shift()?.();
    }
}

/**
 * Whether a partial answer's every complaint is a warning that a table of a fuzzy union does not exist. The union asks
 * for that leniency; Log Analytics still reports each absent table as a warning-level `PartialError` detail.
 */
function onlyAbsentUnionTables(query: string, error: unknown): boolean {
    const inner = innerErrors(error);
    return (
        /^union isfuzzy=true\b/.test(query) &&
        inner.length > 0 &&
        inner.every(
            (e) =>
                e?.severityName === 'Warning' &&
                typeof e.message === 'string' &&
                /Failed to resolve table (?:or column )?expression named/i.test(e.message),
        )
    );
}

type InnerError = { message?: unknown; severityName?: unknown } | undefined;

function errorOfBody(body: string | null | undefined): unknown {
    try {
        return body ? (JSON.parse(body) as { error?: unknown } | null)?.error : undefined;
    } catch {
        return undefined; // the SDK read it, so this does not happen; the partial answer is then reported as such
    }
}

/** The inner error of each detail of a Log Analytics error body (undefined where a detail has none). */
function innerErrors(error: unknown): InnerError[] {
    const details = (error as { details?: unknown } | null | undefined)?.details;
    return Array.isArray(details) ? details.map((d: unknown) => (d as { innererror?: InnerError } | null)?.innererror) : [];
}

/** The engine's own words for what went wrong, where the details carry them: errors before warnings (an absent table of a fuzzy union is only a warning; the rows were lost to the error). */
function innerMessages(error: unknown): string[] {
    const said = innerErrors(error).filter((e) => typeof e?.message === 'string' && e.message !== '');
    return [...said.filter((e) => e?.severityName !== 'Warning'), ...said.filter((e) => e?.severityName === 'Warning')].map((e) =>
        String(e?.message),
    );
}
