/**
 * The anomaly detector over many series at once, as `GetAnomalies` needs it for a whole fleet. A large scan runs on
 * worker threads (the `dist/detection-worker.js` bundle, one per core up to four), so it takes a fraction of the time
 * on a multi-core machine and never blocks this thread's event loop; a small one, or one where the worker bundle is
 * absent, runs here in slices that hand the event loop back. Both give the same answers: the detector is deterministic.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { detectAnomalies, type AnomalyIncident, type Sensitivity } from '../core/anomaly';

export interface DetectionInput {
    /** Epoch ms of the first value. */
    start: number;
    stepMs: number;
    values: Float64Array;
}

/** What a fleet scan keeps of one series: its incidents and the expectation when each began. */
export interface SeriesFindings {
    incidents: AnomalyIncident[];
    /** `expected` at each incident's start index (NaN when the detector had no estimate yet). */
    baselines: number[];
}

/** Scans smaller than this many points stay on this thread: starting workers would cost more than it saves. */
export const WORKER_MIN_POINTS = 400_000;
/** Longest stretch of detection work on this thread between two turns of the event loop. */
const YIELD_AFTER_MS = 25;
const MAX_WORKERS = 4;
/** Points per chunk of work sent to a worker (8 MB of values). */
const CHUNK_POINTS = 1_000_000;

/** The timestamps of a regular series. */
export function timesOf(input: DetectionInput): Float64Array {
    const times = new Float64Array(input.values.length);
    for (let i = 0; i < times.length; i++) {
        times[i] = input.start + i * input.stepMs;
    }
    return times;
}

/** Finds the incidents of one series, exactly as the worker does. */
export function findingsOf(input: DetectionInput, sensitivity: Sensitivity): SeriesFindings {
    const detection = detectAnomalies(timesOf(input), input.values, { sensitivity });
    return { incidents: detection.incidents, baselines: detection.incidents.map((i) => detection.expected[i.startIndex]) };
}

/** The worker bundle beside this bundle (shipped layout) or in `dist/` (running from sources); undefined without one. */
function workerScript(): string | undefined {
    const candidates = [path.join(__dirname, 'detection-worker.js'), path.join(__dirname, '..', '..', 'dist', 'detection-worker.js')];
    return candidates.find((candidate) => fs.existsSync(candidate));
}

/** Worker threads to use: `INFRA_INSIGHTS_DETECTION_THREADS` (0 = none), else one per core, at most four. */
export function detectionThreads(env: NodeJS.ProcessEnv = process.env): number {
    const setting = env.INFRA_INSIGHTS_DETECTION_THREADS;
    if (setting !== undefined && /^\d+$/.test(setting.trim())) {
        return Math.min(Number(setting), 16);
    }
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return cores > 1 ? Math.min(cores, MAX_WORKERS) : 0;
}

/** Runs the detector over every series, in input order. Rejects with the signal's reason when it is aborted. */
/** How scans ran since the process started (for the tests and the debug log). */
export const detectionStats = { onWorkers: 0, onThisThread: 0, workerFailures: 0 };

export async function detectAll(
    series: readonly DetectionInput[],
    sensitivity: Sensitivity,
    signal?: AbortSignal,
): Promise<SeriesFindings[]> {
    const points = series.reduce((n, s) => n + s.values.length, 0);
    const threads = Math.min(detectionThreads(), series.length);
    const script = points >= WORKER_MIN_POINTS && threads > 1 ? workerScript() : undefined;
    if (script) {
        try {
            const findings = await onWorkers(script, series, sensitivity, threads, signal);
            detectionStats.onWorkers++;
            return findings;
        } catch (error) {
            detectionStats.workerFailures++;
            // A worker that cannot start or dies (a resource limit, a broken install) costs time, never the answer.
            signal?.throwIfAborted();
            if (process.env.INFRA_INSIGHTS_DETECTION_THREADS_STRICT) {
                throw error;
            }
        }
    }
    detectionStats.onThisThread++;
    return onThisThread(series, sensitivity, signal);
}

async function onThisThread(series: readonly DetectionInput[], sensitivity: Sensitivity, signal?: AbortSignal): Promise<SeriesFindings[]> {
    const results: SeriesFindings[] = [];
    let slice = performance.now();
    for (const s of series) {
        // Hand the event loop back now and then, so other requests keep moving and a cancellation can arrive.
        if (performance.now() - slice > YIELD_AFTER_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
        }
        signal?.throwIfAborted();
        results.push(findingsOf(s, sensitivity));
    }
    return results;
}

