/**
 * The extension-host side of `npm run test:integration`: the test-auth fixture extension calls `run()` (the same
 * contract as VS Code's `extensionTestsPath`, which the runner avoids because it disables modal dialogs) and reports
 * the outcome to the runner. Also usable as `extensionTestsPath` with @vscode/test-electron on a desktop, except for
 * the sign-in suite, which needs the consent dialog.
 * Mocha 11, not 12: mocha 12 is ESM-only and `new Mocha()` fails inside the extension host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/** Runs every `*.test.js` bundled beside this file; mocha's lines also go to the runner's report file. */
export async function run(): Promise<void> {
    const report = process.env.INFRA_INSIGHTS_IT_REPORT;
    // The spec reporter prints through Base.consoleLog; tee it to the file the runner echoes (the extension host's
    // own stdout does not reach the runner in code-server).
    const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
    const original = base.consoleLog;
    base.consoleLog = (...args: unknown[]) => {
        if (report) {
            fs.appendFileSync(report, `${util.format(...args)}\n`);
        }
        original(...args);
    };
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
    if (process.env.INFRA_INSIGHTS_IT_GREP) {
        mocha.grep(process.env.INFRA_INSIGHTS_IT_GREP);
    }
    // One VS Code runs every suite, so the order is part of the story: activation, the MCP server on sample data,
    // sign-in, then Azure through the token bridge. Suites not named here run last.
    const order = ['activation', 'mcpServer', 'signIn', 'azureBridge'];
    const rank = (file: string) => {
        const i = order.indexOf(file.replace(/\.test\.js$/, ''));
        return i < 0 ? order.length : i;
    };
    const files = fs
        .readdirSync(__dirname)
        .filter((f) => f.endsWith('.test.js'))
        .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const file of files) {
        mocha.addFile(path.join(__dirname, file));
    }
    try {
        let runner: Mocha.Runner | undefined;
        const failures = await new Promise<number>((resolve) => (runner = mocha.run(resolve)));
        // The counts, for the runner's plain closing line ("N passed, N failed, N skipped").
        if (process.env.INFRA_INSIGHTS_IT_STATS && runner?.stats) {
            const { passes, failures: failed, pending } = runner.stats;
            fs.writeFileSync(process.env.INFRA_INSIGHTS_IT_STATS, JSON.stringify({ passes, failures: failed, pending }));
        }
        if (failures > 0) {
            throw new Error(`${failures} integration test(s) failed.`);
        }
    } finally {
        base.consoleLog = original;
    }
}
