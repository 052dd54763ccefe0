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
    console.log('  tool                    first ms   median ms   target');
    for (const tool of allTools) {
        const args = tool.name === 'GetAnomalies' ? { timespan: '30d' } : {};
        const times: number[] = [];
        let first = 0;
        for (let i = 0; i < (tool.name === 'GetAnomalies' ? 3 : runs) + 1; i++) {
            const started = performance.now();
            const result = await runTool(tool.name, context, args);
            const elapsed = performance.now() - started;
            if (!result.ok) {
                throw new Error(`${tool.name}: ${result.message}`);
            }
            if (i === 0) {
                first = elapsed;
            } else {
                times.push(elapsed);
            }
        }
        const target = tool.name === 'GetAnomalies' ? 2000 : 50;
        const m = median(times);
        console.log(
            `  ${tool.name.padEnd(22)} ${first.toFixed(1).padStart(8)} ${m.toFixed(1).padStart(11)}   < ${target} ${m < target ? 'ok' : 'MISSED'}`,
        );
    }
}

inProcess(Number(process.env.BENCH_MACHINES ?? 10_000), Number(process.env.BENCH_RUNS ?? 10)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
