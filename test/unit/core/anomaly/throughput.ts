/**
 * Throughput of a detector build, for comparing two versions back to back (see `golden.ts` beside this file):
 * the synthetic 10,000 × 720 hourly set of `bench/anomaly.ts` and the 23 NAB series, best of `runs`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

type Detect = (times: ArrayLike<number>, values: ArrayLike<number>) => unknown;

function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function synthetic(seriesCount = 10_000, length = 720): { times: Float64Array; all: Float64Array[] } {
    const rand = random(42);
    const start = Date.UTC(2026, 0, 5);
    const times = Float64Array.from({ length }, (_, i) => start + i * 3_600_000);
    const all: Float64Array[] = [];
    for (let s = 0; s < seriesCount; s++) {
        const base = 10 + 60 * rand();
        const amplitude = 20 * rand();
        const noise = 1 + 4 * rand();
        const values = new Float64Array(length);
        for (let i = 0; i < length; i++) {
            values[i] = base + amplitude * Math.sin((2 * Math.PI * (i % 24)) / 24) + noise * (rand() + rand() + rand() - 1.5);
        }
        if (s % 10 === 0) {
            values[600] += 15 * noise;
        }
        all.push(values);
    }
    return { times, all };
}

function nab(root: string): { times: Float64Array; values: Float64Array }[] {
    const dataDir = path.resolve(root, '..', 'shared', 'benchmarks', 'nab', 'data');
    const out: { times: Float64Array; values: Float64Array }[] = [];
    for (const category of fs.readdirSync(dataDir).sort()) {
        if (!fs.statSync(path.join(dataDir, category)).isDirectory()) {
            continue;
        }
        for (const name of fs.readdirSync(path.join(dataDir, category)).sort()) {
            if (name.endsWith('.csv')) {
                const lines = fs
                    .readFileSync(path.join(dataDir, category, name), 'utf8')
                    .split(/\r?\n/)
                    .filter((line) => line.length > 0)
                    .slice(1);
                const times = Float64Array.from(lines, (line) =>
                    Date.parse(line.slice(0, line.indexOf(',')).trim().replace(' ', 'T') + 'Z'),
                );
                const values = Float64Array.from(lines, (line) => Number(line.slice(line.indexOf(',') + 1)));
                out.push({ times, values });
            }
        }
    }
    return out;
}

/** Prints `label synthetic X M/s NAB Y M/s` (best of `runs`). */
export function runThroughput(label: string, detect: Detect, root = '/work/main', runs = 5): void {
    const { times, all } = synthetic();
    const files = nab(root);
    for (const f of files) {
        detect(f.times, f.values);
    }
    let synth = Infinity;
    let nabBest = Infinity;
    let nabPoints = 0;
    for (const f of files) {
        nabPoints += f.values.length;
    }
    for (let run = 0; run < runs; run++) {
        let started = performance.now();
        for (const values of all) {
            detect(times, values);
        }
        synth = Math.min(synth, performance.now() - started);
        started = performance.now();
        for (const f of files) {
            detect(f.times, f.values);
        }
        nabBest = Math.min(nabBest, performance.now() - started);
    }
    console.log(
        `${label.padEnd(6)} synthetic ${((all.length * times.length) / synth / 1e3).toFixed(2)} M points/s, NAB ${(nabPoints / nabBest / 1e3).toFixed(2)} M points/s`,
    );
}
