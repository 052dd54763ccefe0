/**
 * What happens when VS Code starts our MCP server (`resolveMcpServerDefinition`): decide between Azure and the sample
 * estate, sign in when Azure is wanted, and start the token bridge whose address and secret go into the server's
 * environment. A declined sign-in falls back to sample data and says so: the person sees a message and the log a
 * line, so the tools never silently answer with fictional data.
 */
import * as vscode from 'vscode';
import type { AzureAuth } from './auth/azureAuth';
import type { Logger } from './log';
import { SERVER_LABEL } from './mcpProvider';
import type { ExtensionSettings } from './settings';

const SAMPLE = { INFRA_INSIGHTS_SOURCE: 'sample' } as const;

/** Returns the environment additions for this launch of the server. */
export async function prepareLaunch(
    settings: ExtensionSettings,
    auth: AzureAuth,
    log: Logger,
    token: vscode.CancellationToken,
): Promise<Record<string, string>> {
    if (settings.dataSource === 'sample') {
        log.info('MCP server uses the sample estate (infraInsights.dataSource is "sample").');
        return { ...SAMPLE };
    }
    if (settings.dataSource === 'auto') {
        if (auth.optedOut) {
            log.info('MCP server uses the sample estate: you signed out of Infra Insights (data source "auto").');
            return { ...SAMPLE };
        }
        await auth.refresh('server start');
        if (!auth.account) {
            log.info(
                'MCP server uses the sample estate: no Azure session (data source "auto"). Run \'Infra Insights: Sign In\' to use Azure.',
            );
            return { ...SAMPLE };
        }
    }
    const outcome = await auth.signIn(true);
    if (token.isCancellationRequested) {
        return { ...SAMPLE };
    }
    if (outcome.kind !== 'signedIn') {
        const why = outcome.kind === 'declined' ? 'Azure sign-in was declined' : `Azure sign-in failed (${outcome.message})`;
        const message = `Infra Insights: ${why}, so the tools use the built-in sample data. Run 'Infra Insights: Sign In' to use Azure.`;
        log.warn(message);
        void vscode.window.showInformationMessage(message, 'Sign In').then((choice) => {
            if (choice) {
                void vscode.commands.executeCommand('infraInsights.signIn');
            }
        });
        return { ...SAMPLE };
    }
    const bridge = await auth.startBridge(SERVER_LABEL);
    log.info(`MCP server uses Azure as ${outcome.account.label}; tokens come through the token bridge.`);
    return { INFRA_INSIGHTS_SOURCE: 'azure', ...bridge.env };
}
