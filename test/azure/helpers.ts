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
