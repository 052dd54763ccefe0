/**
 * The pure half of the MCP provider: how the stdio server is launched, derived from the settings alone. No `vscode`
 * import, so it is unit-tested in plain Node; `mcpProvider.ts` turns it into a `McpStdioServerDefinition`.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { ExtensionSettings } from './settings';

/** The label VS Code shows for our server; with the extension id it forms the server id `<publisher>.<name>/<label>`. */
export const SERVER_LABEL = 'Infra Insights for Azure';
/** The provider id declared in `contributes.mcpServerDefinitionProviders`. */
export const PROVIDER_ID = 'infraInsights';

/** What a launch is made of, independent of VS Code's classes so it can be unit-tested. */
export interface ServerLaunch {
    label: string;
    command: string;
    args: string[];
    /** Overrides of the extension host's environment; `null` removes an inherited variable. */
    env: Record<string, string | null>;
    version: string;
}

export interface ServerLaunchInput {
    extensionPath: string;
    /** The editor's own runtime (`process.execPath`): Electron in desktop VS Code, Node in code-server. */
    execPath: string;
    settings: ExtensionSettings;
    /** For `auto`: whether an Azure session was seen, so signing in or out changes the version and restarts the server. */
    azureSignedIn?: boolean;
    /** The extension's version: a new build must not reuse tools cached from the old one. */
    extensionVersion?: string;
}

/**
 * Builds the stdio launch for `dist/server.js` from the settings, without prompting.
 * `ELECTRON_RUN_AS_NODE=1` makes desktop VS Code's Electron binary behave as plain Node, so no separate Node install
 * is needed; in code-server `execPath` already is Node and the variable is harmless. Settings left empty are removed
 * from the inherited environment (`null`) so the extension host's own environment cannot leak stale values in.
 */
export function buildServerLaunch(input: ServerLaunchInput): ServerLaunch {
    const { settings } = input;
    const env: Record<string, string | null> = {
        ELECTRON_RUN_AS_NODE: '1',
        INFRA_INSIGHTS_SOURCE: settings.dataSource,
        INFRA_INSIGHTS_SAMPLE_SIZE: settings.sampleSize === undefined ? null : String(settings.sampleSize),
        INFRA_INSIGHTS_SUBSCRIPTION_IDS: settings.subscriptions.length ? settings.subscriptions.join(',') : null,
        INFRA_INSIGHTS_WORKSPACE_ID: settings.workspaceId || null,
        INFRA_INSIGHTS_TENANT_ID: settings.tenantId || null,
        INFRA_INSIGHTS_CLOUD: settings.cloud,
        // Set per launch by resolveMcpServerDefinition only; never inherited.
        INFRA_INSIGHTS_TOKEN_BRIDGE: null,
        INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET: null,
    };
    return {
        label: SERVER_LABEL,
        command: input.execPath,
        args: [path.join(input.extensionPath, 'dist', 'server.js')],
        env,
        version: launchVersion(input),
    };
}

/** A short hash of everything that changes what the server answers; VS Code refreshes its tools when it changes. */
export function launchVersion(input: ServerLaunchInput): string {
    const { settings } = input;
    const relevant = {
        extension: input.extensionVersion ?? '',
        dataSource: settings.dataSource,
        // Only `auto` depends on the sign-in state; for the others a sign-in must not restart the server.
        azureSignedIn: settings.dataSource === 'auto' ? Boolean(input.azureSignedIn) : undefined,
        subscriptions: [...settings.subscriptions].sort(),
        workspaceId: settings.workspaceId,
        tenantId: settings.tenantId,
        authenticationProviderId: settings.authenticationProviderId,
        clientId: settings.clientId,
        cloud: settings.cloud,
        sampleSize: settings.sampleSize ?? null,
    };
    return crypto.createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 12);
}
