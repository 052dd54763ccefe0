import * as vscode from 'vscode';

/** Placeholder activation while the real one is written. */
export function activate(context: vscode.ExtensionContext): void {
    const log = vscode.window.createOutputChannel('Infra Insights', { log: true });
    context.subscriptions.push(log);
    log.info('Infra Insights activated.');
}

export function deactivate(): void {
    // nothing to stop
}
