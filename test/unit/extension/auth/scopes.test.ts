import * as assert from 'node:assert/strict';
import { resourceForRequestedScopes, sessionScopes } from '../../../../src/extension/auth/scopes';
import { TokenBridgeError } from '../../../../src/extension/auth/tokenBridge';

describe('session scopes', () => {
    it('asks for ARM and Log Analytics separately, with tenant and client id pseudo-scopes when set', () => {
        const settings = { cloud: 'AzureCloud' as const, tenantId: '', clientId: '' };
        assert.deepEqual(sessionScopes('arm', settings), ['https://management.core.windows.net//.default']);
        assert.deepEqual(sessionScopes('logs', settings), ['https://api.loganalytics.io/.default']);
        assert.deepEqual(sessionScopes('arm', { ...settings, tenantId: 'contoso.onmicrosoft.com', clientId: 'app-1' }), [
            'https://management.core.windows.net//.default',
            'VSCODE_TENANT:contoso.onmicrosoft.com',
            'VSCODE_CLIENT_ID:app-1',
        ]);
        assert.deepEqual(
            sessionScopes('logs', { ...settings, tenantId: 'a' }, 'b'),
            ['https://api.loganalytics.io/.default', 'VSCODE_TENANT:b'],
            'the request tenant wins',
        );
    });

    it('uses each cloud’s own audiences', () => {
        assert.deepEqual(sessionScopes('arm', { cloud: 'AzureChinaCloud', tenantId: '', clientId: '' }), [
            'https://management.core.chinacloudapi.cn//.default',
        ]);
        assert.deepEqual(sessionScopes('logs', { cloud: 'AzureUSGovernment', tenantId: '', clientId: '' }), [
            'https://api.loganalytics.us/.default',
        ]);
    });

    it('serves only ARM and Log Analytics tokens through the bridge', () => {
        assert.equal(resourceForRequestedScopes(['https://management.azure.com/.default']), 'arm');
        assert.equal(resourceForRequestedScopes(['https://management.core.windows.net//.default']), 'arm');
        assert.equal(resourceForRequestedScopes(['https://management.usgovcloudapi.net/.default']), 'arm');
        assert.equal(resourceForRequestedScopes(['https://api.loganalytics.io/.default']), 'logs');
        for (const scopes of [
            ['https://graph.microsoft.com/.default'],
            ['https://vault.azure.net/.default'],
            ['not a url'],
            ['https://management.azure.com.evil.example/.default'],
            ['https://management.azure.com/.default', 'https://graph.microsoft.com/.default'],
        ]) {
            assert.throws(
                () => resourceForRequestedScopes(scopes),
                (error: unknown) => error instanceof TokenBridgeError && error.code === 'badRequest',
                scopes.join(' '),
            );
        }
    });
});
