/**
 * The anomaly engine: one causal pass over a metric series.
 *
 * Three forecasters run side by side on every point, each with a robust (clipped) update so that an
 * outlier cannot drag it: a local level (no seasonality), the typical value at this time of day plus a
 * recent offset, and the same for the time of week (both profiles kept net of the level's slow trend, and carried
 * forward by it). The one with the smallest error over the last two days (daily) or weeks (weekly) is trusted
 * (a seasonal one only after two full periods and only if clearly better, kept while better at all) — so seasonality is detected
 * from the data, not assumed. The trusted forecaster's residual is turned into robust z-scores at three
 * time scales (the point itself and a short average), each divided by its own running mean
 * absolute deviation and shrunk by how heavy this series' tail has been (tail.ts); a point surprise is
 * also discounted by the largest one seen around the same hour in the last week (nightly jobs) or at the same hour of
 * the week in the weeks before (weekly jobs; the short average that leans with it too) — a memory the short average,
 * the profile view and the volatility view also keep of their own surprises (a weekend that begins with a step) — and an
 * averaged view's surprise by how often the series has already shown one as large. The largest becomes the 0–100 score. Consecutive anomalous points form one incident, reported at its first
 * point; a lasting shift is adopted as the new normal, and a return to the normal it replaced opens no new incident.
 *
 * State lives in locals and module-level typed arrays reused across calls (the engine is synchronous), so
 * the cost is linear in the series length and nothing is allocated per point. For speed the pass is cut into blocks of
 * points, each run as three loops (model, calibrators' learning, judgement; see BLOCK): the judgement of a point never
 * feeds back into the model, so this changes no result, only how much state each loop keeps in registers.
 */
import * as tail from './tail';
import {
    DEFAULT_SENSITIVITY,
    type AnomalyIncident,
    type DetectionResult,
    type DetectOptions,
    type IncidentDirection,
    type Sensitivity,
} from './types';

// Module-local copies of the tail calibrator's exports: when the TypeScript is run as CommonJS (tsx, ts-node), every
// use of an imported name is a property read through a getter, which costs on each of millions of points.
const TAIL_STATE_SIZE = tail.TAIL_STATE_SIZE;
const tailReset = tail.tailReset;
const tailRescale = tail.tailRescale;
const tailSeenSigmas = tail.tailSeenSigmas;
// The calibrator's layout and constants: its updates are inlined in the hot loop below (a call per update would box
// the double argument, and the function is too large for V8 to inline into the large loop body).
const T_TOTAL = tail.TOTAL;
const T_BIN = tail.BIN;
const T_AT_OR_BELOW = tail.AT_OR_BELOW;
const T_SINCE_HALVING = tail.SINCE_HALVING;
const T_EDGE = tail.EDGE;
const T_COUNTS = tail.COUNTS;
const T_BINS = tail.BINS;
const T_HALVING_POINTS = tail.HALVING_POINTS;
const T_QUANTILE = tail.QUANTILE;
const T_HIGH = tail.HIGH;
const T_EXPONENT_BIAS_BINS = tail.EXPONENT_BIAS_BINS;
const T_EDGES = tail.EDGES;
/**
 * The NaN that Math.max / Math.min return when an operand is NaN (V8 makes it as 0/0: the x86 default NaN, sign bit
 * set). The hot loop's written-out min / max return this one, so that even the bits of a NaN output are unchanged.
 */
const minMaxNaNBits = new Uint32Array(2);
minMaxNaNBits[T_HIGH] = 0xfff80000;
const MINMAX_NAN = new Float64Array(minMaxNaNBits.buffer)[0];
const binScratch = new Float64Array(1);
/**
 * Per calibrator bin, the factor that calibrates a |z| — shrinks it by how heavy the series' tail has been, never
 * enlarges it: reference / edge when the bin's upper edge lies above the Gaussian reference, else 1. A table, so that
 * calibrating is one multiplication per view and point.
 */
const CAL_ONE_SIDED = Float64Array.from(tail.EDGES, (q) => (q > tail.GAUSSIAN_ONE_SIDED_Q99 ? tail.GAUSSIAN_ONE_SIDED_Q99 / q : 1));
const CAL_TWO_SIDED = Float64Array.from(tail.EDGES, (q) => (q > tail.GAUSSIAN_Q99 ? tail.GAUSSIAN_Q99 / q : 1));
const binScratchBits = new Uint32Array(binScratch.buffer);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/**
 * Seasonal profiles have one slot per sampling step, so each sample updates one slot: the step is read from the
 * first two distinct timestamps and rounded down to one of these divisors of a day (a causal choice: it never
 * changes afterwards). Finer data shares a 1-minute slot; coarser samples fill the slots until the next sample.
 */
const SLOT_WIDTHS_MS = [1, 2, 5, 10, 15, 20, 30, 60].map((m) => m * MINUTE);
const MAX_DAY_SLOTS = DAY / MINUTE;
const MAX_WEEK_SLOTS = WEEK / MINUTE;
/** A sample stands for at most this much time ahead of it (a longer gap is missing data, not a long sample). */
const MAX_COVER_MS = HOUR;

/** Mean absolute deviation × 1.2533 = standard deviation for Gaussian noise. */
const MAD_TO_SIGMA = 1.2533;
/** Valid points before any score: enough for the noise scale to mean something. */
const WARM_UP_POINTS = 12;
/**
 * No incident is raised in the learning period — the first day or the first 288 points, whichever is sooner —
 * while a daily rhythm still looks like a trend. Scores are given from WARM_UP_POINTS on.
 */
const LEARNING_POINTS = 288;
/** Points further than this many sigmas from the forecast move the model only as far as this. */
const CLIP_SIGMAS = 3;

const LOCAL_LEVEL_RATE = 0.1;
/**
 * The trend: how fast the local level has moved, averaged over about this long (an exponential average in time, so the
 * resolution does not matter). Two weeks, the span over which the weekly forecaster must first prove itself: a weekly
 * rhythm averages out of it, a holiday or a storm of a few days barely moves it, a disk that fills all month is its
 * whole content. The profiles are kept net of its running integral (see `drift`).
 */
const TREND_MEMORY_MS = 14 * DAY;
/** How fast a seasonal forecaster's offset from its typical day/week follows the present. */
const SEASONAL_OFFSET_RATE = 0.1;
const DAILY_PROFILE_RATE = 0.2;
const WEEKLY_PROFILE_RATE = 0.3;
/** Per-point rate of the noise-scale estimates (half-life ≈ 70 points). */
const SCALE_RATE = 0.01;
/**
 * The same during the learning period (half-life ≈ 14 points): a series often starts with a transient (a restart, a
 * backfill), and the noise scale it inflates must not linger into the first days that are judged.
 */
const LEARNING_SCALE_RATE = 0.05;
/**
 * Which forecaster is trusted is judged on its errors averaged over about this many of the rhythm's own periods (days
 * for the daily forecaster against the level, weeks for the weekly one against the forecaster it must beat) — the same
 * two periods over which it must first prove itself. Not on the noise scales (half-life about 70 points): a weekly
 * forecaster earns its keep on the weekend, and judged on the last three days it loses by Thursday the trust it needs
 * on Saturday, whose drop the daily forecaster then calls news every week; at a 1-minute step, 70 points are not even
 * the quiet night in which a daily forecaster is no better than the plain level.
 */
const SELECTION_PERIODS = 2;
/** The errors the choice is judged on are clipped at this many times the largest clip of the three (10 noise scales). */
const SELECTION_CLIP = 10 / 3;
/** A seasonal forecaster must beat the simpler one by this factor to be trusted (Occam's razor). */
const SEASONAL_ADVANTAGE = 0.85;
/**
 * ... and, once trusted, keeps the trust while it is better at all: a rhythm whose advantage hovers about the entry
 * factor (a weekend a few noise sigmas lower) must not be trusted on Monday and dropped on Wednesday.
 */
const SEASONAL_KEEP = 1;

const SHORT_RATE = 0.1;
/**
 * 1 / k for the plain averages of the first points (`1 / count` while count · VOL_LONG_RATE < 1, i.e. count ≤ 500, and
 * `1 / profilePoints` while profilePoints · SCALE_RATE < 1): the same quotients, divided once here instead of per point.
 */
const RECIPROCALS = Float64Array.from({ length: 512 }, (_, k) => 1 / k);

/**
 * The volatility view: the recent average of the point surprise |z| (capped, so that one spike counts as one
 * surprise, not as a huge one; rate SHORT_RATE) against its own long-run mean and deviation. It sees a rise in
 * how often a series surprises — denser spikes, noisier stretches — when no single point is remarkable.
 */
const VOL_CAP_SIGMAS = 5;
/** Per-point rate of the volatility view's long-run reference (half-life ≈ 350 points). */
const VOL_LONG_RATE = 0.002;
/**
 * The smallest deviation of the volatility view's average, in sigmas: on a noise-free series the average surprise
 * barely moves, and a change of a few hundredths of a sigma in it is not news.
 */
const VOL_MIN_SIGMA = 0.05;
/** The volatility view is judged only once its long-run reference has seen this many points. */
const VOL_MIN_POINTS = 500;

/**
 * The profile view: the average over about the last 50 points of the gap between the measurement and the trusted
 * seasonal profile alone — without the recent offset that lets the seasonal forecasters follow the present. A day that
 * runs below its usual shape for hours (a holiday, a storm) is absorbed by that offset within a few points; against
 * the profile it stays visible. Judged after 1 / PROFILE_RATE points of a seasonal forecaster being trusted.
 */
const PROFILE_RATE = 0.02;

