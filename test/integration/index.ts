/**
 * The extension-host side of `npm run test:integration`: VS Code loads this file as `extensionTestsPath` and calls
 * `run()`; the workbench reports the returned promise's outcome to the runner as the exit code.
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
    for (const file of fs
        .readdirSync(__dirname)
        .filter((f) => f.endsWith('.test.js'))
        .sort()) {
        mocha.addFile(path.join(__dirname, file));
    }
    try {
        const failures = await new Promise<number>((resolve) => mocha.run(resolve));
        if (failures > 0) {
            throw new Error(`${failures} integration test(s) failed.`);
        }
    } finally {
        base.consoleLog = original;
    }
}
