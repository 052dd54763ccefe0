import * as assert from 'node:assert/strict';
import {
    clearlyFalling,
    FULL_HORIZON_DAYS,
    incidentNow,
    latestHoursChange,
    projectedFullAt,
    recentChange,
    steadyPace,
    stillMoving,
    stoppedLately,
} from '../../../src/tools/trend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-11-01T00:00:00Z');

/** A free-space-like series: level + slope per day + a daily rhythm + seeded noise, hourly. */
function series(days: number, level: number, perDay: number, noise = 0, seed = 1): Float64Array {
    let state = seed;
    const gaussian = () => {
        // Sum of 12 uniforms minus 6: near-Gaussian, deterministic.
        let s = 0;
        for (let k = 0; k < 12; k++) {
            state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
            s += state / 2_147_483_648;
        }
        return s - 6;
    };
    return Float64Array.from(
        { length: days * 24 },
        (_, i) => level + (perDay * i) / 24 + 2 * Math.sin((2 * Math.PI * i) / 24) + noise * gaussian(),
    );
}

describe('a trend now: the pace at the end of a series and when a disk is full at it', () => {
    it('reads the pace exactly through a daily rhythm (whole days cancel it)', () => {
        const change = recentChange(START, HOUR, series(5, 60, -3));
        assert.ok(change);
        assert.ok(Math.abs(change.perDay + 3) < 1e-9, String(change.perDay));
        assert.equal(change.lastTime, START + (5 * 24 - 1) * HOUR);
    });

    it('skips the empty bins at the end (the current hour is often not in yet)', () => {
        const values = series(5, 60, -3);
        values.fill(NaN, values.length - 3);
        const change = recentChange(START, HOUR, values);
        assert.ok(change);
        assert.ok(Math.abs(change.perDay + 3) < 1e-9);
        assert.equal(change.lastTime, START + (5 * 24 - 4) * HOUR);
    });

    it('says nothing about a series shorter than two days or a day mostly missing', () => {
        assert.equal(recentChange(START, HOUR, series(1, 60, -3)), undefined);
        const holed = series(5, 60, -3);
        holed.fill(NaN, holed.length - 30, holed.length - 10);
        assert.equal(recentChange(START, HOUR, holed), undefined);
    });

    it('projects when free space reaches zero from where the series is now', () => {
        const values = series(6, 50, -5, 0.3);
        const change = recentChange(START, HOUR, values);
        assert.ok(change);
        const full = projectedFullAt(change);
        assert.ok(full !== undefined);
        // Now about 50 - 5·6 = 20 % free, falling 5 % a day: full about four days after the last point.
        const daysLeft = (full - change.lastTime) / DAY;
        assert.ok(daysLeft > 3.7 && daysLeft < 4.3, String(daysLeft));
    });

    it('projects nothing for a disk that is not clearly filling: flat and noisy, rising, or slower than the horizon', () => {
        for (let seed = 1; seed <= 20; seed++) {
            const flat = recentChange(START, HOUR, series(4, 50, 0, 0.5, seed));
            assert.ok(flat);
            assert.equal(projectedFullAt(flat), undefined, `seed ${seed}: ${flat.perDay} ± ${flat.standardError}`);
        }
        const rising = recentChange(START, HOUR, series(4, 50, 2, 0.3));
        assert.ok(rising && rising.perDay > 1.5);
        assert.equal(projectedFullAt(rising), undefined);
        const slow = recentChange(START, HOUR, series(4, 60, -60 / (FULL_HORIZON_DAYS + 30), 0.01));
        assert.ok(slow && slow.perDay < 0);
        assert.equal(projectedFullAt(slow), undefined, 'full only after the horizon');
    });

    it('tells a leak that goes on from one that stopped, against the usual drift of the disk before it began', () => {
        // 14 days hourly: a slow drift of -0.1 a day, and a leak of -4 a day from day 8 (to the end, or to day 10).
        const disk = (leakEnd: number) =>
            Float64Array.from({ length: 14 * 24 }, (_, i) => {
                const day = i / 24;
                const leak = day < 8 ? 0 : 4 * (Math.min(day, leakEnd) - 8);
                return 70 - 0.1 * day - leak + Math.sin((2 * Math.PI * i) / 24) + 0.2 * Math.sin(i * 12.9898);
            });
        const leakStart = 8 * 24;
        const going = disk(14);
        assert.equal(stillMoving(recentChange(START, HOUR, going), recentChange(START, HOUR, going, leakStart), -1), true);
        assert.equal(
            stillMoving(recentChange(START, HOUR, going), recentChange(START, HOUR, going, leakStart), +1),
            false,
            'the other way',
        );
        const stopped = disk(10);
        const now = recentChange(START, HOUR, stopped);
        assert.ok(now && now.perDay < 0 && now.perDay > -0.3, 'back to its drift, still falling slowly');
        assert.equal(stillMoving(now, recentChange(START, HOUR, stopped, leakStart), -1), false);
        assert.equal(
            stillMoving(recentChange(START, HOUR, going), undefined, -1),
            true,
            'without a pace from before, a clear fall is the trend',
        );
        assert.equal(stillMoving(undefined, undefined, -1), false);
    });

    it('says within about a day that a leak has stopped: the last six hours against the same hours a day earlier', () => {
        // 14 days hourly with a daily rhythm: a leak of 3 a day from day 8 that stops `hoursAgo` before the end.
        const disk = (hoursAgo: number) =>
            Float64Array.from({ length: 14 * 24 }, (_, i) => {
                const leakHours = Math.min(Math.max(i - 8 * 24, 0), 6 * 24 - hoursAgo);
                return 70 - (3 * leakHours) / 24 + Math.sin((2 * Math.PI * i) / 24) + 0.05 * Math.sin(i * 12.9898);
            });
        const trend = { direction: 'trend' as const, startIndex: 8 * 24, endIndex: 9 * 24, actual: 66, expected: 69 };
        const going = latestHoursChange(START, HOUR, disk(0));
        assert.ok(going && Math.abs(going.perDay + 3) < 0.1 && clearlyFalling(going), String(going?.perDay));
        assert.equal(incidentNow(START, HOUR, disk(0), trend, true).ongoing, true);
        for (const hoursAgo of [31, 40]) {
            const stopped = disk(hoursAgo);
            assert.ok(clearlyFalling(recentChange(START, HOUR, stopped)!), 'the last two days still read a fall');
            const latest = latestHoursChange(START, HOUR, stopped);
            assert.ok(latest && Math.abs(latest.perDay) < 0.1 && !clearlyFalling(latest), `${hoursAgo} h: ${latest?.perDay}`);
            assert.equal(incidentNow(START, HOUR, stopped, trend, true).ongoing, false, `stopped ${hoursAgo} h ago`);
        }
        assert.equal(latestHoursChange(START, HOUR, disk(0).slice(0, 24 + 5)), undefined, 'needs a day and six hours');
    });

    it('sees within half a day that a clear leak has stopped, through a daily rhythm, and never calls a faint one stopped', () => {
        // 14 days hourly with a daily rhythm of ±1: a leak of `pace` a day from day 8 that stops `hoursAgo` before the end.
        const disk = (pace: number, hoursAgo: number, noise: number, seed = 7) => {
            const gaussian = series(14, 0, 0, 1, seed);
            return Float64Array.from({ length: 14 * 24 }, (_, i) => {
                const leakHours = Math.min(Math.max(i - 8 * 24, 0), 6 * 24 - hoursAgo);
                return 70 - (pace * leakHours) / 24 + Math.sin((2 * Math.PI * i) / 24) + noise * (gaussian[i] - series(14, 0, 0, 0)[i]);
            });
        };
        assert.equal(stoppedLately(HOUR, disk(3, 0, 0.05), -3), false, 'still leaking');
        for (const hoursAgo of [9, 12, 21]) {
            assert.equal(stoppedLately(HOUR, disk(3, hoursAgo, 0.05), -3), true, `stopped ${hoursAgo} h ago`);
        }
        assert.equal(stoppedLately(HOUR, disk(0.4, 12, 0.3), -0.4), false, 'too faint to tell in hours');
        // An incident on a leak that stopped 21 hours ago is over, although the last six hours against a day earlier still fall.
        const trend = { direction: 'trend' as const, startIndex: 8 * 24, endIndex: 9 * 24, actual: 66, expected: 69 };
        assert.equal(incidentNow(START, HOUR, disk(3, 0, 0.05), trend, true).ongoing, true);
        assert.equal(incidentNow(START, HOUR, disk(3, 21, 0.05), trend, true).ongoing, false);
    });

    it('calls a level adopted during an incident that the series has since left a spike or dip, not a level shift', () => {
        // 14 days hourly at 70 with a daily rhythm: eight hours at 80 on day 9 (long enough for a level to be adopted), then back.
        const burst = Float64Array.from({ length: 14 * 24 }, (_, i) => {
            const inBurst = i >= 9 * 24 && i < 9 * 24 + 8;
            return (inBurst ? 80 : 70) + Math.sin((2 * Math.PI * i) / 24) + 0.1 * Math.sin(i * 12.9898);
        });
        const shift = { direction: 'level-shift' as const, startIndex: 9 * 24, endIndex: 9 * 24 + 8, actual: 80, expected: 70 };
        assert.deepEqual(incidentNow(START, HOUR, burst, shift, true), { direction: 'spike', ongoing: false });
        const drop = burst.map((v) => 140 - v);
        assert.deepEqual(incidentNow(START, HOUR, drop, { ...shift, actual: 60, expected: 70 }, true), {
            direction: 'dip',
            ongoing: false,
        });
    });

    it('does not call a burst long over an ongoing trend because the last day is busier than the one before (a Monday)', () => {
        // 30 days hourly from a Sunday: CPU at 18 % on weekends and 22 % on weekdays, a six-hour burst to 72 % on day 8;
        // the series ends on a Monday evening, back at its normal, busier than the Sunday before.
        const cpu = Float64Array.from({ length: 30 * 24 - 4 }, (_, i) => {
            const day = Math.floor(i / 24);
            const weekend = day % 7 === 0 || day % 7 === 6;
            const burst = i >= 8 * 24 + 1 && i < 8 * 24 + 7 ? 50 : 0;
            return (weekend ? 18 : 22) + burst + 0.3 * Math.sin(i * 12.9898);
        });
        const trend = { direction: 'trend' as const, startIndex: 8 * 24 + 1, endIndex: 8 * 24 + 7, actual: 72, expected: 22 };
        assert.ok(
            stillMoving(recentChange(START, HOUR, cpu), recentChange(START, HOUR, cpu, trend.startIndex), 1),
            'the pace test alone passes',
        );
        assert.equal(incidentNow(START, HOUR, cpu, trend, true).ongoing, false);
    });

    it('calls a level shift that the series kept following a trend, once the pace is read wholly after the shift', () => {
        // 14 days hourly: a drop of 10 at day `at`, then (or not) a leak of 3 a day to the end.
        const disk = (at: number, leak: number) =>
            Float64Array.from({ length: 14 * 24 }, (_, i) => {
                const day = i / 24;
                return 70 - (day >= at ? 10 + leak * (day - at) : 0) + Math.sin((2 * Math.PI * i) / 24) + 0.2 * Math.sin(i * 12.9898);
            });
        const shift = (at: number) => ({
            direction: 'level-shift' as const,
            startIndex: at * 24,
            endIndex: at * 24 + 5,
            actual: 60,
            expected: 70,
        });
        const leaking = incidentNow(START, HOUR, disk(9, 3), shift(9), true);
        assert.equal(leaking.direction, 'trend');
        assert.equal(leaking.ongoing, true);
        assert.ok(leaking.change && Math.abs(leaking.change.perDay + 3) < 0.1, String(leaking.change?.perDay));
        assert.deepEqual(
            incidentNow(START, HOUR, disk(9, 0), shift(9), true),
            { direction: 'level-shift', ongoing: false },
            'a step that stayed',
        );
        assert.deepEqual(
            incidentNow(START, HOUR, disk(12.5, 3), shift(12.5), true),
            { direction: 'level-shift', ongoing: false },
            'too recent: the step would be read as pace',
        );
        assert.deepEqual(
            incidentNow(START, HOUR, disk(9, 3), shift(9), false),
            { direction: 'level-shift', ongoing: false },
            'not the latest',
        );
        const spike = { direction: 'spike' as const, startIndex: 100, endIndex: 101, actual: 90, expected: 70 };
        assert.deepEqual(incidentNow(START, HOUR, disk(9, 3), spike, true), { direction: 'spike', ongoing: false });
    });

    it('says the disk is full already when the pace has taken it past zero', () => {
        const change = { perDay: -10, lastDayMean: 3, lastTime: START, firstTime: START - 2 * DAY, standardError: 0.1 };
        assert.equal(projectedFullAt(change), START);
    });
});

