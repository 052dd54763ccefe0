import { createAzureSource, type AzureSource, type AzureSourceOptions } from '../../src/sources/azure';
import type { AzureFake } from './fake';

export const ARM_TOKEN = 'fake-arm-token';
export const LOGS_TOKEN = 'fake-logs-token';

/** The real source, with the real SDK clients, pointed at the fake through the endpoint variables and static tokens. */
export function sourceFor(fake: AzureFake, extra: Partial<AzureSourceOptions> = {}): AzureSource {
    return createAzureSource({
        env: {
            INFRA_INSIGHTS_ARM_ENDPOINT: fake.armEndpoint,
            INFRA_INSIGHTS_LOGS_ENDPOINT: fake.logsEndpoint,
            INFRA_INSIGHTS_ARM_TOKEN: ARM_TOKEN,
            INFRA_INSIGHTS_LOGS_TOKEN: LOGS_TOKEN,
        },
        caCertPem: fake.caCertPem,
        ...extra,
    });
}

/** Expects `promise` to reject and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error('expected the promise to reject');
}

/**
 * Runs `work` (a promise that may reject) while recording every timer started with a delay of at least `minDelayMs`,
 * and returns how many of those are still pending once it has settled: a request's deadline left running keeps a CLI
 * from exiting and holds the request in memory until it fires.
 */
export async function timersLeftBy(work: () => Promise<unknown>, minDelayMs: number): Promise<number> {
    const original = { set: globalThis.setTimeout, clear: globalThis.clearTimeout };
    const pending = new Set<unknown>();
    const patched = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
        const handle: unknown = original.set(
            (...callbackArgs: unknown[]) => {
                pending.delete(handle);
                callback(...callbackArgs);
            },
            delay,
            ...args,
        );
        if ((delay ?? 0) >= minDelayMs) {
            pending.add(handle);
        }
        return handle;
    }) as typeof setTimeout;
    globalThis.setTimeout = patched;
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
        pending.delete(handle);
        original.clear(handle);
    }) as typeof clearTimeout;
    try {
        await work().catch(() => undefined);
    } finally {
        globalThis.setTimeout = original.set;
        globalThis.clearTimeout = original.clear;
    }
    const left = pending.size;
    for (const handle of pending) {
        original.clear(handle as Parameters<typeof clearTimeout>[0]);
    }
    return left;
}
