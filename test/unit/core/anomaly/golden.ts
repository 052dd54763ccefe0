/**
 * Golden-output check of the anomaly detector, for optimising it without changing an answer.
 *
 *   npx tsx test/unit/core/anomaly/golden.ts --write   # record the current detector's outputs
 *   npx tsx test/unit/core/anomaly/golden.ts           # compare the current detector with the record
 *
 * Inputs: the 23 NAB series (`../shared/benchmarks/nab`) and 3,000 sample-estate series (500 machines, 30 days at
 * 1 h and 15 min steps), each at all three sensitivities, plus edge cases (gaps, irregular and duplicate timestamps,
 * disorder, sub-minute and daily steps, plain arrays). Per case it records a SHA-256 of the bytes of `expected`,
 * `lower`, `upper` and `score` and the incidents as JSON; the score arrays are also kept whole, so that a mismatch
 * reports the largest absolute difference. Outputs go to `.test-output/anomaly-golden/` (ignored by git).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { detectAnomalies as Detect, Sensitivity } from '../../../../src/core/anomaly';
import { createSampleSource } from '../../../../src/sources/sample';
import { random, readNab } from '../../../helpers/anomalyData';

const root = path.resolve(__dirname, '..', '..', '..', '..');
/** `ANOMALY_DETECTOR=/path/to/anomaly/index.ts` runs another copy of the engine (e.g. the version before a change). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { detectAnomalies } = require(process.env.ANOMALY_DETECTOR ?? '../../../../src/core/anomaly') as { detectAnomalies: typeof Detect };
const outDir = path.join(root, '.test-output', 'anomaly-golden');
const SENSITIVITIES: Sensitivity[] = ['low', 'medium', 'high'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Case {
    key: string;
    times: ArrayLike<number>;
    values: ArrayLike<number>;
}

function nabCases(): Case[] {
    return readNab(path.resolve(root, '..', 'shared', 'benchmarks', 'nab')).map((f) => ({
        key: `nab/${f.key}`,
        times: f.times,
        values: f.values,
    }));
}

async function sampleCases(): Promise<Case[]> {
    const now = Date.UTC(2026, 10, 20, 12);
    const source = createSampleSource({ seed: 42, machines: 500, now: () => new Date(now) });
    const { workspaces } = await source.listScopes();
    const cases: Case[] = [];
    for (const stepMs of [HOUR, 15 * 60_000]) {
        for (const workspace of workspaces) {
            const { rows } = await source.getMetricSeries({
                workspaceId: workspace.customerId,
                from: new Date(now - 30 * DAY),
                to: new Date(now),
                metrics: ['cpu', 'diskFree', 'diskTransfers'],
                stepMs,
            });
            for (const series of rows) {
                const times = Float64Array.from(series.values, (_, i) => series.start + i * series.stepMs);
                cases.push({ key: `sample/${stepMs / 60_000}m/${series.computer}/${series.metric}`, times, values: series.values });
            }
        }
    }
    return cases;
}

/** Edge cases that exercise the rarely taken branches. */
function edgeCases(): Case[] {
    const rand = random(7);
    const cases: Case[] = [];
    const wave = (i: number, period: number): number => 50 + 20 * Math.sin((2 * Math.PI * i) / period) + 3 * (rand() - 0.5);
    const start = Date.UTC(2026, 0, 5, 0, 7);
    for (const stepMs of [10_000, 60_000, 5 * 60_000, 7 * 60_000, HOUR, 3 * HOUR, DAY]) {
        const n = 4000;
        const times = new Float64Array(n);
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) {
            times[i] = start + i * stepMs;
            values[i] = wave(i, DAY / stepMs) + (i % 997 === 500 ? 40 : 0) + (i > 3000 ? 25 : 0);
        }
        cases.push({ key: `edge/regular/${stepMs}`, times, values });
        // Gaps (NaN, ±Infinity, NaN times), irregular steps, duplicates and disorder.
        const gappy = Float64Array.from(values);
        const jittered = Float64Array.from(times);
        for (let i = 0; i < n; i++) {
            const r = rand();
            if (r < 0.03) {
                gappy[i] = NaN;
            } else if (r < 0.035) {
                gappy[i] = r < 0.0325 ? Infinity : -Infinity;
            } else if (r < 0.04) {
                jittered[i] = NaN;
            }
            const s = rand();
            if (i > 0 && s < 0.02) {
                jittered[i] = jittered[i - 1]; // duplicate
            } else if (i > 0 && s < 0.03) {
                jittered[i] = jittered[i] - 2.5 * stepMs; // disorder
            } else if (s < 0.1) {
                jittered[i] += Math.round((rand() - 0.5) * stepMs * 0.8);
            } else if (s < 0.12) {
                jittered[i] += 5 * stepMs; // long gap
            }
        }
        for (let i = 1; i < n; i++) {
            if (rand() < 0.005) {
                for (let j = i; j < n; j++) {
                    jittered[j] += 3 * stepMs; // later points move on: a real gap
                }
            }
        }
        cases.push({ key: `edge/irregular/${stepMs}`, times: jittered, values: gappy });
        cases.push({ key: `edge/plain/${stepMs}`, times: Array.from(jittered), values: Array.from(gappy) });
    }
    // Constant, stepwise-quantised, and leading gaps; all points at one time; zero and negative values.
    const n = 3000;
    const t = Float64Array.from({ length: n }, (_, i) => start + i * 15 * 60_000);
    cases.push({ key: 'edge/constant', times: t, values: new Float64Array(n).fill(42) });
    cases.push({ key: 'edge/zero', times: t, values: new Float64Array(n) });
    cases.push({
        key: 'edge/quantised',
        times: t,
        values: Float64Array.from({ length: n }, (_, i) => Math.round(wave(i, 96) / 5) * 5 - 40),
    });
    cases.push({ key: 'edge/lead-gap', times: t, values: Float64Array.from({ length: n }, (_, i) => (i < 50 ? NaN : wave(i, 96))) });
    cases.push({
        key: 'edge/same-time',
        times: new Float64Array(500).fill(start),
        values: Float64Array.from({ length: 500 }, (_, i) => wave(i, 24)),
    });
    cases.push({ key: 'edge/short', times: t.subarray(0, 5), values: Float64Array.from([1, 2, 3, 4, 5]) });
    cases.push({ key: 'edge/empty', times: [], values: [] });
    cases.push({
        key: 'edge/heavy-tail',
        times: t,
        values: Float64Array.from({ length: n }, () => (rand() < 0.05 ? 100 * rand() ** 4 : rand())),
    });
    cases.push({
        key: 'edge/trend',
        times: t,
        values: Float64Array.from({ length: n }, (_, i) => wave(i, 96) + (i > 1500 ? (i - 1500) * 0.3 : 0)),
    });
    // Extreme magnitudes: sums overflow to ±Infinity and the noise scales to NaN, which must propagate as before.
    const extreme = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? -1.7e308 : i % 5 === 0 ? 1.7e308 : wave(i, 96)));
    cases.push({ key: 'edge/extreme', times: t, values: extreme });
    cases.push({ key: 'edge/tiny', times: t, values: Float64Array.from({ length: n }, (_, i) => wave(i, 96) * 1e-300) });
    cases.push({ key: 'edge/denormal', times: t, values: Float64Array.from({ length: n }, (_, i) => (i % 3) * 5e-324) });
    return cases;
}

