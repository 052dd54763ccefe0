/**
 * Loads the built table webview (`dist/webview/table.js`) into a static page in Debian's headless Chromium, the way
 * VS Code hosts it: the same HTML and CSP the host writes, `--vscode-*` theme variables from a stylesheet, and a stub
 * `acquireVsCodeApi` that records what the webview posts. Shared by the webview tests and the table benchmark.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tableHtml } from '../../../src/extension/webviews/tablePage';
import type { HostMessage, WebviewMessage } from '../../../src/shared/messages';
// Headless Chromium as these machines need it (no sandbox as root; no background network, which is closed here).
import CHROMIUM_ARGS from '../../chromium-args.json';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOTS = path.join(ROOT, '.test-output', 'screenshots');
const TABLE_JS = path.join(ROOT, 'dist', 'webview', 'table.js');

export type Theme = 'light' | 'dark' | 'high-contrast';

/** The class VS Code puts on a webview's body for each kind of theme. */
const BODY_CLASS: Record<Theme, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };

/** Theme variables as VS Code's Light+, Dark+ and High Contrast themes set them (the subset the table uses). */
const THEMES: Record<Theme, Record<string, string>> = {
    light: {
        foreground: '#616161',
        'editor-background': '#ffffff',
        descriptionForeground: '#717171',
        errorForeground: '#a1260d',
        'editorWarning-foreground': '#bf8803',
        'input-foreground': '#616161',
        'input-background': '#ffffff',
        'input-border': '#cecece',
        'dropdown-background': '#ffffff',
        'dropdown-foreground': '#616161',
        'dropdown-border': '#cecece',
        'button-background': '#007acc',
        'button-foreground': '#ffffff',
        'button-hoverBackground': '#0062a3',
        focusBorder: '#0090f1',
        'panel-border': '#e5e5e5',
        'editorGroupHeader-tabsBackground': '#f3f3f3',
        'list-hoverBackground': '#e8e8e8',
        'list-activeSelectionBackground': '#0060c0',
        'list-activeSelectionForeground': '#ffffff',
        'badge-background': '#c4c4c4',
        'badge-foreground': '#333333',
        'textLink-foreground': '#006ab1',
        'charts-blue': '#1a85ff',
        'charts-red': '#e51400',
        'charts-orange': '#d18616',
        'font-family': 'sans-serif',
        'font-size': '13px',
    },
    dark: {
        foreground: '#cccccc',
        'editor-background': '#1e1e1e',
        descriptionForeground: '#9d9d9d',
        errorForeground: '#f48771',
        'editorWarning-foreground': '#cca700',
        'input-foreground': '#cccccc',
        'input-background': '#3c3c3c',
        'input-border': '#3c3c3c',
        'dropdown-background': '#3c3c3c',
        'dropdown-foreground': '#f0f0f0',
        'dropdown-border': '#3c3c3c',
        'button-background': '#0e639c',
        'button-foreground': '#ffffff',
        'button-hoverBackground': '#1177bb',
        focusBorder: '#007fd4',
        'panel-border': '#80808059',
        'editorGroupHeader-tabsBackground': '#252526',
        'list-hoverBackground': '#2a2d2e',
        'list-activeSelectionBackground': '#04395e',
        'list-activeSelectionForeground': '#ffffff',
        'badge-background': '#4d4d4d',
        'badge-foreground': '#ffffff',
        'textLink-foreground': '#3794ff',
        'charts-blue': '#3794ff',
        'charts-red': '#f14c4c',
        'charts-orange': '#d18616',
        'font-family': 'sans-serif',
        'font-size': '13px',
    },
    'high-contrast': {
        foreground: '#ffffff',
        'editor-background': '#000000',
        descriptionForeground: '#ffffff',
        errorForeground: '#f48771',
        'editorWarning-foreground': '#ffd370',
        'input-foreground': '#ffffff',
        'input-background': '#000000',
        'input-border': '#6fc3df',
        'dropdown-background': '#000000',
        'dropdown-foreground': '#ffffff',
        'dropdown-border': '#6fc3df',
        'button-background': '#000000',
        'button-foreground': '#ffffff',
        'button-border': '#6fc3df',
        focusBorder: '#f38518',
        contrastBorder: '#6fc3df',
        contrastActiveBorder: '#f38518',
        'editorGroupHeader-tabsBackground': '#000000',
        'list-hoverBackground': '#00000000',
        'list-activeSelectionBackground': '#00000000',
        'list-activeSelectionForeground': '#ffffff',
        'badge-background': '#000000',
        'badge-foreground': '#ffffff',
        'textLink-foreground': '#21a6ff',
        'charts-blue': '#3794ff',
        'charts-red': '#f14c4c',
        'charts-orange': '#d18616',
        'font-family': 'sans-serif',
        'font-size': '13px',
    },
};

