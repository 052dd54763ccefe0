/**
 * A mocha root hook: records everything this test process writes to stdout and stderr (logs, warnings, the
 * reporter itself) and fails the run if any of the credentials the suites hand out appears in it.
 * Child processes' output is checked by the suites that spawn them.
 */
import * as assert from 'node:assert/strict';

/** Every token, key and secret the suites use; keep in step when a suite adds one. */
export const TEST_SECRETS = [
    'secret-token-value',
    'fake-arm-token',
    'fake-logs-token',
    'opaque-token',
    'another-token',
    'test-key-5f0c2a9e7b',
    'k3y-not-to-be-logged-8842',
];

const captured: string[] = [];
const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };

function tee(stream: 'stdout' | 'stderr') {
    return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return (originals[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
}

export const mochaHooks = {
    beforeAll() {
        process.stdout.write = tee('stdout');
        process.stderr.write = tee('stderr');
    },
    afterAll() {
        process.stdout.write = originals.stdout;
        process.stderr.write = originals.stderr;
        const output = captured.join('');
        const leaked = TEST_SECRETS.filter((secret) => output.includes(secret));
        assert.deepEqual(leaked, [], 'no test credential appears in anything the suites printed');
    },
};
