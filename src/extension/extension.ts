/**
 * Entry point of the VS Code extension: wires the log, the Azure sign-in, the MCP server definition provider, the
 * commands, the status bar and the views. `activate` never throws: a part that fails to start is logged and the rest
 * keeps working (a broken tree must not take the MCP server away from Copilot).
 */
import * as vscode from 'vscode';
import { AzureAuth } from './auth/azureAuth';
import { registerCommands } from './commands';
import { prepareLaunch } from './launchPreparation';
import { createLogger, type Logger } from './log';
import { InfraInsightsMcpProvider, PROVIDER_ID, type ServerLaunch } from './mcpProvider';
import { readSettings, SETTINGS_SECTION, type ExtensionSettings } from './settings';
import { StatusBar } from './statusBar';
import { ToolRunner } from './toolRunner';
import { registerViews } from './views';

/**
 * What `activate` returns (`extension.exports`): a small surface for the integration tests and for other extensions
 * that want to know where the data comes from. It never exposes a token.
 */
export interface InfraInsightsApi {
    /** The MCP server launch VS Code gets right now (label, command, args, env without secrets, version). */
    currentServerLaunch(): ServerLaunch;
    /** Fires when the server definition changed (settings or sign-in). */
    readonly onDidChangeServerDefinitions: vscode.Event<void>;
    /** The account in use, if any. */
    account(): vscode.AuthenticationSessionAccountInformation | undefined;
    /** The status bar text, as the person sees it. */
    statusText(): string;
    /** Milliseconds `activate` took, measured inside it (the extension's own share of start-up). */
    readonly activationMs: number;
    /** Runs a tool in-process, as the sidebar and tables do. */
    runTool(name: string, args: unknown): Promise<{ ok: boolean; text?: string; message?: string; sourceKind?: string }>;
}

export function activate(context: vscode.ExtensionContext): InfraInsightsApi | undefined {
    const started = Date.now();
    const channel = vscode.window.createOutputChannel('Infra Insights', { log: true });
    context.subscriptions.push(channel);
    const log = createLogger(channel);
    try {
        return start(context, log, started);
    } catch (error) {
        log.error('Infra Insights could not activate', error);
        void vscode.window
            .showErrorMessage('Infra Insights could not start; see its log for the cause.', 'Show Log')
            .then((c) => c && log.show());
        return undefined;
    }
}

function start(context: vscode.ExtensionContext, log: Logger, started: number): InfraInsightsApi {
    const settings = (): ExtensionSettings => {
        const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
        return readSettings((key) => configuration.get(key));
    };
    const extensionVersion = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');

    const auth = new AzureAuth({ settings, log, globalState: context.globalState });
    const runner = new ToolRunner({ settings, auth, log });
    const provider = new InfraInsightsMcpProvider({
        extensionPath: context.extensionPath,
        extensionVersion,
        log,
        settings,
        isSignedIn: () => auth.account !== undefined,
        prepareLaunch: (current, token) => prepareLaunch(current, auth, log, token),
    });
    context.subscriptions.push(auth, runner, provider);
    guarded(log, 'MCP server provider', () =>
        context.subscriptions.push(vscode.lm.registerMcpServerDefinitionProvider(PROVIDER_ID, provider)),
    );

    const commandDeps = { auth, runner, log, settings };
    guarded(log, 'commands', () => registerCommands(context, commandDeps));

    // The sidebar trees and table webviews run the same tools in-process, on the same source as the pickers.
    guarded(log, 'views', () =>
        registerViews(context, {
            getSource: () => runner.getSource(),
            onDidChangeSource: runner.onDidChangeSource,
            log,
            account: () => auth.account?.label,
            portal: () => {
                const { cloud, tenantId } = settings();
                return { cloud, tenantId };
            },
        }),
    );

    let status: StatusBar | undefined;
    guarded(log, 'status bar', () => {
        status = new StatusBar(auth, settings);
        context.subscriptions.push(status);
    });

    const onStateChanged = (reason: string) => {
        runner.reset();
        provider.refresh(reason);
        status?.update();
    };
    context.subscriptions.push(
        auth.onDidChange(() => onStateChanged('sign-in changed')),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (!event.affectsConfiguration(SETTINGS_SECTION)) {
                return;
            }
            log.info('Infra Insights settings changed.');
            onStateChanged('settings changed');
            const affectsAccount = ['authenticationProviderId', 'tenantId', 'clientId', 'cloud'].some((key) =>
                event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`),
            );
            if (affectsAccount) {
                void auth.refresh('sign-in settings changed');
            }
        }),
    );
    void auth.refresh('activation');

    const current = settings();
    const activationMs = Date.now() - started;
    log.info(
        `Infra Insights ${extensionVersion} activated in ${activationMs} ms (VS Code ${vscode.version}, data source ${current.dataSource}, ` +
            `sign-in provider ${current.authenticationProviderId}).`,
    );

    return {
        activationMs,
        currentServerLaunch: () => provider.currentLaunch(),
        onDidChangeServerDefinitions: provider.onDidChangeMcpServerDefinitions,
        account: () => auth.account,
        statusText: () => status?.text ?? '',
        runTool: async (name, args) => {
            const result = await runner.run(name, args);
            return result.ok ? { ok: true, text: result.text, sourceKind: result.sourceKind } : { ok: false, message: result.message };
        },
    };
}

/** Runs one part of the activation; a failure is logged and the other parts still start. */
function guarded(log: Logger, part: string, run: () => unknown): void {
    try {
        run();
    } catch (error) {
        log.error(`Could not start the ${part}`, error);
    }
}

export function deactivate(): void {
    // Everything is in context.subscriptions; VS Code disposes it (bridges close, sockets are removed).
}
