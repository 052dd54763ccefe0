import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway self-signed certificate for `localhost` and `127.0.0.1`. */
export interface TestCertificate {
    certPem: string;
    keyPem: string;
}

let cached: TestCertificate | undefined;

/**
 * Makes (once per process) a self-signed certificate with `openssl`, valid for one day. The fake serves HTTPS with
 * it because the Azure SDKs refuse to send bearer tokens over plain HTTP; clients trust it by adding the PEM to
 * their own CA list, never by turning verification off.
 */
export function testCertificate(): TestCertificate {
    if (cached) {
        return cached;
    }
    const dir = mkdtempSync(join(tmpdir(), 'infra-insights-fake-'));
    try {
        execFileSync(
            'openssl',
            [
                'req',
                '-x509',
                '-newkey',
                'ec',
                '-pkeyopt',
                'ec_paramgen_curve:prime256v1',
                '-nodes',
                '-days',
                '1',
                '-subj',
                '/CN=localhost',
                '-addext',
                'subjectAltName=DNS:localhost,IP:127.0.0.1',
                '-keyout',
                join(dir, 'key.pem'),
                '-out',
                join(dir, 'cert.pem'),
            ],
            { stdio: 'ignore' },
        );
        cached = { certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
        return cached;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
