/**
 * The anomaly detector over many series at once, as `GetAnomalies` needs it for a whole fleet. A large scan runs on
 * worker threads (the `dist/detection-worker.js` bundle, one per core up to four), so it takes a fraction of the time
 * on a multi-core machine and never blocks this thread's event loop; a small one, or one where the worker bundle is
 * absent, runs here in slices that hand the event loop back. Both give the same answers: the detector is deterministic.
 *
 * A scan can be fed as the series arrive (`startDetection`), so the workers start while the source is still fetching or
 * generating the rest. Series whose values live in shared memory (the sample estate's) reach the workers as they are;
 * others are copied into one buffer per chunk, which is transferred, not cloned. The workers send back only the series
 * with incidents.
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

/**
 * A fleet scan fed as the series arrive: `add` each batch in order (the workers start on them while the rest are still
 * being fetched or generated), then `finish` for the findings of every series in that order.
 */
export interface DetectionScan {
    add(series: readonly DetectionInput[]): void;
    /** Rejects with the signal's reason when it is aborted. */
    finish(): Promise<SeriesFindings[]>;
    /** Stops the scan's workers when its series will never all arrive (the source failed). */
    abandon(): void;
}

/** Runs the detector over every series, in input order. Rejects with the signal's reason when it is aborted. */
export function detectAll(series: readonly DetectionInput[], sensitivity: Sensitivity, signal?: AbortSignal): Promise<SeriesFindings[]> {
    const scan = startDetection(sensitivity, signal);
    scan.add(series);
    return scan.finish();
}

