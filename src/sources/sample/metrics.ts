import { METRIC_KINDS, type MetricKind, type MetricSeries } from '../../core/model';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine, PlantedBehaviour } from './fleet';
import { drawnBehaviour, isReporting } from './fleet';
import { boundedNoise, hashKey, Random } from './random';

/** An anomaly planted in a metric series, with the interval it covers: the ground truth detection is measured against. */
export interface InjectedAnomaly {
    computer: string;
    metric: MetricKind;
    /** ISO time of the first affected sample. */
    start: string;
    /** ISO time the anomaly ends; for a level shift that persists, the end of the data. */
    end: string;
    kind: 'spike' | 'dip' | 'level-shift' | 'trend';
}

/**
 * A disk that fills steadily all month — a growing database or an archive that is never pruned — on a machine with
 * no planted anomaly: normal behaviour for the detector (it learns the trend), yet the disk is full within weeks.
 */
export interface GrowingDisk {
    computer: string;
    /** Free space lost per day, in points. */
    ratePerDay: number;
    /** Free space (without noise and daily rhythm) at the end of the data, in %. */
    freeAtEnd: number;
    /** ISO time free space reaches 0 % at that rate. */
    fullAt: string;
}

/**
 * A disk that has sat nearly full all month — a volume sized too tight, a log partition nobody cleans — on a machine with
 * no planted anomaly and no steadily filling disk: flat, so never an anomaly nor filling, yet under 10 % free.
 */
export interface LowDisk {
    computer: string;
    /** Free space (without noise and daily rhythm) at the end of the data, in %. */
    freeAtEnd: number;
}

/**
 * A machine whose monitoring agent stopped sending a few hours to three days ago while the machine itself stays connected
 * (a broken agent, a data collection rule removed): its series end early, yet Azure Arc still says Connected.
 */
export interface SilentMachine {
    computer: string;
    /** ISO time of its last sample. */
    lastSample: string;
}

/** How much history the sample keeps: the 30 days the tools look back at most. */
export const METRIC_HISTORY_MS = 30 * TIME.DAY;
const FIVE_MINUTES = 5 * TIME.MINUTE;
const DAY = TIME.DAY;
const SLOTS_PER_DAY = TIME.DAY / FIVE_MINUTES;

/**
 * Daily shapes in local time at 5-minute slots, shared by all machines. Each is smooth (raised cosines), so
 * nothing in normal data jumps; the only jumps are the planted anomalies.
 */
const OFFICE_HOURS = new Float64Array(SLOTS_PER_DAY);
const ROUND_THE_CLOCK = new Float64Array(SLOTS_PER_DAY);
const NIGHTLY_BATCH = new Float64Array(SLOTS_PER_DAY);
for (let s = 0; s < SLOTS_PER_DAY; s++) {
    const h = (s + 0.5) / 12;
    OFFICE_HOURS[s] = h > 7 && h < 19 ? 0.5 * (1 - Math.cos((2 * Math.PI * (h - 7)) / 12)) : 0;
    ROUND_THE_CLOCK[s] = 0.5 * (1 - Math.cos((2 * Math.PI * (h - 4)) / 24));
    NIGHTLY_BATCH[s] = h > 1 && h < 4 ? 0.5 * (1 - Math.cos((2 * Math.PI * (h - 1)) / 3)) : 0;
}

type AnomalyKind = InjectedAnomaly['kind'];

interface Anomaly {
    metric: MetricKind;
    kind: AnomalyKind;
    start: number;
    end: number;
    /** Added points (cpu spike, level shift), lost points (disk level shift), factor (transfers), or points per ms (trend). */
    size: number;
}

/** The parameters of one machine's three series. */
interface MetricProfile {
    shape: Float64Array;
    utcOffsetMs: number;
    cpuBase: number;
    cpuDaily: number;
    cpuNightly: number;
    cpuWeekend: number;
    cpuSigma: number;
    cpuTrendPerDay: number;
    diskStart: number;
    diskDriftPerDay: number;
    diskDaily: number;
    diskSigma: number;
    ioBase: number;
    ioDaily: number;
    ioNightly: number;
    ioWeekend: number;
    ioSigma: number;
    gaps: [number, number][];
    anomalies: Anomaly[];
    /** End of data: the anchor, or when the machine stopped reporting. */
    dataEnd: number;
}

