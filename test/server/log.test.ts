import * as assert from 'node:assert/strict';
import { createLogger } from '../../src/server/log';

describe('server log redaction', () => {
    it('removes a key or token from URLs, bearer headers and JWTs before writing a line', () => {
        const key = 'k3y-not-to-be-logged-8842';
        const jwt = `eyJ${'a'.repeat(20)}.${'b'.repeat(20)}.${'c'.repeat(10)}`;
        const lines: string[] = [];
        const log = createLogger({
            level: 'debug',
            stream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream,
        });
        log.error(`GET /runtime/webhooks/mcp/sse?code=${key}&x=1 failed`);
        log.warn(`fetch https://example.test/a?sig=${key} refused`);
        log.info(`Authorization: Bearer ${key}`);
        log.debug(`token ${jwt} expired`);
        const text = lines.join('');
        assert.equal(lines.length, 4);
        assert.ok(!text.includes(key), text);
        assert.ok(!text.includes(jwt), text);
        assert.match(text, /code=\[redacted\]&x=1/);
    });
});
