/**
 * A local HTTPS fake of Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`) and Log Analytics
 * (`POST /v1/workspaces/{id}/query`) speaking the documented wire formats: skip-token paging, quota headers,
 * 429 + Retry-After, OneAPI error bodies, `PartialError`. Reusable: the VS Code extension tests point a real server
 * at it with `INFRA_INSIGHTS_ARM_ENDPOINT`, `INFRA_INSIGHTS_LOGS_ENDPOINT` and `NODE_EXTRA_CA_CERTS` (a file holding
 * `caCertPem`).
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { testCertificate } from './cert';
import { buildFakeEstate, graphRows, logsTable, type FakeEstate, type FakeEstateOptions } from './estate';

export { buildFakeEstate, fakeGuid, FAKE_TENANT, sqlVirtualMachines } from './estate';
export type { FakeEstate, FakeEstateOptions, FakeMachine } from './estate';

export type FakeService = 'graph' | 'logs';

/** A canned answer served instead of the normal one. */
export interface FakeFault {
    status: number;
    headers?: Record<string, string>;
    /** An object is sent as JSON; a string as is (malformed bodies). */
    body?: unknown;
    /** Serve the normal answer but mark it partial (Log Analytics `PartialError`), keeping half the rows. */
    partial?: boolean;
    /** Let this many requests pass before the fault fires (default 0). */
    skip?: number;
    /** Fire only for a query containing this text (requests in parallel arrive in any order); any query when absent. */
    when?: string;
}

export interface AzureFakeOptions {
    estate?: FakeEstateOptions | FakeEstate;
    /** Largest page the fake serves (Resource Graph's is 1,000). */
    maxPageSize?: number;
    /** Per-user quota like Resource Graph's (e.g. 15 per 5 s); the fake sends the quota headers and 429s beyond it. */
    quota?: { limit: number; windowMs: number };
    /** Bearer tokens the fake accepts; anything else gets 401. Any token when absent. */
    tokens?: { arm?: string; logs?: string };
    /** Log Analytics tables that do not exist (400 "Failed to resolve table"). */
    missingTables?: string[];
    /** Columns that no table has (400 "Failed to resolve scalar expression"): a schema that differs from the documented one. */
    missingColumns?: string[];
    /** Which metric table the workspace has (default Perf). */
    metricTable?: 'Perf' | 'InsightsMetrics' | 'both' | 'split' | 'none';
    /** Delay of each Log Analytics answer, to observe concurrency. */
    logsDelayMs?: number;
    /** Delay of each Resource Graph answer, to exercise client timeouts. */
    graphDelayMs?: number;
}

/** What the fake saw. */
export interface FakeRequest {
    service: FakeService;
    path: string;
    query: string;
    subscriptions?: string[];
    skipToken?: string;
    top?: number;
    status: number;
    hasBearer: boolean;
}

/** A request the fake holds open (see `AzureFake.hold`). */
export interface HeldRequest {
    /** Resolves when the held request has arrived. */
    arrived: Promise<FakeRequest>;
    /** Resolves when the client closed the connection before the fake answered (the request was aborted). */
    abandoned: Promise<void>;
    /** Answers the held request normally. */
    release(): void;
}

