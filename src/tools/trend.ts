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
 * A step from one point to the next is a one-off jump, not movement at the series' pace, when it lies further than this
 * many robust standard deviations of the two days' steps from their median: far beyond the noise and a daily rhythm,
 * which move a disk's free space by a fraction of a point an hour.
 */
export const JUMP_SIGMAS = 6;
/** Mean absolute deviation × √(π/2) = standard deviation for Gaussian values. */
const MEAN_ABS_DEV_SIGMAS = Math.sqrt(Math.PI / 2);
/** The steps {@link sustainedChange} sorts, in one array grown to the longest two days read: none allocated per point. */
let changeScratch = new Float64Array(0);

/**
 * The change per day at the end of a regular series as {@link recentChange} reads it — the last day's mean minus the
 * day before's — with the one-off jumps of those two days left out: the pace the series sustains.
 *
 * A large copy, a file that is never deleted, a clean-up, is one step between two hours with the series flat on either
 * side, and a difference of daily means reads a step as a pace: a drop of 17 points 19 hours before the end reads as
 * -13.7 a day, "full in four days", although the series has not moved since. So every step from one point to the next
 * over the two days is held against the median step: one further from it than {@link JUMP_SIGMAS} robust standard
 * deviations of the steps (1.4826 × their median absolute deviation; from their mean absolute deviation when most steps
 * are equal, as in a series that rarely moves) is a jump. A step across a gap is held against the same hours' step a
 * day before or after, which had the rhythm of those hours too. What a jump added to the difference of the daily means
 * — the jump times the share of each day's points after it, O(1) each from running counts — is taken out again, as if
 * the step had been what the same hours did a day before (or after), with the pace and the rhythm as they are, or where
 * that was a jump too, the median step. `lastDayMean` counts a jump of the last day from the day's start: it is the
 * level kept since, which {@link projectedFullAt} projects from.
 *
 * Why this measure: a pace, even a fast one, moves every hour alike and has no such step, so on a series without jumps
 * this is {@link recentChange} itself — daily means, with the daily rhythm cancelled exactly and the precision of 48
 * points (a median or Theil–Sen slope of single hours is several times noisier, and a daily rhythm pulls it); a step is
 * one of the two days' 47 and never moves their median. A leak that began with one large drop reads at the pace it kept
 * after it. A pace made of jumps only (a backup written every night and never deleted) is no pace within two days;
 * {@link steadyPace} reads it over the week. The standard error is from the noise of the steps that are no jump, and
 * for each jump what its hour did besides, unknown (two steps' spread, times the jump's weight). Linear in the two
 * days' points but for sorting their steps twice, in a scratch array. Undefined where {@link recentChange} is.
 */
export function sustainedChange(start: number, stepMs: number, values: ArrayLike<number>): RecentChange | undefined {
    const perDay = Math.round(TIME.DAY / stepMs);
    let end = values.length;
    while (end > 0 && !Number.isFinite(values[end - 1])) {
        end--;
    }
    if (perDay < 1 || end < 2 * perDay) {
        return undefined;
    }
    const from = end - 2 * perDay;
    const lastFrom = end - perDay;
    const last = meanOf(values, lastFrom, end);
    const before = meanOf(values, from, lastFrom);
    if (last.count * 2 < perDay || before.count * 2 < perDay) {
        return undefined;
    }
    // The steps from one point to the next over the two days, their median and robust spread.
    if (changeScratch.length < 2 * perDay) {
        changeScratch = new Float64Array(2 * perDay);
    }
    let n = 0;
    for (let i = from + 1; i < end; i++) {
        const change = values[i] - values[i - 1];
        if (Number.isFinite(change)) {
            changeScratch[n++] = change;
        }
    }
    const changes = changeScratch.subarray(0, n).sort();
    const median = medianOfSorted(changes);
    let deviationSum = 0;
    for (let k = 0; k < n; k++) {
        changes[k] = Math.abs(changes[k] - median);
        deviationSum += changes[k];
    }
    changes.sort();
    const mad = medianOfSorted(changes);
    const spread = mad > 0 ? MAD_SIGMAS * mad : n > 0 ? (MEAN_ABS_DEV_SIGMAS * deviationSum) / n : 0;
    const threshold = JUMP_SIGMAS * spread;
    // Forward: a jump into point k raised every point from k on, so it moved each day's mean by its share of the points
    // from k on (counted as they pass). The steps that are no jump give the noise, as in recentChange.
    let jumped = 0;
    let leftOutVariance = 0;
    let lastDayShift = 0;
    let jumps = 0;
    let steps = 0;
    let stepSum = 0;
    let lastBefore = 0;
    let beforeBefore = 0;
    let previousIndex = -1;
    for (let k = from; k < end; k++) {
        const v = values[k];
        if (!Number.isFinite(v)) {
            continue;
        }
        if (previousIndex >= 0) {
            const span = k - previousIndex;
            const change = v - values[previousIndex];
            // What the step would have been: that of the same hours a day before or after, with the pace and the daily
            // rhythm as they are, when that was no jump itself; else `span` median steps.
            const same = sameHoursChange(values, previousIndex, k, perDay, end, span * median, span * threshold);
            const usual = Number.isFinite(same) ? same : span * median;
            // One step is a jump far from the median step (the rhythm is in the spread); a step across a gap, far from the
            // same hours' step, whose rhythm it shares (without it, from `span` median steps).
            const far =
                span === 1 || !Number.isFinite(same)
                    ? Math.abs(change - span * median) > span * threshold
                    : Math.abs(change - same) > threshold;
            if (far) {
                const jump = change - usual;
                const weight = (last.count - lastBefore) / last.count - (before.count - beforeBefore) / before.count;
                jumped += jump * weight;
                // What that hour did besides the jump is not known: as uncertain as two steps' noise.
                leftOutVariance += 2 * (weight * spread) ** 2;
                lastDayShift += (jump * lastBefore) / last.count;
                jumps++;
            } else if (span === 1) {
                stepSum += Math.abs(change);
                steps++;
            }
        }
        if (k < lastFrom) {
            beforeBefore++;
        } else {
            lastBefore++;
        }
        previousIndex = k;
    }
    const sigma = jumps === 0 ? pointSigma(values, from + 1, end) : steps > 0 ? stepSum / steps / MEAN_ABS_STEP_SIGMAS : 0;
    return {
        perDay: last.mean - before.mean - jumped,
        lastDayMean: last.mean + lastDayShift,
        lastTime: start + (end - 1) * stepMs,
        firstTime: start + from * stepMs,
        standardError: Math.hypot(sigma * Math.sqrt(1 / last.count + 1 / before.count), Math.sqrt(leftOutVariance)),
    };
}