describe('a steady pace: how fast a disk fills over the last week, whatever one day brought', () => {
    it('reads a steady fill exactly through a daily rhythm, from the last seven days', () => {
        const pace = steadyPace(START, HOUR, series(20, 60, -0.6));
        assert.ok(pace);
        assert.ok(Math.abs(pace.perDay + 0.6) < 1e-9, String(pace.perDay));
        assert.equal(pace.firstTime, START + 13 * DAY);
        assert.ok(clearlyFalling(pace));
        const full = projectedFullAt(pace);
        assert.ok(full !== undefined);
        // 60 - 0.6·20 = 48 % free at the end, 0.6 a day: full 80 days after it.
        assert.ok(Math.abs((full - (START + 20 * DAY)) / DAY - 80) < 0.1, String((full - START) / DAY));
    });

    it('is not thrown by one day that is not the usual pace: a clean-up or a large copy', () => {
        for (const jump of [15, -15]) {
            const values = series(10, 60, -0.5, 0.1);
            for (let i = 7 * 24 + 5; i < values.length; i++) {
                values[i] += jump;
            }
            const pace = steadyPace(START, HOUR, values);
            assert.ok(pace && Math.abs(pace.perDay + 0.5) < 0.1, `${jump}: ${pace?.perDay}`);
        }
    });

    it('finds no clear fill in flat noisy disks, and leaves a day mostly missing out', () => {
        for (let seed = 1; seed <= 20; seed++) {
            const pace = steadyPace(START, HOUR, series(10, 50, 0, 0.5, seed));
            assert.ok(pace);
            assert.equal(clearlyFalling(pace), false, `seed ${seed}: ${pace.perDay} ± ${pace.standardError}`);
        }
        const holed = series(10, 60, -1, 0.1);
        holed.fill(NaN, 5 * 24, 6 * 24 - 2);
        const pace = steadyPace(START, HOUR, holed);
        assert.ok(pace && Math.abs(pace.perDay + 1) < 0.05, String(pace?.perDay));
        assert.equal(steadyPace(START, HOUR, series(3, 60, -1)), undefined, 'three days are two changes: too few');
    });

    it("still reads the week's pace after a leak stopped: whether it fills now is for the last day to say", () => {
        // A leak of 3 a day for five days, then flat for the last two.
        const values = Float64Array.from({ length: 10 * 24 }, (_, i) => 60 - 3 * Math.min(Math.max(i / 24 - 3, 0), 5));
        const week = steadyPace(START, HOUR, values);
        assert.ok(week && clearlyFalling(week));
        const now = recentChange(START, HOUR, values);
        assert.ok(now && !clearlyFalling(now), String(now?.perDay));
    });
});
