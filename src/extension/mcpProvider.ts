/**
 * The MCP server definition provider: how VS Code (and so Copilot agent mode) starts our stdio server.
 * `provideMcpServerDefinitions` runs eagerly and must not prompt, so it only describes the launch from the settings;
 * `resolveMcpServerDefinition` runs when VS Code actually starts the server, which is where sign-in may happen and
 * where the per-launch token bridge is started and its address injected into the server's environment.
 */
import * as vscode from 'vscode';
import type { Logger } from './log';
import { buildServerLaunch, type ServerLaunch } from './serverLaunch';
import type { ExtensionSettings } from './settings';

export { buildServerLaunch, launchVersion, PROVIDER_ID, SERVER_LABEL, type ServerLaunch, type ServerLaunchInput } from './serverLaunch';

/** What the provider needs from the rest of the extension, injected so it stays small and testable. */
export interface McpProviderDeps {
    extensionPath: string;
    extensionVersion: string;
    log: Logger;
    settings(): ExtensionSettings;
    /** True when VS Code has an Azure session this extension may use (silent check). */
    isSignedIn(): boolean;
    /**
     * Prepares a server start: makes sure the sessions exist (may prompt) and starts a token bridge, or decides that
     * sample data is used. Returns the environment additions for the server.
     */
    prepareLaunch(settings: ExtensionSettings, token: vscode.CancellationToken): Promise<Record<string, string>>;
}

/** Registers nothing itself: `extension.ts` passes it to `vscode.lm.registerMcpServerDefinitionProvider`. */
export class InfraInsightsMcpProvider implements vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChangeMcpServerDefinitions = this.changed.event;
    private lastVersion: string | undefined;

    constructor(private readonly deps: McpProviderDeps) {}

    /** The current launch, as a plain object (also what the integration tests read). */
    currentLaunch(): ServerLaunch {
        return buildServerLaunch({
            extensionPath: this.deps.extensionPath,
            execPath: process.execPath,
            settings: this.deps.settings(),
            azureSignedIn: this.deps.isSignedIn(),
            extensionVersion: this.deps.extensionVersion,
        });
    }

    provideMcpServerDefinitions(): vscode.McpStdioServerDefinition[] {
        const launch = this.currentLaunch();
        this.lastVersion = launch.version;
        const definition = new vscode.McpStdioServerDefinition(launch.label, launch.command, launch.args, launch.env, launch.version);
        definition.cwd = vscode.Uri.file(this.deps.extensionPath);
        return [definition];
    }

    async resolveMcpServerDefinition(
        server: vscode.McpStdioServerDefinition,
        token: vscode.CancellationToken,
    ): Promise<vscode.McpStdioServerDefinition | undefined> {
        const extra = await this.deps.prepareLaunch(this.deps.settings(), token);
        if (token.isCancellationRequested) {
            return undefined;
        }
        server.env = { ...server.env, ...extra };
        this.deps.log.info(`Starting the MCP server (data source: ${extra.INFRA_INSIGHTS_SOURCE ?? server.env.INFRA_INSIGHTS_SOURCE}).`);
        return server;
    }

    /** Tells VS Code to ask for the definitions again when something they depend on changed. */
    refresh(reason: string): void {
        const version = this.currentLaunch().version;
        if (version !== this.lastVersion) {
            this.deps.log.info(`MCP server definition changed (${reason}); version ${version}.`);
            this.lastVersion = version;
            this.changed.fire();
        }
    }

    dispose(): void {
        this.changed.dispose();
    }
}