function themeOf(url: URL): Theme {
    const asked = url.searchParams.get('theme');
    return asked === 'dark' || asked === 'high-contrast' ? asked : 'light';
}

/** Builds `dist/webview/table.js` the way esbuild.js does (the test must see the current source). */
export async function buildWebview(): Promise<void> {
    await esbuild.build({
        entryPoints: [path.join(ROOT, 'src/webview/table.ts')],
        bundle: true,
        platform: 'browser',
        target: 'es2022',
        format: 'iife',
        outfile: TABLE_JS,
        sourcemap: true,
        logLevel: 'warning',
    });
}

/** Serves the page, the script, the stylesheet and the theme from one origin (the CSP's `cspSource`). */
export async function startServer(): Promise<{ origin: string; close(): Promise<void> }> {
    let origin = '';
    const server = http.createServer((request, response) => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const send = (type: string, body: string | Buffer) => {
            response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
            response.end(body);
        };
        if (url.pathname === '/table.js') {
            send('text/javascript', fs.readFileSync(TABLE_JS));
        } else if (url.pathname === '/table.css') {
            send('text/css', fs.readFileSync(path.join(ROOT, 'media', 'table.css')));
        } else if (url.pathname === '/theme.css') {
            const theme = THEMES[themeOf(url)];
            send(
                'text/css',
                `html { ${Object.entries(theme)
                    .map(([k, v]) => `--vscode-${k}: ${v};`)
                    .join(' ')} }`,
            );
        } else if (url.pathname === '/') {
            const theme = themeOf(url);
            const html = tableHtml({
                cspSource: origin,
                nonce: 'dGVzdC1ub25jZQ==',
                scriptUri: `${origin}/table.js`,
                styleUri: `${origin}/table.css`,
            }).replace(
                '<link rel="stylesheet"',
                `<link rel="stylesheet" href="${origin}/theme.css?theme=${theme}">\n<link rel="stylesheet"`,
            );
            send('text/html', html);
        } else if (url.pathname === '/favicon.ico') {
            // Chromium asks for one; a 404 would show up as a console error the tests count.
            response.writeHead(204).end();
        } else {
            response.writeHead(404).end();
        }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export function launchChromium(): Promise<Browser> {
    return chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
    });
}

/** What happened in the page that must not: dialogs, page errors, console errors, CSP violations. */
export interface PageIncidents {
    dialogs: string[];
    errors: string[];
}

/** Opens the webview page with the VS Code API stub; `posted()` returns what the webview sent to the "host". */
export async function openTablePage(
    browser: Browser,
    origin: string,
    theme: Theme = 'light',
    viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; incidents: PageIncidents; posted(): Promise<WebviewMessage[]>; send(message: HostMessage): Promise<void> }> {
    const page = await browser.newPage({ viewport, colorScheme: theme === 'light' ? 'light' : 'dark' });
    const incidents: PageIncidents = { dialogs: [], errors: [] };
    page.on('dialog', (dialog) => {
        incidents.dialogs.push(dialog.message());
        void dialog.dismiss();
    });
    page.on('pageerror', (error) => incidents.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
        if (message.type() === 'error') {
            incidents.errors.push(`console: ${message.text()}`);
        }
    });
    // A string, not a function: the test runner's transpiler would wrap a function with helpers the page lacks.
    await page.addInitScript(`
        window.__posted = [];
        window.__violations = [];
        window.__state = undefined;
        document.addEventListener('DOMContentLoaded', () => document.body.classList.add(${JSON.stringify(BODY_CLASS[theme])}));
        document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ': ' + e.blockedURI));
        window.acquireVsCodeApi = () => ({
            postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
            getState: () => window.__state,
            setState: (state) => { window.__state = state; },
        });
    `);
    await page.goto(`${origin}/?theme=${theme}`);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    return {
        page,
        incidents,
        posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
        send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    };
}

/** CSP violations the page reported. */
export function violations(page: Page): Promise<string[]> {
    return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}
