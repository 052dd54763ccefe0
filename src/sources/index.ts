import type { InfraSource } from '../core/source';
import { UserError } from '../core/source';

export type SourceChoice = 'sample' | 'azure' | 'auto';
export const CLOUDS = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;

/** How to build the data source; the CLI fills it from flags, the servers from the environment. */
export interface SourceConfig {
    source: SourceChoice;
    sampleSize?: number;
    seed?: number;
    /** Test-only: the sample estate with attacker-controlled values planted in it. */
    hostile?: boolean;
    /** Fixed clock for the sample estate (tests, screenshots). */
    now?: Date;
    workspaceId?: string;
    subscriptionIds?: string[];
    tenantId?: string;
    cloud?: (typeof CLOUDS)[number];
}

/**
 * Reads the configuration the VS Code extension (or a person) passes in the environment:
 * `INFRA_INSIGHTS_SOURCE`, `INFRA_INSIGHTS_SAMPLE_SIZE`, `INFRA_INSIGHTS_SEED`, `INFRA_INSIGHTS_WORKSPACE_ID`,
 * `INFRA_INSIGHTS_SUBSCRIPTION_IDS` (comma-separated), `INFRA_INSIGHTS_TENANT_ID`, `INFRA_INSIGHTS_CLOUD`,
 * and for tests `INFRA_INSIGHTS_SAMPLE_HOSTILE=1` and `INFRA_INSIGHTS_NOW` (ISO time).
 */
export function sourceConfigFromEnv(env: NodeJS.ProcessEnv): SourceConfig {
    return {
        source: parseChoice(env.INFRA_INSIGHTS_SOURCE ?? 'sample', 'INFRA_INSIGHTS_SOURCE'),
        sampleSize: optionalInt(env.INFRA_INSIGHTS_SAMPLE_SIZE, 'INFRA_INSIGHTS_SAMPLE_SIZE'),
        seed: optionalInt(env.INFRA_INSIGHTS_SEED, 'INFRA_INSIGHTS_SEED'),
        hostile: env.INFRA_INSIGHTS_SAMPLE_HOSTILE === '1',
        now: optionalDate(env.INFRA_INSIGHTS_NOW, 'INFRA_INSIGHTS_NOW'),
        workspaceId: env.INFRA_INSIGHTS_WORKSPACE_ID || undefined,
        subscriptionIds: env.INFRA_INSIGHTS_SUBSCRIPTION_IDS ? splitList(env.INFRA_INSIGHTS_SUBSCRIPTION_IDS) : undefined,
        tenantId: env.INFRA_INSIGHTS_TENANT_ID || undefined,
        cloud: env.INFRA_INSIGHTS_CLOUD ? parseCloud(env.INFRA_INSIGHTS_CLOUD, 'INFRA_INSIGHTS_CLOUD') : undefined,
    };
}

export function parseChoice(value: string, where: string): SourceChoice {
    if (value === 'sample' || value === 'azure' || value === 'auto') {
        return value;
    }
    throw new UserError(`${where}: ${JSON.stringify(value.slice(0, 40))} is not a data source; use sample, azure or auto.`);
}

export function parseCloud(value: string, where: string): (typeof CLOUDS)[number] {
    const match = CLOUDS.find((c) => c.toLowerCase() === value.toLowerCase());
    if (!match) {
        throw new UserError(`${where}: ${JSON.stringify(value.slice(0, 40))} is not a cloud; use ${CLOUDS.join(', ')}.`);
    }
    return match;
}

export function optionalInt(value: string | undefined, where: string): number | undefined {
    if (value === undefined || value === '') {
        return undefined;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
        throw new UserError(`${where}: ${JSON.stringify(value.slice(0, 40))} is not a whole number.`);
    }
    return n;
}

function optionalDate(value: string | undefined, where: string): Date | undefined {
    if (!value) {
        return undefined;
    }
    const time = Date.parse(value);
    if (!Number.isFinite(time)) {
        throw new UserError(`${where}: ${JSON.stringify(value.slice(0, 40))} is not an ISO time.`);
    }
    return new Date(time);
}