/** The planted anomalies and per-machine metric profiles, worked out once on first use. */
export class MetricModel {
    private readonly profiles = new Map<number, MetricProfile>();
    private readonly anomalous: ReadonlySet<number>;
    /** Scratch sample counts per bin, reused across series to spare the garbage collector. */
    private counts = new Uint16Array(0);
    private readonly cache = new Map<number, Float32Array>();
    private cachedSamples = 0;
    readonly dataStart: number;

    constructor(private readonly fleet: Fleet) {
        this.dataStart = fleet.anchor - METRIC_HISTORY_MS;
        this.anomalous = fleet.anomalous;
    }

    profile(fm: FleetMachine): MetricProfile {
        let p = this.profiles.get(fm.index);
        if (!p) {
            p = this.buildProfile(fm);
            this.profiles.set(fm.index, p);
        }
        return p;
    }

    /** Every planted anomaly, ordered by start time then computer. */
    groundTruth(): InjectedAnomaly[] {
        const truth: InjectedAnomaly[] = [];
        for (const fm of this.fleet.machines) {
            if (!this.anomalous.has(fm.index)) {
                continue;
            }
            for (const a of this.profile(fm).anomalies) {
                truth.push({
                    computer: fm.machine.name,
                    metric: a.metric,
                    start: new Date(a.start).toISOString(),
                    end: new Date(a.end).toISOString(),
                    kind: a.kind,
                });
            }
        }
        return truth.sort((a, b) =>
            a.start < b.start ? -1 : a.start > b.start ? 1 : a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0,
        );
    }

    /**
     * The one normal-but-notable behaviour planted on a machine without a planted anomaly that reports until now (so it is
     * visible), if any: a steadily filling disk, else a disk nearly full all month, else an agent gone quiet. Each is drawn
     * from its own random stream, so adding one left every other machine's series as they were.
     */
    private behaviourOf(fm: FleetMachine): PlantedBehaviour | undefined {
        if (
            this.anomalous.has(fm.index) ||
            !isReporting(fm) ||
            fm.reportingUntil < this.fleet.anchor ||
            fm.machine.workspaceId === undefined
        ) {
            return undefined;
        }
        return drawnBehaviour(fm);
    }

    /** Every machine that stopped sending metrics while still connected, by computer name. */
    silentMachines(): SilentMachine[] {
        const machines: SilentMachine[] = [];
        for (const fm of this.fleet.machines) {
            if (this.behaviourOf(fm) === 'silent') {
                // The last 5-minute sample before the end of its data.
                const p = this.profile(fm);
                const last = this.dataStart + (Math.floor((p.dataEnd - this.dataStart) / FIVE_MINUTES) - 1) * FIVE_MINUTES;
                machines.push({ computer: fm.machine.name, lastSample: new Date(last).toISOString() });
            }
        }
        return machines.sort((a, b) => (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0));
    }

    /** Every disk that has been nearly full all month, by computer name. */
    lowDisks(): LowDisk[] {
        const disks: LowDisk[] = [];
        for (const fm of this.fleet.machines) {
            if (this.behaviourOf(fm) === 'low-disk') {
                const p = this.profile(fm);
                disks.push({
                    computer: fm.machine.name,
                    freeAtEnd: p.diskStart - (p.diskDriftPerDay * (p.dataEnd - this.dataStart)) / TIME.DAY,
                });
            }
        }
        return disks.sort((a, b) => (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0));
    }

    /** Every steadily filling disk, by computer name. */
    growingDisks(): GrowingDisk[] {
        const disks: GrowingDisk[] = [];
        for (const fm of this.fleet.machines) {
            if (this.behaviourOf(fm) !== 'growing-disk') {
                continue;
            }
            const p = this.profile(fm);
            const freeAtEnd = p.diskStart - (p.diskDriftPerDay * (p.dataEnd - this.dataStart)) / TIME.DAY;
            disks.push({
                computer: fm.machine.name,
                ratePerDay: p.diskDriftPerDay,
                freeAtEnd,
                fullAt: new Date(p.dataEnd + (freeAtEnd / p.diskDriftPerDay) * TIME.DAY).toISOString(),
            });
        }
        return disks.sort((a, b) => (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0));
    }

