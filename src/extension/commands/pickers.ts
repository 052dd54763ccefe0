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

/** Runs ListScopes under progress; shows the error (with a way forward) and returns undefined when it fails. */
async function listScopes(deps: CommandDeps): Promise<(Scopes & { sourceKind?: string }) | undefined> {
    const result = await deps.runner.runWithProgress('Infra Insights: listing subscriptions and workspaces…', 'ListScopes', {
        max_results: 50_000,
    });
    if (!result.ok) {
        if (result.kind !== 'cancelled') {
            const choice = await vscode.window.showErrorMessage(`Infra Insights: ${result.message}`, 'Sign In', 'Show Log');
            if (choice === 'Sign In') {
                await vscode.commands.executeCommand('infraInsights.signIn');
            } else if (choice === 'Show Log') {
                deps.log.show();
            }
        }
        return undefined;
    }
    const structured = result.structured as unknown as Scopes;
    return { subscriptions: structured.subscriptions ?? [], workspaces: structured.workspaces ?? [], sourceKind: result.sourceKind };
}

const sampleNote = (kind: string | undefined) => (kind === 'sample' ? ' (sample estate: sign in to see your own)' : '');

/** "Infra Insights: Pick Subscriptions": none picked means every subscription the account can read. */
export async function pickSubscriptions(deps: CommandDeps): Promise<void> {
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
        title: `Subscriptions to analyse${sampleNote(scopes.sourceKind)}`,
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
        title: `Default Log Analytics workspace${sampleNote(scopes.sourceKind)}`,
        matchOnDescription: true,
    });
    if (!picked) {
        return;
    }
    await updateSetting('workspaceId', picked.id);
    deps.log.info(`Default workspace set to ${picked.id || 'none'}.`);
}

/** "Infra Insights: Pick Tenant": tenants seen in the visible subscriptions, the home tenant, or one typed in. */
export async function pickTenant(deps: CommandDeps): Promise<void> {
    const scopes = await listScopes(deps);
    const counts = new Map<string, number>();
    for (const s of scopes?.subscriptions ?? []) {
        counts.set(s.tenantId, (counts.get(s.tenantId) ?? 0) + 1);
    }
    const current = deps.settings().tenantId;
    const items: (vscode.QuickPickItem & { id: string | undefined })[] = [
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
