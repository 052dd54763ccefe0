/**
 * Azure sign-in state for the extension, on top of `vscode.authentication`. VS Code owns the accounts and refreshes
 * tokens; this class decides when to ask (only on a person's action or when a server that needs Azure starts),
 * remembers whether the person told the extension to stop using Azure, and serves tokens to the MCP servers through
 * per-launch token bridges.
 */
import * as vscode from 'vscode';
import type { Logger } from '../log';
import type { ExtensionSettings } from '../settings';
import { resourceForRequestedScopes, sessionScopes, type AzureResource } from './scopes';
import { bridgeErrorFor } from './bridgeErrors';
import { startTokenBridge, type BridgeToken, type TokenBridge } from './tokenBridge';
import { tokenExpiresOn } from './tokenExpiry';

/** globalState key: the person ran "Sign Out", so `auto` must not use Azure even while VS Code has a session. */
const OPTED_OUT_KEY = 'infraInsights.azureOptedOut';

/** The outcome of making sure both sessions exist. */
export type SignInOutcome =
    | { kind: 'signedIn'; account: vscode.AuthenticationSessionAccountInformation }
    | { kind: 'declined' }
    | { kind: 'failed'; message: string };

export interface AzureAuthDeps {
    settings(): ExtensionSettings;
    log: Logger;
    globalState: vscode.Memento;
}