    private buildProfile(fm: FleetMachine): MetricProfile {
        const random = new Random(hashKey(fm.key, 'metrics'));
        const busy = fm.role === 'sql' || fm.role === 'k8s' || fm.role === 'build';
        const p: MetricProfile = {
            shape: fm.business ? OFFICE_HOURS : ROUND_THE_CLOCK,
            utcOffsetMs: fm.site.utcOffsetHours * TIME.HOUR,
            cpuBase: random.range(4, busy ? 30 : 22),
            cpuDaily: random.range(5, busy ? 30 : 22),
            cpuNightly: fm.role === 'sql' || fm.role === 'fs' || fm.role === 'pg' ? random.range(5, 20) : random.range(0, 3),
            cpuWeekend: fm.business ? random.range(0.3, 0.6) : random.range(0.75, 0.95),
            cpuSigma: random.range(0.8, 2.2),
            cpuTrendPerDay: random.range(-0.004, 0.01),
            diskStart: random.range(30, 85),
            diskDriftPerDay: random.range(0.01, 0.15),
            diskDaily: random.range(0.1, 0.8),
            diskSigma: random.range(0.04, 0.15),
            ioBase: Math.exp(random.range(Math.log(15), Math.log(fm.role === 'sql' || fm.role === 'pg' || fm.role === 'fs' ? 600 : 150))),
            ioDaily: random.range(0.3, 1.5),
            ioNightly: fm.role === 'sql' || fm.role === 'fs' || fm.role === 'pg' ? random.range(1, 3) : random.range(0, 0.4),
            ioWeekend: fm.business ? random.range(0.35, 0.7) : random.range(0.75, 1),
            ioSigma: random.range(0.04, 0.1),
            gaps: [],
            anomalies: [],
            dataEnd: Math.min(this.fleet.anchor, fm.reportingUntil),
        };
        const behaviour = this.behaviourOf(fm);
        if (behaviour === 'silent') {
            // Its own stream: from 4 hours to 3 days ago, on a whole 5 minutes.
            const silentFor = new Random(hashKey(fm.key, 'silent')).range(4 * TIME.HOUR, 3 * TIME.DAY);
            p.dataEnd = Math.floor((this.fleet.anchor - silentFor) / FIVE_MINUTES) * FIVE_MINUTES;
        }
        if (this.anomalous.has(fm.index)) {
            p.anomalies.push(this.plantAnomaly(p, random));
        } else if (behaviour === 'growing-disk') {
            // Its own random stream, so that every other machine's series stay exactly as they were.
            const growth = new Random(hashKey(fm.key, 'growing-disk'));
            p.diskDriftPerDay = growth.range(0.4, 1.2);
            p.diskStart = Math.min(95, growth.range(10, 35) + (p.diskDriftPerDay * (p.dataEnd - this.dataStart)) / TIME.DAY);
        } else if (behaviour === 'low-disk') {
            // Its own stream too. Flat: at most 0.004 % a day (a tenth of a point in a month), so it is not filling, and it ends
            // at 3–8.5 % free (with the daily rhythm and noise, still under 10 %).
            const low = new Random(hashKey(fm.key, 'low-disk'));
            p.diskDriftPerDay = low.range(0, 0.004);
            p.diskStart = low.range(3, 8.5) + (p.diskDriftPerDay * (p.dataEnd - this.dataStart)) / TIME.DAY;
        }
        // Agents restart and networks drop: half the machines have a gap or two of a few hours.
        if (random.chance(0.5)) {
            const count = random.int(1, 2);
            for (let i = 0; i < count && p.dataEnd - this.dataStart > 2 * TIME.DAY; i++) {
                const length = random.int(1, 6) * TIME.HOUR;
                const start = Math.floor(random.range(this.dataStart, p.dataEnd - length) / TIME.HOUR) * TIME.HOUR;
                const clear = p.anomalies.every(
                    (a) =>
                        start + length < a.start - 12 * TIME.HOUR ||
                        start > (a.kind === 'spike' || a.kind === 'dip' ? a.end : a.start + TIME.DAY) + 12 * TIME.HOUR,
                );
                if (clear) {
                    p.gaps.push([start, start + length]);
                }
            }
        }
        return p;
    }

