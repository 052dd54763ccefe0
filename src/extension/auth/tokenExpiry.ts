import { FALLBACK_LIFETIME_MS } from './tokenBridge';

/**
 * When a token expires, read from the `exp` claim of its JWT payload. VS Code's sessions carry no expiry, and
 * Microsoft calls access tokens opaque, so this is best effort (as the Azure tools for VS Code do it): anything
 * unreadable, already past, or absurdly far away falls back to "now + 5 minutes", after which the server simply asks
 * again.
 */
export function tokenExpiresOn(token: string, now: number = Date.now()): number {
    const fallback = now + FALLBACK_LIFETIME_MS;
    const payload = token.split('.')[1];
    if (!payload) {
        return fallback;
    }
    try {
        const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        const exp = claims && typeof claims === 'object' ? (claims as { exp?: unknown }).exp : undefined;
        if (typeof exp !== 'number' || !Number.isFinite(exp)) {
            return fallback;
        }
        const expiresOn = exp * 1000;
        // A token already expired, or one claiming to live longer than a day, is not trusted for caching.
        return expiresOn > now && expiresOn < now + 24 * 60 * 60 * 1000 ? expiresOn : fallback;
    } catch {
        return fallback;
    }
}
