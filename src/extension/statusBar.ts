/**
 * The status bar item: which data the tools use (Azure and as whom, or the sample estate), so nobody mistakes
 * fictional rows for their own estate. Clicking it offers the sign-in and scope commands.
 */
import * as vscode from 'vscode';
import type { AzureAuth } from './auth/azureAuth';
import type { ExtensionSettings } from './settings';

/** Internal command behind the status bar item (not in the palette). */
export const STATUS_MENU_COMMAND = 'infraInsights.statusMenu';

export class StatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem('infraInsights.status', vscode.StatusBarAlignment.Left, 50);
    private readonly menu: vscode.Disposable;

    constructor(
        private readonly auth: AzureAuth,
        private readonly settings: () => ExtensionSettings,
    ) {
        this.item.name = 'Infra Insights data source';
        this.item.command = STATUS_MENU_COMMAND;
        this.menu = vscode.commands.registerCommand(STATUS_MENU_COMMAND, () => this.showMenu());
        this.update();
        this.item.show();
    }

    /** What the item says now; also read by the integration tests. */
    get text(): string {
        return this.item.text;
    }

    update(): void {
        const { dataSource } = this.settings();
        const account = this.auth.account;
        if (dataSource === 'sample' || (dataSource === 'auto' && !account)) {
            this.item.text = '$(beaker) Infra Insights: sample data';
            this.item.tooltip = 'The tools use the built-in fictional sample estate. Click to sign in to Azure or change the data source.';
        } else if (account) {
            this.item.text = `$(azure) Infra Insights: ${account.label}`;
            this.item.tooltip = `The tools use Azure as ${account.label}. Click to pick subscriptions, workspace or tenant, or sign out.`;
        } else {
            this.item.text = '$(sign-in) Infra Insights: sign in to Azure';
            this.item.tooltip = 'The data source is Azure but no account is signed in. Click to sign in.';
        }
    }

    private async showMenu(): Promise<void> {
        const signedIn = this.auth.account !== undefined;
        const entries: (vscode.QuickPickItem & { command: string })[] = [
            signedIn
                ? { label: '$(sign-out) Sign Out', command: 'infraInsights.signOut' }
                : { label: '$(sign-in) Sign In to Azure', command: 'infraInsights.signIn' },
            { label: 'Pick Subscriptions', command: 'infraInsights.pickSubscriptions' },
            { label: 'Pick Default Workspace', command: 'infraInsights.pickWorkspace' },
            { label: 'Pick Tenant', command: 'infraInsights.pickTenant' },
            { label: '$(beaker) Use Sample Data', command: 'infraInsights.useSampleData' },
            { label: '$(output) Show Log', command: 'infraInsights.showLog' },
        ];
        const picked = await vscode.window.showQuickPick(entries, { title: 'Infra Insights' });
        if (picked) {
            await vscode.commands.executeCommand(picked.command);
        }
    }

    dispose(): void {
        this.menu.dispose();
        this.item.dispose();
    }
}
