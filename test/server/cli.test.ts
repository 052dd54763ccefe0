import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { runTool } from '../../src/tools';
import { forShell } from '../../src/cli';
import { call, CLI_JS, sampleSource, serverEnv, TOOL_NAMES } from '../helpers/fixtures';

interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs the built CLI (`dist/cli.js`, as `npm start` and a shell do) on the sample estate with the fixed clock. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI_JS, ...args], { env: serverEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}

describe('the command line (dist/cli.js)', function () {
    this.timeout(60_000);

    it('lists the nine tools with their parameters', async () => {
        const run = await cli(['tools']);
        assert.equal(run.code, 0, run.stderr);
        const names = [...run.stdout.matchAll(/^(\w+) — /gm)].map((m) => m[1]);
        assert.deepEqual(names, TOOL_NAMES);
        assert.match(run.stdout, /tags/);
    });

    it('runs a tool and prints its text, or its structured answer with --json, the same as in-process', async () => {
        const text = await cli(['run', 'GetPatchingLevel', '--classification', 'Critical,Security']);
        assert.equal(text.code, 0, text.stderr);
        const lines = text.stdout.split('\n');
        assert.equal(lines[0], 'SAMPLE DATA: a generated fictional estate, not a real Azure environment.');
        const inProcess = await runTool('GetPatchingLevel', { source: sampleSource() }, { classification: ['Critical', 'Security'] });
        assert.ok(inProcess.ok);
        assert.equal(text.stdout, `${forShell(inProcess.text)}\n`);
        // What an MCP client calls structuredContent is, in a shell, what --json prints.
        const many = await cli(['run', 'GetServerMetadata', '--max_results', '2']);
        assert.match(many.stdout, /\nTable shows the top 2 of \d+ \(the --json output has 2; raise --max_results for more\)\.\n$/);
        assert.ok(!many.stdout.includes('structuredContent'));

        const json = await cli(['run', 'GetServerMetadata', '--tags', 'environment=Production,site=ams', '--max_results', '500', '--json']);
        assert.equal(json.code, 0, json.stderr);
        const answer = JSON.parse(json.stdout) as { source: string; items: { name: string; tags: Record<string, string> }[] };
        assert.equal(answer.source, 'sample');
        assert.ok(answer.items.length > 0);
        assert.ok(answer.items.every((m) => m.tags.environment === 'Production' && m.tags.site === 'ams'));
        const expected = await runTool(
            'GetServerMetadata',
            { source: sampleSource() },
            { tags: ['environment=Production', 'site=ams'], max_results: 500 },
        );
        assert.ok(expected.ok);
        assert.deepEqual(answer, JSON.parse(JSON.stringify(expected.structured)));
    });

    it('takes a choice in any case, as a person types it', async () => {
        const typed = await cli(['run', 'GetServerMetadata', '--os', 'Windows', '--status', 'connected,error', '--json']);
        const exact = await cli(['run', 'GetServerMetadata', '--os', 'windows', '--status', 'Connected,Error', '--json']);
        assert.equal(typed.code, 0, typed.stderr);
        assert.equal(typed.stdout.replace(/"generatedAt": "[^"]+"/, ''), exact.stdout.replace(/"generatedAt": "[^"]+"/, ''));
        const items = (JSON.parse(typed.stdout) as { items: { osType: string; status: string }[] }).items;
        assert.ok(items.length > 0 && items.every((m) => m.osType === 'windows' && ['Connected', 'Error'].includes(m.status)));
    });

    it('takes the sample size and seed from flags', async () => {
        const run = await cli(['run', 'ListScopes', '--sample-size', '200', '--seed', '7', '--json']);
        assert.equal(run.code, 0, run.stderr);
        assert.match((JSON.parse(run.stdout) as { sourceDescription: string }).sourceDescription, /200 machines, seed 7/);
    });

    it('says what is wrong on stderr with a failing exit code, and prints nothing on stdout', async () => {
        for (const [args, code, message] of [
            [['run', 'NoSuchTool'], 2, /^Unknown tool "NoSuchTool"\. Tools: GetServerMetadata, /],
            [['run', 'GetPatchingLevel', '--classification', 'Foo'], 1, /^Invalid arguments for GetPatchingLevel: classification\.0: /],
            [
                ['run', 'GetAnomalies', '--server_name', 'no-such-host-anywhere'],
                1,
                /^server_name "no-such-host-anywhere" matches no machine\./,
            ],
            [['run', 'GetServerMetadata', '--tags', 'env=prod'], 1, /^No machine matches tags \["env=prod"\]\. /],
            [['frobnicate'], 2, /^Unknown command "frobnicate"\. Run infra-insights help\./],
            [
                ['run', 'GetServerMetadata', '--servername', 'web01'],
                1,
                /^Invalid arguments for GetServerMetadata: unknown parameter "servername" \(did you mean ServerName or server_name\?\)\.$/m,
            ],
            [
                ['run', 'GetServerMetadata', '--max_results', 'abc'],
                1,
                /^Invalid arguments for GetServerMetadata: max_results: expected a number\.$/m,
            ],
            [['serve', '--stdio', '--log-level', 'loud'], 2, /^--log-level "loud" is not a level: use debug, info, warn or error\.$/m],
            [['run', 'GetServerMetadata', '--server_name'], 2, /^--server_name needs a value: --server_name <value>\.$/m],
            [
                ['run', 'GetServerMetadata', '--server_name', 'ctso-sql-ams-01,ctso-sql-ams-02'],
                1,
                /matches no machine\. server_name takes one machine name or one pattern with \* \(e\.g\. web-\*\); for several machines, use a pattern, tags or resource_group\./,
            ],
        ] as const) {
            const run = await cli([...args]);
            assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
            assert.match(run.stderr, message);
            assert.equal(run.stdout, '', args.join(' '));
            assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
        }
        const help = await cli(['--help']);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /^Infra Insights for Azure/);
    });

    it('serve --stdio logs at the level asked for, by flag or environment', async () => {
        const plain = await cli(['serve', '--stdio']);
        assert.match(plain.stderr, /\[info\] Infra Insights MCP server \(stdio\) starting/);
        for (const [args, env] of [
            [['--log-level', 'warn'], {}],
            [[], { INFRA_INSIGHTS_LOG_LEVEL: 'error' }],
        ] as const) {
            const quiet = await cli(['serve', '--stdio', ...args], env);
            assert.doesNotMatch(quiet.stderr, /\[info\]/, `${args.join(' ')} ${JSON.stringify(env)}: ${quiet.stderr}`);
        }
    });

    it('serve --http (what npm start runs) prints its address, answers an MCP client there, and stops on SIGTERM', async () => {
        const child = spawn(process.execPath, [CLI_JS, 'serve', '--http', '--port', '0'], {
            env: serverEnv(),
            stdio: ['ignore', 'ignore', 'pipe'],
        });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        try {
            const url = await new Promise<string>((resolve, reject) => {
                let stderr = '';
                child.stderr.on('data', (chunk: Buffer) => {
                    stderr += chunk.toString('utf8');
                    const found = /Streamable HTTP\s+(http:\/\/\S+)/.exec(stderr);
                    if (found) {
                        resolve(found[1]);
                    }
                });
                child.on('exit', () => reject(new Error(`the server exited: ${stderr}`)));
            });
            assert.match(url, /^http:\/\/localhost:\d+\/mcp$/);
            const client = new Client({ name: 'cli-test', version: '1.0.0' });
            await client.connect(new StreamableHTTPClientTransport(new URL(url)));
            try {
                assert.equal((await client.listTools()).tools.length, 9);
                const scopes = await call(client, 'ListScopes');
                assert.notEqual(scopes.isError, true);
            } finally {
                await client.close();
            }
        } finally {
            child.kill('SIGTERM');
        }
        assert.equal(await exited, 0);
    });
});
