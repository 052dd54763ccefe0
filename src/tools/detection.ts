/**
 * The anomaly detector over many series at once, as `GetAnomalies` needs it for a whole fleet. A large scan runs on
 * worker threads (the `dist/detection-worker.js` bundle, one per core up to four), so it takes a fraction of the time
 * on a multi-core machine and never blocks this thread's event loop; a small one, or one where the worker bundle is
 * absent, runs here in slices that hand the event loop back. Both give the same answers: the detector is deterministic.
 *
 * Series whose values live in shared memory (the sample estate's) reach the workers as they are; others are copied
 * into one buffer per chunk, which is transferred, not cloned. The workers send back only the series with incidents.
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
/** Most points per chunk of work sent to a worker (4 MB of values when they are copied, a tenth of a second's work). */
const CHUNK_POINTS = 500_000;
/**
 * Fewest points per chunk (a hundredth of a second's work). Chunks shrink towards the end of a scan, so the workers
 * finish within a small chunk or two of each other instead of one idling while another works through a large one.
 */
const MIN_CHUNK_POINTS = 50_000;

/** The timestamps of a regular series. */
export function timesOf(input: DetectionInput): Float64Array {
    const times = new Float64Array(input.values.length);
    for (let i = 0; i < times.length; i++) {
        times[i] = input.start + i * input.stepMs;
    }
    return times;
}

/**
 * Timestamps reused from one series to the next: a fresh array for each of a fleet's tens of thousands of series is
 * needless allocation and garbage collection. The detector keeps no reference to it.
 */
let scratchTimes = new Float64Array(0);