export function splitList(value: string): string[] {
    return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** The most machines the sample estate generates (the benchmarks use 10,000). */
export const MAX_SAMPLE_SIZE = 100_000;

/**
 * Builds the configured source; `note` says which one was picked and why (for `auto`).
 * `auto` picks Azure when a credential can get a Resource Manager token, and the sample estate otherwise.
 */
export async function selectSource(
    config: SourceConfig,
    env: NodeJS.ProcessEnv = process.env,
): Promise<{ source: InfraSource; note: string }> {
    let fallbackReason = 'no Azure credential is configured';
    if (config.source !== 'sample') {
        // The Azure SDKs load only when Azure may be used: esbuild leaves this require pointing at dist/azure.js.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const azure = require('./azure') as typeof import('./azure');
        const fromEnv = azure.azureSourceOptionsFromEnv(env);
        const source = azure.createAzureSource({
            ...fromEnv,
            cloud: config.cloud ?? fromEnv.cloud,
            tenantId: config.tenantId ?? fromEnv.tenantId,
            defaultWorkspaceId: config.workspaceId ?? fromEnv.defaultWorkspaceId,
            subscriptionIds: config.subscriptionIds ?? fromEnv.subscriptionIds,
        });
        if (config.source === 'azure') {
            return { source, note: `Using Azure: ${source.description}.` };
        }
        const probe = await source.probe(8000);
        if (probe.ok) {
            return { source, note: `Using Azure (a credential works): ${source.description}.` };
        }
        fallbackReason = probe.reason;
    }
    if (config.sampleSize !== undefined && (config.sampleSize < 1 || config.sampleSize > MAX_SAMPLE_SIZE)) {
        throw new UserError(`Sample size ${config.sampleSize} is out of range; use 1 to ${MAX_SAMPLE_SIZE}.`);
    }
    const fixedNow = config.now;
    const source = deferred('sample', () =>
        // Like the Azure SDKs, the sample estate's generator loads only when used: esbuild leaves this require pointing at
        // dist/sample.js, so an extension or server on Azure never parses it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('./sample') as typeof import('./sample')).createSampleSource({
            seed: config.seed,
            machines: config.sampleSize,
            hostile: config.hostile,
            defaultWorkspaceId: config.workspaceId,
            now: fixedNow ? () => new Date(fixedNow) : undefined,
        }),
    );
    const what = `the sample estate (${config.sampleSize ?? 60} machines, seed ${config.seed ?? 42}; fictional data)`;
    const note = config.source === 'auto' ? `Using ${what}, because Azure is not available: ${fallbackReason}` : `Using ${what}.`;
    return { source, note };
}

/**
 * A source built on first use: a server answers `initialize` and `tools/list` before any data is needed,
 * so its cold start does not pay for generating (or signing in to) the estate.
 */
export function deferred(kind: InfraSource['kind'], create: () => InfraSource): InfraSource {
    let real: InfraSource | undefined;
    const get = () => (real ??= create());
    return {
        kind,
        get description() {
            return get().description;
        },
        get defaultWorkspaceId() {
            return get().defaultWorkspaceId;
        },
        now: () => get().now(),
        listScopes: (options) => get().listScopes(options),
        getMachines: (query) => get().getMachines(query),
        getSql: (query) => get().getSql(query),
        getPatchAssessments: (query) => get().getPatchAssessments(query),
        getMissingPatches: (query) => get().getMissingPatches(query),
        getSqlFindings: (query) => get().getSqlFindings(query),
        getWindowsFindings: (query) => get().getWindowsFindings(query),
        getSoftware: (query) => get().getSoftware(query),
        getSoftwareChanges: (query) => get().getSoftwareChanges(query),
        getMetricSeries: (query) => get().getMetricSeries(query),
        findComputers: (query) => get().findComputers(query),
        getDiskFreeSpace: (query) => get().getDiskFreeSpace(query),
        getMachineExtensions: (query) => get().getMachineExtensions(query),
    };
}
