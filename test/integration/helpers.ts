/**
 * Shared steps of the integration suites, which run inside the extension host of a real VS Code (code-server).
 * They drive the product the way VS Code and a person do: settings, commands, VS Code's own MCP client, and the
 * sign-in dialog (answered by the runner, see scripts/run-integration.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import type { InfraInsightsApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'infra-insights.infra-insights';
/** `<publisher>.<name>/<server label>`: how VS Code names a provider's server. */
export const SERVER_ID = `${EXTENSION_ID}/Infra Insights for Azure`;
export const TEST_ACCOUNT = 'test.user@contoso.example';

/** Prints an indented line into the mocha report the runner shows (plain console output does not reach it). */
export function note(line: string): void {
    (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog(`      ${line}`);
}

/** Activates the product and returns its API. */
export async function productApi(): Promise<InfraInsightsApi> {
    const extension = vscode.extensions.getExtension<InfraInsightsApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    const api = await extension.activate();
    assert.ok(api, 'activate returned the API (it returns undefined only when activation failed)');
    return api;
}

/** Polls until `check` returns a value (not undefined/false), or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
    what: string,
    check: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs = 30_000,
    everyMs = 250,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
        try {
            const value = await check();
            if (value !== undefined && value !== false) {
                return value;
            }
        } catch (error) {
            lastError = error;
        }
        await new Promise((r) => setTimeout(r, everyMs));
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}.`);
}

/** Sets a user setting (as the person would in settings.json); `undefined` removes it. */
export async function setSetting(key: string, value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration('infraInsights').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Our nine tools, by the names the server registers. */
export const TOOLS = [
    'GetServerMetadata',
    'GetSqlMetadata',
    'GetPatchingLevel',
    'GetSqlBpAssessment',
    'GetWinBpAssessment',
    'GetSwConfig',
    'GetSwChangesList',
    'GetAnomalies',
    'ListScopes',
];

/** Our MCP tools as VS Code lists them (VS Code prefixes the names, e.g. `mcp_infra_insight_GetPatchingLevel`). */
export function mcpTools(): readonly vscode.LanguageModelToolInformation[] {
    return vscode.lm.tools.filter(
        (t) => t.name.startsWith('mcp_') && TOOLS.some((tool) => t.name.toLowerCase().endsWith(`_${tool.toLowerCase()}`)),
    );
}

/** The VS Code name of one of our tools. */
export function toolName(tool: string): string {
    const found = vscode.lm.tools.find((t) => t.name.toLowerCase().endsWith(tool.toLowerCase()));
    assert.ok(found, `${tool} is listed in vscode.lm.tools (have: ${vscode.lm.tools.map((t) => t.name).join(', ')})`);
    return found.name;
}

/**
 * Starts our server through VS Code's MCP service. Right after activation the provider may not be registered yet and
 * the command silently does nothing, so it is retried about once a second until `ready` holds.
 */
export async function startServer(
    ready: () => boolean = () => vscode.lm.tools.some((t) => /getpatchinglevel$/i.test(t.name)),
): Promise<void> {
    await waitFor(
        'the MCP server to start and list its tools',
        async () => {
            await vscode.commands.executeCommand('workbench.mcp.startServer', SERVER_ID, { autoTrustChanges: true });
            return ready();
        },
        60_000,
        1000,
    );
}

export async function stopServer(): Promise<void> {
    await vscode.commands.executeCommand('workbench.mcp.stopServer', SERVER_ID);
}

/** A tool's answer as VS Code's MCP client hands it to a model. */
export interface ToolAnswer {
    /** The structured result (VS Code passes `structuredContent` to the model as a JSON text part). */
    structured: Record<string, unknown> & { source?: string; sourceDescription?: string };
    /** Every text part, in order. */
    parts: string[];
}

/** Calls a tool through VS Code's MCP client (`vscode.lm.invokeTool`). */
export async function invoke(tool: string, input: object = {}): Promise<ToolAnswer> {
    const result = await vscode.lm.invokeTool(toolName(tool), { input, toolInvocationToken: undefined });
    const parts = result.content
        .filter((part): part is vscode.LanguageModelTextPart => part instanceof vscode.LanguageModelTextPart)
        .map((p) => p.value);
    const json = parts.find((p) => p.trimStart().startsWith('{'));
    return { structured: json ? (JSON.parse(json) as ToolAnswer['structured']) : {}, parts };
}

/**
 * True when the runner answers dialogs (code-server route). Under `extensionTestsPath` (the desktop route) VS Code
 * refuses every modal dialog, so the suites that need the sign-in consent are skipped there.
 */
export const dialogsAnswered = Boolean(process.env.INFRA_INSIGHTS_IT_DIALOGS);

/** How the runner answers VS Code's next modal dialogs ("Allow" or "Cancel"). */
export function answerDialogsWith(answer: 'Allow' | 'Cancel'): void {
    fs.writeFileSync(requiredEnv('INFRA_INSIGHTS_IT_CONTROL'), JSON.stringify({ dialogAnswer: answer }));
}

/** The dialogs the runner has answered so far. */
export function answeredDialogs(): { text: string; answer: string }[] {
    const file = requiredEnv('INFRA_INSIGHTS_IT_DIALOGS');
    return fs.existsSync(file)
        ? fs
              .readFileSync(file, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line) as { text: string; answer: string })
        : [];
}

/** The notification toasts shown so far (recorded by the runner from the workbench). */
export function notifications(): string[] {
    const file = requiredEnv('INFRA_INSIGHTS_IT_NOTIFICATIONS');
    return fs.existsSync(file)
        ? fs
              .readFileSync(file, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((line) => (JSON.parse(line) as { text: string }).text)
        : [];
}

/** What the test-auth fixture handed out. */
export interface TestAuthState {
    minted: number;
    calls: { method: string; scopes?: string[] }[];
    sessions: { scopes: string[]; exp: number; n: number; accessToken: string }[];
}

export async function testAuthState(): Promise<TestAuthState> {
    return (await vscode.commands.executeCommand('infraInsightsTestAuth.state')) as TestAuthState;
}

function requiredEnv(name: string): string {
    const value = process.env[name];
    assert.ok(value, `${name} is set by scripts/run-integration.mjs`);
    return value;
}
