/**
 * Throughput of a detector build, for comparing two versions back to back (see `golden.ts` beside this file):
 * the synthetic 10,000 × 720 hourly set of `bench/anomaly.ts` and the 23 NAB series, best of `runs`.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readNab, syntheticSeries } from '../../../helpers/anomalyData';

type Detect = (times: ArrayLike<number>, values: ArrayLike<number>) => unknown;

/** Process CPU time in ms (user + system): on a shared machine it varies far less with others' load than wall time. */
function cpuMs(): number {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e3;
}

/** Points per second of a detector build, best of `runs`: wall time and process CPU time, on each set. */
export interface Throughput {
    syntheticPoints: number;
    nabPoints: number;
    synthetic: number;
    syntheticCpu: number;
    nab: number;
    nabCpu: number;
    syntheticSeconds: number;
    syntheticCpuSeconds: number;
}

/** Measures a detector on the synthetic set and the NAB series, after one untimed pass over NAB to warm the JIT. */
export function measureThroughput(detect: Detect, root = path.resolve(__dirname, '..', '..', '..', '..'), runs = 5): Throughput {
    const { times, all } = syntheticSeries();
    const files = readNab(path.resolve(root, '..', 'shared', 'benchmarks', 'nab'));
    for (const f of files) {
        detect(f.times, f.values);
    }
    let synth = Infinity;
    let nabBest = Infinity;
    let synthCpu = Infinity;
    let nabCpu = Infinity;
    let nabPoints = 0;
    for (const f of files) {
        nabPoints += f.values.length;
    }
    for (let run = 0; run < runs; run++) {
        let started = performance.now();
        let startedCpu = cpuMs();
        for (const values of all) {
            detect(times, values);
        }
        synth = Math.min(synth, performance.now() - started);
        synthCpu = Math.min(synthCpu, cpuMs() - startedCpu);
        started = performance.now();
        startedCpu = cpuMs();
        for (const f of files) {
            detect(f.times, f.values);
        }
        nabBest = Math.min(nabBest, performance.now() - started);
        nabCpu = Math.min(nabCpu, cpuMs() - startedCpu);
    }
    const syntheticPoints = all.length * times.length;
    return {
        syntheticPoints,
        nabPoints,
        synthetic: (syntheticPoints / synth) * 1e3,
        syntheticCpu: (syntheticPoints / synthCpu) * 1e3,
        nab: (nabPoints / nabBest) * 1e3,
        nabCpu: (nabPoints / nabCpu) * 1e3,
        syntheticSeconds: synth / 1e3,
        syntheticCpuSeconds: synthCpu / 1e3,
    };
}

/**
 * Prints `label synthetic X M points/s, NAB Y M points/s` (best of `runs`, wall time), then the same by process CPU time.
 */
export function runThroughput(label: string, detect: Detect, root = path.resolve(__dirname, '..', '..', '..', '..'), runs = 5): void {
    const t = measureThroughput(detect, root, runs);
    const m = (x: number) => (x / 1e6).toFixed(2);
    console.log(
        `${label.padEnd(6)} synthetic ${m(t.synthetic)} M points/s, NAB ${m(t.nab)} M points/s (CPU time: ${m(t.syntheticCpu)}, ${m(t.nabCpu)})`,
    );
}