/** Starts a fleet scan; see {@link DetectionScan}. */
export function startDetection(sensitivity: Sensitivity, signal?: AbortSignal): DetectionScan {
    const all: DetectionInput[] = [];
    let points = 0;
    let workers: WorkerScan | undefined;
    let triedWorkers = false;
    return {
        add(series) {
            for (const s of series) {
                all.push(s);
                points += s.values.length;
            }
            if (!triedWorkers && points >= WORKER_MIN_POINTS) {
                triedWorkers = true;
                const threads = detectionThreads();
                const script = threads > 1 ? workerScript() : undefined;
                if (script && !signal?.aborted) {
                    workers = new WorkerScan(poolFor(script), all, sensitivity, threads, signal);
                }
            }
            workers?.pump();
        },
        async finish() {
            if (workers) {
                try {
                    const findings = await workers.finish();
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
            return onThisThread(all, sensitivity, signal);
        },
        abandon() {
            workers?.stop(new Error('The scan was abandoned: its series did not all arrive.'));
        },
    };
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

    take(): Worker {
        clearTimeout(this.stopTimer);
        const worker = this.idle.pop() ?? new Worker(this.script);
        worker.ref();
        return worker;
    }

    giveBack(worker: Worker): void {
        worker.unref();
        this.idle.push(worker);
        clearTimeout(this.stopTimer);
        this.stopTimer = setTimeout(() => this.idle.splice(0).forEach((w) => void w.terminate()), this.idleMs);
        this.stopTimer.unref();
    }
}

const pools = new Map<string, DetectionPool>();

function poolFor(script: string): DetectionPool {
    let pool = pools.get(script);
    if (!pool) {
        pool = new DetectionPool(script);
        pools.set(script, pool);
    }
    return pool;
}

/** One worker's part in a scan: the chunks posted to it, answered in the order they were posted. */
class Lane {
    readonly posted: ChunkWork[] = [];
    readonly done: Promise<void>;
    private settle!: (error?: unknown) => void;

    constructor(
        private readonly pool: DetectionPool,
        readonly worker: Worker,
        onAnswer: () => void,
    ) {
        this.done = new Promise<void>((resolve, reject) => {
            const onMessage = (answer: WorkerAnswer) => {
                this.posted.shift()?.answered(answer);
                onAnswer();
            };
            const onError = (error: Error) => this.settle(error);
            const onExit = (code: number) => this.settle(new Error(`A detection worker stopped (exit code ${code}) before it answered.`));
            worker.on('message', onMessage);
            worker.once('error', onError);
            worker.once('exit', onExit);
            let settled = false;
            this.settle = (error?: unknown) => {
                if (settled) {
                    return;
                }
                settled = true;
                worker.off('message', onMessage);
                worker.off('error', onError);
                worker.off('exit', onExit);
                if (error === undefined) {
                    this.pool.giveBack(worker);
                    resolve();
                } else {
                    // A worker being stopped may still report an error of a chunk posted ahead: it no longer matters.
                    worker.on('error', () => undefined);
                    void worker.terminate();
                    reject(error);
                }
            };
        });
        // Failures are reported through the scan; a lane's own rejection is never left unhandled.
        this.done.catch(() => undefined);
    }

    post(work: ChunkWork): void {
        this.posted.push(work);
        this.worker.postMessage(work.share, work.transfer);
    }

    end(error?: unknown): void {
        this.settle(error);
    }
}

/**
 * A scan on worker threads. Series are cut into chunks of consecutive series as the workers need them: full-size
 * while more may arrive, then smaller and smaller once all have (see `MIN_CHUNK_POINTS`); values that have to be
 * copied are copied a few chunks at a time (a whole fleet is over a hundred megabytes of values).
 */
class WorkerScan {
    private readonly lanes: Lane[] = [];
    private readonly findings: SeriesFindings[] = [];
    /** The first series not yet in a chunk, and the points from it to the end of what has arrived. */
    private next = 0;
    private pendingPoints = 0;
    private arrived = 0;
    private finished = false;
    private failure?: { error: unknown };
    private readonly outcome: Promise<void>;
    private resolveOutcome!: () => void;
    private rejectOutcome!: (error: unknown) => void;
    private readonly stopOnAbort = () => this.stop(this.signal?.reason ?? new Error('aborted'));

    constructor(
        private readonly pool: DetectionPool,
        private readonly series: readonly DetectionInput[],
        private readonly sensitivity: Sensitivity,
        private readonly threads: number,
        private readonly signal?: AbortSignal,
    ) {
        this.outcome = new Promise<void>((resolve, reject) => {
            this.resolveOutcome = resolve;
            this.rejectOutcome = reject;
        });
        this.outcome.catch(() => undefined);
        signal?.addEventListener('abort', this.stopOnAbort, { once: true });
    }

    /** Takes in what has arrived since the last call and keeps every worker supplied. */
    pump(): void {
        const none: SeriesFindings = { incidents: [], baselines: [] };
        for (; this.arrived < this.series.length; this.arrived++) {
            this.findings.push(none);
            this.pendingPoints += this.series[this.arrived].values.length;
        }
        if (this.failure) {
            return;
        }
        try {
            // Round by round, so that a small scan still spreads over the workers before any gets a second chunk.
            for (let depth = 1; depth <= POSTED_AHEAD; depth++) {
                for (let l = 0; l < this.threads && this.hasChunk(); l++) {
                    if (l === this.lanes.length) {
                        this.lanes.push(new Lane(this.pool, this.pool.take(), () => this.pump()));
                        this.lanes[l].done.catch((error: unknown) => this.stop(error));
                    }
                    while (this.lanes[l].posted.length < depth && this.hasChunk()) {
                        this.lanes[l].post(this.takeChunk());
                    }
                }
            }
            if (this.finished && !this.hasChunk()) {
                for (const lane of this.lanes) {
                    if (lane.posted.length === 0) {
                        lane.end();
                    }
                }
                if (this.lanes.every((lane) => lane.posted.length === 0)) {
                    this.signal?.removeEventListener('abort', this.stopOnAbort);
                    this.resolveOutcome();
                }
            }
        } catch (error) {
            this.stop(error);
        }
    }

    /** Resolves with the findings once every series has been answered; rejects if a worker failed or the scan stopped. */
    async finish(): Promise<SeriesFindings[]> {
        this.finished = true;
        this.pump();
        await this.outcome;
        return this.findings;
    }

    /** Stops every worker of the scan; `finish` rejects with `error`. */
    stop(error: unknown): void {
        if (this.failure) {
            return;
        }
        this.failure = { error };
        this.signal?.removeEventListener('abort', this.stopOnAbort);
        this.lanes.forEach((lane) => lane.end(error));
        this.rejectOutcome(error);
    }

    private hasChunk(): boolean {
        return this.finished ? this.next < this.arrived : this.pendingPoints >= CHUNK_POINTS;
    }

    private takeChunk(): ChunkWork {
        const target = this.finished
            ? Math.min(CHUNK_POINTS, Math.max(MIN_CHUNK_POINTS, Math.ceil(this.pendingPoints / (3 * this.threads))))
            : CHUNK_POINTS;
        const first = this.next;
        let filled = this.series[this.next++].values.length;
        while (this.next < this.arrived && filled + this.series[this.next].values.length <= target) {
            filled += this.series[this.next++].values.length;
        }
        this.pendingPoints -= filled;
        const answered = (answer: WorkerAnswer) =>
            answer.positions.forEach((position, k) => (this.findings[first + position] = answer.findings[k]));
        return { ...share(this.series.slice(first, this.next), this.sensitivity), answered };
    }
}
