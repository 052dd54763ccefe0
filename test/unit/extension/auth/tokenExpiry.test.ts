import * as assert from 'node:assert/strict';
import { tokenExpiresOn } from '../../../../src/extension/auth/tokenExpiry';

const now = Date.parse('2026-11-27T01:00:00Z');
const jwt = (claims: unknown) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('tokenExpiresOn', () => {
    it('reads exp (seconds) from the JWT payload', () => {
        const exp = now / 1000 + 3600;
        assert.equal(tokenExpiresOn(jwt({ exp }), now), exp * 1000);
    });

    it('falls back to five minutes for opaque, expired or implausible tokens', () => {
        const fallback = now + 5 * 60 * 1000;
        assert.equal(tokenExpiresOn('opaque-token', now), fallback);
        assert.equal(tokenExpiresOn('a.!!!.c', now), fallback);
        assert.equal(tokenExpiresOn(jwt({ exp: 'soon' }), now), fallback);
        assert.equal(tokenExpiresOn(jwt({ exp: now / 1000 - 10 }), now), fallback);
        assert.equal(tokenExpiresOn(jwt({ exp: now / 1000 + 7 * 86400 }), now), fallback);
    });
});
