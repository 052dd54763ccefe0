import * as assert from 'node:assert/strict';
import {
    clearlyFalling,
    fillingPace,
    FULL_HORIZON_DAYS,
    incidentNow,
    latestHoursChange,
    projectedFullAt,
    recentChange,
    steadyPace,
    stillMoving,
    stoppedLately,
    sustainedChange,
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

describe('a pace is a rate sustained over time: a disk that dropped once and stays flat is not filling up', () => {
    const END = START + (14 * 24 - 1) * HOUR;
    /** `base` (14 days hourly from `series`: a daily rhythm of ±2, noise) with `size` points less over its last `hoursAgo` hours. */
    const dropped = (base: Float64Array, hoursAgo: number, size: number) =>
        base.map((v, i) => (i >= base.length - hoursAgo ? v - size : v));
    /** A leak of `perDay` from `fromDay` that stops `stoppedHoursAgo` before the end, on a flat disk at `level`. */
    const leak = (level: number, perDay: number, fromDay: number, stoppedHoursAgo = 0, noise = 0.1, seed = 5) => {
        const noisy = series(14, 0, 0, noise, seed);
        const until = 14 * 24 - stoppedHoursAgo;
        return noisy.map((v, i) => v + level - (perDay * Math.max(0, Math.min(i, until) - fromDay * 24)) / 24);
    };

    it('reads no pace, and no full date, in a disk that fell 17 points once, 18 hours ago, and has been flat since', () => {
        // The shape of ctso-sql-ams-21 in the 300-machine estate of seed 7: about 81 % free, 63.6 % since the drop.
        const values = dropped(series(14, 81, 0, 0.15, 7), 18, 17.3);
        const raw = recentChange(START, HOUR, values);
        // The difference of the days' means reads the drop as a pace: -17.3 · 18/24 a day, "full in four days".
        assert.ok(raw && raw.perDay < -12 && projectedFullAt(raw) !== undefined, String(raw?.perDay));
        const sustained = sustainedChange(START, HOUR, values);
        assert.ok(sustained, 'a pace is read');
        assert.ok(Math.abs(sustained.perDay) < 0.3 && !clearlyFalling(sustained), `${sustained.perDay} ± ${sustained.standardError}`);
        assert.equal(projectedFullAt(sustained), undefined);
        assert.ok(Math.abs(sustained.lastDayMean - 63.7) < 0.3, `the level kept since the drop: ${sustained.lastDayMean}`);
        assert.equal(fillingPace(START, HOUR, values), undefined, 'not filling');
    });

    it('whenever in the last two days the drop came, large or small; and a clean-up is no pace either', () => {
        for (const seed of [1, 2, 3]) {
            const flat = series(14, 70, 0, 0.15, seed);
            for (const hoursAgo of [1, 3, 6, 12, 18, 23, 24, 25, 30, 36, 47]) {
                for (const size of [17, 5, -12]) {
                    const values = dropped(flat, hoursAgo, size);
                    const sustained = sustainedChange(START, HOUR, values);
                    const at = `seed ${seed}, ${size} points ${hoursAgo} h ago`;
                    // Flat but for the noise, and what that hour did besides the drop, which is not known (±2 a day of rhythm).
                    assert.ok(sustained && Math.abs(sustained.perDay) < 0.6 && !clearlyFalling(sustained), `${at}: ${sustained?.perDay}`);
                    assert.equal(fillingPace(START, HOUR, values), undefined, at);
                }
            }
        }
    });

    it("reads a steady fall at its pace, N % a day, with the same figures as the days' means: it has no jump to leave out", () => {
        for (const perDay of [-1, -3, -8]) {
            for (const seed of [1, 2, 3]) {
                const values = series(14, 20 - 14 * perDay, perDay, 0.15, seed);
                const sustained = sustainedChange(START, HOUR, values);
                assert.deepEqual(sustained, recentChange(START, HOUR, values), `${perDay}, seed ${seed}`);
                assert.ok(sustained && Math.abs(sustained.perDay - perDay) < 0.15, `${perDay}: ${sustained?.perDay}`);
                const pace = fillingPace(START, HOUR, values);
                assert.ok(pace && Math.abs(pace.change.perDay - perDay) < 0.1, `${perDay}: ${pace?.change.perDay}`);
                assert.equal(pace.basis, 'steady');
                // About 20 % free at the end: full 20 / N days after it.
                const daysLeft = (pace.fullAt - END) / DAY;
                assert.ok(Math.abs(daysLeft - 20 / -perDay) < 0.1 * (20 / -perDay), `${perDay}: ${daysLeft} days left`);
            }
        }
    });

    it('still lists a fast leak that goes on, at its pace, even one that began with a large drop', () => {
        // A leak of 4 % a day from day 11 (three days ago): the last day's pace, which the week does not have yet.
        const going = leak(80, 4, 11);
        const pace = fillingPace(START, HOUR, going);
        assert.ok(pace && pace.basis === 'recent' && Math.abs(pace.change.perDay + 4) < 0.15, JSON.stringify(pace));
        const level = 80 - (4 * (14 * 24 - 1 - 11 * 24)) / 24;
        assert.ok(Math.abs((pace.fullAt - END) / DAY - level / 4) < 0.3, `${(pace.fullAt - END) / DAY} days left`);
        // The same leak with a drop of 15 points 20 hours ago: the pace it kept, and full sooner by the drop's 15 points.
        const withDrop = dropped(going, 20, 15);
        assert.ok(recentChange(START, HOUR, withDrop)!.perDay < -15, "the days' means read the drop as pace");
        const after = fillingPace(START, HOUR, withDrop);
        // Give or take what the hour of the drop did besides (the noise of two hours' steps, within its standard error).
        assert.ok(after && after.basis === 'recent' && Math.abs(after.change.perDay + 4) < 0.5, JSON.stringify(after));
        assert.ok(Math.abs(after.change.perDay + 4) < 2 * after.change.standardError);
        const daysLeft = (after.fullAt - END) / DAY;
        assert.ok(Math.abs(daysLeft * -after.change.perDay - (level - 15)) < 0.5, `${daysLeft} days left`);
    });

    it('does not list a fall that stopped 12 hours ago at its old pace', () => {
        const stopped = leak(80, 4, 9, 12);
        const raw = recentChange(START, HOUR, stopped);
        assert.ok(raw && raw.perDay < -3, 'the last two days still read most of the old pace');
        assert.deepEqual(sustainedChange(START, HOUR, stopped), raw, 'no jump in it');
        assert.equal(fillingPace(START, HOUR, stopped), undefined);
        assert.ok(fillingPace(START, HOUR, leak(80, 4, 9)), 'the same leak going on is listed');
    });

    it('lists a disk that fills steadily and dropped once at its steady pace, from where it is now', () => {
        const steady = series(14, 45, -1, 0.15, 4);
        const values = dropped(steady, 18, 10);
        const pace = fillingPace(START, HOUR, values);
        assert.ok(pace && pace.basis === 'steady' && Math.abs(pace.change.perDay + 1) < 0.05, JSON.stringify(pace));
        // 45 - 14 = 31 % free before the drop, 21 since: full when the pace has taken those 21 points.
        const daysLeft = (pace.fullAt - END) / DAY;
        assert.ok(Math.abs(daysLeft * -pace.change.perDay - 21) < 0.3, `${daysLeft} days left`);
    });

    it('still lists a disk filled by a backup every night, at the pace of the week: a jump every day is a pace', () => {
        // Flat but for 5 points lost every night at 02:00 for the last ten days.
        const nightly = series(14, 80, 0, 0.1, 6).map((v, i) => v - 5 * Math.max(0, Math.floor((i - 2) / 24) - 3));
        const sustained = sustainedChange(START, HOUR, nightly);
        assert.ok(sustained && !clearlyFalling(sustained), `within two days, each night is a jump: ${sustained?.perDay}`);
        const pace = fillingPace(START, HOUR, nightly);
        assert.ok(pace && pace.basis === 'steady' && Math.abs(pace.change.perDay + 5) < 0.05, JSON.stringify(pace));
    });

    it('holds a step across a gap to the same hours a day earlier, and still finds a drop in one', () => {
        // A disk filling 1 % a day with six hours missing: the step across the gap is six hours of filling and of the
        // rhythm, as the same hours a day earlier were; no jump.
        const gapped = series(14, 40, -1, 0.1, 8);
        gapped.fill(NaN, gapped.length - 20, gapped.length - 14);
        assert.deepEqual(sustainedChange(START, HOUR, gapped), recentChange(START, HOUR, gapped));
        // A flat disk that dropped 15 points while its agent was down: as if it had not (four hours missing in the last day
        // leave a little of the rhythm in its mean).
        const flat = series(14, 60, 0, 0.1, 8);
        flat.fill(NaN, flat.length - 20, flat.length - 16);
        const hidden = dropped(flat, 16, 15);
        const sustained = sustainedChange(START, HOUR, hidden);
        assert.ok(sustained && Math.abs(sustained.perDay - recentChange(START, HOUR, flat)!.perDay) < 0.3, String(sustained?.perDay));
        assert.equal(fillingPace(START, HOUR, hidden), undefined);
    });
});