/** After this many consecutive points beyond SHIFT_SIGMAS on the same side, the new level is adopted. */
const SHIFT_POINTS = 6;
const SHIFT_SIGMAS = 3;
/**
 * A run is adopted only if its latest point is still at least this share of the run's average offset away from the
 * current level: a step stays where it went, a burst (up and already on its way back) is not a new level.
 */
const SHIFT_STAYS = 0.5;

/** The score is 50 at a 5-sigma surprise: score = 100·z⁴/(z⁴ + 5⁴). */
const HALF_SCORE_SIGMAS = 5;
const HALF_SCORE_Z4 = HALF_SCORE_SIGMAS ** 4;

/** Score a point must reach to be anomalous, per sensitivity. */
const THRESHOLDS: Record<Sensitivity, number> = { low: 60, medium: 45, high: 30 };
/**
 * Anomalous points within this many points, or this much time, of the last anomalous point extend the open
 * incident instead of opening a new one: an event is reported once, not once per noisy excursion.
 */
const MERGE_POINTS = 12;
const MERGE_MS = 6 * HOUR;
/**
 * An incident stays open for at least this long after its start: anomalous points in that time belong to it (they may
 * move its end and peak) and never open a second incident — an episode is reported once, when it is first seen.
 */
const REPORT_ONCE_MS = 12 * HOUR;

/** Module-level scratch for the seasonal profiles: allocated once, re-zeroed per call (the engine is synchronous). */
const dailyProfile = new Float64Array(MAX_DAY_SLOTS);
const weeklyProfile = new Float64Array(MAX_WEEK_SLOTS);
/** How often each slot has been learned; the first visits set a slot outright instead of nudging it. */
const dailyVisits = new Uint8Array(MAX_DAY_SLOTS);
const weeklyVisits = new Uint8Array(MAX_WEEK_SLOTS);
/** Visits during which a slot learns with rate 1/visits, unclipped (the profile starts from nothing). */
const PROFILE_WARM_VISITS = 2;
/** Per hour of day, the largest rise (and fall) of about the last week (decaying): recurring daily events stop being news. */
const recurringMax = new Float64Array(48); // rises at [hour], falls at [24 + hour]
/** Hour of day of each daily slot, filled once per series (no division per point). */
const hourOfSlot = new Uint8Array(MAX_DAY_SLOTS);
/**
 * The weekly memory's layout: per hour of the week, eight slots side by side (64 bytes, so that the hour's roll touches
 * one or two cache lines, not eight): the point view's rises and falls, the short view's rises and falls (its own
 * surprises, not the point's: a weekend that begins with a step is a run of modest points but a large short average),
 * the volatility view's excess over its reference, the profile view's rises and falls (a weekly job of two hours lifts the average gap to the
 * profile for hours), and the volatility view's z. Each is held so that an earlier week's surprise keeps its size in the series' own terms when the
 * noise scale moves — a series' first weekend comes while the scales are still wide, and its second must not be news
 * for that: the point's |z| and the volatility excess (both in noise units) are rescaled with the point's noise scale,
 * the short average and the profile gap are kept in the series' units and read against today's noise scales; the
 * volatility z is kept as it was too (the larger of the volatility view's two excuses counts).
 */
const WEEK_POINT = 0;
const WEEK_SHORT = 2;
const WEEK_VOL = 4;
const WEEK_PROFILE = 5;
const WEEK_VOL_Z = 7;
const WEEK_STRIDE = 8;
const HOURS_PER_WEEK = 168;
const WEEK_MEMORY_SIZE = HOURS_PER_WEEK * WEEK_STRIDE;
/**
 * Per hour of the week, the largest rise (and fall) of the weeks before this one (decaying, about four weeks' memory),
 * and of this week's visit so far, which joins them at the next week's: a weekly job (Sunday's backup, Saturday's batch)
 * stops being news from its second week, as a nightly one does from its second night. Only earlier weeks excuse, so that
 * an episode never excuses its own later points here.
 */
const weekMaxBefore = new Float64Array(WEEK_MEMORY_SIZE);
const weekMaxNow = new Float64Array(WEEK_MEMORY_SIZE);
/** Hour of the week of each weekly slot, filled once per series. */
const hourOfWeekSlot = new Uint8Array(MAX_WEEK_SLOTS);
/**
 * Four weeks: a job of the same size every week then settles at 3 / e^(-1/4) ≈ 3.9 sigmas (score 26), under even the
 * `high` threshold (30); with three it settled at 4.2 (score 33) and was reported every week at `high`.
 */
const RECURRING_MEMORY_WEEKS = 4;
const WEEK_MEMORY_DECAY = Math.exp(-1 / RECURRING_MEMORY_WEEKS);
const RECURRING_MEMORY_DAYS = 7;
/** Roughly the largest |z| Gaussian noise reaches in three hour-buckets over the memory: only a clearly bigger surprise is news. */
const RECURRING_REFERENCE = 3;
/**
 * The averaged views (short average, profile) also ask how often the series has shown a surprise at least as large
 * (tail.ts tailSeenSigmas): their surprises are episodes a few points long, and a kind of episode that a series shows
 * every few days covers well under 1 % of its points, so the 99th-percentile calibration can never learn it as routine.
 * Asked only above this many calibrated sigmas (score 11, far below any threshold), and never pulling a view below it,
 * so that the per-point scores stay continuous.
 */
const SEEN_FLOOR_SIGMAS = 3;
/**
 * Tail calibrators: rises of the point view, the short-average view, falls of the point view, rises of the volatility
 * view, the profile view. Rises and falls are
 * calibrated apart because metric tails are lopsided (a load balancer's routine bursts are all upwards): a series
 * whose rises are heavy-tailed must not make a sudden drop unremarkable.
 */
const TAIL_UP = 0;
const TAIL_SHORT = TAIL_STATE_SIZE;
const TAIL_DOWN = 2 * TAIL_STATE_SIZE;
const TAIL_VOL = 3 * TAIL_STATE_SIZE;
const TAIL_PROFILE = 4 * TAIL_STATE_SIZE;
const tails = new Float64Array(5 * TAIL_STATE_SIZE);
const TAIL_UP_COUNTS = TAIL_UP + T_COUNTS;
const TAIL_DOWN_COUNTS = TAIL_DOWN + T_COUNTS;
const TAIL_SHORT_COUNTS = TAIL_SHORT + T_COUNTS;
const TAIL_VOL_COUNTS = TAIL_VOL + T_COUNTS;
const TAIL_PROFILE_COUNTS = TAIL_PROFILE + T_COUNTS;
/** From the rises' calibrator to the falls' (their slices are indexed by the side of a surprise, 0 up, 1 down). */
const TAIL_SIDE_STRIDE = TAIL_DOWN - TAIL_UP;
/**
 * The point view's two one-sided calibrators keep their scalars (total, points at or below the pointer, its upper edge;
 * the pointer bin) in these two-slot arrays, indexed by the side of the surprise rather than chosen by a branch: the
 * sign of noise is a coin toss the CPU cannot predict, and a mispredicted branch costs more than a load.
 */
const sideTotal = new Float64Array(2);
const sideAt = new Float64Array(2);
const sideEdge = new Float64Array(2);
const sideBin = new Int32Array(2);

/**
 * The points are taken in blocks of BLOCK, each in two passes: the model (forecasts, noise scales, raw z of each view)
 * and then the judgement (tail calibration, recurring hours, score, incidents), which never feeds back into the model.
 * Split so, each loop keeps its own state in registers: as one loop, about 70 values live across an iteration and
 * most of them were spilled to the stack and reloaded on every point. Pass 1 hands over, per warm point, the raw z of
 * each view, a word of flags (below), and the noise scales the weekly memories are read against, in these module-level
 * arrays (the engine is synchronous).
 */
const BLOCK = 256;
const blockZPoint = new Float64Array(BLOCK);
const blockZShort = new Float64Array(BLOCK);
const blockZVol = new Float64Array(BLOCK);
/** The short average's noise scale, and the volatility view's deviation (for their weekly memories). */
const blockSigmaShort = new Float64Array(BLOCK);
const blockVolSigma = new Float64Array(BLOCK);
const blockAbsProfile = new Float64Array(BLOCK);
const blockProfileMean = new Float64Array(BLOCK);
const blockInfo = new Int32Array(BLOCK);
/** The bin (tail.ts, a quarter octave) of the point view's noise scale at each warm point. */
const blockSigmaBin = new Int32Array(BLOCK);
/** Pass 2 hands over, per warm point, what the calibration of each view uses: edges and the recurring maximum. */
const blockRecurring = new Float64Array(BLOCK);
/** The short view's factor from the weekly memory: 3 / the largest surprise on the point's side at its hour of the week in the weeks before, or 1. */
const blockRecurringWeek = new Float64Array(BLOCK);
/** The short, volatility and profile views' factors from their own weekly memories (3 / their largest at this hour of the week before, or 1). */
const blockShortWeek = new Float64Array(BLOCK);
const blockVolWeek = new Float64Array(BLOCK);
const blockProfileWeek = new Float64Array(BLOCK);
const blockEdgePoint = new Float64Array(BLOCK);
const blockEdgeShort = new Float64Array(BLOCK);
const blockEdgeVol = new Float64Array(BLOCK);
const blockEdgeProfile = new Float64Array(BLOCK);
/**
 * Scratch slots for choosing between two doubles without a branch: store both, load `pick[slot + +(a > b)]`. V8 compiles
 * every double `?:` to a branch, and where the comparison is a coin toss (which view is largest, whether a surprise
 * exceeds its hour's recurring maximum) a mispredicted branch costs far more than a store and a load. The comparison
 * is the original one, so the choice is the same, NaN included. Slots 6 and 22 always hold 1.
 */
