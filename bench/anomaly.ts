/**
 * `npm run bench:anomaly -- [--data DIR] [--out FILE]`: the anomaly engine's figures.
 *  1. NAB score at the shipped default sensitivity (incident start times as detections), standard and low-FP profiles,
 *     scored by the shared independent scorer (`../shared/benchmarks/score-anomalies.mjs`).
 *  2. NAB score at the scorer's best threshold when it is given the per-point scores instead.
 *  3. Event-level precision / recall / F1 at the default.
 *  4. Throughput in points/s on a synthetic 10,000 × 720 hourly set and on NAB, of the engine bundled as shipped.
 * The data folder is read-only; outputs go to `--out` (default `.test-output/anomaly-detections.json`) and beside it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { DEFAULT_SENSITIVITY, detectAnomalies, type Sensitivity } from '../src/core/anomaly';
import { runSampleEstateCheck } from './anomalySample';
import { readNab } from '../test/helpers/anomalyData';
import type { Throughput } from '../test/unit/core/anomaly/throughput';

const root = path.resolve(__dirname, '..');

interface Args {
    data: string;
    out: string;
    sensitivity: Sensitivity;
}

function parseArgs(argv: string[]): Args {
    const args: Args = {
        data: path.resolve(root, '..', 'shared', 'benchmarks', 'nab'),
        out: path.join(root, '.test-output', 'anomaly-detections.json'),
        sensitivity: DEFAULT_SENSITIVITY,
    };
    for (let i = 0; i < argv.length; i++) {
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined) {
                throw new Error(`missing value after ${argv[i - 1]}`);
            }
            return v;
        };
        if (argv[i] === '--data') {
            args.data = path.resolve(value());
        } else if (argv[i] === '--out') {
            args.out = path.resolve(value());
        } else if (argv[i] === '--sensitivity') {
            args.sensitivity = value() as Sensitivity;
        } else {
            throw new Error(`unknown argument ${argv[i]}; use --data DIR, --out FILE, --sensitivity low|medium|high`);
        }
    }
    return args;
}

interface ScorerResult {
    nab: { standard: number; reward_low_FP_rate: number; reward_low_FN_rate: number };
    thresholds: Record<string, number>;
    event: { tp: number; fn: number; fpEvents: number; precision: number; recall: number; f1: number };
}

function score(dataDir: string, detectionsFile: string): ScorerResult {
    const scorer = path.resolve(root, '..', 'shared', 'benchmarks', 'score-anomalies.mjs');
    const run = spawnSync(process.execPath, [scorer, '--data', dataDir, '--detections', detectionsFile], { encoding: 'utf8' });
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (run.status !== 0 || !line) {
        throw new Error(`scorer failed (${run.status}): ${run.stderr}`);
    }
    return JSON.parse(line.slice('RESULT '.length)) as ScorerResult;
}

/** Throughput of the engine as shipped: bench/anomalyThroughput.ts bundled and minified by esbuild, in a fresh process. */
function shippedThroughput(): Throughput {
    const bundle = path.join(root, '.test-output', 'bench-anomaly', 'throughput.cjs');
    esbuild.buildSync({
        entryPoints: [path.join(root, 'bench', 'anomalyThroughput.ts')],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        minify: true,
        outfile: bundle,
        logLevel: 'error',
    });
    const run = spawnSync(process.execPath, [bundle, root], { encoding: 'utf8' });
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (run.status !== 0 || !line) {
        throw new Error(`throughput run failed (${run.status}): ${run.stderr}`);
    }
    return JSON.parse(line.slice('RESULT '.length)) as Throughput;
}

