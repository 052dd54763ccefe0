import * as assert from 'node:assert/strict';
import { FULL_HORIZON_DAYS, incidentNow, projectedFullAt, recentChange, stillMoving } from '../../../src/tools/trend';

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
        const change = { perDay: -10, lastDayMean: 3, lastTime: START, standardError: 0.1 };
        assert.equal(projectedFullAt(change), START);
    });
});