    /** One clearly visible anomaly, placed after enough history for a detector to learn what normal looks like. */
    private plantAnomaly(p: MetricProfile, random: Random): Anomaly {
        const anchor = this.fleet.anchor;
        const earliest = anchor - 18 * TIME.DAY;
        const hourIn = (from: number, to: number) => Math.floor(random.range(from, to) / TIME.HOUR) * TIME.HOUR;
        const kinds: (readonly [readonly [MetricKind, AnomalyKind], number])[] = [
            [['cpu', 'spike'], 3],
            [['cpu', 'level-shift'], 2],
            [['diskFree', 'trend'], 3],
            [['diskFree', 'level-shift'], 1.5],
            [['diskTransfers', 'spike'], 2],
        ];
        if (p.cpuBase >= 15) {
            kinds.push([['cpu', 'dip'], 1.5]);
        }
        if (p.ioBase >= 40) {
            kinds.push([['diskTransfers', 'dip'], 1]);
        }
        const [metric, kind] = random.weighted(kinds);
        if (kind === 'spike' || kind === 'dip') {
            const length = random.int(kind === 'dip' ? 2 : 1, 6) * TIME.HOUR;
            const start = hourIn(earliest, anchor - length - 6 * TIME.HOUR);
            let size: number;
            if (metric === 'cpu') {
                // Well above the busiest normal hour, so the spike stands out at any time of day.
                const peak = p.cpuBase * 1.3 + p.cpuDaily + p.cpuNightly;
                size = kind === 'spike' ? Math.max(30, Math.min(55, 97 - peak)) : 0.06;
            } else {
                size = kind === 'spike' ? random.range(4, 6) : 0.05;
            }
            return { metric, kind, start, end: start + length, size };
        }
        if (kind === 'level-shift') {
            const start = hourIn(earliest, anchor - 12 * TIME.HOUR);
            if (metric === 'cpu') {
                return { metric, kind, start, end: anchor, size: random.range(22, 32) };
            }
            // A large copy or a new log that never gets cleaned up: free space drops and stays down.
            p.diskStart = Math.max(p.diskStart, 40);
            return { metric, kind, start, end: anchor, size: random.range(12, 20) };
        }
        // A slow leak: the disk fills at a steady rate for days, far faster than its normal drift.
        const days = random.range(2, 6);
        const start = hourIn(earliest, anchor - 2 * TIME.DAY);
        const end = Math.min(anchor, start + Math.round(days * TIME.DAY));
        p.diskStart = Math.max(p.diskStart, 50);
        const levelAtStart = p.diskStart - (p.diskDriftPerDay * (start - this.dataStart)) / TIME.DAY;
        const ratePerDay = Math.min(random.range(2.5, 5), (levelAtStart - 8) / ((end - start) / TIME.DAY));
        return { metric: 'diskFree', kind: 'trend', start, end, size: ratePerDay / TIME.DAY };
    }

    /**
     * The series of one machine on the grid `[start, start + n*stepMs)`, averaged from samples every 5 minutes when
     * the step is under an hour and hourly otherwise; NaN where no sample falls. Undefined when the range holds no data.
     */
    series(
        fm: FleetMachine,
        metric: MetricKind,
        from: number,
        to: number,
        stepMs: number,
        arena = new SeriesArena(),
    ): MetricSeries | undefined {
        const start = Math.floor(from / stepMs) * stepMs;
        const bins = Math.max(0, Math.ceil((to - start) / stepMs));
        const sampleMs = stepMs < TIME.HOUR ? FIVE_MINUTES : TIME.HOUR;
        const native = this.native(fm, metric, sampleMs);
        const dataStart = this.dataStart;
        const first = Math.max(0, Math.ceil((start - dataStart) / sampleMs));
        const end = Math.min(native.length, Math.ceil((start + bins * stepMs - dataStart) / sampleMs));
        if (bins === 0 || first >= end) {
            return undefined;
        }
        const values = arena.take(bins);
        const offset = (start - dataStart) / sampleMs;
        if (stepMs === sampleMs && Number.isInteger(offset)) {
            // One sample per bin (hourly data at 1 h): a copy, the common case of a whole-fleet scan. Bins before the
            // data or after it stopped are NaN; the rest is one typed-array copy (float32 to float64 is exact).
            const lo = first - offset;
            const hi = end - offset;
            values.fill(NaN, 0, lo);
            values.set(native.subarray(first, end), lo);
            values.fill(NaN, hi, bins);
            let i = lo;
            while (i < hi && values[i] !== values[i]) {
                i++;
            }
            if (i === hi) {
                arena.giveBack(values);
                return undefined;
            }
            return this.named(fm, metric, start, stepMs, values);
        }
        if (this.counts.length < bins) {
            this.counts = new Uint16Array(bins);
        }
        const counts = this.counts;
        counts.fill(0, 0, bins);
        let samples = 0;
        for (let j = first; j < end; j++) {
            const value = native[j];
            if (value === value) {
                const bin = ((dataStart + j * sampleMs - start) / stepMs) | 0;
                values[bin] += value;
                counts[bin]++;
                samples++;
            }
        }
        if (samples === 0) {
            arena.giveBack(values);
            return undefined;
        }
        for (let i = 0; i < bins; i++) {
            values[i] = counts[i] ? values[i] / counts[i] : NaN;
        }
        return this.named(fm, metric, start, stepMs, values);
    }