const REFERENCES: [string, number][] = [
    ['ARTime', 74.3],
    ['Numenta HTM', 66.9],
    ['CAD OSE', 61.1],
    ['KNN CAD', 50.8],
    ['Random Cut Forest', 44.4],
    ['Twitter ADVec', 33.4],
    ['Kusto series_decompose_anomalies (best threshold)', 3.3],
];

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const files = readNab(args.data);
    fs.mkdirSync(path.dirname(args.out), { recursive: true });

    const detections: Record<string, string[]> = {};
    const scored: Record<string, { timestamp: string; score: number }[]> = {};
    let points = 0;
    let incidents = 0;
    for (const file of files) {
        const result = detectAnomalies(file.times, file.values, { sensitivity: args.sensitivity });
        detections[file.key] = result.incidents.map((incident) => file.stamps[incident.startIndex]);
        incidents += result.incidents.length;
        points += file.values.length;
        scored[file.key] = [];
        for (let i = 0; i < file.values.length; i++) {
            if (Number.isFinite(result.score[i])) {
                scored[file.key].push({ timestamp: file.stamps[i], score: Math.round(result.score[i] * 1000) / 1000 });
            }
        }
    }

    fs.writeFileSync(args.out, JSON.stringify(detections, null, 1));
    const scoredFile = args.out.replace(/(\.json)?$/, '.scores.json');
    fs.writeFileSync(scoredFile, JSON.stringify(scored));

    const atDefault = score(args.data, args.out);
    const best = score(args.data, scoredFile);
    const throughput = shippedThroughput();
    const sample = await runSampleEstateCheck(args.sensitivity);
    // The finer steps the tool also offers (not a goal of their own; the goals are at the default hourly step).
    const sampleFine = [
        await runSampleEstateCheck(args.sensitivity, 500, 15 * 60_000),
        await runSampleEstateCheck(args.sensitivity, 500, 5 * 60_000),
    ];

    const fmt = (x: number): string => x.toFixed(1).padStart(6);
    const mps = (x: number): string => (x / 1e6).toFixed(1);
    const rows: [string, string][] = [
        // Two decimals for this engine, so that a score just under a target never prints as reaching it.
        [
            `This engine, sensitivity '${args.sensitivity}' (shipped default: '${DEFAULT_SENSITIVITY}'), causal`,
            atDefault.nab.standard.toFixed(2).padStart(6),
        ],
        ...REFERENCES.map(([name, value]): [string, string] => [name, fmt(value)]),
    ];
    console.log(`NAB (${files.length} files, ${points} points, ${incidents} incidents reported) — standard profile`);
    for (const [name, value] of rows) {
        console.log(`  ${name.padEnd(80)} ${value}`);
    }
    console.log(
        `At the default: standard ${atDefault.nab.standard.toFixed(2)}, low-FP ${atDefault.nab.reward_low_FP_rate.toFixed(2)}, low-FN ${atDefault.nab.reward_low_FN_rate.toFixed(2)}`,
    );
    const e = atDefault.event;
    console.log(
        `  event level: TP ${e.tp}  FN ${e.fn}  FP events ${e.fpEvents}  precision ${e.precision.toFixed(3)}  recall ${e.recall.toFixed(3)}  F1 ${e.f1.toFixed(3)}`,
    );
    console.log(
        `Per-point scores at the scorer's best threshold: standard ${best.nab.standard.toFixed(2)} (threshold ${best.thresholds.standard}), ` +
            `low-FP ${best.nab.reward_low_FP_rate.toFixed(2)} (threshold ${best.thresholds.reward_low_FP_rate})`,
    );
    console.log(
        `Throughput of the shipped (bundled) engine, best of 5, one core: synthetic 10,000 × 720 hourly in ${throughput.syntheticSeconds.toFixed(3)} s ` +
            `(${throughput.syntheticCpuSeconds.toFixed(3)} s CPU) = ${mps(throughput.synthetic)} M points/s, ${mps(throughput.syntheticCpu)} M points/s of CPU time; ` +
            `NAB ${mps(throughput.nab)} M points/s (${mps(throughput.nabCpu)} of CPU time). Timings on a shared machine vary ±50 %.`,
    );
    console.log(sample.summary);
    for (const fine of sampleFine) {
        console.log(fine.summary);
    }
    console.log(`Detections: ${args.out}; per-point scores: ${scoredFile}`);
    console.log(
        `RESULT ${JSON.stringify({
            sensitivity: args.sensitivity,
            nabDefault: atDefault.nab,
            event: atDefault.event,
            nabBestThreshold: best.nab,
            bestThresholds: best.thresholds,
            pointsPerSecond: {
                synthetic: Math.round(throughput.synthetic),
                syntheticCpu: Math.round(throughput.syntheticCpu),
                nab: Math.round(throughput.nab),
                nabCpu: Math.round(throughput.nabCpu),
            },
            sample: sample.figures,
            sample15m: sampleFine[0].figures,
            sample5m: sampleFine[1].figures,
        })}`,
    );
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