export class AzureAuth implements vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    /** Fires when the account this extension uses (or the opt-out) changes. */
    readonly onDidChange = this.changed.event;
    private currentAccount: vscode.AuthenticationSessionAccountInformation | undefined;
    private readonly bridges = new Map<string, TokenBridge>();
    private refreshing: Promise<void> = Promise.resolve();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly deps: AzureAuthDeps) {
        this.disposables.push(
            this.changed,
            vscode.authentication.onDidChangeSessions((event) => {
                if (event.provider.id === this.deps.settings().authenticationProviderId) {
                    void this.refresh('sessions changed');
                }
            }),
        );
    }

    /** The account in use, or undefined when signed out (or opted out). */
    get account(): vscode.AuthenticationSessionAccountInformation | undefined {
        return this.optedOut ? undefined : this.currentAccount;
    }

    get optedOut(): boolean {
        return this.deps.globalState.get<boolean>(OPTED_OUT_KEY, false);
    }

    /**
     * Re-reads the session silently (no prompt, no badge); fires `onDidChange` when the account changed. Calls are
     * queued: VS Code sends several session events for one sign-in, and overlapping reads would report it several times.
     */
    refresh(reason: string): Promise<void> {
        this.refreshing = this.refreshing.then(() => this.readSession(reason));
        return this.refreshing;
    }

    private async readSession(reason: string): Promise<void> {
        const before = this.account?.id;
        try {
            const session = await this.session('arm', { silent: true });
            this.currentAccount = session?.account;
        } catch (error) {
            this.deps.log.error('Could not read the Azure session', error);
            this.currentAccount = undefined;
        }
        if (this.account?.id !== before) {
            this.deps.log.info(
                this.account ? `Signed in to Azure as ${this.account.label} (${reason}).` : `No Azure session in use (${reason}).`,
            );
            this.changed.fire();
        }
    }

    /**
     * Makes sure the ARM and Log Analytics sessions exist. `interactive` may show VS Code's sign-in prompt (allowed in
     * commands and in `resolveMcpServerDefinition`); declining it is a normal outcome, not an error.
     */
    async signIn(interactive: boolean): Promise<SignInOutcome> {
        const settings = this.deps.settings();
        try {
            const options: vscode.AuthenticationGetSessionOptions = interactive ? { createIfNone: true } : { silent: true };
            const arm = await this.session('arm', options);
            // The Log Analytics session usually comes silently once the account is granted for ARM; prompt only if not.
            const logs = arm
                ? ((await this.session('logs', { silent: true })) ?? (interactive ? await this.session('logs', options) : undefined))
                : undefined;
            if (!arm || !logs) {
                return { kind: 'declined' };
            }
            const before = this.account?.id;
            if (this.optedOut) {
                await this.deps.globalState.update(OPTED_OUT_KEY, false);
            }
            this.currentAccount = arm.account;
            if (before !== arm.account.id) {
                this.deps.log.info(`Signed in to Azure as ${arm.account.label} with ${settings.authenticationProviderId}.`);
                this.changed.fire();
            }
            return { kind: 'signedIn', account: arm.account };
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            // VS Code rejects with "User did not consent to login." (or a cancellation) when the prompt is dismissed.
            if (/consent|cancel/i.test(message)) {
                this.deps.log.info(`Azure sign-in was declined (${settings.authenticationProviderId}).`);
                return { kind: 'declined' };
            }
            this.deps.log.error(`Azure sign-in failed (${settings.authenticationProviderId})`, error);
            return { kind: 'failed', message };
        }
    }

    /**
     * Stops this extension using Azure: forgets its account preference and remembers the choice, so `auto` uses sample
     * data and a running server's bridge answers `signedOut` (with the sign-in instruction) from then on. The VS Code
     * account itself stays signed in for other extensions; signing out of it is the Accounts menu's job.
     */
    async signOut(): Promise<void> {
        await this.deps.globalState.update(OPTED_OUT_KEY, true);
        try {
            // Asking silently with clearSessionPreference drops the remembered account choice without prompting.
            await this.session('arm', { silent: true, clearSessionPreference: true });
        } catch (error) {
            this.deps.log.warn(`Could not clear the account preference: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.deps.log.info('Stopped using Azure: the extension uses sample data until you sign in again.');
        this.changed.fire();
    }

    /** Starts a fresh bridge for the server `key` (closing that server's previous one) and returns it. */
    async startBridge(key: string): Promise<TokenBridge> {
        await this.bridges.get(key)?.dispose();
        const bridge = await startTokenBridge({
            getToken: (scopes, tenantId) => this.tokenFor(scopes, tenantId),
            onRequest: (event) => {
                const what = `Token bridge: ${event.outcome} for ${event.scopes.join(' ') || 'an unreadable request'} (${event.durationMs} ms)`;
                if (event.outcome === 'token') {
                    this.deps.log.info(`${what}.`);
                } else {
                    this.deps.log.warn(`${what}${event.message ? `: ${event.message}` : '.'}`);
                }
            },
        });
        this.bridges.set(key, bridge);
        this.deps.log.info(`Token bridge started for ${key}.`);
        return bridge;
    }

    /**
     * A token for the server, asked from VS Code silently on every request so VS Code's own refresh applies. The bridge
     * turns `undefined` into `signedOut`.
     */
    async tokenFor(scopes: readonly string[], tenantId: string | undefined): Promise<BridgeToken | undefined> {
        const resource = resourceForRequestedScopes(scopes);
        if (this.optedOut) {
            return undefined;
        }
        let session: vscode.AuthenticationSession | undefined;
        try {
            session = await this.session(resource, { silent: true }, tenantId);
        } catch (error) {
            throw bridgeErrorFor(error);
        }
        return session ? { token: session.accessToken, expiresOnTimestamp: tokenExpiresOn(session.accessToken) } : undefined;
    }

    private async closeBridges(): Promise<void> {
        const open = [...this.bridges.values()];
        this.bridges.clear();
        await Promise.all(open.map((b) => b.dispose()));
    }

    private session(
        resource: AzureResource,
        options: vscode.AuthenticationGetSessionOptions,
        tenantId?: string,
    ): Thenable<vscode.AuthenticationSession | undefined> {
        const settings = this.deps.settings();
        return vscode.authentication.getSession(settings.authenticationProviderId, sessionScopes(resource, settings, tenantId), options);
    }

    dispose(): void {
        void this.closeBridges();
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}
