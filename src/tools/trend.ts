/**
 * Where a trend incident stands now: how fast the series is moving at its end, and for a disk's free space, when it
 * reaches zero at that pace. A trend incident is reported once, at its start; these figures say whether it is still
 * going on and how urgent it is — what an operator asks first about a disk that is filling up.
 */
import type { AnomalyIncident, IncidentDirection } from '../core/anomaly';
import { TIME } from '../core/timespan';

/** How a series moves at its end. */
export interface RecentChange {
    /** The mean of the last day minus the mean of the day before, in the series' unit per day. */
    perDay: number;
    /** The mean of the last day. */
    lastDayMean: number;
    /** Epoch ms of the last finite value. */
    lastTime: number;
    /** Epoch ms of the first point the pace was read from. */
    firstTime: number;
    /** Standard error of `perDay`, from the point-to-point scatter of the two days. */
    standardError: number;
}

/** Mean absolute difference of consecutive Gaussian samples, in standard deviations: 2/√π. */
const MEAN_ABS_STEP_SIGMAS = 2 / Math.sqrt(Math.PI);
/** A change counts as a real movement only beyond this many standard errors. */
export const CLEAR_CHANGE_SE = 3;
/** Projections further ahead than this are not made: two days' pace says little about next quarter. */
export const FULL_HORIZON_DAYS = 90;

/** A disk is low on space under this much free space by default: the usual threshold of a free-space alert rule. */
export const LOW_FREE_SPACE_PERCENT = 10;

/**
 * The change per day at the end of a regular series (start, stepMs), as the difference of the means of its last two
 * whole days: a daily rhythm cancels out of it exactly, which a straight-line fit over a day or two does not do.
 * Trailing gaps are skipped (the current bin is often still empty). Undefined when the series does not hold two days,
 * or when either day has fewer than half its points. `until` (an index) reads the pace as it was before that point.
 */
export function recentChange(start: number, stepMs: number, values: ArrayLike<number>, until = values.length): RecentChange | undefined {
    const perDay = Math.round(TIME.DAY / stepMs);
    let end = Math.min(until, values.length);
    while (end > 0 && !Number.isFinite(values[end - 1])) {
        end--;
    }
    if (perDay < 1 || end < 2 * perDay) {
        return undefined;
    }
    const last = meanOf(values, end - perDay, end);
    const before = meanOf(values, end - 2 * perDay, end - perDay);
    if (last.count * 2 < perDay || before.count * 2 < perDay) {
        return undefined;
    }
    const sigma = pointSigma(values, end - 2 * perDay + 1, end);
    return {
        perDay: last.mean - before.mean,
        lastDayMean: last.mean,
        lastTime: start + (end - 1) * stepMs,
        firstTime: start + (end - 2 * perDay) * stepMs,
        standardError: sigma * Math.sqrt(1 / last.count + 1 / before.count),
    };
}

/**
 * When free space (in %) reaches zero at the present pace, as epoch ms; undefined unless it is clearly falling (more
 * than three standard errors a day, so also below zero) and would be full within {@link FULL_HORIZON_DAYS}. Projected
 * from the value the last day's mean implies at the last point.
 */
export function projectedFullAt(change: RecentChange): number | undefined {
    if (!clearlyFalling(change)) {
        return undefined;
    }
    const now = change.lastDayMean + 0.5 * change.perDay;
    const daysLeft = now > 0 ? now / -change.perDay : 0;
    if (daysLeft > FULL_HORIZON_DAYS) {
        return undefined;
    }
    return change.lastTime + daysLeft * TIME.DAY;
}

/** The hours of {@link latestHoursChange}: short, so that a leak that stopped a day ago no longer reads as going on. */
export const LATEST_HOURS = 6;

/**
 * The change per day over the last {@link LATEST_HOURS} hours: their mean minus the mean of the same clock hours a day
 * earlier (so a daily rhythm cancels out), per day. It reads only the last 30 hours, where {@link recentChange} reads
 * 48: it says sooner that a leak has stopped, at a larger standard error. Undefined when either stretch has fewer than
 * half its points.
 */
