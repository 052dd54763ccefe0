import * as vscode from 'vscode';
import type { CommandDeps } from './index';
import { updateSetting } from './settingsUpdate';

/** "Infra Insights: Sign In": both sessions (ARM and Log Analytics), and Azure as the data source again. */
export async function signIn(deps: CommandDeps): Promise<void> {
    const outcome = await deps.auth.signIn(true);
    if (outcome.kind === 'signedIn') {
        if (deps.settings().dataSource === 'sample') {
            await updateSetting('dataSource', 'auto');
        }
        void vscode.window.showInformationMessage(`Infra Insights: signed in to Azure as ${outcome.account.label}.`);
    } else if (outcome.kind === 'declined') {
        void vscode.window.showInformationMessage('Infra Insights: sign-in was cancelled; the tools keep using sample data.');
    } else {
        void vscode.window
            .showErrorMessage(`Infra Insights: Azure sign-in failed: ${outcome.message}`, 'Show Log')
            .then((choice) => choice && deps.log.show());
    }
}

/** "Infra Insights: Sign Out": this extension stops using the account; VS Code's own sign-in is left alone. */
export async function signOut(deps: CommandDeps): Promise<void> {
    await deps.auth.signOut();
    // "azure" would sign straight back in at the next server start (VS Code still grants the account): fall back to
    // "auto", which honours the sign-out.
    if (deps.settings().dataSource === 'azure') {
        await updateSetting('dataSource', 'auto');
    }
    void vscode.window.showInformationMessage(
        'Infra Insights no longer uses your Azure account and shows sample data. To sign out of VS Code itself, use the Accounts menu.',
    );
}

/** "Infra Insights: Use Sample Data": the built-in fictional estate, no sign-in, no network. */
export async function useSampleData(deps: CommandDeps): Promise<void> {
    await updateSetting('dataSource', 'sample');
    deps.log.info('Data source set to the sample estate.');
    void vscode.window.showInformationMessage('Infra Insights: the tools now use the built-in sample estate (fictional data).');
}