    private named(fm: FleetMachine, metric: MetricKind, start: number, stepMs: number, values: Float64Array): MetricSeries {
        const windows = fm.machine.osType === 'windows';
        const counter =
            metric === 'cpu'
                ? '% Processor Time'
                : metric === 'diskFree'
                  ? `${windows ? 'C:' : '/'} % Free Space`
                  : `${windows ? 'C:' : '/'} Disk Transfers/sec`;
        return { computer: fm.machine.name, metric, counter, unit: metric === 'diskTransfers' ? '/s' : '%', start, stepMs, values };
    }

    /**
     * All samples of one machine's metric from the start of the data to when it stopped reporting, NaN in gaps.
     * Kept (as 32-bit floats, within a budget) so repeated anomaly scans of a large estate do not recompute them;
     * answers are always binned from this array, so whether it was cached never changes a result.
     */
    private native(fm: FleetMachine, metric: MetricKind, sampleMs: number): Float32Array {
        // A number, not a string: a fleet scan looks up tens of thousands of series.
        const key = (fm.index * METRIC_KINDS.length + METRIC_KINDS.indexOf(metric)) * 2 + (sampleMs === FIVE_MINUTES ? 0 : 1);
        const cached = this.cache.get(key);
        if (cached) {
            return cached;
        }
        const p = this.profile(fm);
        const length = Math.max(0, Math.floor((p.dataEnd - this.dataStart) / sampleMs));
        const out = new Float32Array(length);
        this.fill(p, metric, hashKey(fm.key, metric), sampleMs, out);
        this.cache.set(key, out);
        this.cachedSamples += length;
        // Oldest first out: a 10,000-machine estate's hourly series (22 million samples) fit; 5-minute ones rotate.
        for (const [oldKey, old] of this.cache) {
            if (this.cachedSamples <= NATIVE_CACHE_SAMPLES) {
                break;
            }
            this.cache.delete(oldKey);
            this.cachedSamples -= old.length;
        }
        return out;
    }

    /**
     * Computes every sample of a series into `out`. This is the estate's only bulk computation (20 million samples
     * for 30 days of 10,000 machines), so the seasonal part is tabulated once per series for one week and the noise
     * comes from a shared table: per sample, two loads and a few additions.
     */
    private fill(p: MetricProfile, metric: MetricKind, noiseKey: number, sampleMs: number, out: Float32Array): void {
        const anomaly = p.anomalies.find((a) => a.metric === metric);
        const aStart = anomaly ? anomaly.start : Infinity;
        const aEnd = anomaly ? anomaly.end : -Infinity;
        const aSize = anomaly ? anomaly.size : 0;
        const aKind = anomaly ? anomaly.kind : 'spike';
        const week = weekTable(p, metric, sampleMs);
        const weekLength = week.length;
        const gaps = p.gaps;
        const dataStart = this.dataStart;
        const isCpu = metric === 'cpu';
        const isDisk = metric === 'diskFree';
        const level = isCpu ? p.cpuBase : isDisk ? p.diskStart : p.ioBase;
        const slope = isCpu ? (p.cpuBase * p.cpuTrendPerDay) / DAY : isDisk ? -p.diskDriftPerDay / DAY : 0;
        const sigma = isCpu ? p.cpuSigma : isDisk ? p.diskSigma : p.ioSigma;
        const noiseStep = (sampleMs / FIVE_MINUTES) | 0;
        // Positions are kept small integers (| 0) so the optimiser uses its fast typed-array access.
        let slot = (Math.floor(positiveModulo(dataStart + p.utcOffsetMs - LOCAL_SUNDAY, WEEK) / sampleMs) | 0) % weekLength;
        let noiseIndex = noiseKey & NOISE_MASK;
        let gapIndex = 0;
        const length = out.length;
        for (let j = 0; j < length; j++, slot = slot + 1 === weekLength ? 0 : slot + 1, noiseIndex += noiseStep) {
            const t = dataStart + j * sampleMs;
            while (gapIndex < gaps.length && gaps[gapIndex][1] <= t) {
                gapIndex++;
            }
            if (gapIndex < gaps.length && gaps[gapIndex][0] <= t) {
                out[j] = NaN;
                continue;
            }
            const noise = NOISE[noiseIndex & NOISE_MASK];
            let value: number;
            if (isCpu) {
                value = level + slope * (t - dataStart) + week[slot] + sigma * noise;
                if (t >= aStart && t < aEnd) {
                    value = aKind === 'dip' ? value * aSize : value + aSize;
                }
                value = value < 0 ? 0 : value > 100 ? 100 : value;
            } else if (isDisk) {
                value = level + slope * (t - dataStart) + week[slot] + sigma * noise;
                if (t >= aStart) {
                    value -= aKind === 'trend' ? aSize * ((t < aEnd ? t : aEnd) - aStart) : aSize;
                }
                value = value < 0 ? 0 : value > 100 ? 100 : value;
            } else {
                value = level * week[slot] * (1 + sigma * noise);
                if (t >= aStart && t < aEnd) {
                    value *= aSize;
                }
                value = value < 0 ? 0 : value;
            }
            out[j] = value;
        }
    }
}

