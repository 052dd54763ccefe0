import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { redact } from '../../../src/extension/log';

describe('log redaction', () => {
    it('removes JWTs, bearer values and bridge secrets but keeps ordinary text', () => {
        const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJl';
        const secret = crypto.randomBytes(32).toString('base64url');
        const line = redact(`call failed with ${jwt}; header Authorization: Bearer abc.def-ghi_jkl; secret ${secret}.`);
        assert.ok(!line.includes(jwt));
        assert.ok(!line.includes('abc.def-ghi_jkl'));
        assert.ok(!line.includes(secret));
        assert.match(line, /^call failed with <redacted token>; header Authorization: Bearer <redacted>; secret <redacted secret>\.$/);
        const plain = 'GetPatchingLevel ran in 120 ms: 58 rows (subscription 00000000-0000-0000-0000-000000000001).';
        assert.equal(redact(plain), plain);
    });

    it('removes a bridge secret whatever characters it starts or ends with', () => {
        // A 32-byte secret in base64url may begin or end with '-' or '_', where a word boundary does not hold.
        const edges = ['-', '_', 'a', 'Z', '0'];
        const secrets = edges.flatMap((first) =>
            edges.map((last) => `${first}${crypto.randomBytes(31).toString('base64url').slice(0, 41)}${last}`),
        );
        for (let i = 0; i < 200; i++) {
            secrets.push(crypto.randomBytes(32).toString('base64url'));
        }
        for (const secret of secrets) {
            assert.equal(secret.length, 43);
            for (const line of [`secret ${secret}.`, `secret=${secret}`, `${secret}`, `("${secret}")`]) {
                assert.ok(!redact(line).includes(secret), `${line} -> ${redact(line)}`);
            }
        }
        // A longer run of the same characters (an id, a hash) is not cut into pieces.
        const longer = 'x'.repeat(10) + crypto.randomBytes(40).toString('base64url');
        assert.equal(redact(`id ${longer}`), `id ${longer}`);
    });
});
