import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeCacheFolder } from '../../src/server/boot';
import { SERVER_JS, serverEnv } from '../helpers/fixtures';

const INITIALIZE = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
};

/** Launches dist/server.js as a client would, lists the tools, closes stdin; returns the tool names and the log. */
async function launch(cacheFolder: string): Promise<{ tools: string[]; log: string; exitCode: number | null }> {
    const child = spawn(process.execPath, [SERVER_JS], {
        env: serverEnv({ INFRA_INSIGHTS_CODE_CACHE: cacheFolder, INFRA_INSIGHTS_LOG_LEVEL: 'debug' }),
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const listed = new Promise<string[]>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            // Only whole lines: the last piece may still be arriving.
            for (const line of out.split('\n').slice(0, -1)) {
                const message = line.trim() ? (JSON.parse(line) as { id?: number; result?: { tools?: { name: string }[] } }) : {};
                if (message.id === 2 && message.result?.tools) {
                    resolve(message.result.tools.map((t) => t.name));
                }
            }
        });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
    const tools = await listed;
    child.stdin.end();
    return { tools, log, exitCode: await exited };
}

const cacheFiles = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.bin')) : []);

describe('the stdio server code cache', () => {
    let scratch: string;
    beforeEach(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-insights-cache-'));
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it('is written owner-only on the first launch and used on the next, with the same nine tools', async () => {
        const folder = path.join(scratch, 'cache');
        const first = await launch(folder);
        assert.equal(first.tools.length, 9);
        assert.match(first.log, /Code cache: created\./);
        assert.equal(first.exitCode, 0);
        const files = cacheFiles(folder);
        assert.equal(files.length, 1);
        if (process.platform !== 'win32') {
            assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
            assert.equal(fs.statSync(path.join(folder, files[0])).mode & 0o777, 0o600);
        }
        const second = await launch(folder);
        assert.match(second.log, /Code cache: used\./);
        assert.deepEqual(second.tools, first.tools);
    });

    it('starts normally from a corrupt cache file and replaces it', async () => {
        const folder = path.join(scratch, 'cache');
        await launch(folder);
        const [file] = cacheFiles(folder);
        const corrupt = Buffer.alloc(fs.statSync(path.join(folder, file)).size, 0x5a);
        fs.writeFileSync(path.join(folder, file), corrupt);
        const afterCorruption = await launch(folder);
        assert.match(afterCorruption.log, /Code cache: rejected\./);
        assert.equal(afterCorruption.tools.length, 9);
        assert.notDeepEqual(fs.readFileSync(path.join(folder, file)), corrupt);
        assert.match((await launch(folder)).log, /Code cache: used\./);
    });

    it('refuses a folder other users can write to, and can be switched off', async function () {
        if (process.platform === 'win32') {
            this.skip();
        }
        const open = path.join(scratch, 'open');
        fs.mkdirSync(open);
        fs.chmodSync(open, 0o777);
        const refused = await launch(open);
        assert.match(refused.log, /Code cache: unsafe folder\./);
        assert.equal(refused.tools.length, 9);
        assert.deepEqual(cacheFiles(open), []);
        const off = await launch('off');
        assert.match(off.log, /Code cache: off\./);
        assert.equal(off.tools.length, 9);
    });

    it('lives in the per-user cache folder of each platform', () => {
        assert.equal(codeCacheFolder({}, 'linux', '/home/ana'), '/home/ana/.cache/infra-insights');
        assert.equal(codeCacheFolder({ XDG_CACHE_HOME: '/var/cache/ana' }, 'linux', '/home/ana'), '/var/cache/ana/infra-insights');
        assert.equal(codeCacheFolder({}, 'darwin', '/Users/ana'), '/Users/ana/Library/Caches/infra-insights');
        assert.equal(
            codeCacheFolder({ LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'win32', 'C:\\Users\\ana'),
            path.join('C:\\Users\\ana\\AppData\\Local', 'infra-insights', 'Cache'),
        );
        assert.equal(codeCacheFolder({ INFRA_INSIGHTS_CODE_CACHE: 'OFF' }, 'linux', '/home/ana'), undefined);
    });
});