const pick = new Float64Array(24);
pick[6] = 1;
pick[22] = 1;
/** The flags of a point for pass 2; 0 for a point it skips (a gap, or before the warm-up ends). */
const INFO_HOUR = 0x1f; // hour of day of the point's slot (when seasonal)
const INFO_SEASONAL = 1 << 5;
const INFO_WARM = 1 << 6;
const INFO_LEARNED = 1 << 7; // past the learning period: may raise an incident
const INFO_VOL_JUDGED = 1 << 8;
const INFO_PROFILE = 1 << 9; // a seasonal forecaster is trusted: the profile view's calibrator learns
const INFO_PROFILE_JUDGED = 1 << 10;
const INFO_SHIFT = 1 << 11; // a new level was adopted at this point
const INFO_SHIFT_DOWN = 1 << 12; // ... below the old one
const INFO_RETURN = 1 << 13; // the point is back at the normal from before the last adopted level: opens no incident
const INFO_NEW_HOUR = 1 << 14; // the point's hour of the week differs from the previous warm point's: this week's visit starts
const INFO_HOUR_OF_WEEK_SHIFT = 16; // bits 16–23: hour of the week of the point's slot (when seasonal)

/**
 * The factor by which the weekly memory scales a surprise down: RECURRING_REFERENCE / the remembered surprise when that is
 * larger than the reference, else 1; both in units of `unit` (1 for a memory kept in sigmas, today's noise scale for
 * one kept in the series' units). Rarely above the reference, so the branch is predictable and the division rare.
 */
function weeklyExcuse(remembered: number, unit: number): number {
    const reference = RECURRING_REFERENCE * unit;
    return remembered > reference ? reference / remembered : 1;
}

/**
 * The calibration factor of an averaged view whose calibrated z (absZ · factor) exceeds SEEN_FLOOR_SIGMAS: the same,
 * unless the calibrator has seen such surprises often enough that their frequency makes a smaller z — then the factor
 * that gives that z, though never below the floor.
 */
function seenFactor(state: Float64Array, base: number, total: number, absZ: number, factor: number): number {
    const seen = tailSeenSigmas(state, base, total, absZ);
    const cap = seen > SEEN_FLOOR_SIGMAS ? seen : SEEN_FLOOR_SIGMAS;
    return cap < absZ * factor ? cap / absZ : factor;
}

/** A finished incident. */
function incidentOf(
    times: Float64Array,
    values: Float64Array,
    expected: Float64Array,
    incStart: number,
    incEnd: number,
    incPeak: number,
    incPeakScore: number,
    incPeakSign: number,
    shiftedDuringIncident: boolean,
    shiftsDuringIncident: number,
): AnomalyIncident {
    // The peak a person is shown is the point furthest from what was expected: the highest score may come from an
    // averaged view on a point that is itself back near normal (a dip's recovery), whose value would contradict the
    // incident's direction. The score stays the incident's highest.
    let peak = incPeak;
    let furthest = -1;
    for (let k = incStart; k <= incEnd; k++) {
        const gap = Math.abs(values[k] - expected[k]);
        if (gap > furthest) {
            furthest = gap;
            peak = k;
        }
    }
    let direction: IncidentDirection;
    if (shiftsDuringIncident >= 2) {
        direction = 'trend';
    } else if (shiftedDuringIncident) {
        direction = 'level-shift';
    } else if (furthest > 0) {
        direction = values[peak] >= expected[peak] ? 'spike' : 'dip';
    } else {
        direction = incPeakSign >= 0 ? 'spike' : 'dip';
    }
    return {
        startIndex: incStart,
        endIndex: incEnd,
        peakIndex: peak,
        start: times[incStart],
        end: times[incEnd],
        peak: times[peak],
        actual: values[peak],
        expected: expected[peak],
        direction,
        score: incPeakScore,
    };
}

/**
 * The profiles learn x in `slots` consecutive slots from slotD / slotW (a sample after a short gap); a weekly slot still
 * in its first visits learns xWeekly (x kept near what the daily forecaster expects; see the caller).
 */
function learnProfiles(
    x: number,
    xWeekly: number,
    slotD: number,
    slotW: number,
    slots: number,
    daySlots: number,
    weekSlots: number,
    clipB: number,
    clipC: number,
): void {
    for (let k = 0, sd = slotD, sw = slotW; k < slots; k++) {
        const vD = dailyVisits[sd];
        const vW = weeklyVisits[sw];
        const dB = x - dailyProfile[sd];
        const dC = (vW < PROFILE_WARM_VISITS ? xWeekly : x) - weeklyProfile[sw];
        dailyProfile[sd] +=
            vD < PROFILE_WARM_VISITS
                ? dB / (vD + 1)
                : DAILY_PROFILE_RATE * (dB > clipB ? clipB : dB < -clipB ? -clipB : dB >= -clipB ? dB : MINMAX_NAN);
        weeklyProfile[sw] +=
            vW < PROFILE_WARM_VISITS
                ? dC / (vW + 1)
                : WEEKLY_PROFILE_RATE * (dC > clipC ? clipC : dC < -clipC ? -clipC : dC >= -clipC ? dC : MINMAX_NAN);
        if (vD < 255) {
            dailyVisits[sd] = vD + 1;
        }
        if (vW < 255) {
            weeklyVisits[sw] = vW + 1;
        }
        sd = sd + 1 === daySlots ? 0 : sd + 1;
        sw = sw + 1 === weekSlots ? 0 : sw + 1;
    }
}

/**
 * The input as a Float64Array, so that the hot loop sees one array type: a plain array is copied, with anything
 * that is not a number (which `Number.isFinite` rejects) as NaN, a gap.
 */
function asFloat64(a: ArrayLike<number>, n: number): Float64Array {
    if (a instanceof Float64Array) {
        return a;
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        const v: unknown = a[i];
        out[i] = typeof v === 'number' ? v : NaN;
    }
    return out;
}

/** z (in sigmas) → 0–100, with one division (the engine scores every point with it). */
export function scoreFromSigmas(z: number): number {
    const z2 = z * z;
    const z4 = z2 * z2;
    return (100 * z4) / (z4 + HALF_SCORE_Z4);
}

/** 0–100 → z (in sigmas); the inverse of {@link scoreFromSigmas}. */
export function sigmasFromScore(score: number): number {
    return HALF_SCORE_SIGMAS * Math.pow(score / (100 - score), 0.25);
}

/** The score threshold of a sensitivity. */
export function scoreThreshold(sensitivity: Sensitivity): number {
    return THRESHOLDS[sensitivity];
}

/** Slot of t in a period; floor division instead of `%`, which V8 runs as a slow fmod call on doubles. */
function slotOf(t: number, period: number, slotMs: number): number {
    return Math.floor((t - Math.floor(t / period) * period) / slotMs);
}

/** The largest slot width not above the first observed step. */
function slotWidthFor(stepMs: number): number {
    let width = SLOT_WIDTHS_MS[0];
    for (const w of SLOT_WIDTHS_MS) {
        if (w <= stepMs) {
            width = w;
        }
    }
    return width;
}

/**
 * Detect anomalies in one series. See the module comment and `README.md` beside this file for the method.
 * @param times epoch ms per point, ascending (duplicates and small disorder are tolerated)
 * @param values the measurements; NaN or ±Infinity is a gap
 */
