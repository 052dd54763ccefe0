import { z } from 'zod';
import { envelope, envelopeOf, inputs, limit } from './common';
import { plural, renderText } from './text';
import { defineTool, READ_ONLY } from './types';

const subscription = z.object({ subscriptionId: z.string(), displayName: z.string(), tenantId: z.string(), state: z.string() });
const workspace = z.object({
    customerId: z.string(),
    name: z.string(),
    resourceId: z.string(),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    location: z.string(),
});

export const listScopes = defineTool({
    name: 'ListScopes',
    title: 'List subscriptions and workspaces',
    description:
        'Lists the Azure subscriptions (with their tenants) and the Log Analytics workspaces this source can see, and which workspace is the default. ' +
        'Call it first to learn the subscription_ids and workspace_id values the other tools accept, instead of asking the user for GUIDs.',
    input: z
        .object({
            max_results: inputs.maxResults.describe(
                'At most this many subscriptions, and as many workspaces: each list is cut on its own. Default 100, at most 50000.',
            ),
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({ subscriptions: z.number().int(), workspaces: z.number().int(), defaultWorkspaceId: z.string().optional() }),
        subscriptions: z.array(subscription),
        workspaces: z.array(workspace),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const scopes = await context.source.listScopes({ signal: context.signal });
        const subscriptions = limit(scopes.subscriptions, input.max_results);
        const workspaces = limit(scopes.workspaces, input.max_results);
        const defaultWorkspaceId =
            context.source.defaultWorkspaceId ?? (scopes.workspaces.length === 1 ? scopes.workspaces[0].customerId : undefined);
        const summary = `${plural(scopes.subscriptions.length, 'subscription')} and ${plural(scopes.workspaces.length, 'Log Analytics workspace')} ${scopes.subscriptions.length + scopes.workspaces.length === 1 ? 'is' : 'are'} visible${
            defaultWorkspaceId ? `; the default workspace is ${defaultWorkspaceId}` : ''
        }.`;
        const table = {
            columns: ['Kind', 'Id', 'Name', 'Tenant', 'In subscription', 'Location'],
            rows: [
                ...subscriptions.items.map((s) => ['subscription', s.subscriptionId, s.displayName, s.tenantId, undefined, undefined]),
                ...workspaces.items.map((w) => ['workspace', w.customerId, w.name, undefined, w.subscriptionId, w.location]),
            ],
        };
        const truncation = {
            shown: subscriptions.truncation.shown + workspaces.truncation.shown,
            total: subscriptions.truncation.total + workspaces.truncation.total,
        };
        return {
            structured: {
                ...envelopeOf(context, {}, truncation, []),
                summary: { subscriptions: scopes.subscriptions.length, workspaces: scopes.workspaces.length, defaultWorkspaceId },
                subscriptions: subscriptions.items,
                workspaces: workspaces.items,
            },
            text: renderText(context, { summary, table, truncation }),
        };
    },
});
