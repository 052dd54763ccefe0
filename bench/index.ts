/**
 * `npm run bench`: the foundation's figures, measured side by side in one run.
 *  1. Cold start of dist/server.js to the tools/list answer vs the yardstick MCP server bundled the same way (ratio):
 *     ordinary launches (the code cache of an earlier launch exists) and first launches (it does not).
 *  2. Every tool in-process on a 10,000-machine sample estate (median ms), and the estate's build time.
 * Absolute times on shared machines move ±30%; the ratio is the figure to read.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..');
const out = path.join(root, '.test-output', 'bench');
const floorSource = path.resolve(root, '..', 'shared', 'benchmarks', 'mcp-floor', 'server.mjs');

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Launch {
    /** From spawn to the tools/list answer arriving on the client's stdin: the server's cold start. */
    answer: number;
    /** From spawn to `listTools()` resolving: adds the SDK client's own work (it compiles every output schema). */
    client: number;
}

async function timeToToolsList(script: string, env: Record<string, string> = {}): Promise<Launch> {
    const started = performance.now();
    const transport = new StdioClientTransport({
        command: process.execPath,
        args: [script],
        stderr: 'ignore',
        env: { PATH: process.env.PATH ?? '', ...env },
    });
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(transport);
    let answer = 0;
    const deliver = transport.onmessage;
    transport.onmessage = (message) => {
        if (!answer && 'result' in message && message.result && 'tools' in message.result) {
            answer = performance.now() - started;
        }
        deliver?.(message);
    };
    await client.listTools();
    const elapsed = performance.now() - started;
    await client.close();
    return { answer, client: elapsed };
}

interface ColdStart {
    product: Launch;
    firstLaunch: Launch;
    floor: Launch;
}

async function coldStart(runs: number): Promise<ColdStart> {
    fs.mkdirSync(out, { recursive: true });
    const floorBundle = path.join(out, 'mcp-floor.cjs');
    const build = spawnSync(
        process.execPath,
        [
            '-e',
            `require('esbuild').buildSync({entryPoints:[${JSON.stringify(floorSource)}],bundle:true,platform:'node',target:'node20',format:'cjs',outfile:${JSON.stringify(floorBundle)},nodePaths:[${JSON.stringify(path.join(root, 'node_modules'))}],logLevel:'error'})`,
        ],
        { cwd: root, stdio: 'inherit' },
    );
    if (build.status !== 0) {
        throw new Error('could not bundle the yardstick server');
    }
    // The product's code cache lives here for the run; emptied before every "first launch".
    const cache = path.join(out, 'code-cache');
    const server = path.join(root, 'dist', 'server.js');
    const withCache = { INFRA_INSIGHTS_CODE_CACHE: cache };
    const product: Launch[] = [];
    const firstLaunch: Launch[] = [];
    const floor: Launch[] = [];
    // Warm the file cache once, then alternate so all three see the same machine load.
    await timeToToolsList(server, withCache);
    await timeToToolsList(floorBundle);
    for (let i = 0; i < runs; i++) {
        product.push(await timeToToolsList(server, withCache));
        floor.push(await timeToToolsList(floorBundle));
        fs.rmSync(cache, { recursive: true, force: true });
        firstLaunch.push(await timeToToolsList(server, withCache));
    }
    const medians = (launches: Launch[]): Launch => ({
        answer: median(launches.map((l) => l.answer)),
        client: median(launches.map((l) => l.client)),
    });
    return { product: medians(product), firstLaunch: medians(firstLaunch), floor: medians(floor) };
}

/** Runs bench/inProcess.ts bundled by esbuild, as the product ships (not through tsx's per-module transform). */
function inProcess(machines: number, runs: number): void {
    const bundle = path.join(out, 'in-process.cjs');
    esbuild.buildSync({
        entryPoints: [path.join(__dirname, 'inProcess.ts')],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        minify: true,
        keepNames: true,
        outfile: bundle,
        logLevel: 'error',
    });
    // Two levels below the repository like src/tools, the bundle finds the built dist/detection-worker.js as the sources do.
    const run = spawnSync(process.execPath, [bundle], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, BENCH_MACHINES: String(machines), BENCH_RUNS: String(runs) },
    });
    if (run.status !== 0) {
        throw new Error('the in-process bench failed');
    }
}

async function main(): Promise<void> {
    const runs = Number(process.env.BENCH_RUNS ?? 10);
    const cold = await coldStart(runs);
    const ratio = cold.product.answer / cold.floor.answer;
    const firstRatio = cold.firstLaunch.answer / cold.floor.answer;
    const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(7);
    console.log(`Cold start of a new process to the tools/list answer (median of ${runs}, interleaved)`);
    console.log('                                      answer   ratio   listTools() resolved');
    console.log(
        `  dist/server.js                     ${ms(cold.product.answer)}  ${ratio.toFixed(2).padStart(6)}   ${ms(cold.product.client)}`,
    );
    console.log(
        `  dist/server.js, first launch       ${ms(cold.firstLaunch.answer)}  ${firstRatio.toFixed(2).padStart(6)}   ${ms(cold.firstLaunch.client)}`,
    );
    console.log(`  yardstick (mcp-floor)              ${ms(cold.floor.answer)}    1.00   ${ms(cold.floor.client)}`);
    console.log(`  ratio ${ratio.toFixed(2)} (target <= 1.3) ${ratio <= 1.3 ? 'ok' : 'MISSED'}; first launch after install or update`);
    console.log('  (no code cache yet) ' + `${firstRatio.toFixed(2)}. listTools() adds the SDK client's compiling of our nine output`);
    console.log('  schemas (the yardstick declares none): client-side work, shown for completeness.');
    inProcess(Number(process.env.BENCH_MACHINES ?? 10_000), runs);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
