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
    /** Standard error of `perDay`, from the point-to-point scatter of the two days. */
    standardError: number;
}

/** Mean absolute difference of consecutive Gaussian samples, in standard deviations: 2/√π. */
const MEAN_ABS_STEP_SIGMAS = 2 / Math.sqrt(Math.PI);
/** A change counts as a real movement only beyond this many standard errors. */
const CLEAR_CHANGE_SE = 3;
/** Projections further ahead than this are not made: two days' pace says little about next quarter. */
export const FULL_HORIZON_DAYS = 90;

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
    let steps = 0;
    let stepSum = 0;
    for (let i = end - 2 * perDay + 1; i < end; i++) {
        const d = values[i] - values[i - 1];
        if (Number.isFinite(d)) {
            stepSum += Math.abs(d);
            steps++;
        }
    }
    const sigma = steps > 0 ? stepSum / steps / MEAN_ABS_STEP_SIGMAS : 0;
    return {
        perDay: last.mean - before.mean,
        lastDayMean: last.mean,
        lastTime: start + (end - 1) * stepMs,
        standardError: sigma * Math.sqrt(1 / last.count + 1 / before.count),
    };
}

/**
 * When free space (in %) reaches zero at the present pace, as epoch ms; undefined unless it is clearly falling (more
 * than three standard errors a day, so also below zero) and would be full within {@link FULL_HORIZON_DAYS}. Projected
 * from the value the last day's mean implies at the last point.
 */
export function projectedFullAt(change: RecentChange): number | undefined {
    if (!(change.perDay < -CLEAR_CHANGE_SE * change.standardError)) {
        return undefined;
    }
    const now = change.lastDayMean + 0.5 * change.perDay;
    const daysLeft = now > 0 ? now / -change.perDay : 0;
    if (daysLeft > FULL_HORIZON_DAYS) {
        return undefined;
    }
    return change.lastTime + daysLeft * TIME.DAY;
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

/** A pace as a person reads it, signed: `-4.36%`, `+0.5/s` (the caller says per what). */
export function signedPace(perDay: number, unit: string): string {
    return `${perDay > 0 ? '+' : ''}${perDay}${unit}`;
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
    const moving =
        latest && stillMoving(now, recentChange(start, stepMs, values, incident.startIndex), incident.actual - incident.expected);
    if (direction === 'trend') {
        return { direction, change: now, ongoing: moving };
    }
    const paceFrom = now ? Math.round((now.lastTime - start) / stepMs) - 2 * Math.round(TIME.DAY / stepMs) : -1;
    return moving && incident.endIndex <= paceFrom ? { direction: 'trend', change: now, ongoing: true } : { direction, ongoing: false };
}