export function latestHoursChange(start: number, stepMs: number, values: ArrayLike<number>): RecentChange | undefined {
    const perDay = Math.round(TIME.DAY / stepMs);
    const width = Math.round((LATEST_HOURS * TIME.HOUR) / stepMs);
    let end = values.length;
    while (end > 0 && !Number.isFinite(values[end - 1])) {
        end--;
    }
    if (width < 1 || end < perDay + width) {
        return undefined;
    }
    const last = meanOf(values, end - width, end);
    const before = meanOf(values, end - perDay - width, end - perDay);
    if (last.count * 2 < width || before.count * 2 < width) {
        return undefined;
    }
    const sigma = Math.max(pointSigma(values, end - width + 1, end), pointSigma(values, end - perDay - width + 1, end - perDay));
    return {
        perDay: last.mean - before.mean,
        lastDayMean: last.mean,
        lastTime: start + (end - 1) * stepMs,
        firstTime: start + (end - perDay - width) * stepMs,
        standardError: sigma * Math.sqrt(1 / last.count + 1 / before.count),
    };
}

/**
 * Whether a series that moved at `perDay` has clearly stopped within about the last half day: the last
 * {@link LATEST_HOURS} against the ones before them moved less, by three standard errors, than the same two windows a
 * day earlier (which cancels a daily rhythm) — so a leak that stopped this morning is not still "filling" until tomorrow.
 * A slow or noisy pace is never called stopped this way (its change over hours is lost in the noise).
 */
export function stoppedLately(stepMs: number, values: ArrayLike<number>, perDay: number): boolean {
    const perDayPoints = Math.round(TIME.DAY / stepMs);
    const width = Math.round((LATEST_HOURS * TIME.HOUR) / stepMs);
    let end = values.length;
    while (end > 0 && !Number.isFinite(values[end - 1])) {
        end--;
    }
    if (width < 1 || perDay === 0 || end < perDayPoints + 2 * width) {
        return false;
    }
    const windows = [end, end - perDayPoints].map((to) => ({
        last: meanOf(values, to - width, to),
        before: meanOf(values, to - 2 * width, to - width),
    }));
    if (windows.some((w) => w.last.count * 2 < width || w.before.count * 2 < width)) {
        return false;
    }
    const [now, dayEarlier] = windows.map((w) => w.last.mean - w.before.mean);
    const sigma = Math.max(
        pointSigma(values, end - 2 * width + 1, end),
        pointSigma(values, end - perDayPoints - 2 * width + 1, end - perDayPoints),
    );
    const standardError = sigma * Math.sqrt(4 / width);
    // Moving as before, now − dayEarlier ≈ 0; stopped, it is the pace's worth of hours, against the pace.
    return (now - dayEarlier) * -Math.sign(perDay) > CLEAR_CHANGE_SE * standardError;
}

/** The longest stretch a steady pace is read from: a week, so that a weekly rhythm cannot pass for a trend. */
export const STEADY_PACE_DAYS = 7;
/** The fewest day-to-day changes a steady pace is read from. */
const STEADY_MIN_CHANGES = 3;
/** Standard error of a median of n Gaussian values, in standard errors of their mean: √(π/2). */
const MEDIAN_SE = Math.sqrt(Math.PI / 2);
/** Median absolute deviation × 1.4826 = standard deviation for Gaussian values. */
const MAD_SIGMAS = 1.4826;

/**
 * The steady pace at the end of a regular series: the median of the day-to-day changes of its daily means over its last
 * whole days (at most {@link STEADY_PACE_DAYS}). Daily means cancel a daily rhythm; the median ignores a day or two that
 * are not the usual pace — a clean-up, a large copy, a leak that began or stopped — so a disk that has been losing half
 * a percent a day all week reads -0.5 whatever else one day brought. Days with fewer than half their points are left
 * out (with the changes on either side of them). Undefined with fewer than three changes. The standard error is that of a
 * median, from the changes' own spread or, if larger, from what the points' scatter implies. `lastDayMean` is the
 * last day's mean, as in {@link recentChange}, so {@link projectedFullAt} applies. Whether the series still moves so
 * now is not its business: see {@link clearlyFalling} on {@link recentChange}.
 */