export interface AzureFake {
    armEndpoint: string;
    /** Includes `/v1`, as the Log Analytics SDK wants an explicit endpoint. */
    logsEndpoint: string;
    caCertPem: string;
    estate: FakeEstate;
    requests: FakeRequest[];
    /** Most Log Analytics queries the fake held at once. */
    maxLogsInFlight: number;
    /** Queue a fault for the next request(s) to a service. */
    fail(service: FakeService, fault: FakeFault): void;
    /** Hold the next request to a service unanswered until the client gives up or `release()` is called. */
    hold(service: FakeService): HeldRequest;
    /** Forget cached Resource Graph answers; call after changing `estate`. */
    resetCache(): void;
    close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a throwaway certificate. */
export async function startAzureFake(options: AzureFakeOptions = {}): Promise<AzureFake> {
    const cert = testCertificate();
    const estate =
        options.estate && 'machines' in options.estate && Array.isArray(options.estate.machines)
            ? (options.estate as FakeEstate)
            : buildFakeEstate(options.estate as FakeEstateOptions | undefined);
    const faults: Record<FakeService, FakeFault[]> = { graph: [], logs: [] };
    const requests: FakeRequest[] = [];
    const quotaLog: number[] = [];
    let logsInFlight = 0;
    const state = { maxLogsInFlight: 0 };
    const graphCache = new Map<string, Record<string, unknown>[]>();
    const holds: Record<FakeService, { arrive: (r: FakeRequest) => void; released: Promise<void>; abandon: () => void }[]> = {
        graph: [],
        logs: [],
    };

    const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
        const chunks: Buffer[] = [];
        const abandoned = new Promise<void>((resolve) => res.on('close', () => !res.writableFinished && resolve()));
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            void handle(req.url ?? '/', req.headers.authorization, Buffer.concat(chunks).toString('utf8'), abandoned).then(
                ({ status, headers, body }) => {
                    if (res.destroyed) {
                        return;
                    }
                    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
                    res.end(typeof body === 'string' ? body : JSON.stringify(body));
                },
                (error: unknown) => {
                    res.writeHead(500, { 'content-type': 'application/json' });
                    res.end(JSON.stringify({ error: { code: 'FakeBug', message: String(error) } }));
                },
            );
        });
    });

    function takeFault(service: FakeService, query: string): FakeFault | undefined {
        // The first queued fault for this query: one with `when` waits for a query that contains its text.
        const at = faults[service].findIndex((f) => f.when === undefined || query.includes(f.when));
        const next = faults[service][at];
        if (!next) {
            return undefined;
        }
        if (next.skip && next.skip > 0) {
            next.skip--;
            return undefined;
        }
        return faults[service].splice(at, 1)[0];
    }

    async function handle(
        url: string,
        authorization: string | undefined,
        text: string,
        abandoned: Promise<void>,
    ): Promise<{ status: number; headers?: Record<string, string>; body: unknown }> {
        const path = url.split('?')[0];
        const service: FakeService | undefined = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)
            ? 'graph'
            : /^\/v1\/workspaces\/[^/]+\/query$/i.test(path)
              ? 'logs'
              : undefined;
        let body: Record<string, unknown> = {};
        try {
            body = JSON.parse(text || '{}') as Record<string, unknown>;
        } catch {
            return { status: 400, body: { error: { code: 'BadRequest', message: 'Body is not JSON.' } } };
        }
        const query = typeof body.query === 'string' ? body.query : '';
        const record: FakeRequest = {
            service: service ?? 'graph',
            path,
            query,
            status: 200,
            hasBearer: /^Bearer \S+/.test(authorization ?? ''),
        };
        requests.push(record);
        const answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
            record.status = status;
            return { status, body: payload, headers };
        };
        if (!service) {
            return answer(404, { error: { code: 'NotFound', message: `No route ${path}` } });
        }
        const expected = service === 'graph' ? options.tokens?.arm : options.tokens?.logs;
        if (!record.hasBearer || (expected && authorization !== `Bearer ${expected}`)) {
            return answer(
                401,
                { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
                { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' },
            );
        }
        const held = holds[service].shift();
        if (held) {
            held.arrive(record);
            await Promise.race([held.released, abandoned.then(held.abandon)]);
        }
        if (service === 'graph') {
            if (options.graphDelayMs) {
                await new Promise((r) => setTimeout(r, options.graphDelayMs));
            }
            return answer(...(await handleGraph(body, record)));
        }
        logsInFlight++;
        state.maxLogsInFlight = Math.max(state.maxLogsInFlight, logsInFlight);
        try {
            if (options.logsDelayMs) {
                await new Promise((r) => setTimeout(r, options.logsDelayMs));
            }
            return answer(...handleLogs(path, query));
        } finally {
            logsInFlight--;
        }
    }

    async function handleGraph(body: Record<string, unknown>, record: FakeRequest): Promise<[number, unknown, Record<string, string>?]> {
        const opts = (body.options ?? {}) as Record<string, unknown>;
        record.subscriptions = Array.isArray(body.subscriptions) ? (body.subscriptions as string[]) : undefined;
        record.skipToken = typeof opts.$skipToken === 'string' ? opts.$skipToken : undefined;
        record.top = typeof opts.$top === 'number' ? opts.$top : undefined;
        const quotaHeaders: Record<string, string> = {};
        if (options.quota) {
            const now = Date.now();
            while (quotaLog.length > 0 && quotaLog[0] <= now - options.quota.windowMs) {
                quotaLog.shift();
            }
            if (quotaLog.length >= options.quota.limit) {
                const wait = quotaLog[0] + options.quota.windowMs - now;
                return [
                    429,
                    { error: { code: 'RateLimiting', message: 'Please provide below info when asking for support: ...' } },
                    { 'retry-after': String(Math.ceil(wait / 1000)), ...quotaClock(0, wait) },
                ];
            }
            quotaLog.push(now);
            Object.assign(quotaHeaders, quotaClock(options.quota.limit - quotaLog.length, quotaLog[0] + options.quota.windowMs - now));
        }
        const fault = takeFault('graph', record.query);
        if (fault) {
            return [fault.status, fault.body ?? {}, { ...quotaHeaders, ...fault.headers }];
        }
        if (record.subscriptions && record.subscriptions.length > 1000) {
            return [400, { error: { code: 'BadRequest', message: 'Too many subscriptions.' } }];
        }
        const query = record.query;
        // Resource Graph's rule: at most one join across tables, unless every one is between resources and resourcecontainers.
        const tables = ['resources', 'patchassessmentresources', 'patchinstallationresources', 'resourcecontainers'].filter((t) =>
            new RegExp(`(^|[\\s(])${t}\\b`).test(query),
        );
        if (tables.length > 2 && tables.some((t) => t !== 'resources' && t !== 'resourcecontainers')) {
            return [
                400,
                { error: { code: 'BadRequest', message: 'Query is invalid: the number of cross-table joins exceeds the limit.' } },
            ];
        }
        let all = graphCache.get(query);
        if (!all) {
            all = graphRows(estate, query);
            if (!all) {
                return [400, { error: { code: 'InvalidQuery', message: 'The fake does not know this query.' } }];
            }
            all.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
            graphCache.set(query, all);
        }
        const subs = record.subscriptions?.map((s) => s.toLowerCase());
        const rows = subs ? all.filter((r) => subs.includes(String(r.subscriptionId ?? String(r.id).split('/')[2]).toLowerCase())) : all;
        const offset = record.skipToken ? Number(Buffer.from(record.skipToken, 'base64url').toString('utf8').split(':')[1]) : 0;
        const size = Math.min(record.top ?? 100, options.maxPageSize ?? 1000);
        const page = rows.slice(offset, offset + size);
        const more = offset + size < rows.length;
        return [
            200,
            {
                totalRecords: rows.length,
                count: page.length,
                resultTruncated: 'false',
                ...(more ? { $skipToken: Buffer.from(`offset:${offset + size}`).toString('base64url') } : {}),
                data: opts.resultFormat === 'objectArray' ? page : asTable(page),
                facets: [],
            },
            quotaHeaders,
        ];
    }

    /** Log Analytics' 400 for a query that names what does not exist. */
    function semanticError(message: string): [number, unknown] {
        return [
            400,
            {
                error: {
                    code: 'BadArgumentError',
                    message: 'The request had some invalid properties',
                    innererror: { code: 'SemanticError', message },
                },
            },
        ];
    }

    function handleLogs(path: string, query: string): [number, unknown, Record<string, string>?] {
        const workspace = decodeURIComponent(path.split('/')[3]).toLowerCase();
        const fault = takeFault('logs', query);
        if (fault && !fault.partial) {
            return [fault.status, fault.body ?? {}, fault.headers];
        }
        if (!estate.workspaces.some((w) => w.customerId.toLowerCase() === workspace)) {
            return [404, { error: { code: 'WorkspaceNotFoundError', message: `The workspace could not be found` } }];
        }
        const missing = options.missingTables?.find((t) => new RegExp(`(^|[\\s(])${t}\\b`).test(query));
        if (missing && query.startsWith('union isfuzzy=true')) {
            // As Log Analytics does: a fuzzy union answers from the tables that exist, with a warning per absent one.
            const table = logsTable(estate, query, options.metricTable ?? 'Perf', workspace);
            const absent = options.missingTables?.filter((t) => new RegExp(`(^|[\\s(])${t}\\b`).test(query)) ?? [];
            return [
                200,
                {
                    tables: table ? [table] : [],
                    error: {
                        code: 'PartialError',
                        message: 'There were some errors when processing your query.',
                        details: absent.map((t) => ({
                            code: 'EngineError',
                            message: 'Something went wrong processing your query on the server.',
                            innererror: {
                                code: '-2133196790',
                                message: `'union' operator: Failed to resolve table expression named '${t}'`,
                                severity: 3,
                                severityName: 'Warning',
                            },
                        })),
                    },
                },
            ];
        }
        const missingColumn = options.missingColumns?.find((c) => new RegExp(`\\b${c}\\b`).test(query));
        if (missingColumn) {
            return semanticError(`'where' operator: Failed to resolve scalar expression named '${missingColumn}'`);
        }
        if (missing) {
            return semanticError(`'where' operator: Failed to resolve table or column expression named '${missing}'`);
        }
        const table = logsTable(estate, query, options.metricTable ?? 'Perf', workspace);
        if (!table) {
            return [400, { error: { code: 'BadArgumentError', message: 'The fake does not know this query.' } }];
        }
        if (fault?.partial) {
            table.rows = table.rows.slice(0, Math.ceil(table.rows.length / 2));
            return [
                200,
                {
                    tables: [table],
                    error: {
                        code: 'PartialError',
                        message: 'There were some errors when processing your query.',
                        // A warning first (as a fuzzy union over an absent table adds), then the error that cost the rows.
                        details: [
                            {
                                code: 'EngineError',
                                message: 'Something went wrong processing your query on the server.',
                                innererror: {
                                    code: '-2133196790',
                                    message: "'union' operator: Failed to resolve table expression named 'InsightsMetrics'",
                                    severity: 3,
                                    severityName: 'Warning',
                                },
                            },
                            {
                                code: 'EngineError',
                                message: 'Something went wrong processing your query on the server.',
                                innererror: {
                                    code: '-2133196797',
                                    message: 'Query result set has exceeded the internal data size limit 64000000 bytes',
                                    severity: 2,
                                    severityName: 'Error',
                                },
                            },
                        ],
                    },
                },
            ];
        }
        return [200, { tables: [table] }];
    }

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `https://127.0.0.1:${port}`;
    return {
        armEndpoint: base,
        logsEndpoint: `${base}/v1`,
        caCertPem: cert.certPem,
        estate,
        requests,
        get maxLogsInFlight() {
            return state.maxLogsInFlight;
        },
        fail(service, fault) {
            faults[service].push({ ...fault });
        },
        hold(service) {
            let arrive!: (r: FakeRequest) => void;
            let release!: () => void;
            let abandon!: () => void;
            const arrived = new Promise<FakeRequest>((resolve) => (arrive = resolve));
            const released = new Promise<void>((resolve) => (release = resolve));
            const abandonedByClient = new Promise<void>((resolve) => (abandon = resolve));
            holds[service].push({ arrive, released, abandon });
            return { arrived, abandoned: abandonedByClient, release };
        },
        resetCache() {
            graphCache.clear();
        },
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Resource Graph's `table` result format (its default): column descriptors once, then rows of cells. */
function asTable(rows: Record<string, unknown>[]): { columns: { name: string; type: string }[]; rows: unknown[][] } {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
        for (const key of Object.keys(row)) {
            if (!seen.has(key)) {
                seen.add(key);
                names.push(key);
            }
        }
    }
    const typeOf = (v: unknown) =>
        typeof v === 'number' ? 'integer' : typeof v === 'boolean' ? 'boolean' : v !== null && typeof v === 'object' ? 'object' : 'string';
    return {
        columns: names.map((name) => ({ name, type: typeOf(rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name] ?? '') })),
        rows: rows.map((r) => names.map((n) => r[n] ?? null)),
    };
}

/** Resource Graph's quota headers: remaining queries and `hh:mm:ss` until the window resets. */
function quotaClock(remaining: number, resetMs: number): Record<string, string> {
    const s = Math.max(0, resetMs) / 1000;
    const hh = String(Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = (s % 60).toFixed(3).padStart(6, '0');
    return { 'x-ms-user-quota-remaining': String(remaining), 'x-ms-user-quota-resets-after': `${hh}:${mm}:${ss}` };
}