/** Finds the incidents of one series, exactly as the worker does. */
export function findingsOf(input: DetectionInput, sensitivity: Sensitivity): SeriesFindings {
    const { start, stepMs, values } = input;
    const n = values.length;
    let times = scratchTimes;
    if (times.length !== n) {
        times = scratchTimes = new Float64Array(n);
    }
    for (let i = 0; i < n; i++) {
        times[i] = start + i * stepMs;
    }
    const detection = detectAnomalies(times, values, { sensitivity });
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

/** How scans ran since the process started (for the tests and the debug log). */
export const detectionStats = { onWorkers: 0, onThisThread: 0, workerFailures: 0 };

/** Runs the detector over every series, in input order. Rejects with the signal's reason when it is aborted. */
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

/** What one worker is given: a run of consecutive series of a scan. */
export interface WorkerShare {
    sensitivity: Sensitivity;
    starts: Float64Array;
    steps: Float64Array;
    /** The memory holding the values: shared blocks as they are, and at most one buffer of copies. */
    buffers: ArrayBufferLike[];
    /** Per series: which of `buffers` holds its values, the index of its first value there, and how many it has. */
    bufferOf: Uint32Array;
    offsets: Uint32Array;
    lengths: Uint32Array;
}

/** What a worker answers: the findings of the series of its share that have incidents, by position in the share. */
export interface WorkerAnswer {
    positions: number[];
    findings: SeriesFindings[];
}

/** The values of a share's series `i`, as the worker reads them. */
export function valuesOf(share: WorkerShare, i: number): Float64Array {
    return new Float64Array(share.buffers[share.bufferOf[i]], share.offsets[i] * Float64Array.BYTES_PER_ELEMENT, share.lengths[i]);
}

function isShared(buffer: ArrayBufferLike): boolean {
    return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

/** Describes a run of series for a worker, copying only values that are not in shared memory; returns what to transfer. */
function share(series: readonly DetectionInput[], sensitivity: Sensitivity): { share: WorkerShare; transfer: ArrayBuffer[] } {
    const n = series.length;
    const starts = new Float64Array(n);
    const steps = new Float64Array(n);
    const bufferOf = new Uint32Array(n);
    const offsets = new Uint32Array(n);
    const lengths = new Uint32Array(n);
    const buffers: ArrayBufferLike[] = [];
    let copied = 0;
    for (let i = 0; i < n; i++) {
        const values = series[i].values;
        starts[i] = series[i].start;
        steps[i] = series[i].stepMs;
        lengths[i] = values.length;
        if (isShared(values.buffer)) {
            let b = buffers.lastIndexOf(values.buffer);
            if (b < 0) {
                b = buffers.push(values.buffer) - 1;
            }
            bufferOf[i] = b;
            offsets[i] = values.byteOffset / Float64Array.BYTES_PER_ELEMENT;
        } else {
            offsets[i] = copied;
            copied += values.length;
        }
    }
    const transfer: ArrayBuffer[] = [starts.buffer, steps.buffer, bufferOf.buffer, offsets.buffer, lengths.buffer];
    if (copied > 0) {
        const copies = new Float64Array(copied);
        const b = buffers.push(copies.buffer) - 1;
        for (let i = 0; i < n; i++) {
            const values = series[i].values;
            if (!isShared(values.buffer)) {
                copies.set(values, offsets[i]);
                bufferOf[i] = b;
            }
        }
        transfer.push(copies.buffer);
    }
    return { share: { sensitivity, starts, steps, buffers, bufferOf, offsets, lengths }, transfer };
}

/** Splits a scan into runs of consecutive series, large at first and smaller towards the end (see `MIN_CHUNK_POINTS`). */
function chunksOf(series: readonly DetectionInput[], threads: number): DetectionInput[][] {
    let remaining = series.reduce((n, s) => n + s.values.length, 0);
    const chunks: DetectionInput[][] = [];
    let i = 0;
    while (i < series.length) {
        const target = Math.min(CHUNK_POINTS, Math.max(MIN_CHUNK_POINTS, Math.ceil(remaining / (3 * threads))));
        const chunk = [series[i]];
        let filled = series[i].values.length;
        for (i++; i < series.length && filled + series[i].values.length <= target; i++) {
            chunk.push(series[i]);
            filled += series[i].values.length;
        }
        chunks.push(chunk);
        remaining -= filled;
    }
    return chunks;
}

/** A chunk ready to post, and what to do with its answer. */
interface ChunkWork {
    share: WorkerShare;
    transfer: ArrayBuffer[];
    answered(answer: WorkerAnswer): void;
}

/** Chunks posted ahead to each worker, so it goes straight on to the next instead of waiting for this thread to answer. */
const POSTED_AHEAD = 2;

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

    /**
     * Runs chunks on one worker until `next` has none left, keeping up to {@link POSTED_AHEAD} posted; rejects, and
     * stops the worker, when the signal aborts or the worker fails.
     */
    async lane(next: () => ChunkWork | undefined, signal: AbortSignal): Promise<void> {
        clearTimeout(this.stopTimer);
        const worker = this.idle.pop() ?? new Worker(this.script);
        worker.ref();
        await new Promise<void>((resolve, reject) => {
            const posted: ChunkWork[] = [];
            let settled = false;
            const post = () => {
                try {
                    const work = next();
                    if (work) {
                        posted.push(work);
                        worker.postMessage(work.share, work.transfer);
                    }
                } catch (error) {
                    settle(error);
                }
            };
            const settle = (error?: unknown) => {
                if (settled) {
                    return;
                }
                settled = true;
                worker.off('message', onMessage);
                worker.off('error', onError);
                worker.off('exit', onExit);
                signal.removeEventListener('abort', onAbort);
                if (error === undefined) {
                    resolve();
                } else {
                    // A worker being stopped may still report an error of a chunk posted ahead: it no longer matters.
                    worker.on('error', () => undefined);
                    void worker.terminate();
                    reject(error);
                }
            };
            // A worker answers its chunks in the order they were posted.
            const onMessage = (answer: WorkerAnswer) => {
                posted.shift()?.answered(answer);
                post();
                if (posted.length === 0) {
                    settle();
                }
            };
            const onError = (error: Error) => settle(error);
            const onExit = (code: number) => settle(new Error(`A detection worker stopped (exit code ${code}) before it answered.`));
            const onAbort = () => settle(signal.reason ?? new Error('aborted'));
            worker.on('message', onMessage);
            worker.once('error', onError);
            worker.once('exit', onExit);
            signal.addEventListener('abort', onAbort, { once: true });
            for (let i = 0; i < POSTED_AHEAD; i++) {
                post();
            }
            if (posted.length === 0) {
                settle();
            }
        });
        worker.unref();
        this.idle.push(worker);
        this.stopTimer = setTimeout(() => this.idle.splice(0).forEach((w) => void w.terminate()), this.idleMs);
        this.stopTimer.unref();
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
    // Chunks of consecutive series handed out as workers come free: the load evens out, and values that have to be
    // copied are copied a few chunks at a time (a whole fleet is over a hundred megabytes of values).
    const chunks = chunksOf(series, threads);
    const none: SeriesFindings = { incidents: [], baselines: [] };
    const findings = new Array<SeriesFindings>(series.length).fill(none);
    let first = 0;
    let index = 0;
    const next = (): ChunkWork | undefined => {
        if (index === chunks.length) {
            return undefined;
        }
        const chunk = chunks[index++];
        const offset = first;
        first += chunk.length;
        const answered = (answer: WorkerAnswer) =>
            answer.positions.forEach((position, k) => (findings[offset + position] = answer.findings[k]));
        return { ...share(chunk, sensitivity), answered };
    };
    const inner = new AbortController();
    const forward = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', forward, { once: true });
    try {
        await Promise.all(
            Array.from({ length: Math.min(threads, chunks.length) }, () =>
                pool.lane(next, inner.signal).catch((error: unknown) => {
                    // One failed chunk stops the others: the scan is retried on this thread or reported as cancelled.
                    inner.abort(error);
                    throw error;
                }),
            ),
        );
        return findings;
    } finally {
        signal?.removeEventListener('abort', forward);
    }
}