export function steadyPace(start: number, stepMs: number, values: ArrayLike<number>): RecentChange | undefined {
    const perDay = Math.round(TIME.DAY / stepMs);
    let end = values.length;
    while (end > 0 && !Number.isFinite(values[end - 1])) {
        end--;
    }
    if (perDay < 1) {
        return undefined;
    }
    const days = Math.min(STEADY_PACE_DAYS, Math.floor(end / perDay));
    const changes: number[] = [];
    let later: { mean: number; count: number } | undefined;
    let lastDay: { mean: number; count: number } | undefined;
    for (let d = 0; d < days; d++) {
        const day = meanOf(values, end - (d + 1) * perDay, end - d * perDay);
        const whole = day.count * 2 >= perDay;
        if (d === 0) {
            lastDay = whole ? day : undefined;
        }
        if (whole && later) {
            changes.push(later.mean - day.mean);
        }
        later = whole ? day : undefined;
    }
    if (!lastDay || changes.length < STEADY_MIN_CHANGES) {
        return undefined;
    }
    changes.sort((a, b) => a - b);
    const middle = changes.length >> 1;
    const median = changes.length % 2 === 1 ? changes[middle] : (changes[middle - 1] + changes[middle]) / 2;
    const deviations = changes.map((c) => Math.abs(c - median)).sort((a, b) => a - b);
    const mad = deviations.length % 2 === 1 ? deviations[middle] : (deviations[middle - 1] + deviations[middle]) / 2;
    const sigma = pointSigma(values, end - days * perDay + 1, end);
    const perChange = Math.max(MAD_SIGMAS * mad, sigma * Math.sqrt(2 / perDay));
    return {
        perDay: median,
        lastDayMean: lastDay.mean,
        lastTime: start + (end - 1) * stepMs,
        firstTime: start + (end - days * perDay) * stepMs,
        standardError: (MEDIAN_SE * perChange) / Math.sqrt(changes.length),
    };
}

/** Whether a pace clearly falls: by more than three of its standard errors a day. */
export function clearlyFalling(change: RecentChange): boolean {
    return change.perDay < -CLEAR_CHANGE_SE * change.standardError;
}

/**
 * Whether the series still follows a trend that went `sign`'s way (> 0 up, < 0 down): its pace now differs clearly
 * (three standard errors) that way from its pace before the trend began — a disk whose leak has stopped goes back to
 * its usual slow drift, which may well have the same sign. Without a pace from before, against no drift at all.
 */
export function stillMoving(now: RecentChange | undefined, before: RecentChange | undefined, sign: number): boolean {
    if (now === undefined || sign === 0) {
        return false;
    }
    const usual = before?.perDay ?? 0;
    const error = Math.hypot(now.standardError, before?.standardError ?? 0);
    return (now.perDay - usual) * Math.sign(sign) > CLEAR_CHANGE_SE * error;
}

/** Where the pace of a disk filling up was read from (GetAnomalies' `filling` list). */
export const PACE_BASES = ['trend', 'steady', 'recent'] as const;
export type PaceBasis = (typeof PACE_BASES)[number];

/** Each pace basis as a person reads it, in the tool's text and the sidebar. */
export const PACE_BASIS_TEXT: Record<PaceBasis, string> = {
    trend: 'an ongoing trend, over the last day',
    steady: 'steady, over the last week',
    recent: "over the last day, which differs clearly from the week's",
};

/** A pace as a person reads it, signed: `-4.36%`, `+0.5/s` (the caller says per what). */
export function signedPace(perDay: number, unit: string): string {
    return `${perDay > 0 ? '+' : ''}${perDay}${unit}`;
}

/** The points' noise in [from, to), from the mean absolute step between neighbours (a trend or rhythm barely moves it). */
function pointSigma(values: ArrayLike<number>, from: number, to: number): number {
    let steps = 0;
    let stepSum = 0;
    for (let i = Math.max(1, from); i < to; i++) {
        const d = values[i] - values[i - 1];
        if (Number.isFinite(d)) {
            stepSum += Math.abs(d);
            steps++;
        }
    }
    return steps > 0 ? stepSum / steps / MEAN_ABS_STEP_SIGMAS : 0;
}

function meanOf(values: ArrayLike<number>, from: number, to: number): { mean: number; count: number } {
    let sum = 0;
    let count = 0;
    for (let i = from; i < to; i++) {
        const v = values[i];
        if (Number.isFinite(v)) {
            sum += v;
            count++;
        }
    }
    return { mean: count > 0 ? sum / count : NaN, count };
}

/** A lasting incident as it stands now: its direction in the light of what followed, its pace, and whether it goes on. */
export interface IncidentNow {
    direction: IncidentDirection;
    /** The pace now, for a trend. */
    change?: RecentChange;
    ongoing: boolean;
}

