import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../settings';

/**
 * Writes a setting where the person already set it (workspace or user), so a command never hides a value behind a
 * workspace override it did not see; new values go to the user settings.
 */
export async function updateSetting(key: string, value: unknown): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inspected = configuration.inspect(key);
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await configuration.update(key, value, target);
}
