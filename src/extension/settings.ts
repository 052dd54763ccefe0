/**
 * The `infraInsights.*` settings as one plain, validated object. Kept free of `vscode` so the MCP launch that depends
 * on it (`buildServerLaunch`) can be unit-tested in plain Node; `extension.ts` feeds it from the configuration.
 */

/** Where the tools get data: Azure, the built-in sample estate, or Azure only when a session exists. */
export type DataSourceSetting = 'auto' | 'azure' | 'sample';

/** The clouds the server knows (`INFRA_INSIGHTS_CLOUD`). */
export type CloudSetting = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment';

/** Every setting that changes what the MCP server or the in-process tools do. */
export interface ExtensionSettings {
    dataSource: DataSourceSetting;
    subscriptions: string[];
    workspaceId: string;
    tenantId: string;
    authenticationProviderId: string;
    clientId: string;
    cloud: CloudSetting;
    sampleSize: number | undefined;
}

/** The section name in settings.json. */
export const SETTINGS_SECTION = 'infraInsights';

/** Settings whose change means a new server definition (and so a new `version`). */
export const SETTING_KEYS: readonly (keyof ExtensionSettings)[] = [
    'dataSource',
    'subscriptions',
    'workspaceId',
    'tenantId',
    'authenticationProviderId',
    'clientId',
    'cloud',
    'sampleSize',
];

const CLOUDS: readonly CloudSetting[] = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'];

/**
 * Reads and normalises the settings through `get` (a `WorkspaceConfiguration.get` in the extension). Values a person
 * typed by hand are trimmed; anything of the wrong type falls back to the default rather than breaking activation.
 */
export function readSettings(get: (key: string) => unknown): ExtensionSettings {
    const text = (key: string, fallback = ''): string => {
        const value = get(key);
        return typeof value === 'string' ? value.trim() : fallback;
    };
    const dataSource = text('dataSource', 'auto');
    const cloud = CLOUDS.find((c) => c.toLowerCase() === text('cloud', 'AzureCloud').toLowerCase()) ?? 'AzureCloud';
    const subscriptions = get('subscriptions');
    const sampleSize = get('sampleSize');
    return {
        dataSource: dataSource === 'azure' || dataSource === 'sample' ? dataSource : 'auto',
        subscriptions: Array.isArray(subscriptions)
            ? [
                  ...new Set(
                      subscriptions
                          .filter((s): s is string => typeof s === 'string')
                          .map((s) => s.trim())
                          .filter(Boolean),
                  ),
              ]
            : [],
        workspaceId: text('workspaceId'),
        tenantId: text('tenantId'),
        authenticationProviderId: text('authenticationProviderId') || 'microsoft',
        clientId: text('clientId'),
        cloud,
        sampleSize: typeof sampleSize === 'number' && Number.isInteger(sampleSize) && sampleSize > 0 ? sampleSize : undefined,
    };
}