/**
 * A trend or level-shift incident of a regular series, judged with everything after it: a trend goes on while the series
 * still follows it ({@link stillMoving}, against its pace before the trend began). A level shift whose series has kept
 * moving the same way since has turned out to be a trend (a leak that began with one large drop) — judged only when the
 * two days the pace is read from lie wholly after the shift, so that the step itself is never read as pace. Only the
 * series' latest incident can be going on.
 */
export function incidentNow(
    start: number,
    stepMs: number,
    values: ArrayLike<number>,
    incident: Pick<AnomalyIncident, 'direction' | 'startIndex' | 'endIndex' | 'actual' | 'expected'>,
    latest: boolean,
): IncidentNow {
    const { direction } = incident;
    if (direction !== 'trend' && direction !== 'level-shift') {
        return { direction, ongoing: false };
    }
    const now = recentChange(start, stepMs, values);
    const before = recentChange(start, stepMs, values, incident.startIndex);
    const sign = incident.actual - incident.expected;
    // Still moving over the last two days, and over the last hours too: a leak that stopped yesterday has ended. And still
    // away from the normal it left, by half the incident's own departure at least: a burst long over can pass the pace
    // test on a Monday (the last day busier than the Sunday before it), but the series is back where it was.
    const away = now !== undefined && (now.lastDayMean - incident.expected) * Math.sign(sign) >= Math.abs(sign) / 2;
    const moving =
        latest &&
        away &&
        stillMoving(now, before, sign) &&
        stillMoving(latestHoursChange(start, stepMs, values), before, sign) &&
        !stoppedLately(stepMs, values, now.perDay);
    if (direction === 'trend') {
        return { direction, change: now, ongoing: moving };
    }
    const paceFrom = now ? Math.round((now.lastTime - start) / stepMs) - 2 * Math.round(TIME.DAY / stepMs) : -1;
    if (moving && incident.endIndex <= paceFrom) {
        return { direction: 'trend', change: now, ongoing: true };
    }
    // A level adopted during the incident that the series has since left again, back within half its departure of the
    // normal before it: an excursion that came back, not a shift that stayed.
    const back = now !== undefined && incident.endIndex < paceFrom && Math.abs(now.lastDayMean - incident.expected) < Math.abs(sign) / 2;
    return { direction: back ? (sign > 0 ? 'spike' : 'dip') : direction, ongoing: false };
}

/** A trend's whole course, fitted to its series: where it began and ended, how far the series moved, and how fast. */
export interface TrendCourse {
    /** Epoch ms where the series began to follow it: the detector raises a trend once it is clear, some hours in. */
    start: number;
    /** Epoch ms where it stopped, or of the latest value while it goes on. */
    end: number;
    /** How far the series moved from `start` to `end`, in its unit. */
    change: number;
    /** Its pace from `start` to `end`, in the series' unit per day. */
    perDay: number;
}

/** Days of the series before a trend that its fit reads, for the level and the usual drift the trend departed from. */
const COURSE_LEAD_DAYS = 3;
/** How far before the detector raised it a trend may have begun. */
const COURSE_START_SEARCH_DAYS = 1;

/**
 * The course of a trend incident of a regular series (start, stepMs): a least-squares fit of the series' usual level
 * and drift with a straight stretch of extra slope between two bends, the first within a day before the incident was
 * raised, the second at the latest value while the trend goes on (`ongoing`) or wherever fits best after the first when
 * it has ended — so an ended leak reads "-12 points over four days", not the slow drift that followed it nor the hours
 * the detector took to adapt. Fitted on hourly means (a daily rhythm averages out over the days a trend lasts), every pair
 * of bends in O(1) from running sums. Undefined when the fit does not move the way the incident went, or there is too
 * little data around it.
 */