/** What one worker is given: its share of the series packed into one transferable buffer. */
export interface WorkerShare {
    sensitivity: Sensitivity;
    starts: Float64Array;
    steps: Float64Array;
    /** Offset of each series' first value in `values`; one more entry than series, the last is the total. */
    offsets: Uint32Array;
    values: Float64Array;
}

function pack(series: readonly DetectionInput[], sensitivity: Sensitivity): WorkerShare {
    const offsets = new Uint32Array(series.length + 1);
    for (let i = 0; i < series.length; i++) {
        offsets[i + 1] = offsets[i] + series[i].values.length;
    }
    const values = new Float64Array(offsets[series.length]);
    const starts = new Float64Array(series.length);
    const steps = new Float64Array(series.length);
    series.forEach((s, i) => {
        values.set(s.values, offsets[i]);
        starts[i] = s.start;
        steps[i] = s.stepMs;
    });
    return { sensitivity, starts, steps, offsets, values };
}

/**
 * Worker threads kept warm between scans: a fresh worker spends its first half second or so compiling the detector,
 * so they stay for a while after a scan (without keeping the process alive) and are stopped when idle.
 */
class DetectionPool {
    private readonly idle: Worker[] = [];
    private stopTimer?: NodeJS.Timeout;

    constructor(
        private readonly script: string,
        private readonly idleMs = 60_000,
    ) {}

    /** Runs one share on a worker; rejects, and stops the worker, when the signal aborts or the worker fails. */
    async run(share: WorkerShare, signal?: AbortSignal): Promise<SeriesFindings[]> {
        clearTimeout(this.stopTimer);
        const worker = this.idle.pop() ?? new Worker(this.script);
        worker.ref();
        const findings = await new Promise<SeriesFindings[]>((resolve, reject) => {
            const settle = (error?: unknown, answer?: SeriesFindings[]) => {
                worker.off('message', onMessage);
                worker.off('error', onError);
                worker.off('exit', onExit);
                signal?.removeEventListener('abort', onAbort);
                if (error === undefined && answer) {
                    resolve(answer);
                } else {
                    void worker.terminate();
                    reject(error);
                }
            };
            const onMessage = (answer: SeriesFindings[]) => settle(undefined, answer);
            const onError = (error: Error) => settle(error);
            const onExit = (code: number) => settle(new Error(`A detection worker stopped (exit code ${code}) before it answered.`));
            const onAbort = () => settle(signal?.reason ?? new Error('aborted'));
            worker.on('message', onMessage);
            worker.once('error', onError);
            worker.once('exit', onExit);
            signal?.addEventListener('abort', onAbort, { once: true });
            worker.postMessage(
                share,
                [share.values, share.starts, share.steps, share.offsets].map((a) => a.buffer as ArrayBuffer),
            );
        });
        worker.unref();
        this.idle.push(worker);
        this.stopTimer = setTimeout(() => this.idle.splice(0).forEach((w) => void w.terminate()), this.idleMs);
        this.stopTimer.unref();
        return findings;
    }
}

const pools = new Map<string, DetectionPool>();

async function onWorkers(
    script: string,
    series: readonly DetectionInput[],
    sensitivity: Sensitivity,
    threads: number,
    signal?: AbortSignal,
): Promise<SeriesFindings[]> {
    signal?.throwIfAborted();
    let pool = pools.get(script);
    if (!pool) {
        pool = new DetectionPool(script);
        pools.set(script, pool);
    }
    // Chunks of consecutive series handed out as workers come free: the load evens out, and only a few chunks are
    // copied at a time (a whole fleet is over a hundred megabytes of values).
    const chunks: DetectionInput[][] = [];
    let current: DetectionInput[] = [];
    let filled = 0;
    for (const s of series) {
        if (current.length > 0 && filled + s.values.length > CHUNK_POINTS) {
            chunks.push(current);
            current = [];
            filled = 0;
        }
        current.push(s);
        filled += s.values.length;
    }
    chunks.push(current);
    const inner = new AbortController();
    const forward = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', forward, { once: true });
    try {
        const answers: SeriesFindings[][] = new Array(chunks.length);
        let next = 0;
        const drain = async () => {
            while (next < chunks.length) {
                const index = next++;
                answers[index] = await pool.run(pack(chunks[index], sensitivity), inner.signal);
            }
        };
        await Promise.all(
            Array.from({ length: Math.min(threads, chunks.length) }, () =>
                drain().catch((error: unknown) => {
                    // One failed chunk stops the others: the scan is retried on this thread or reported as cancelled.
                    inner.abort(error);
                    throw error;
                }),
            ),
        );
        return answers.flat();
    } finally {
        signal?.removeEventListener('abort', forward);
    }
}
