/**
 * Which sessions the extension asks VS Code for, per cloud. One access token serves one resource, so Azure Resource
 * Manager and Log Analytics need two sessions; VS Code keys sessions by the exact scope list, so the lists here are
 * stable and de-duplicated. `VSCODE_TENANT:` and `VSCODE_CLIENT_ID:` are pseudo-scopes the Microsoft provider strips
 * before talking to Entra ID.
 */
import type { CloudSetting, ExtensionSettings } from '../settings';
import { TokenBridgeError } from './tokenBridge';

/** The two resources the tools read. */
export type AzureResource = 'arm' | 'logs';

/**
 * The scope each session is created with. ARM uses the classic `management.core.windows.net/` audience, as the Azure
 * tools for VS Code do, to avoid stale MSAL cache refresh failures; ARM accepts it like `management.azure.com`.
 */
const RESOURCE_SCOPES: Record<CloudSetting, Record<AzureResource, string>> = {
    AzureCloud: { arm: 'https://management.core.windows.net//.default', logs: 'https://api.loganalytics.io/.default' },
    AzureChinaCloud: { arm: 'https://management.core.chinacloudapi.cn//.default', logs: 'https://api.loganalytics.azure.cn/.default' },
    AzureUSGovernment: { arm: 'https://management.core.usgovcloudapi.net//.default', logs: 'https://api.loganalytics.us/.default' },
};

/** The scope list for one resource, with the tenant and client id pseudo-scopes when they are set. */
export function sessionScopes(
    resource: AzureResource,
    settings: Pick<ExtensionSettings, 'cloud' | 'tenantId' | 'clientId'>,
    tenantId?: string,
): string[] {
    const scopes = [RESOURCE_SCOPES[settings.cloud][resource]];
    const tenant = tenantId || settings.tenantId;
    if (tenant) {
        scopes.push(`VSCODE_TENANT:${tenant}`);
    }
    if (settings.clientId) {
        scopes.push(`VSCODE_CLIENT_ID:${settings.clientId}`);
    }
    return scopes;
}

/**
 * Which resource the server's requested scopes are for. The bridge serves only ARM and Log Analytics tokens: whoever
 * holds the secret must not be able to mint tokens for anything else the account can reach (Graph, Key Vault…).
 */
export function resourceForRequestedScopes(scopes: readonly string[]): AzureResource {
    const hosts = scopes.map((scope) => {
        try {
            return new URL(scope).hostname.toLowerCase();
        } catch {
            return '';
        }
    });
    if (hosts.every((h) => /^management\.(core\.)?(azure\.com|windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/.test(h))) {
        return 'arm';
    }
    if (hosts.every((h) => /^api\.loganalytics\.(io|azure\.cn|us)$/.test(h))) {
        return 'logs';
    }
    throw new TokenBridgeError('badRequest', 'The token bridge serves only Azure Resource Manager and Log Analytics tokens.');
}
