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
});