/**
 * The change from point `from` to point `to` at the same hours of the day before, or else of the day after (before
 * `end`), that lies within `allowed` of `expected` (is no jump itself); NaN when neither does.
 */
function sameHoursChange(
    values: ArrayLike<number>,
    from: number,
    to: number,
    perDay: number,
    end: number,
    expected: number,
    allowed: number,
): number {
    const before = from >= perDay ? values[to - perDay] - values[from - perDay] : NaN;
    if (Math.abs(before - expected) <= allowed) {
        return before;
    }
    const after = to + perDay < end ? values[to + perDay] - values[from + perDay] : NaN;
    return Math.abs(after - expected) <= allowed ? after : NaN;
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

/** How a disk fills up now: its pace, where that was read from, and when it is full at it (epoch ms). */
export interface FillingPace {
    change: RecentChange;
    basis: PaceBasis;
    fullAt: number;
}

/**
 * Whether a disk's free space (a regular series, in %) is filling up now, at what pace, and when it is full. With an
 * ongoing trend incident (`trend`), at that trend's pace now. Any other disk only if it is falling now — the last day
 * clearly below the day before ({@link recentChange}) and the last hours below the same hours a day earlier
 * ({@link latestHoursChange}) — at its steady pace ({@link steadyPace}: the week's median daily change, the more
 * precise); but when the last day's pace differs clearly from the week's (a leak that began lately, or a one-off drop),
 * at the last day's pace with its one-off jumps left out ({@link sustainedChange}), unless that pace no longer differs
 * from the week's (then at the week's pace, from the level kept since the drop). So a disk that dropped once and has
 * been flat since is not filling: without the drop its last day is as flat as its week; one that fills steadily and
 * dropped once fills on at its steady pace. A leak still running reads at its pace; a disk filled by a backup every
 * night reads at the week's pace, which the last day's raw change then matches. Undefined unless clearly falling, full
 * within {@link FULL_HORIZON_DAYS} at that pace ({@link projectedFullAt}) and not clearly stopped within about the last
 * half day ({@link stoppedLately}).
 */
export function fillingPace(
    start: number,
    stepMs: number,
    values: ArrayLike<number>,
    trend?: { change?: RecentChange },
): FillingPace | undefined {
    let change = trend?.change;
    let basis: PaceBasis = 'trend';
    if (!trend) {
        const now = recentChange(start, stepMs, values);
        const latestHours = latestHoursChange(start, stepMs, values);
        const falling = now && clearlyFalling(now) && latestHours && clearlyFalling(latestHours);
        const week = falling ? steadyPace(start, stepMs, values) : undefined;
        if (now && week) {
            // Only when the last day stands out from the week is it read again without its jumps (that costs a sort).
            const recent = clearlyDiffer(now, week) ? sustainedChange(start, stepMs, values) : undefined;
            const useRecent = recent !== undefined && clearlyDiffer(recent, week);
            // At the week's pace after a drop, from the level the disk has kept since the drop, not the day's mean.
            change = useRecent ? recent : recent ? { ...week, lastDayMean: recent.lastDayMean } : week;
            basis = useRecent ? 'recent' : 'steady';
        }
    }
    const fullAt = change && !stoppedLately(stepMs, values, change.perDay) ? projectedFullAt(change) : undefined;
    return change && fullAt !== undefined ? { change, basis, fullAt } : undefined;
}

/** Whether two paces differ clearly: by more than three standard errors of their difference. */
function clearlyDiffer(a: RecentChange, b: RecentChange): boolean {
    return Math.abs(a.perDay - b.perDay) > CLEAR_CHANGE_SE * Math.hypot(a.standardError, b.standardError);
}

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

/** The median of values sorted ascending (NaN when there are none). */
function medianOfSorted(sorted: ArrayLike<number>): number {
    const n = sorted.length;
    if (n === 0) {
        return NaN;
    }
    const middle = n >> 1;
    return n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
