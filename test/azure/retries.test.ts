import * as assert from 'node:assert/strict';
import { createPipelineFromOptions, createPipelineRequest, RestError, type HttpClient } from '@azure/core-rest-pipeline';
import { attemptPolicy, UNREACHABLE_ATTEMPTS } from '../../src/sources/azure';
import { SourceError } from '../../src/core/source';
import { startAzureFake } from './fake';
import { rejection, sourceFor } from './helpers';

/** The SDK's own pipeline and retry policy (six retries, waits shortened) with our per-attempt policy, over a transport that fails. */
async function attemptsUntilFailure(code: string): Promise<{ attempts: number; error: unknown }> {
    const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 6, retryDelayInMs: 1, maxRetryDelayInMs: 2 } });
    pipeline.addPolicy(attemptPolicy, { afterPhase: 'Retry' });
    let attempts = 0;
    const transport: HttpClient = {
        sendRequest: () => {
            attempts++;
            return Promise.reject(new RestError(`connect ${code} 127.0.0.1:9`, { code }));
        },
    };
    const error = await pipeline.sendRequest(transport, createPipelineRequest({ url: 'https://127.0.0.1:9/' })).catch((e: unknown) => e);
    return { attempts, error };
}

describe('retries when Azure cannot be reached', () => {
    it('stops after three attempts when the host does not exist or refuses the connection, keeping the cause', async () => {
        for (const code of ['ECONNREFUSED', 'ENOTFOUND']) {
            const { attempts, error } = await attemptsUntilFailure(code);
            assert.equal(attempts, UNREACHABLE_ATTEMPTS, code);
            assert.equal((error as { code?: string }).code, code);
        }
    });

    it('still retries a connection that broke mid-way as often as the SDK is told to', async () => {
        const { attempts, error } = await attemptsUntilFailure('ECONNRESET');
        assert.equal(attempts, 7);
        assert.equal((error as { code?: string }).code, 'ECONNRESET');
    });

    it('says the endpoint cannot be reached, through the real source', async () => {
        const closed = await startAzureFake();
        const source = sourceFor(closed);
        const subscriptionIds = closed.estate.subscriptions.map((s) => s.subscriptionId);
        await closed.close();
        const error = await rejection(source.getMachines({ subscriptionIds }));
        assert.ok(error instanceof SourceError, String(error));
        assert.match(error.message, /^Cannot reach Resource Graph \(ECONNREFUSED\); check the network, proxy or endpoint settings\.$/);
    });
});
