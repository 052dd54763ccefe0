/**
 * Quick picks for tenant, subscriptions and default workspace, filled by the `ListScopes` tool run in-process, so a
 * person chooses from what the source can really see instead of pasting GUIDs.
 */
import * as vscode from 'vscode';
import type { CommandDeps } from './index';
import { updateSetting } from './settingsUpdate';

interface SubscriptionRow {
    subscriptionId: string;
    displayName: string;
    tenantId: string;
    state: string;
}
interface WorkspaceRow {
    customerId: string;
    name: string;
    subscriptionId: string;
    resourceGroup: string;
    location: string;
}
interface Scopes {
    subscriptions: SubscriptionRow[];
    workspaces: WorkspaceRow[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/**
 * Runs ListScopes under progress; on failure shows the error with a way forward and returns undefined. The
 * notification is not waited for: Pick Tenant opens its list anyway (a wrong tenant is a likely cause of the failure).
 */
async function listScopes(deps: CommandDeps): Promise<Scopes | undefined> {
    const result = await deps.runner.runWithProgress('Infra Insights: listing subscriptions and workspaces…', 'ListScopes', {
        max_results: 50_000,
    });
    if (!result.ok) {
        if (result.kind !== 'cancelled') {
            void vscode.window.showErrorMessage(`Infra Insights: ${result.message}`, 'Sign In', 'Show Log').then(async (choice) => {
                if (choice === 'Sign In') {
                    await vscode.commands.executeCommand('infraInsights.signIn');
                } else if (choice === 'Show Log') {
                    deps.log.show();
                }
            });
        }
        return undefined;
    }
    const structured = result.structured as unknown as Scopes;
    return { subscriptions: structured.subscriptions ?? [], workspaces: structured.workspaces ?? [] };
}

/**
 * True when the tools read the sample estate: its tenants, subscriptions and workspaces are fictional, and written
 * into the settings they would point the person's Azure sign-in at scopes that do not exist.
 */
async function onSampleData(deps: CommandDeps): Promise<boolean> {
    try {
        return (await deps.runner.activeSource()).kind === 'sample';
    } catch {
        // No source could be built: not the sample's (it always builds); ListScopes will say what is wrong.
        return false;
    }
}

/** Tells the person the picker needs Azure, and offers the sign-in (the command returns without waiting for it). */
function offerSignIn(what: string): void {
    void vscode.window
        .showInformationMessage(
            `Infra Insights shows sample data, whose ${what} are fictional: sign in to Azure to pick from your own.`,
            'Sign In',
        )
        .then((choice) => choice && vscode.commands.executeCommand('infraInsights.signIn'));
}

/** "Infra Insights: Pick Subscriptions": none picked means every subscription the account can read. */
export async function pickSubscriptions(deps: CommandDeps): Promise<void> {
    if (await onSampleData(deps)) {
        offerSignIn('subscriptions');
        return;
    }
    const scopes = await listScopes(deps);
    if (!scopes) {
        return;
    }
    const current = new Set(deps.settings().subscriptions.map((s) => s.toLowerCase()));
    const items = scopes.subscriptions.map((s) => ({
        label: s.displayName || s.subscriptionId,
        description: s.subscriptionId,
        detail: `Tenant ${s.tenantId}${s.state && s.state !== 'Enabled' ? ` · ${s.state}` : ''}`,
        picked: current.has(s.subscriptionId.toLowerCase()),
        id: s.subscriptionId,
    }));
    if (items.length === 0) {
        void vscode.window.showInformationMessage('Infra Insights: no subscriptions are visible to this account.');
        return;
    }
    const picked = await vscode.window.showQuickPick(items, {
        canPickMany: true,
        title: 'Subscriptions to analyse',
        placeHolder: 'None selected = every subscription you can read',
        matchOnDescription: true,
    });
    if (!picked) {
        return;
    }
    await updateSetting(
        'subscriptions',
        picked.map((p) => p.id),
    );
    deps.log.info(`Subscriptions set to ${picked.length ? picked.map((p) => p.id).join(', ') : 'all visible'}.`);
}

/** "Infra Insights: Pick Default Workspace": the Log Analytics workspace the log-based tools query by default. */
export async function pickWorkspace(deps: CommandDeps): Promise<void> {
    if (await onSampleData(deps)) {
        offerSignIn('workspaces');
        return;
    }
    const scopes = await listScopes(deps);
    if (!scopes) {
        return;
    }
    const current = deps.settings().workspaceId.toLowerCase();
    const items: (vscode.QuickPickItem & { id: string })[] = scopes.workspaces.map((w) => ({
        label: w.name,
        description: `${w.customerId}${w.customerId.toLowerCase() === current ? ' (current)' : ''}`,
        detail: `${w.resourceGroup} · ${w.location} · subscription ${w.subscriptionId}`,
        id: w.customerId,
    }));
    items.push({ label: 'No default', description: 'use the only workspace, or ask each time', id: '' });
    const picked = await vscode.window.showQuickPick(items, {
        title: 'Default Log Analytics workspace',
        matchOnDescription: true,
    });
    if (!picked) {
        return;
    }
    await updateSetting('workspaceId', picked.id);
    deps.log.info(`Default workspace set to ${picked.id || 'none'}.`);
}

/** A Pick Tenant choice: a tenant to save (`''` for the home tenant), one to type in, or signing in first. */
type TenantChoice = vscode.QuickPickItem & { id: string | undefined; signIn?: true };

/**
 * "Infra Insights: Pick Tenant": tenants seen in the visible subscriptions, the home tenant, or one typed in. On sample
 * data it lists no tenants (the sample's are fictional) and offers the sign-in instead; the tenant to sign in to can
 * still be set first.
 */
export async function pickTenant(deps: CommandDeps): Promise<void> {
    const sample = await onSampleData(deps);
    const scopes = sample ? undefined : await listScopes(deps);
    const counts = new Map<string, number>();
    for (const s of scopes?.subscriptions ?? []) {
        counts.set(s.tenantId, (counts.get(s.tenantId) ?? 0) + 1);
    }
    const current = deps.settings().tenantId;
    const items: TenantChoice[] = [
        ...(sample
            ? [
                  {
                      label: '$(sign-in) Sign in to Azure',
                      detail: 'The tools show sample data: sign in to list the tenants of your subscriptions',
                      id: undefined,
                      signIn: true as const,
                  },
              ]
            : []),
        { label: 'Home tenant', description: current ? '' : '(current)', detail: "Your account's default tenant", id: '' },
        ...[...counts].map(([tenantId, n]) => ({
            label: tenantId,
            description: tenantId === current ? '(current)' : '',
            detail: `${n} visible subscription${n === 1 ? '' : 's'}`,
            id: tenantId,
        })),
        { label: 'Enter a tenant id or domain…', id: undefined },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Microsoft Entra tenant to sign in to' });
    if (!picked) {
        return;
    }
    if (picked.signIn) {
        await vscode.commands.executeCommand('infraInsights.signIn');
        return;
    }
    let tenantId = picked.id;
    if (tenantId === undefined) {
        tenantId = await vscode.window.showInputBox({
            title: 'Tenant id or domain',
            placeHolder: '00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com',
            value: current,
            validateInput: (value) =>
                GUID.test(value.trim()) || DOMAIN.test(value.trim())
                    ? undefined
                    : 'Enter a tenant GUID or a domain such as contoso.onmicrosoft.com.',
        });
        if (tenantId === undefined) {
            return;
        }
        tenantId = tenantId.trim();
    }
    await updateSetting('tenantId', tenantId);
    deps.log.info(`Tenant set to ${tenantId || 'the home tenant'}.`);
}
