/**
 * Which credential the Azure source uses, and which endpoints it talks to, per cloud.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { SourceError } from '../../core/source';
import { TOKEN_BRIDGE_ENV, TOKEN_BRIDGE_SECRET_ENV, TokenBridgeCredential } from './tokenBridge';

export const CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

/** Endpoints and token audiences of one Azure cloud. */
export interface CloudEndpoints {
    arm: string;
    armScope: string;
    /** Log Analytics query endpoint including `/v1` (the SDK uses an explicit endpoint verbatim). */
    logs: string;
    logsScope: string;
    authorityHost: string;
}

export const CLOUDS: Record<CloudName, CloudEndpoints> = {
    AzureCloud: {
        arm: 'https://management.azure.com',
        armScope: 'https://management.azure.com/.default',
        logs: 'https://api.loganalytics.io/v1',
        logsScope: 'https://api.loganalytics.io/.default',
        authorityHost: 'https://login.microsoftonline.com',
    },
    AzureChinaCloud: {
        arm: 'https://management.chinacloudapi.cn',
        armScope: 'https://management.chinacloudapi.cn/.default',
        logs: 'https://api.loganalytics.azure.cn/v1',
        logsScope: 'https://api.loganalytics.azure.cn/.default',
        authorityHost: 'https://login.chinacloudapi.cn',
    },
    AzureUSGovernment: {
        arm: 'https://management.usgovcloudapi.net',
        armScope: 'https://management.usgovcloudapi.net/.default',
        logs: 'https://api.loganalytics.us/v1',
        logsScope: 'https://api.loganalytics.us/.default',
        authorityHost: 'https://login.microsoftonline.us',
    },
};

export const ARM_TOKEN_ENV = 'INFRA_INSIGHTS_ARM_TOKEN';
export const LOGS_TOKEN_ENV = 'INFRA_INSIGHTS_LOGS_TOKEN';

/** How the credential was chosen, for the source's one-line description (never the token). */
export type CredentialKind = 'given' | 'vscode-bridge' | 'env-tokens' | 'default';

/**
 * Picks the credential in the documented order: the caller's, the VS Code token bridge, static tokens from the
 * environment (automation), then `DefaultAzureCredential` (az login, managed identity, service principal env).
 */
export function chooseCredential(
    env: NodeJS.ProcessEnv,
    cloud: CloudEndpoints,
    tenantId: string | undefined,
    given?: TokenCredential,
): { credential: TokenCredential; kind: CredentialKind } {
    if (given) {
        return { credential: given, kind: 'given' };
    }
    const bridge = env[TOKEN_BRIDGE_ENV];
    const secret = env[TOKEN_BRIDGE_SECRET_ENV];
    if (bridge && secret) {
        return { credential: new TokenBridgeCredential(bridge, secret, tenantId), kind: 'vscode-bridge' };
    }
    const armToken = env[ARM_TOKEN_ENV];
    const logsToken = env[LOGS_TOKEN_ENV];
    if (armToken || logsToken) {
        return { credential: new StaticTokenCredential(cloud, armToken, logsToken), kind: 'env-tokens' };
    }
    return {
        credential: new DefaultAzureCredential({ tenantId, authorityHost: cloud.authorityHost }),
        kind: 'default',
    };
}

/**
 * Tokens handed over in the environment. Each belongs to one audience, so the scope picks the token; a missing one
 * is reported by name rather than sent to the wrong service.
 */
export class StaticTokenCredential implements TokenCredential {
    constructor(
        private readonly cloud: CloudEndpoints,
        private readonly armToken: string | undefined,
        private readonly logsToken: string | undefined,
    ) {}

    async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
        const list = typeof scopes === 'string' ? [scopes] : scopes;
        const wantsLogs = list.some((s) => s === this.cloud.logsScope || /loganalytics/i.test(s));
        const token = wantsLogs ? this.logsToken : this.armToken;
        if (!token) {
            const name = wantsLogs ? LOGS_TOKEN_ENV : ARM_TOKEN_ENV;
            throw new SourceError(
                `No ${wantsLogs ? 'Log Analytics' : 'Azure Resource Manager'} token: set ${name}, or unset the token variables to use az login.`,
                'auth',
            );
        }
        return { token, expiresOnTimestamp: jwtExpiry(token) ?? Date.now() + 60 * 60_000, tokenType: 'Bearer' };
    }
}

/** The `exp` claim of a JWT in epoch ms, best effort (Microsoft calls access tokens opaque). */
export function jwtExpiry(token: string): number | undefined {
    const payload = token.split('.')[1];
    if (!payload) {
        return undefined;
    }
    try {
        const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
        return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
    } catch {
        return undefined;
    }
}