export function trendCourse(
    start: number,
    stepMs: number,
    values: ArrayLike<number>,
    incident: Pick<AnomalyIncident, 'startIndex' | 'actual' | 'expected'>,
    ongoing: boolean,
): TrendCourse | undefined {
    // Hourly means (or the series as it is when its bins are an hour or longer).
    const width = Math.max(1, Math.round(TIME.HOUR / stepMs));
    const binMs = width * stepMs;
    const binsPerDay = TIME.DAY / binMs;
    const bins = Math.ceil(values.length / width);
    const y = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
        y[b] = meanOf(values, b * width, Math.min(values.length, (b + 1) * width)).mean;
    }
    let last = bins - 1;
    while (last >= 0 && !Number.isFinite(y[last])) {
        last--;
    }
    const raised = Math.floor(incident.startIndex / width);
    const firstStart = Math.max(0, raised - Math.round(COURSE_START_SEARCH_DAYS * binsPerDay));
    const from = Math.max(0, firstStart - Math.round(COURSE_LEAD_DAYS * binsPerDay));
    if (last <= raised) {
        return undefined;
    }
    // The usual level and drift alone (a straight line through every point read), once: each pair of bends then only adds
    // the trend's extra slope, fitted to what the line leaves (Frisch–Waugh), so that no pair needs a system solved.
    let count = 0;
    let sumT = 0;
    let sumTT = 0;
    let sumY = 0;
    let sumTY = 0;
    for (let j = from; j <= last; j++) {
        if (Number.isFinite(y[j])) {
            const t = j - from;
            count++;
            sumT += t;
            sumTT += t * t;
            sumY += y[j];
            sumTY += t * y[j];
        }
    }
    const gram = count * sumTT - sumT * sumT;
    if (!(gram > 0)) {
        return undefined;
    }
    const level = (sumTT * sumY - sumT * sumTY) / gram;
    const drift = (count * sumTY - sumT * sumY) / gram;
    // Running sums over [from, from + k) of the finite points: count, t, t², and t⁰ and t¹ times what the line leaves
    // (t counted in bins from `from`).
    const size = last + 2 - from;
    const n = new Float64Array(size);
    const st = new Float64Array(size);
    const stt = new Float64Array(size);
    const sr = new Float64Array(size);
    const str = new Float64Array(size);
    for (let k = 0; k < size - 1; k++) {
        const v = y[from + k];
        const finite = Number.isFinite(v);
        const left = finite ? v - level - drift * k : 0;
        n[k + 1] = n[k] + (finite ? 1 : 0);
        st[k + 1] = st[k] + (finite ? k : 0);
        stt[k + 1] = stt[k] + (finite ? k * k : 0);
        sr[k + 1] = sr[k] + left;
        str[k + 1] = str[k] + k * left;
    }
    const total = size - 1;
    const lastE = last - from;
    // The fewest points before the trend (the level and drift it left) and in it.
    const minBefore = Math.round(binsPerDay / 2);
    const minIn = 3;
    let best: { gain: number; s: number; e: number; slope: number } | undefined;
    for (let s = firstStart - from; s <= raised - from; s++) {
        if (n[s] < minBefore) {
            continue;
        }
        for (let e = ongoing ? lastE : s + minIn; e <= lastE; e++) {
            const nB = n[e] - n[s];
            if (nB < minIn) {
                continue;
            }
            // x = 0 before s, t − s from s to e, e − s after: the trend's extra fall (or rise) up to t.
            const tB = st[e] - st[s];
            const ttB = stt[e] - stt[s];
            const nC = n[total] - n[e];
            const span = e - s;
            const sx = tB - s * nB + span * nC;
            const sxt = ttB - s * tB + span * (st[total] - st[e]);
            const sxx = ttB - 2 * s * tB + s * s * nB + span * span * nC;
            const sxr = str[e] - str[s] - s * (sr[e] - sr[s]) + span * (sr[total] - sr[e]);
            // What of x the level and drift do not already explain.
            const g0 = (sumTT * sx - sumT * sxt) / gram;
            const g1 = (count * sxt - sumT * sx) / gram;
            const own = sxx - sx * g0 - sxt * g1;
            if (!(own > 1e-9 * sxx)) {
                continue;
            }
            // The fall in the sum of squared residuals that the trend's slope buys; the largest fits best.
            const gain = (sxr * sxr) / own;
            if (!best || gain > best.gain) {
                const extra = sxr / own;
                best = { gain, s, e, slope: drift - g1 * extra + extra };
            }
        }
    }
    if (!best) {
        return undefined;
    }
    const change = best.slope * (best.e - best.s);
    if (change * Math.sign(incident.actual - incident.expected) <= 0) {
        return undefined;
    }
    const timeOf = (bin: number) => start + (from + bin) * width * stepMs;
    return { start: timeOf(best.s), end: timeOf(best.e), change, perDay: best.slope * binsPerDay };
}
