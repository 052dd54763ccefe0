/**
 * The in-process half of `npm run bench:foundation`, run from an esbuild bundle as the product ships (bench/index.ts
 * bundles and starts it): every tool on a large sample estate, and the estate's build time.
 */
import { performance } from 'node:perf_hooks';
import { createSampleSource } from '../src/sources/sample';
import { allTools, runTool } from '../src/tools';

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function inProcess(machines: number, runs: number): Promise<void> {
    const now = () => new Date('2026-11-26T12:00:00Z');
    const buildTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const estate = createSampleSource({ machines, now });
        await estate.listScopes();
        buildTimes.push(performance.now() - started);
    }
    const source = createSampleSource({ machines, now });
    const context = { source };
    console.log(
        `\nIn-process on a ${machines.toLocaleString('en')}-machine sample estate (median of ${runs} runs; first run reported separately)`,
    );
    console.log(`  build the estate: ${median(buildTimes).toFixed(1)} ms (target < 1000 ms)`);
    console.log(`  ("median" is of the ${runs} runs after the first, while the JIT still compiles the tool's code; "steady" of the`);
    console.log(`  ${runs * 2} runs after those, as a server that has answered a few calls runs; GetAnomalies: 3 and none)`);
    console.log('  tool                    first ms   median ms   steady ms   target');
    for (const tool of allTools) {
        const args = tool.name === 'GetAnomalies' ? { timespan: '30d' } : {};
        const times: number[] = [];
        const steady: number[] = [];
        let first = 0;
        const warming = tool.name === 'GetAnomalies' ? 3 : runs;
        for (let i = 0; i < warming + 1 + (tool.name === 'GetAnomalies' ? 0 : runs * 2); i++) {
            const started = performance.now();
            const result = await runTool(tool.name, context, args);
            const elapsed = performance.now() - started;
            if (!result.ok) {
                throw new Error(`${tool.name}: ${result.message}`);
            }
            if (i === 0) {
                first = elapsed;
            } else if (i <= warming) {
                times.push(elapsed);
            } else {
                steady.push(elapsed);
            }
        }
        const target = tool.name === 'GetAnomalies' ? 2000 : 50;
        const m = median(times);
        const s = steady.length ? median(steady).toFixed(1) : '-';
        const verdict = m < target ? 'ok' : steady.length && median(steady) < target ? 'ok once warm' : 'MISSED';
        console.log(
            `  ${tool.name.padEnd(22)} ${first.toFixed(1).padStart(8)} ${m.toFixed(1).padStart(11)} ${s.padStart(11)}   < ${target} ${verdict}`,
        );
    }
}

inProcess(Number(process.env.BENCH_MACHINES ?? 10_000), Number(process.env.BENCH_RUNS ?? 10)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