export function detectAnomalies(timesIn: ArrayLike<number>, valuesIn: ArrayLike<number>, options: DetectOptions = {}): DetectionResult {
    // The module's scratch arrays as locals (suffix L): measured 10-15 % faster than reading the module-level names in the
    // loop, which the optimised code re-loads from the module's context at each use.
    const dailyProfileL = dailyProfile;
    const weeklyProfileL = weeklyProfile;
    const dailyVisitsL = dailyVisits;
    const weeklyVisitsL = weeklyVisits;
    const recurringMaxL = recurringMax;
    const hourOfSlotL = hourOfSlot;
    const weekMaxBeforeL = weekMaxBefore;
    const weekMaxNowL = weekMaxNow;
    const hourOfWeekSlotL = hourOfWeekSlot;
    const blockRecurringWeekL = blockRecurringWeek;
    const blockShortWeekL = blockShortWeek;
    const blockVolWeekL = blockVolWeek;
    const blockProfileWeekL = blockProfileWeek;
    const tailsL = tails;
    const binScratchBitsL = binScratchBits;
    const binScratchL = binScratch;
    const sideTotalL = sideTotal;
    const sideAtL = sideAt;
    const sideEdgeL = sideEdge;
    const sideBinL = sideBin;
    const blockZPointL = blockZPoint;
    const blockZShortL = blockZShort;
    const blockZVolL = blockZVol;
    const blockSigmaShortL = blockSigmaShort;
    const blockVolSigmaL = blockVolSigma;
    const blockAbsProfileL = blockAbsProfile;
    const blockProfileMeanL = blockProfileMean;
    const blockInfoL = blockInfo;
    const blockSigmaBinL = blockSigmaBin;
    const reciprocalsL = RECIPROCALS;
    const pickL = pick;
    const blockRecurringL = blockRecurring;
    const blockEdgePointL = blockEdgePoint;
    const blockEdgeShortL = blockEdgeShort;
    const blockEdgeVolL = blockEdgeVol;
    const blockEdgeProfileL = blockEdgeProfile;
    const calOneSidedL = CAL_ONE_SIDED;
    const calTwoSidedL = CAL_TWO_SIDED;
    const n = Math.min(timesIn.length, valuesIn.length);
    const times = asFloat64(timesIn, n);
    const values = asFloat64(valuesIn, n);
    const sensitivity = options.sensitivity ?? DEFAULT_SENSITIVITY;
    const threshold = THRESHOLDS[sensitivity] ?? THRESHOLDS[DEFAULT_SENSITIVITY];
    const bandSigmas = sigmasFromScore(threshold);

    // Every index is written in the loop (NaN at gaps and during warm-up), so no separate NaN fill pass is needed.
    const expected = new Float64Array(n);
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    const score = new Float64Array(n);
    const incidents: AnomalyIncident[] = [];
    let slotMs = 0; // unknown until two distinct timestamps have been seen
    let prevSlotD = 0;
    let prevSlotW = 0;
    let slotsValid = false;
    let hourDecay = 1; // per visit of an hour-of-day bucket, so that its memory is RECURRING_MEMORY_DAYS whatever the step
    recurringMaxL.fill(0);
    weekMaxBeforeL.fill(0);
    weekMaxNowL.fill(0);
    let daySlots = 1;
    let weekSlots = 1;

    // Forecaster states: A = local level, B = daily profile + offset, C = weekly profile + offset.
    let levelA = 0;
    /**
     * The level's slow trend (per ms) and its running integral. The daily and weekly profiles hold each slot net of the
     * integral at the time it was learned, and read it back plus the integral now: a slot learned a week ago is carried
     * forward by the week's trend. Without it, a series that grows steadily leaves every slot a little staler each
     * visit (a slot moves by at most three noise scales a visit), and where a slot whose warm-up ended a week later
     * meets its neighbour the forecast jumps by a week's growth — a false level shift, once a week.
     */
    let trendPerMs = 0;
    let drift = 0;
    // B and C forecast 'the typical value at this time of day / week' plus a recent offset from it.
    let offsetB = 0;
    let offsetC = 0;
    let madA = 0;
    let madB = 0;
    let madC = 0;
    // Which forecaster is trusted is judged on absolute errors averaged over two of the rhythm's own periods (see
    // SELECTION_PERIODS): per point, rates of 1 / (2 · points per day or week), set with the slot width.
    let rateDay = 0;
    let rateWeek = 0;
    let selDayA = 0;
    let selDayB = 0;
    let selWeekA = 0;
    let selWeekB = 0;
    let selWeekC = 0;
    let dailyOn = false;
    let weeklyOn = false;
    // Multi-scale residual averages of the trusted forecaster and their own deviations.
    let shortMean = 0;
    let madShort = 0;
    // Volatility view: recent mean capped |z|, and its long-run mean and mean absolute deviation.
    let vol = 0;
    let volMean = 0;
    let volMad = 0;
    // Profile view: long average of the gap to the trusted seasonal profile, its deviation, and how long it has run.
    let profileMean = 0;
    let madProfile = 0;
    let profilePoints = 0;
    for (let k = 0; k < 5; k++) {
        tailReset(tailsL, k * TAIL_STATE_SIZE);
    }
    // The calibrators' scalars live in locals (their bins stay in `tailsL`): total, pointer bin, points at or below it,
    // its upper edge. The four calibrators fed on every warm point share one halving countdown; the profile view's has its own.
    // The point view's pair lives in the side arrays instead (see sideTotal).
    for (let k = 0; k < 2; k++) {
        const base = TAIL_UP + k * TAIL_SIDE_STRIDE;
        sideTotalL[k] = tailsL[base + T_TOTAL];
        sideBinL[k] = tailsL[base + T_BIN] | 0;
        sideAtL[k] = tailsL[base + T_AT_OR_BELOW];
        sideEdgeL[k] = tailsL[base + T_EDGE];
    }
    let shTotal = tailsL[TAIL_SHORT + T_TOTAL];
    let shBin = tailsL[TAIL_SHORT + T_BIN] | 0;
    let shAt = tailsL[TAIL_SHORT + T_AT_OR_BELOW];
    let voTotal = tailsL[TAIL_VOL + T_TOTAL];
    let voBin = tailsL[TAIL_VOL + T_BIN] | 0;
    let voAt = tailsL[TAIL_VOL + T_AT_OR_BELOW];
    let prTotal = tailsL[TAIL_PROFILE + T_TOTAL];
    let prBin = tailsL[TAIL_PROFILE + T_BIN] | 0;
    let prAt = tailsL[TAIL_PROFILE + T_AT_OR_BELOW];
    let mainSince = tailsL[TAIL_UP + T_SINCE_HALVING];
    let prSince = tailsL[TAIL_PROFILE + T_SINCE_HALVING];
    // Level-shift run: consecutive same-side surprises.
    let runLength = 0;
    let runTargetSum = 0;
    let runSign = 0;
    let shiftedDuringIncident = false;
    /** Level adoptions in the same direction during the open incident: two or more is a drift, not a step. */
    let shiftsDuringIncident = 0;
    let lastShiftSign = 0;
    let lastTrusted = 0;
    /**
     * The forecaster (0 level, 1 daily, 2 weekly; -1 before any adoption) that adopted the last new level, and the normal
     * the series left, as that forecaster's state (level or offset): known only up to how far the run had pulled the
     * state before it was adopted, so kept as the interval from the state before the run to the state at adoption.
     */
    let preShiftForecaster = -1;
    let preShiftLow = 0;
    let preShiftHigh = 0;
    /** The trusted forecaster's state just before the current run of same-side surprises began. */
    let runStartState = 0;
    /** +1 / -1 if the previous point's surprise was beyond its side's 99th percentile (rises / falls), else 0. */
    let prevBeyond = 0;
    /** The bin of the noise scale the point view's memories are currently in; -1 before any. */
    let noiseBin = -1;
    /** The hour of the week of the last warm point (pass 1), to tell where a week's visit of an hour starts. */
    let lastHourOfWeek = -1;

    let count = 0;
    let firstTime = NaN;
    let prevTime = NaN;
    let prevValue = NaN;
    let quantum = Infinity; // smallest non-zero step between consecutive values: the series' resolution

    // Open incident.
    let open = false;
    let incStart = 0;
    let incEnd = 0;
    let incPeak = 0;
    let incPeakScore = 0;
    let incPeakSign = 0;

    // The points are taken in blocks, each in two passes (see BLOCK): first the model, then the judgement.
    for (let blockStart = 0; blockStart < n; blockStart += BLOCK) {
        const blockEnd = n - blockStart > BLOCK ? blockStart + BLOCK : n;

        // Pass 1, the model: forecasts, noise scales, the views' raw z, the band; level shifts adopted.
        for (let i = blockStart; i < blockEnd; i++) {
            const k = i - blockStart;
            const t = times[i];
            const x = values[i];
            // Number.isFinite without the call: x - x is 0 for a finite number, NaN for NaN and ±Infinity.
            if (!(x - x === 0) || !(t - t === 0)) {
                score[i] = expected[i] = lower[i] = upper[i] = NaN;
                blockInfoL[k] = 0;
                continue;
            }
            if (count === 0) {
                score[i] = expected[i] = lower[i] = upper[i] = NaN;
                blockInfoL[k] = 0;
                firstTime = t;
                levelA = x;
                prevTime = t;
                prevValue = x;
                count = 1;
                continue;
            }

            if (slotMs === 0 && t > prevTime) {
                slotMs = slotWidthFor(t - prevTime);
                // Slot indices are kept as int32 (`| 0` on integral values): a double index costs a checked conversion at each use.
                daySlots = (DAY / slotMs) | 0;
                weekSlots = (WEEK / slotMs) | 0;
                hourDecay = Math.exp(-slotMs / (RECURRING_MEMORY_DAYS * HOUR));
                rateDay = 1 / (SELECTION_PERIODS * daySlots);
                rateWeek = 1 / (SELECTION_PERIODS * weekSlots);
                const slotsPerHour = HOUR / slotMs; // an integer: every slot width divides an hour
                for (let h = 0; h < daySlots; h++) {
                    hourOfSlotL[h] = (h / slotsPerHour) | 0;
                }
                for (let w = 0; w < weekSlots; w++) {
                    hourOfWeekSlotL[w] = (w / slotsPerHour) | 0;
                }
                dailyProfileL.fill(0, 0, daySlots);
                weeklyProfileL.fill(0, 0, weekSlots);
                dailyVisitsL.fill(0, 0, daySlots);
                weeklyVisitsL.fill(0, 0, weekSlots);
            }
            const seasonal = slotMs > 0;
            let slotD = 0;
            let slotW = 0;
            if (seasonal) {
                if (t - prevTime === slotMs && slotsValid) {
                    // On a regular grid the next slot is the previous one plus one: no division needed.
                    slotD = prevSlotD + 1 === daySlots ? 0 : prevSlotD + 1;
                    slotW = prevSlotW + 1 === weekSlots ? 0 : prevSlotW + 1;
                } else {
                    slotD = slotOf(t, DAY, slotMs) | 0;
                    slotW = slotOf(t, WEEK, slotMs) | 0;
                }
                prevSlotD = slotD;
                prevSlotW = slotW;
                slotsValid = true;
            }
            const forecastA = levelA;
            // A slot never seen has no typical value yet: fall back on the local level.
            const seenD = seasonal && dailyVisitsL[slotD] > 0;
            const seenW = seasonal && weeklyVisitsL[slotW] > 0;
            const profileD = dailyProfileL[slotD] + drift;
            const profileW = weeklyProfileL[slotW] + drift;
            const forecastB = seenD ? profileD + offsetB : forecastA;
            const forecastC = seenW ? profileW + offsetC : forecastA;
            const errA = x - forecastA;
            const errB = x - forecastB;
            const errC = x - forecastC;

            // Trust the simplest forecaster unless a seasonal one has clearly earned it, over the last two of its periods.
            const age = t - firstTime;
            let forecast = forecastA;
            let err = errA;
            let mad = madA;
            let trusted = 0;
            dailyOn = age >= 2 * DAY && selDayB < (dailyOn ? SEASONAL_KEEP : SEASONAL_ADVANTAGE) * selDayA;
            if (dailyOn) {
                forecast = forecastB;
                err = errB;
                mad = madB;
                trusted = 1;
            }
            weeklyOn = age >= 2 * WEEK && selWeekC < (weeklyOn ? SEASONAL_KEEP : SEASONAL_ADVANTAGE) * (dailyOn ? selWeekB : selWeekA);
            if (weeklyOn) {
                forecast = forecastC;
                err = errC;
                mad = madC;
                trusted = 2;
            }

            // The trusted forecaster's state (level or offset) before this point moves it.
            const trustedState = trusted === 0 ? levelA : trusted === 1 ? offsetB : offsetC;
            if (trusted !== lastTrusted) {
                // The averaged residuals belonged to the other forecaster: start them afresh.
                shortMean = 0;
                profileMean = 0;
                profilePoints = 0;
                lastTrusted = trusted;
            }
            const relativeFloor = 1e-3 * Math.abs(forecast);
            const resolutionFloor = quantum < Infinity ? 0.5 * quantum : 0; // never NaN
            const floorAB = relativeFloor > resolutionFloor ? relativeFloor : resolutionFloor;
            const floor = relativeFloor >= 0 ? (floorAB > 1e-12 ? floorAB : 1e-12) : MINMAX_NAN; // relativeFloor is ≥ 0 or NaN
            const sigmaScaled = mad * MAD_TO_SIGMA;
            const sigma = sigmaScaled > floor ? sigmaScaled : sigmaScaled <= floor ? floor : MINMAX_NAN;
            const warm = count >= WARM_UP_POINTS;

            // Multi-scale robust z of the trusted residual.
            const zPoint = err / sigma;
            shortMean += SHORT_RATE * (err - shortMean);
            const sigmaShortScaled = madShort * MAD_TO_SIGMA;
            const sigmaShort =
                sigmaShortScaled > floor * 0.5 ? sigmaShortScaled : sigmaShortScaled <= floor * 0.5 ? floor * 0.5 : MINMAX_NAN;
            const absPoint = Math.abs(zPoint);
            vol += SHORT_RATE * ((absPoint < VOL_CAP_SIGMAS ? absPoint : VOL_CAP_SIGMAS) - vol);
            const volSigmaScaled = volMad * MAD_TO_SIGMA;
            const volSigma = volSigmaScaled > VOL_MIN_SIGMA ? volSigmaScaled : volSigmaScaled <= VOL_MIN_SIGMA ? VOL_MIN_SIGMA : MINMAX_NAN;
            let info = 0;
            const hourOfWeek = seasonal ? hourOfWeekSlotL[slotW] : -1;
            if (warm) {
                // What pass 2 needs of this point.
                info =
                    INFO_WARM |
                    (seasonal ? INFO_SEASONAL | hourOfSlotL[slotD] | (hourOfWeek << INFO_HOUR_OF_WEEK_SHIFT) : 0) |
                    (hourOfWeek !== lastHourOfWeek && t > prevTime ? INFO_NEW_HOUR : 0) |
                    (count >= LEARNING_POINTS || t - firstTime >= DAY ? INFO_LEARNED : 0) |
                    (count >= VOL_MIN_POINTS ? INFO_VOL_JUDGED : 0);
                // A late sample (back in time) neither starts a visit nor ends the one under way.
                lastHourOfWeek = t > prevTime ? hourOfWeek : lastHourOfWeek;
                blockZPointL[k] = zPoint;
                // Back where the forecaster that adopted the last new level would put it with its state from before (within
                // SHIFT_SIGMAS, the margin that defines a departure): the series is returning to the normal it left, which
                // ends an episode rather than starting one. Judged whichever forecaster is trusted now.
                if (preShiftForecaster === 0 || (preShiftForecaster === 1 ? seenD : preShiftForecaster === 2 && seenW)) {
                    const seasonalPart = preShiftForecaster === 0 ? 0 : preShiftForecaster === 1 ? profileD : profileW;
                    const state = x - seasonalPart; // the state that would explain x
                    const margin = SHIFT_SIGMAS * sigma;
                    if (state >= preShiftLow - margin && state <= preShiftHigh + margin) {
                        info |= INFO_RETURN;
                    }
                }
                binScratchL[0] = sigma;
                blockSigmaBinL[k] = sigma > 0 ? binScratchBitsL[T_HIGH] >>> 18 : -1;
                blockZShortL[k] = shortMean / sigmaShort;
                blockSigmaShortL[k] = sigmaShort;
                // vol > volMean ? (vol - volMean) / volSigma : 0, without the branch (vol crosses its mean every few points):
                // for d > 0, (d + |d|) · 0.5 is d exactly; otherwise +0, and +0 / volSigma is +0 (volSigma ≥ VOL_MIN_SIGMA, and
                // vol, volMean, volMad are never NaN: vol averages a capped value, the others learn clipped finite steps).
                const dVolUp = vol - volMean;
                blockZVolL[k] = ((dVolUp + Math.abs(dVolUp)) * 0.5) / volSigma;
                blockVolSigmaL[k] = volSigma;
                expected[i] = forecast;
                lower[i] = forecast - bandSigmas * sigma;
                upper[i] = forecast + bandSigmas * sigma;
            } else {
                score[i] = expected[i] = lower[i] = upper[i] = NaN;
            }
            if (trusted > 0) {
                profileMean += PROFILE_RATE * ((trusted === 1 ? x - profileD : x - profileW) - profileMean);
                profilePoints++;
                const sigmaProfileScaled = madProfile * MAD_TO_SIGMA;
                const sigmaProfile = sigmaProfileScaled > floor ? sigmaProfileScaled : sigmaProfileScaled <= floor ? floor : MINMAX_NAN;
                if (warm) {
                    info |= profilePoints * PROFILE_RATE > 1 ? INFO_PROFILE | INFO_PROFILE_JUDGED : INFO_PROFILE;
                    blockProfileMeanL[k] = profileMean;
                    blockAbsProfileL[k] = Math.abs(profileMean) / sigmaProfile;
                }
                // Its noise scale learns like the others: plain average at first, then slowly and clipped.
                const absProfileMean = Math.abs(profileMean);
                const profileClip = CLIP_SIGMAS * sigmaProfile;
                const cProfile = absProfileMean < profileClip ? absProfileMean : absProfileMean >= profileClip ? profileClip : MINMAX_NAN;
                madProfile += (profilePoints * SCALE_RATE < 1 ? reciprocalsL[profilePoints] : SCALE_RATE) * (cProfile - madProfile);
            }

            // The volatility reference learns like the noise scales: plain average at first, then slowly and clipped.
            const volRate = count * VOL_LONG_RATE < 1 ? reciprocalsL[count] : VOL_LONG_RATE;
            const dVol = vol - volMean;
            const volClip = CLIP_SIGMAS * volSigma;
            const cVol = warm ? (dVol > volClip ? volClip : dVol < -volClip ? -volClip : dVol >= -volClip ? dVol : MINMAX_NAN) : dVol;
            volMean += volRate * cVol;
            volMad += volRate * (Math.abs(cVol) - volMad);

            // Updates: robust (clipped) so one outlier moves nothing far.
            const learn = warm ? ((info & INFO_LEARNED) !== 0 ? SCALE_RATE : LEARNING_SCALE_RATE) : reciprocalsL[count];
            const scaledA = madA * MAD_TO_SIGMA;
            const clipA = CLIP_SIGMAS * (scaledA > floor ? scaledA : scaledA <= floor ? floor : MINMAX_NAN);
            const scaledB = madB * MAD_TO_SIGMA;
            const clipB = CLIP_SIGMAS * (scaledB > floor ? scaledB : scaledB <= floor ? floor : MINMAX_NAN);
            const scaledC = madC * MAD_TO_SIGMA;
            const clipC = CLIP_SIGMAS * (scaledC > floor ? scaledC : scaledC <= floor ? floor : MINMAX_NAN);
            const cA = warm ? (errA > clipA ? clipA : errA < -clipA ? -clipA : errA >= -clipA ? errA : MINMAX_NAN) : errA;
            const cB = warm ? (errB > clipB ? clipB : errB < -clipB ? -clipB : errB >= -clipB ? errB : MINMAX_NAN) : errB;
            const cC = warm ? (errC > clipC ? clipC : errC < -clipC ? -clipC : errC >= -clipC ? errC : MINMAX_NAN) : errC;
            madA += learn * (Math.abs(cA) - madA);
            madB += learn * (Math.abs(cB) - madB);
            madC += learn * (Math.abs(cC) - madC);
            // Compared only where the seasonal forecaster has a typical value to offer (not the level it falls back on), on
            // errors clipped alike for all three, at SELECTION_CLIP times the largest of their noise scales: an outlier then
            // costs every forecaster about the same, and a slot that learned one in its first visits costs its forecaster
            // no more than that on each visit; clipped at each one's own scale instead, a level that is exact but for a
            // step four times a day (a noise-free business-hours series) would look better than the daily profile that
            // foresees the steps.
            const clipAB = clipA > clipB ? clipA : clipB;
            const selClip = SELECTION_CLIP * (clipAB > clipC ? clipAB : clipC);
            const selA = Math.abs(errA) < selClip ? Math.abs(errA) : selClip;
            const selB = Math.abs(errB) < selClip ? Math.abs(errB) : selClip;
            if (seenD) {
                selDayA += rateDay * (selA - selDayA);
                selDayB += rateDay * (selB - selDayB);
            }
            if (seenW) {
                selWeekA += rateWeek * (selA - selWeekA);
                selWeekB += rateWeek * (selB - selWeekB);
                selWeekC += rateWeek * ((Math.abs(errC) < selClip ? Math.abs(errC) : selClip) - selWeekC);
            }
            const absShortMean = Math.abs(shortMean);
            const shortClip = CLIP_SIGMAS * sigmaShort;
            const cShort = warm
                ? absShortMean < shortClip
                    ? absShortMean
                    : absShortMean >= shortClip
                      ? shortClip
                      : MINMAX_NAN
                : absShortMean;
            madShort += learn * (cShort - madShort);

            levelA += LOCAL_LEVEL_RATE * cA;
            if (warm && t > prevTime) {
                // The level's learning step (clipped, so an outlier barely moves it; an adopted shift is not a trend), as a
                // rate over the time since the last point, averaged with weight dt / TREND_MEMORY_MS.
                trendPerMs += (LOCAL_LEVEL_RATE * cA - trendPerMs * (t - prevTime)) / TREND_MEMORY_MS;
            }
            if (seenD) {
                offsetB += SEASONAL_OFFSET_RATE * cB;
            }
            if (seenW) {
                offsetC += SEASONAL_OFFSET_RATE * cC;
            }
            // The profiles learn the part of the value the level does not explain; a sample stands for
            // the time until the next one (capped), so a sample after a short gap fills the slots it stood for.
            const cover = t > prevTime ? (t - prevTime < MAX_COVER_MS ? t - prevTime : MAX_COVER_MS) : slotMs;
            const slots = !seasonal ? 0 : cover === slotMs ? 1 : Math.max(1, Math.round(cover / slotMs));
            // While a weekly slot is new (its first visits set it outright), what it learns is kept within CLIP_SIGMAS of what
            // the daily forecaster (or the level, before it has a slot) expects now: a spike in a series' first two weeks
            // must not become its typical Tuesday 10:00 and a false dip there every week after.
            let xWeekly = x;
            if (warm) {
                // The daily forecast only once its own slot is past its first visits (which it learns outright, a spike too).
                const dailyRef = seenD && dailyVisitsL[slotD] >= PROFILE_WARM_VISITS;
                const ref = dailyRef ? forecastB : forecastA;
                const clipRef = dailyRef ? clipB : clipA;
                const dRef = x - ref;
                xWeekly = ref + (dRef > clipRef ? clipRef : dRef < -clipRef ? -clipRef : dRef);
            }
            if (slots === 1) {
                // The usual case, one slot per sample, written out: a loop here costs the whole loop body registers.
                const vD = dailyVisitsL[slotD];
                const vW = weeklyVisitsL[slotW];
                const dB = x - profileD;
                const dC = (vW < PROFILE_WARM_VISITS ? xWeekly : x) - profileW;
                dailyProfileL[slotD] +=
                    vD < PROFILE_WARM_VISITS
                        ? dB / (vD + 1)
                        : DAILY_PROFILE_RATE * (dB > clipB ? clipB : dB < -clipB ? -clipB : dB >= -clipB ? dB : MINMAX_NAN);
                weeklyProfileL[slotW] +=
                    vW < PROFILE_WARM_VISITS
                        ? dC / (vW + 1)
                        : WEEKLY_PROFILE_RATE * (dC > clipC ? clipC : dC < -clipC ? -clipC : dC >= -clipC ? dC : MINMAX_NAN);
                if (vD < 255) {
                    dailyVisitsL[slotD] = vD + 1;
                }
                if (vW < 255) {
                    weeklyVisitsL[slotW] = vW + 1;
                }
            } else if (slots > 1) {
                learnProfiles(x - drift, xWeekly - drift, slotD, slotW, slots, daySlots, weekSlots, clipB, clipC);
            }

            // A lasting move to one side is a new normal: adopt it rather than alarm forever.
            if (warm && absPoint > SHIFT_SIGMAS && (runLength === 0 || Math.sign(zPoint) === runSign)) {
                if (runLength === 0) {
                    runTargetSum = 0;
                    runStartState = trustedState;
                }
                runSign = Math.sign(zPoint);
                runLength++;
                // What the trusted forecaster's own state would have to be to explain x (x minus its seasonal part).
                const runTarget = trusted === 0 ? x : trusted === 1 ? x - profileD : x - profileW;
                runTargetSum += runTarget;
                const runState = trusted === 0 ? levelA : trusted === 1 ? offsetB : offsetC;
                if (
                    runLength >= SHIFT_POINTS &&
                    (runTarget - runState) * runSign < SHIFT_STAYS * (runTargetSum / runLength - runState) * runSign
                ) {
                    // The series is already on its way back (a burst, not a step): nothing to adopt.
                    runLength = 0;
                } else if (runLength >= SHIFT_POINTS) {
                    // Adopt the run's average as the new normal (an average of SHIFT_POINTS points, so noise barely moves it).
                    const adopted = runTargetSum / runLength;
                    preShiftForecaster = trusted;
                    preShiftLow = runStartState < runState ? runStartState : runState;
                    preShiftHigh = runStartState < runState ? runState : runStartState;
                    if (trusted === 0) {
                        levelA = adopted;
                    } else if (trusted === 1) {
                        offsetB = adopted;
                    } else {
                        offsetC = adopted;
                    }
                    shortMean = 0;
                    if ((info & INFO_RETURN) !== 0) {
                        // The run was a return to the normal from before: its surprises were against a level now left behind,
                        // not a change in how often the series surprises, so the volatility view's average starts from its mean.
                        vol = volMean;
                    }
                    runLength = 0;
                    // Whether it happened during an incident is for pass 2, which knows the incidents.
                    info |= runSign < 0 ? INFO_SHIFT | INFO_SHIFT_DOWN : INFO_SHIFT;
                }
            } else {
                runLength = 0;
            }
            blockInfoL[k] = info;

            // The resolution is learned after scoring, so a first change of a constant series still counts.
            const dx = Math.abs(x - prevValue);
            if (dx > 0 && dx < quantum) {
                quantum = dx;
            }
            if (t > prevTime) {
                drift += trendPerMs * (t - prevTime);
                prevTime = t;
            }
            prevValue = x;
            count++;
        }

        // Pass 2, the learning: the calibrators and the recurring-hour memory learn each warm point, in order. Each
        // view's calibration is a factor known before the point is learned: its calibrator's upper edge (0 when the
        // calibrator cannot speak yet, so that `edge > reference` is the whole test) and the recurring maximum are recorded
        // for pass 3. Nothing here feeds back into the model of pass 1.
        for (let i = blockStart; i < blockEnd; i++) {
            const k = i - blockStart;
            const info = blockInfoL[k];
            if (info === 0) {
                continue; // a gap, or not warm yet: pass 1 wrote its NaNs
            }
            // The point view's memories — the rise and fall calibrators and the hour-of-day maxima — hold surprises in
            // units of the noise when they were learned. When the noise scale has moved half an octave or more (two of the
            // calibrators' quarter-octave bins; one bin of slack, so that a scale hovering at a bin edge does not rescale
            // at every point), they are rescaled to the new unit, so that a past surprise keeps its size in the series'
            // own units: after a quiet stretch with routine 50-sigma spikes turns 15 times noisier, those spikes are
            // 3-sigma events, not a reason to call every 8-sigma spike routine (and a quieter stretch after a noisy one is
            // judged against its own scale).
            const sigmaBin = blockSigmaBinL[k];
            if (sigmaBin >= 0 && (sigmaBin - noiseBin > 1 || noiseBin - sigmaBin > 1 || noiseBin < 0)) {
                if (noiseBin >= 0) {
                    const d = sigmaBin - noiseBin;
                    for (let c = 0; c < 2; c++) {
                        const base = TAIL_UP + c * TAIL_SIDE_STRIDE;
                        const bin = tailRescale(tailsL, base, d, sideTotalL[c]);
                        sideBinL[c] = bin;
                        sideAtL[c] = tailsL[base + T_AT_OR_BELOW];
                        sideEdgeL[c] = T_EDGES[bin];
                    }
                    const unit = Math.pow(2, -d / 4);
                    for (let c = 0; c < 48; c++) {
                        recurringMaxL[c] *= unit;
                    }
                    // The point and volatility views' weekly memories are in the noise's units; the short and profile views'
                    // in the series' own.
                    for (let h = 0; h < WEEK_MEMORY_SIZE; h += WEEK_STRIDE) {
                        weekMaxBeforeL[h + WEEK_POINT] *= unit;
                        weekMaxNowL[h + WEEK_POINT] *= unit;
                        weekMaxBeforeL[h + WEEK_POINT + 1] *= unit;
                        weekMaxNowL[h + WEEK_POINT + 1] *= unit;
                        weekMaxBeforeL[h + WEEK_VOL] *= unit;
                        weekMaxNowL[h + WEEK_VOL] *= unit;
                    }
                }
                noiseBin = sigmaBin;
            }
            const zPoint = blockZPointL[k];
            const absPoint = Math.abs(zPoint);
            const zShortRaw = blockZShortL[k];
            const absShort = Math.abs(zShortRaw);
            const shortDownBit = +(zShortRaw < 0);
            const zVol = blockZVolL[k];
            const seasonal = (info & INFO_SEASONAL) !== 0;
            // The averaged views' raw z (the profile view's only while it learns), for their weekly memories: each test is
            // rarely true, so the branches are predictable.
            const absProfileHere = (info & INFO_PROFILE) !== 0 ? blockAbsProfileL[k] : 0;
            const hour = info & INFO_HOUR;
            // Rises and falls are judged apart: a nightly job's rise does not excuse a fall at that hour, nor a
            // series' routine bursts a sudden drop.
            // The side is used as a number, not a branch: the sign of noise is a coin toss the CPU cannot predict.
            // `+(a < b)` compiles to a flag-setting compare (setcc), where `a < b ? 1 : 0` compiles to a branch.
            const downBit = +(zPoint < 0);
            const side = 24 * downBit;
            if (seasonal) {
                // A surprise no bigger than those seen around this hour on recent days (a nightly job) is not news.
                // The largest of three (r0 > r1 ? (r0 > r2 ? r0 : r2) : r1 > r2 ? r1 : r2), picked without branches.
                const r0 = recurringMaxL[side + hour];
                const r1 = recurringMaxL[side + (hour === 0 ? 23 : hour - 1)];
                const r2 = recurringMaxL[side + (hour === 23 ? 0 : hour + 1)];
                pickL[8] = r1;
                pickL[9] = r0;
                const r01 = pickL[8 + +(r0 > r1)];
                pickL[10] = r2;
                pickL[11] = r01;
                const rDay = pickL[10 + +(r01 > r2)];
                // ... or at this hour of the week in the weeks before (a weekly job).
                const how = (info >>> INFO_HOUR_OF_WEEK_SHIFT) * WEEK_STRIDE;
                if ((info & INFO_NEW_HOUR) !== 0) {
                    // The first point of this hour's visit this week: last week's visit joins the memory, a week older
                    // (max(before, last) of each view and side, picked without branches).
                    for (let c = how; c < how + WEEK_STRIDE; c++) {
                        const before = weekMaxBeforeL[c];
                        const last = weekMaxNowL[c];
                        pickL[14] = before;
                        pickL[15] = last;
                        weekMaxBeforeL[c] = pickL[14 + +(last > before)] * WEEK_MEMORY_DECAY;
                        weekMaxNowL[c] = 0;
                    }
                }
                const rWeek = weekMaxBeforeL[how + WEEK_POINT + downBit];
                blockRecurringWeekL[k] = weeklyExcuse(rWeek, 1);
                if (absShort > RECURRING_REFERENCE || zVol > RECURRING_REFERENCE || absProfileHere > RECURRING_REFERENCE) {
                    // The averaged views' own weekly excuses, asked only when one of them is beyond the reference (a few
                    // points in a hundred): below it a view is no news, excused or not, so the scores that matter are the same.
                    blockShortWeekL[k] = weeklyExcuse(weekMaxBeforeL[how + WEEK_SHORT + shortDownBit], blockSigmaShortL[k]);
                    // The volatility view's memory holds its average's excess over its reference (in the noise's units,
                    // rescaled with the point's), read against today's deviation, and its z as it was: the larger excuse counts.
                    // A lasting lean of the residuals raises the average of their size too, so a volatility surprise is also
                    // excused as far as the short average's own is (a weekend's drop, seen once, before the weekly profile
                    // is trusted, is not news in the volatility view either).
                    const volFactorRaw = weeklyExcuse(weekMaxBeforeL[how + WEEK_VOL], blockVolSigmaL[k]);
                    const volFactorZ = weeklyExcuse(weekMaxBeforeL[how + WEEK_VOL_Z], 1);
                    const volFactor = volFactorRaw < volFactorZ ? volFactorRaw : volFactorZ;
                    blockVolWeekL[k] = volFactor < blockShortWeekL[k] ? volFactor : blockShortWeekL[k];
                    blockProfileWeekL[k] =
                        (info & INFO_PROFILE) !== 0
                            ? weeklyExcuse(
                                  weekMaxBeforeL[how + WEEK_PROFILE + +(blockProfileMeanL[k] < 0)],
                                  Math.abs(blockProfileMeanL[k]) / blockAbsProfileL[k],
                              )
                            : 1;
                } else {
                    blockShortWeekL[k] = 1;
                    blockVolWeekL[k] = 1;
                    blockProfileWeekL[k] = 1;
                }
                pickL[18] = rDay;
                pickL[19] = rWeek;
                blockRecurringL[k] = pickL[18 + +(rWeek > rDay)];
            } else {
                blockRecurringL[k] = 0;
                blockRecurringWeekL[k] = 1;
                blockShortWeekL[k] = 1;
                blockVolWeekL[k] = 1;
                blockProfileWeekL[k] = 1;
            }
            blockEdgePointL[k] = sideTotalL[downBit] >= 1 ? calOneSidedL[sideBinL[downBit]] : 1;
            const edgeShort = shTotal >= 1 ? calTwoSidedL[shBin] : 1;
            // Asked before this point is learned, like every calibration; rarely (see SEEN_FLOOR_SIGMAS).
            blockEdgeShortL[k] =
                absShort * edgeShort > SEEN_FLOOR_SIGMAS ? seenFactor(tailsL, TAIL_SHORT, shTotal, absShort, edgeShort) : edgeShort;
            blockEdgeVolL[k] = voTotal >= 1 ? calOneSidedL[voBin] : 1;
            if ((info & INFO_PROFILE) !== 0) {
                const edgeProfile = prTotal >= 1 ? calTwoSidedL[prBin] : 1;
                const absProfile = blockAbsProfileL[k];
                blockEdgeProfileL[k] =
                    absProfile * edgeProfile > SEEN_FLOOR_SIGMAS
                        ? seenFactor(tailsL, TAIL_PROFILE, prTotal, absProfile, edgeProfile)
                        : edgeProfile;
                // The profile calibrator learns |z| (tail.ts tailAdd, inlined).
                binScratchL[0] = absProfile;
                let bpr = (binScratchBitsL[T_HIGH] >>> 18) - T_EXPONENT_BIAS_BINS;
                bpr &= ~(bpr >> 31); // max(0, bpr), as for the point view
                bpr = bpr > T_BINS - 1 ? T_BINS - 1 : bpr;
                tailsL[TAIL_PROFILE_COUNTS + bpr] += 1;
                const totalpr = (prTotal += 1);
                let binpr = prBin;
                let atpr = prAt;
                if (bpr <= binpr) {
                    atpr += 1;
                }
                const targetpr = T_QUANTILE * totalpr;
                while (binpr > 0 && atpr - tailsL[TAIL_PROFILE_COUNTS + binpr] >= targetpr) {
                    atpr -= tailsL[TAIL_PROFILE_COUNTS + binpr];
                    binpr--;
                }
                while (atpr < targetpr && binpr < T_BINS - 1) {
                    binpr++;
                    atpr += tailsL[TAIL_PROFILE_COUNTS + binpr];
                }
                prBin = binpr;
                prAt = atpr;
                if (++prSince === T_HALVING_POINTS) {
                    prSince = 0;
                    for (let c = TAIL_PROFILE_COUNTS; c < TAIL_PROFILE_COUNTS + T_BINS; c++) {
                        tailsL[c] *= 0.5;
                    }
                    prTotal *= 0.5;
                    prAt *= 0.5;
                }
            }
            // This side's calibrator learns |z|, the other side's a zero (tail.ts tailAdd and tailAddZero, inlined), each
            // found by downBit rather than by a branch.
            const other = 1 - downBit;
            const ownCounts = TAIL_UP_COUNTS + downBit * TAIL_SIDE_STRIDE;
            const otherCounts = TAIL_UP_COUNTS + other * TAIL_SIDE_STRIDE;
            // During the learning period an excursion is one surprise, not one per point: a start-up burst of a few
            // points beyond the 99th percentile must not teach the point calibrator that such rises are routine for days
            // (its first point is learned, the rest of it as ordinary points).
            const sideSign = 1 - 2 * downBit;
            const learnedPoint = (info & INFO_LEARNED) === 0 && prevBeyond === sideSign ? 0 : absPoint;
            prevBeyond = absPoint > sideEdgeL[downBit] ? sideSign : 0;
            binScratchL[0] = learnedPoint;
            let bp = (binScratchBitsL[T_HIGH] >>> 18) - T_EXPONENT_BIAS_BINS;
            // max(0, bp) by masking with the sign: |z| < 1 (a third of Gaussian noise) is an unpredictable branch.
            bp &= ~(bp >> 31);
            bp = bp > T_BINS - 1 ? T_BINS - 1 : bp;
            tailsL[ownCounts + bp] += 1;
            const totalp = (sideTotalL[downBit] += 1);
            const startp = sideBinL[downBit];
            let binp = startp;
            let atp = sideAtL[downBit];
            if (bp <= binp) {
                atp += 1;
            }
            const targetp = T_QUANTILE * totalp;
            while (binp > 0 && atp - tailsL[ownCounts + binp] >= targetp) {
                atp -= tailsL[ownCounts + binp];
                binp--;
            }
            while (atp < targetp && binp < T_BINS - 1) {
                binp++;
                atp += tailsL[ownCounts + binp];
            }
            if (binp !== startp) {
                sideEdgeL[downBit] = T_EDGES[binp];
                sideBinL[downBit] = binp;
            }
            sideAtL[downBit] = atp;
            tailsL[otherCounts] += 1;
            const total0 = (sideTotalL[other] += 1);
            const start0 = sideBinL[other];
            let bin0 = start0;
            let at0 = sideAtL[other] + 1;
            const target0 = T_QUANTILE * total0;
            while (bin0 > 0 && at0 - tailsL[otherCounts + bin0] >= target0) {
                at0 -= tailsL[otherCounts + bin0];
                bin0--;
            }
            if (bin0 !== start0) {
                sideEdgeL[other] = T_EDGES[bin0];
                sideBinL[other] = bin0;
            }
            sideAtL[other] = at0;
            if (seasonal) {
                const own = side + hour;
                const decayed = recurringMaxL[own] * hourDecay;
                pickL[12] = decayed;
                pickL[13] = absPoint;
                recurringMaxL[own] = pickL[12 + +(absPoint > decayed)]; // absPoint > decayed ? absPoint : decayed
                recurringMaxL[24 - side + hour] *= hourDecay;
                const how = (info >>> INFO_HOUR_OF_WEEK_SHIFT) * WEEK_STRIDE;
                const ownW = how + WEEK_POINT + downBit;
                const nowW = weekMaxNowL[ownW];
                pickL[16] = nowW;
                pickL[17] = absPoint;
                weekMaxNowL[ownW] = pickL[16 + +(absPoint > nowW)];
                const ownS = how + WEEK_SHORT + shortDownBit;
                const absShortMean = absShort * blockSigmaShortL[k];
                if (absShortMean > weekMaxNowL[ownS]) {
                    weekMaxNowL[ownS] = absShortMean;
                }
                const ownV = how + WEEK_VOL;
                // The average's excess over its reference, 0 at or below it.
                const volExcess = zVol * blockVolSigmaL[k];
                if (volExcess > weekMaxNowL[ownV]) {
                    weekMaxNowL[ownV] = volExcess;
                }
                if (zVol > weekMaxNowL[how + WEEK_VOL_Z]) {
                    weekMaxNowL[how + WEEK_VOL_Z] = zVol;
                }
                if ((info & INFO_PROFILE) !== 0) {
                    const ownP = how + WEEK_PROFILE + +(blockProfileMeanL[k] < 0);
                    const absProfileMean = Math.abs(blockProfileMeanL[k]);
                    if (absProfileMean > weekMaxNowL[ownP]) {
                        weekMaxNowL[ownP] = absProfileMean;
                    }
                }
            }
            {
                binScratchL[0] = absShort;
                let bsh = (binScratchBitsL[T_HIGH] >>> 18) - T_EXPONENT_BIAS_BINS;
                bsh &= ~(bsh >> 31); // max(0, bsh), as for the point view
                bsh = bsh > T_BINS - 1 ? T_BINS - 1 : bsh;
                tailsL[TAIL_SHORT_COUNTS + bsh] += 1;
                const totalsh = (shTotal += 1);
                let binsh = shBin;
                let atsh = shAt;
                if (bsh <= binsh) {
                    atsh += 1;
                }
                const targetsh = T_QUANTILE * totalsh;
                while (binsh > 0 && atsh - tailsL[TAIL_SHORT_COUNTS + binsh] >= targetsh) {
                    atsh -= tailsL[TAIL_SHORT_COUNTS + binsh];
                    binsh--;
                }
                while (atsh < targetsh && binsh < T_BINS - 1) {
                    binsh++;
                    atsh += tailsL[TAIL_SHORT_COUNTS + binsh];
                }
                shBin = binsh;
                shAt = atsh;
            }
            {
                binScratchL[0] = zVol;
                let bvo = (binScratchBitsL[T_HIGH] >>> 18) - T_EXPONENT_BIAS_BINS;
                bvo &= ~(bvo >> 31); // max(0, bvo), as for the point view
                bvo = bvo > T_BINS - 1 ? T_BINS - 1 : bvo;
                tailsL[TAIL_VOL_COUNTS + bvo] += 1;
                const totalvo = (voTotal += 1);
                let binvo = voBin;
                let atvo = voAt;
                if (bvo <= binvo) {
                    atvo += 1;
                }
                const targetvo = T_QUANTILE * totalvo;
                while (binvo > 0 && atvo - tailsL[TAIL_VOL_COUNTS + binvo] >= targetvo) {
                    atvo -= tailsL[TAIL_VOL_COUNTS + binvo];
                    binvo--;
                }
                while (atvo < targetvo && binvo < T_BINS - 1) {
                    binvo++;
                    atvo += tailsL[TAIL_VOL_COUNTS + binvo];
                }
                voBin = binvo;
                voAt = atvo;
            }
            if (++mainSince === T_HALVING_POINTS) {
                mainSince = 0;
                for (let c = TAIL_UP_COUNTS; c < TAIL_UP_COUNTS + T_BINS; c++) {
                    tailsL[c] *= 0.5;
                }
                sideTotalL[0] *= 0.5;
                sideAtL[0] *= 0.5;
                for (let c = TAIL_DOWN_COUNTS; c < TAIL_DOWN_COUNTS + T_BINS; c++) {
                    tailsL[c] *= 0.5;
                }
                sideTotalL[1] *= 0.5;
                sideAtL[1] *= 0.5;
                for (let c = TAIL_SHORT_COUNTS; c < TAIL_SHORT_COUNTS + T_BINS; c++) {
                    tailsL[c] *= 0.5;
                }
                shTotal *= 0.5;
                shAt *= 0.5;
                for (let c = TAIL_VOL_COUNTS; c < TAIL_VOL_COUNTS + T_BINS; c++) {
                    tailsL[c] *= 0.5;
                }
                voTotal *= 0.5;
                voAt *= 0.5;
            }
        }

        // Pass 3, the judgement of each warm point: calibrated z, score, incidents. No state but the open incident's
        // is carried from point to point, so the long chains of divisions of neighbouring points overlap.
        for (let i = blockStart; i < blockEnd; i++) {
            const k = i - blockStart;
            const info = blockInfoL[k];
            if (info === 0) {
                continue;
            }
            const zPoint = blockZPointL[k];
            const zShort = blockZShortL[k];
            const absPoint = Math.abs(zPoint);
            const absShort = Math.abs(zShort);
            const recurringShrink = blockRecurringL[k] / RECURRING_REFERENCE;
            // recurringShrink > 1 ? absPoint / recurringShrink : absPoint, as absPoint divided by the picked shrink or 1
            // (x / 1 is x, bit for bit).
            pickL[7] = recurringShrink;
            const pointIn = absPoint / pickL[6 + +(recurringShrink > 1)];
            // The calibrated z: |z| times its calibrator's factor (CAL_ONE_SIDED, CAL_TWO_SIDED), recorded by pass 2.
            const calPoint = pointIn * blockEdgePointL[k];
            // The short average at a point that a weekly job explains, leaning the same way, is that job's too: it is scaled
            // down alike (a two-hour job is otherwise news at its second hour, every week). Not by the hour-of-day memory,
            // whose neighbouring hours an episode has itself just filled: a rise over several hours would excuse itself.
            pickL[23] = blockRecurringWeekL[k];
            const leanFactor = pickL[22 + +(zShort * zPoint > 0)];
            // ... and by its own weekly memory (a weekend that begins with a step every week): the larger excuse.
            const ownFactor = blockShortWeekL[k];
            pickL[20] = leanFactor;
            pickL[21] = ownFactor;
            const shortIn = absShort * pickL[20 + +(ownFactor < leanFactor)];
            const calShort = shortIn * blockEdgeShortL[k];
            // z is the largest calibrated view (a later view wins only if strictly larger), picked without branches;
            // `winner` says which (0 point, 1 short, 2 profile, 3 volatility), for the incident's sign.
            pickL[0] = calPoint;
            pickL[1] = calShort;
            let winner = +(calShort > calPoint);
            let z = pickL[winner];
            if ((info & INFO_PROFILE_JUDGED) !== 0) {
                const absProfile = blockAbsProfileL[k];
                const calProfile = absProfile * blockEdgeProfileL[k] * blockProfileWeekL[k];
                pickL[2] = z;
                pickL[3] = calProfile;
                const wins = +(calProfile > z);
                z = pickL[2 + wins];
                winner += wins * (2 - winner);
            }
            if ((info & INFO_VOL_JUDGED) !== 0) {
                const zVol = blockZVolL[k];
                const calVol = zVol * blockEdgeVolL[k] * blockVolWeekL[k];
                pickL[4] = z;
                pickL[5] = calVol;
                const wins = +(calVol > z);
                z = pickL[4 + wins];
                winner += wins * (3 - winner);
            }

            const t = times[i];
            const s = scoreFromSigmas(z);
            score[i] = s;
            // A return to the normal from before the last adopted level may extend an open incident but opens none.
            if (s >= threshold && (info & INFO_LEARNED) !== 0 && (open || (info & INFO_RETURN) === 0)) {
                // The volatility view is unsigned (the series surprises more often, either way): the recent average residual
                // says which way the stretch leans.
                const sign = winner === 0 ? zPoint : winner === 2 ? blockProfileMeanL[k] : zShort;
                if (open) {
                    incEnd = i;
                    if (s > incPeakScore) {
                        incPeak = i;
                        incPeakScore = s;
                        incPeakSign = sign;
                    }
                } else {
                    open = true;
                    shiftedDuringIncident = false;
                    shiftsDuringIncident = 0;
                    incStart = incEnd = incPeak = i;
                    incPeakScore = s;
                    incPeakSign = sign;
                }
            } else if (open && i - incEnd > MERGE_POINTS && t - times[incEnd] > MERGE_MS && t - times[incStart] >= REPORT_ONCE_MS) {
                incidents.push(
                    incidentOf(
                        times,
                        values,
                        expected,
                        incStart,
                        incEnd,
                        incPeak,
                        incPeakScore,
                        incPeakSign,
                        shiftedDuringIncident,
                        shiftsDuringIncident,
                    ),
                );
                open = false;
            }
            if ((info & INFO_SHIFT) !== 0 && (open || t - times[incEnd] <= MERGE_MS)) {
                // Pass 1 adopted a new level at this point, during (or just after) an incident.
                const shiftSign = (info & INFO_SHIFT_DOWN) !== 0 ? -1 : 1;
                shiftedDuringIncident = true;
                shiftsDuringIncident = shiftSign === lastShiftSign ? shiftsDuringIncident + 1 : 1;
                lastShiftSign = shiftSign;
            }
        }
    }
    if (open) {
        incidents.push(
            incidentOf(
                times,
                values,
                expected,
                incStart,
                incEnd,
                incPeak,
                incPeakScore,
                incPeakSign,
                shiftedDuringIncident,
                shiftsDuringIncident,
            ),
        );
    }
    return { expected, lower, upper, score, incidents };
}