function sha(array: Float64Array): string {
    return createHash('sha256')
        .update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
        .digest('hex')
        .slice(0, 32);
}

async function main(): Promise<void> {
    const write = process.argv.includes('--write');
    const cases = [...nabCases(), ...(await sampleCases()), ...edgeCases()];
    const digest: Record<string, string> = {};
    const scores: Float64Array[] = [];
    let points = 0;
    for (const c of cases) {
        for (const sensitivity of SENSITIVITIES) {
            const r = detectAnomalies(c.times, c.values, { sensitivity });
            digest[`${c.key}@${sensitivity}`] =
                [sha(r.expected), sha(r.lower), sha(r.upper), sha(r.score)].join(' ') + ' ' + JSON.stringify(r.incidents);
            scores.push(r.score, r.expected, r.lower, r.upper);
            points += r.score.length;
        }
    }
    const all = new Float64Array(scores.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of scores) {
        all.set(s, at);
        at += s.length;
    }
    const digestFile = path.join(outDir, 'digest.json');
    const arraysFile = path.join(outDir, 'arrays.f64');
    if (write) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(digestFile, JSON.stringify(digest, null, 0));
        fs.writeFileSync(arraysFile, new Uint8Array(all.buffer));
        console.log(`golden written: ${cases.length} series × 3 sensitivities, ${points} points, ${Object.keys(digest).length} digests`);
        return;
    }
    const golden = JSON.parse(fs.readFileSync(digestFile, 'utf8')) as Record<string, string>;
    const buf = fs.readFileSync(arraysFile);
    const old = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    let mismatched = 0;
    for (const key of Object.keys(golden)) {
        if (golden[key] !== digest[key]) {
            if (mismatched++ < 5) {
                console.log(`MISMATCH ${key}\n  was ${golden[key].slice(0, 300)}\n  now ${(digest[key] ?? 'missing').slice(0, 300)}`);
            }
        }
    }
    let maxDiff = 0;
    let sameNaN = true;
    if (old.length !== all.length) {
        console.log(`array length differs: ${old.length} vs ${all.length}`);
        sameNaN = false;
    } else {
        for (let i = 0; i < all.length; i++) {
            const a = old[i];
            const b = all[i];
            if (Number.isNaN(a) !== Number.isNaN(b)) {
                sameNaN = false;
            } else if (!Number.isNaN(a)) {
                maxDiff = Math.max(maxDiff, Math.abs(a - b));
            }
        }
    }
    const identical = mismatched === 0 && Object.keys(digest).length === Object.keys(golden).length;
    console.log(
        `${identical ? 'GOLDEN IDENTICAL' : 'GOLDEN DIFFERS'}: ${Object.keys(golden).length} digests (${cases.length} series × 3 sensitivities, ${points} points), ` +
            `${mismatched} mismatched; max |Δ| over expected/lower/upper/score ${maxDiff}; NaN positions ${sameNaN ? 'same' : 'DIFFER'}`,
    );
    process.exitCode = identical ? 0 : 1;
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
