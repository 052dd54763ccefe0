/**
 * Runs the tools in-process for the UI (pickers, sidebar, tables): the same tool objects the MCP server registers, so a
 * person browsing sees exactly what Copilot is told. The data source is built from the settings and the sign-in state
 * and reused until either changes. Every run is logged with its duration and row count.
 */
import * as vscode from 'vscode';
import type { InfraSource } from '../core/source';
import { selectSource, type SourceConfig } from '../sources';
import type { ToolRun } from '../tools';
import { tools } from './tools';
import type { AzureAuth } from './auth/azureAuth';
import type { Logger } from './log';
import type { ExtensionSettings } from './settings';

/** Which source the UI uses right now, and why, in a person's words. */
export interface ActiveSource {
    source: InfraSource;
    kind: 'sample' | 'azure';
    note: string;
}

export interface ToolRunnerDeps {
    settings(): ExtensionSettings;
    auth: AzureAuth;
    log: Logger;
}

export class ToolRunner implements vscode.Disposable {
    private cached: { key: string; active: Promise<ActiveSource> } | undefined;
    private readonly changed = new vscode.EventEmitter<void>();
    /** Fires when the data source may have changed (settings or sign-in): views and tables refresh on it. */
    readonly onDidChangeSource = this.changed.event;

    constructor(private readonly deps: ToolRunnerDeps) {}

    /** Forgets the source so the next run builds it again (settings or sign-in changed), and tells the views. */
    reset(): void {
        this.cached = undefined;
        this.changed.fire();
    }

    /** The source itself, for views and tables that run tools on their own. */
    async getSource(): Promise<InfraSource> {
        return (await this.activeSource()).source;
    }

    dispose(): void {
        this.changed.dispose();
    }

    /** The source the UI uses: Azure when chosen (or `auto` with an account in use), the sample estate otherwise. */
    activeSource(): Promise<ActiveSource> {
        const settings = this.deps.settings();
        const useAzure = settings.dataSource === 'azure' || (settings.dataSource === 'auto' && this.deps.auth.account !== undefined);
        const key = JSON.stringify([settings, useAzure, this.deps.auth.account?.id]);
        if (this.cached?.key !== key) {
            const active = this.build(settings, useAzure);
            // A failed build is not cached: the next run tries again (after a sign-in, say).
            active.catch(() => (this.cached = this.cached?.active === active ? undefined : this.cached));
            this.cached = { key, active };
        }
        return this.cached.active;
    }

    /** Runs a tool by name; never throws (failures come back as `{ok: false, message}`). */
    async run(
        name: string,
        args: unknown,
        signal?: AbortSignal,
        progress?: (message: string) => void,
    ): Promise<ToolRun & { sourceKind?: ActiveSource['kind'] }> {
        const started = Date.now();
        let active: ActiveSource;
        try {
            active = await this.activeSource();
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            this.deps.log.error(`${name} could not start: no data source`, error);
            return { ok: false, kind: 'source', message };
        }
        const result = await tools().runTool(name, { source: active.source, signal, progress }, args);
        const ms = Date.now() - started;
        if (result.ok) {
            const truncation = (result.structured as { truncation?: { shown?: number; total?: number } }).truncation;
            const rows = truncation?.shown === undefined ? '' : `, ${truncation.shown} of ${truncation.total ?? truncation.shown} rows`;
            this.deps.log.info(`${name} ran on ${active.kind} data in ${ms} ms${rows}.`);
        } else {
            const line = `${name} failed after ${ms} ms (${result.kind}): ${result.message}`;
            if (result.kind === 'internal') {
                this.deps.log.error(line);
            } else {
                this.deps.log.warn(line);
            }
        }
        return { ...result, sourceKind: active.kind };
    }

    /**
     * Runs a tool under a progress notification that the person can cancel; the cancellation reaches the source as an
     * abort signal so Azure queries stop too.
     */
    runWithProgress(title: string, name: string, args: unknown): Promise<ToolRun & { sourceKind?: ActiveSource['kind'] }> {
        return Promise.resolve(
            vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
                const controller = new AbortController();
                const subscription = token.onCancellationRequested(() => controller.abort());
                return this.run(name, args, controller.signal, (message) => progress.report({ message })).finally(() =>
                    subscription.dispose(),
                );
            }),
        );
    }

    private async build(settings: ExtensionSettings, useAzure: boolean): Promise<ActiveSource> {
        const config: SourceConfig = {
            source: useAzure ? 'azure' : 'sample',
            sampleSize: settings.sampleSize,
            workspaceId: settings.workspaceId || undefined,
            subscriptionIds: settings.subscriptions.length ? settings.subscriptions : undefined,
            tenantId: settings.tenantId || undefined,
            cloud: settings.cloud,
        };
        // In-process Azure queries get their tokens the same way the server does: through a token bridge to VS Code's
        // sessions, so refresh, tenant and error mapping behave identically in the sidebar and in chat.
        const env = useAzure ? { ...process.env, ...(await this.deps.auth.startBridge('in-process tools')).env } : process.env;
        const { source, note } = await selectSource(config, env);
        this.deps.log.info(`In-process tools use ${useAzure ? 'Azure' : 'the sample estate'}: ${note}`);
        return { source, kind: useAzure ? 'azure' : 'sample', note };
    }
}