/** Most samples kept in the native-series cache: 32 million 4-byte floats, 128 MB. */
const NATIVE_CACHE_SAMPLES = 32_000_000;

const WEEK = 7 * DAY;
/** 1970-01-04 00:00 was a Sunday; weeks in the tables start there. */
const LOCAL_SUNDAY = 3 * DAY;
const NOISE_MASK = 0xffff;
/**
 * Bounded noise (±3 sigma at most) shared by all series, each starting at its own offset. 65,536 values are
 * more than seven times the longest series, so no series repeats itself.
 */
const NOISE = new Float64Array(NOISE_MASK + 1).map((_, i) => boundedNoise(0x5eed, i));

function positiveModulo(value: number, modulus: number): number {
    return ((value % modulus) + modulus) % modulus;
}

/**
 * One week of the seasonal part of a series at the sampling interval, starting Sunday 00:00 local time and read at
 * the middle of each sample: additive for cpu and disk free space, a factor for disk transfers.
 */
function weekTable(p: MetricProfile, metric: MetricKind, sampleMs: number): Float64Array {
    const length = WEEK / sampleMs;
    const table = new Float64Array(length);
    const slotsPerSample = sampleMs / FIVE_MINUTES;
    for (let k = 0; k < length; k++) {
        const middle = k * slotsPerSample + Math.floor(slotsPerSample / 2);
        const day = Math.floor(middle / SLOTS_PER_DAY);
        const slot = middle - day * SLOTS_PER_DAY;
        const weekend = day === 0 || day === 6;
        if (metric === 'cpu') {
            table[k] = p.cpuDaily * p.shape[slot] * (weekend ? p.cpuWeekend : 1) + p.cpuNightly * NIGHTLY_BATCH[slot];
        } else if (metric === 'diskFree') {
            table[k] = -p.diskDaily * ROUND_THE_CLOCK[slot];
        } else {
            table[k] = 1 + p.ioDaily * p.shape[slot] * (weekend ? p.ioWeekend : 1) + p.ioNightly * NIGHTLY_BATCH[slot];
        }
    }
    return table;
}

/** Doubles per arena block: 8 MB, a few blocks for a whole-fleet scan. */
const ARENA_BLOCK = 1 << 20;

/**
 * Hands out series storage as views of large buffers. A typed array of a few kilobytes gets its own off-heap backing
 * store, and allocating tens of thousands of them per query costs more than computing the values. The blocks are
 * shared memory where the runtime has it, so a fleet scan hands them to its detection workers without copying them.
 */
export class SeriesArena {
    private buffer: Float64Array = new Float64Array(0);
    private used = 0;

    take(length: number): Float64Array {
        if (this.used + length > this.buffer.length) {
            const bytes = Math.max(length, ARENA_BLOCK) * Float64Array.BYTES_PER_ELEMENT;
            this.buffer = new Float64Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
            this.used = 0;
        }
        const view = this.buffer.subarray(this.used, this.used + length);
        this.used += length;
        return view;
    }

    /** Returns the most recently taken view, unused; it must be zeroed again before reuse. */
    giveBack(view: Float64Array): void {
        if (view.buffer === this.buffer.buffer && view.byteOffset / 8 + view.length === this.used) {
            view.fill(0);
            this.used -= view.length;
        }
    }
}
