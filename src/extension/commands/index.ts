/**
 * Every command of the extension, one function each, registered from one flat list so the ids in package.json and
 * the code can be compared at a glance.
 */
import * as vscode from 'vscode';
import type { AzureAuth } from '../auth/azureAuth';
import type { Logger } from '../log';
import type { ExtensionSettings } from '../settings';
import type { ToolRunner } from '../toolRunner';
import { pickSubscriptions, pickTenant, pickWorkspace } from './pickers';
import { signIn, signOut, useSampleData } from './signIn';

/** What the commands need; built once in `activate`. */
export interface CommandDeps {
    auth: AzureAuth;
    runner: ToolRunner;
    log: Logger;
    settings(): ExtensionSettings;
}

/** The commands declared in package.json `contributes.commands`, by id. */
export const COMMANDS: Readonly<Record<string, (deps: CommandDeps) => Promise<void> | void>> = {
    'infraInsights.signIn': signIn,
    'infraInsights.signOut': signOut,
    'infraInsights.pickTenant': pickTenant,
    'infraInsights.pickSubscriptions': pickSubscriptions,
    'infraInsights.pickWorkspace': pickWorkspace,
    'infraInsights.useSampleData': useSampleData,
    'infraInsights.showLog': (deps) => deps.log.show(),
};

/** Registers every command; a failing command logs its cause and tells the person instead of failing silently. */
export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
    for (const [id, run] of Object.entries(COMMANDS)) {
        context.subscriptions.push(
            vscode.commands.registerCommand(id, async () => {
                try {
                    await run(deps);
                } catch (error) {
                    deps.log.error(`Command ${id} failed`, error);
                    void vscode.window.showErrorMessage(`Infra Insights: ${error instanceof Error ? error.message : String(error)}`);
                }
            }),
        );
    }
}
