import * as assert from 'node:assert/strict';
import { random } from '../../../helpers/anomalyData';
import {
    DEFAULT_SENSITIVITY,
    METHOD_EXPLANATION,
    SCORE_EXPLANATION,
    detectAnomalies,
    scoreFromSigmas,
    scoreThreshold,
    sigmasFromScore,
    type AnomalyIncident,
} from '../../../../src/core/anomaly';
import { gaussianUpperQuantile } from '../../../../src/core/anomaly/tail';
import { runSampleEstateCheck } from '../../../../bench/anomalySample';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 5); // a Monday, fixed clock

/** Roughly Gaussian noise with standard deviation `sd`. */
function noise(rand: () => number, sd: number): number {
    return sd * (rand() + rand() + rand() + rand() - 2) * Math.sqrt(3);
}

function grid(length: number, stepMs: number): Float64Array {
    return Float64Array.from({ length }, (_, i) => START + i * stepMs);
}

function series(length: number, stepMs: number, value: (i: number, t: number, rand: () => number) => number, seed = 1) {
    const rand = random(seed);
    const times = grid(length, stepMs);
    const values = Float64Array.from(times, (t, i) => value(i, t, rand));
    return { times, values };
}

function describeIncidents(incidents: AnomalyIncident[]): string {
    return JSON.stringify(incidents.map((x) => ({ at: x.startIndex, end: x.endIndex, dir: x.direction, score: Math.round(x.score) })));
}

/** Incidents after the warm-up (the first day) that touch [from, to]. */
function incidentsIn(incidents: AnomalyIncident[], from: number, to: number): AnomalyIncident[] {
    return incidents.filter((x) => x.endIndex >= from && x.startIndex <= to);
}

describe('detectAnomalies', () => {
    describe('output shape', () => {
        it('returns one expected/lower/upper/score per input point and lower ≤ expected ≤ upper', () => {
            const { times, values } = series(500, 5 * MINUTE, (_i, _t, r) => 50 + noise(r, 2));
            const result = detectAnomalies(times, values);
            for (const name of ['expected', 'lower', 'upper', 'score'] as const) {
                assert.ok(result[name] instanceof Float64Array, name);
                assert.equal(result[name].length, 500, name);
            }
            assert.ok(Number.isNaN(result.score[0]), 'no score before any history');
            for (let i = 50; i < 500; i++) {
                assert.ok(result.lower[i] <= result.expected[i] && result.expected[i] <= result.upper[i], `band at ${i}`);
                assert.ok(result.score[i] >= 0 && result.score[i] <= 100, `score at ${i}`);
            }
        });

        it('ships medium as the default and explains the method and the score in words', () => {
            assert.equal(DEFAULT_SENSITIVITY, 'medium');
            assert.ok(scoreThreshold('high') < scoreThreshold('medium') && scoreThreshold('medium') < scoreThreshold('low'));
            assert.match(METHOD_EXPLANATION, /daily/);
            assert.match(SCORE_EXPLANATION, /0–100|0 is/);
        });

        it('turns a tail probability into Gaussian sigmas (the frequency check of the averaged views)', () => {
            for (const [p, z] of [
                [0.01, 2.326],
                [0.001, 3.09],
                [1e-4, 3.719],
                [1e-6, 4.753],
            ]) {
                assert.ok(Math.abs(gaussianUpperQuantile(p) - z) < 1e-3, `p ${p}: ${gaussianUpperQuantile(p)}`);
            }
        });

        it('maps sigmas to the documented 0–100 scale (50 at 5 sigma) and back', () => {
            assert.equal(scoreFromSigmas(0), 0);
            assert.equal(scoreFromSigmas(5), 50);
            assert.ok(scoreFromSigmas(1000) <= 100);
            assert.ok(Math.abs(sigmasFromScore(scoreFromSigmas(7.3)) - 7.3) < 1e-9);
        });

        it('wider bands at low sensitivity than at high', () => {
            const { times, values } = series(500, 5 * MINUTE, (_i, _t, r) => 50 + noise(r, 2));
            const low = detectAnomalies(times, values, { sensitivity: 'low' });
            const high = detectAnomalies(times, values, { sensitivity: 'high' });
            assert.ok(low.upper[400] - low.lower[400] > high.upper[400] - high.lower[400]);
        });
    });

    describe('known answers', () => {
        it('finds a spike once, as a spike, with actual vs expected at the peak', () => {
            const { times, values } = series(2000, 5 * MINUTE, (i, _t, r) => 40 + noise(r, 1.5) + (i === 1500 ? 30 : 0));
            const { incidents } = detectAnomalies(times, values);
            const hits = incidentsIn(incidents, 1500, 1500);
            assert.equal(hits.length, 1, describeIncidents(incidents));
            assert.equal(hits[0].peakIndex, 1500);
            assert.equal(hits[0].direction, 'spike');
            assert.equal(hits[0].actual, values[1500]);
            assert.ok(Math.abs(hits[0].expected - 40) < 2, `expected ≈ 40, got ${hits[0].expected}`);
            assert.equal(hits[0].start, times[hits[0].startIndex]);
            assert.ok(hits[0].score > scoreThreshold('medium') && hits[0].score <= 100);
            assert.equal(incidentsIn(incidents, 300, 1400).length, 0, describeIncidents(incidents));
        });

        it('finds a dip as a dip', () => {
            const { times, values } = series(2000, 5 * MINUTE, (i, _t, r) => 70 + noise(r, 1) + (i >= 1200 && i < 1203 ? -25 : 0));
            const { incidents } = detectAnomalies(times, values);
            const hits = incidentsIn(incidents, 1200, 1202);
            assert.equal(hits.length, 1, describeIncidents(incidents));
            assert.equal(hits[0].direction, 'dip');
            assert.equal(hits[0].startIndex, 1200, 'reported at its first point');
        });

        it('reports a lasting level shift once, then adopts the new level', () => {
            const { times, values } = series(4000, 5 * MINUTE, (i, _t, r) => (i < 2000 ? 30 : 55) + noise(r, 1.5));
            const result = detectAnomalies(times, values);
            const hits = incidentsIn(result.incidents, 2000, 3999);
            assert.equal(hits.length, 1, describeIncidents(result.incidents));
            assert.ok(hits[0].startIndex >= 2000 && hits[0].startIndex <= 2003, `detected at ${hits[0].startIndex}`);
            assert.equal(hits[0].direction, 'level-shift');
            assert.ok(hits[0].endIndex < 2300, `adapted by ${hits[0].endIndex}`);
            assert.ok(Math.abs(result.expected[3500] - 55) < 2, `expected ${result.expected[3500]}`);
        });

        it('reports a shift and its return to the old level as one episode, but a new level after it again', () => {
            // 30, a step to 55 (a day later than the 12 hours an incident stays open), back to 30, then a drop to 5.
            const level = (i: number) => (i < 2000 ? 30 : i < 2500 ? 55 : i < 3500 ? 30 : 5);
            const { times, values } = series(4500, 5 * MINUTE, (i, _t, r) => level(i) + noise(r, 1.5));
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 2000, 2499).length, 1, describeIncidents(incidents));
            assert.equal(incidentsIn(incidents, 2500, 3499).length, 0, describeIncidents(incidents));
            const drop = incidentsIn(incidents, 3500, 4499);
            assert.equal(drop.length, 1, describeIncidents(incidents));
            assert.ok(drop[0].startIndex <= 3503, `detected at ${drop[0].startIndex}`);
        });

        it('reports a disk filling up as a trend', () => {
            // Free space flat at 60 % for a week, then falling 1 % an hour (hourly samples).
            const { times, values } = series(24 * 14, HOUR, (i, _t, r) => 60 + noise(r, 0.3) - (i > 24 * 7 ? (i - 24 * 7) * 1 : 0));
            const { incidents } = detectAnomalies(times, values);
            const hits = incidentsIn(incidents, 24 * 7, 24 * 14);
            assert.ok(hits.length >= 1, describeIncidents(incidents));
            assert.ok(hits[0].startIndex < 24 * 7 + 24, `detected within a day, at ${hits[0].startIndex}`);
            assert.ok(hits.every((x) => x.direction === 'trend' || x.direction === 'dip' || x.direction === 'level-shift'));
            assert.ok(
                hits.some((x) => x.direction === 'trend'),
                describeIncidents(hits),
            );
            assert.equal(incidentsIn(incidents, 24, 24 * 7 - 1).length, 0, describeIncidents(incidents));
        });

        it('follows a disk that fills steadily all month without false alarms, whatever hour it began, and still sees a drop', () => {
            // Free space falling 0.4–1.2 % a day for five weeks with a small daily rhythm and little noise (as disks do),
            // starting at different times of the week; one run with a 15-point drop (a large copy) on day 31.
            for (const [seed, perDay, startHour] of [
                [1, 0.4, 0],
                [2, 0.8, 13],
                [3, 1.2, 101],
                [4, 0.6, 150],
            ]) {
                const days = 35;
                const rand = random(seed);
                const times = Float64Array.from({ length: days * 24 }, (_, i) => START + (startHour + i) * HOUR);
                const values = Float64Array.from(
                    times,
                    (t, i) => 80 - (perDay * i) / 24 + 0.4 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY) + noise(rand, 0.08),
                );
                const { incidents } = detectAnomalies(times, values);
                assert.deepEqual(
                    incidentsIn(incidents, 24, days * 24),
                    [],
                    `${perDay} a day from hour ${startHour}: ${describeIncidents(incidents)}`,
                );
                const dropAt = 31 * 24 + 5;
                const dropped = values.map((v, i) => (i >= dropAt ? v - 15 : v));
                const hits = incidentsIn(detectAnomalies(times, dropped).incidents, 24, days * 24);
                assert.equal(hits.length, 1, describeIncidents(hits));
                assert.ok(hits[0].startIndex >= dropAt && hits[0].startIndex < dropAt + 6, describeIncidents(hits));
            }
        });

        it('learns a daily rhythm without false alarms and still sees an off-rhythm value', () => {
            const daily = (t: number) => 50 + 30 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const { times, values } = series(288 * 10, 5 * MINUTE, (i, t, r) => daily(t) + noise(r, 1) + (i === 288 * 9 ? -20 : 0));
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 288 * 2, 288 * 9 - 1).length, 0, describeIncidents(incidents));
            assert.equal(incidentsIn(incidents, 288 * 9, 288 * 9).length, 1, describeIncidents(incidents));
        });

        it('learns a square daily pattern (business hours) without false alarms', () => {
            const hourOf = (t: number) => ((t - START) % DAY) / HOUR;
            const { times, values } = series(
                288 * 10,
                5 * MINUTE,
                (_i, t, r) => (hourOf(t) >= 9 && hourOf(t) < 18 ? 80 : 20) + noise(r, 1),
            );
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 288 * 3, 288 * 10).length, 0, describeIncidents(incidents));
        });

        it('learns a weekly rhythm (quiet weekends) without false alarms', () => {
            const weekend = (t: number) => Math.floor((t - START) / DAY) % 7 >= 5;
            const { times, values } = series(24 * 7 * 6, HOUR, (_i, t, r) => (weekend(t) ? 10 : 60) + noise(r, 2), 3);
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 24 * 7 * 3, 24 * 7 * 6).length, 0, describeIncidents(incidents));
        });

        it('keeps trusting a weekly rhythm all week: a modest weekend drop under a daily rhythm is no news in weeks 3 to 6', () => {
            // Business servers: a daily wave, and weekends 4 noise sigmas lower. The weekly forecaster is better only on
            // the weekend; judged on the last few days, it lost the trust by Friday and each Saturday's drop was a dip.
            const weekend = (t: number) => Math.floor((t - START) / DAY) % 7 >= 5;
            const daily = (t: number) => 30 + 15 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const found: string[] = [];
            for (let seed = 1; seed <= 16; seed++) {
                const { times, values } = series(24 * 7 * 6, HOUR, (_i, t, r) => daily(t) - (weekend(t) ? 8 : 0) + noise(r, 2), seed);
                const { incidents } = detectAnomalies(times, values);
                for (const x of incidentsIn(incidents, 24 * 7 * 2, 24 * 7 * 6)) {
                    found.push(`seed ${seed}: ${x.direction} at day ${(x.startIndex / 24).toFixed(1)}`);
                }
            }
            assert.deepEqual(found, []);
            // The weekend's drop has not become routine everywhere: twice that drop on a Wednesday afternoon is news.
            const wednesday = 24 * (7 * 5 + 2);
            const { times, values } = series(
                24 * 7 * 6,
                HOUR,
                (i, t, r) => daily(t) - (weekend(t) ? 8 : 0) - (i >= wednesday + 9 && i < wednesday + 15 ? 16 : 0) + noise(r, 2),
                5,
            );
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, wednesday + 9, wednesday + 15).length, 1, describeIncidents(incidents));
        });

        it('at a 5-minute step, does not call a weekend that begins with a step a dip every Saturday, but sees twice that drop on a Wednesday', () => {
            // At fine steps the daily forecaster stays trusted (its offset follows a weekend's lower level within the hour)
            // and each weekend begins and ends with a step of 4 noise sigmas: the same surprise at the same hour of every
            // week, which the weekly memory of each view excuses from the second week on.
            const step = 5 * MINUTE;
            const perWeek = (7 * DAY) / step;
            const weekend = (t: number) => Math.floor((t - START) / DAY) % 7 >= 5;
            const daily = (t: number) => 30 + 15 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const found: string[] = [];
            for (let seed = 1; seed <= 10; seed++) {
                const { times, values } = series(6 * perWeek, step, (_i, t, r) => daily(t) - (weekend(t) ? 8 : 0) + noise(r, 2), seed);
                const { incidents } = detectAnomalies(times, values);
                for (const x of incidents.filter((y) => y.startIndex >= 2 * perWeek)) {
                    found.push(`seed ${seed}: ${x.direction} at day ${((x.startIndex * step) / DAY).toFixed(2)}`);
                }
            }
            // 40 series-weeks after the first two: at most one report in five (6 now; the engine without the short and
            // volatility views' weekly memory reported 25, most Saturdays and Mondays).
            assert.ok(found.length <= 8, found.join('; '));
            const wednesday = (7 * 5 + 2) * (DAY / step) + (13 * HOUR) / step;
            const { times, values } = series(
                6 * perWeek,
                step,
                (i, t, r) => daily(t) - (weekend(t) ? 8 : 0) - (i >= wednesday && i < wednesday + (6 * HOUR) / step ? 16 : 0) + noise(r, 2),
                3,
            );
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, wednesday, wednesday + (6 * HOUR) / step).length, 1, describeIncidents(incidents));
        });

        it('reports a spike in the first weeks once: it does not become the typical value of that hour of the week', () => {
            // A weekly slot's first visits set it outright; a spike there would be expected again every week after, and
            // its absence reported as a dip, week after week.
            const weekend = (t: number) => Math.floor((t - START) / DAY) % 7 >= 5;
            const daily = (t: number) => 30 + 15 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const found: string[] = [];
            for (const spikeAt of [24 * 3 + 15, 24 * 5 + 10, 24 * 8 + 10, 24 * 9 + 10]) {
                const { times, values } = series(
                    24 * 7 * 6,
                    HOUR,
                    (i, t, r) => daily(t) - (weekend(t) ? 8 : 0) + (i === spikeAt ? 80 : 0) + noise(r, 2),
                    spikeAt,
                );
                const { incidents } = detectAnomalies(times, values);
                assert.equal(incidentsIn(incidents, spikeAt, spikeAt).length, 1, describeIncidents(incidents));
                for (const x of incidents.filter((y) => y.startIndex > spikeAt + 24)) {
                    found.push(`spike at hour ${spikeAt}: ${x.direction} at hour ${x.startIndex}`);
                }
            }
            assert.deepEqual(found, []);
        });

        it('reports a weekly job (one or two hours every Sunday) at most once, but the same job on a Wednesday afternoon', () => {
            const daily = (t: number) => 30 + 15 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const job = 24 * 6 + 2; // Sunday 02:00, in hours of the week
            const wednesday = 24 * (7 * 5 + 2) + 14;
            const reported: string[] = [];
            for (let seed = 1; seed <= 12; seed++) {
                const hours = 1 + (seed % 2);
                const size = 12 + 2 * seed; // 6 to 18 noise sigmas
                const atJob = (i: number) => i % 168 >= job && i % 168 < job + hours;
                const { times, values } = series(
                    24 * 7 * 6,
                    HOUR,
                    (i, t, r) => daily(t) + (atJob(i) || (seed === 12 && i >= wednesday && i < wednesday + hours) ? size : 0) + noise(r, 2),
                    seed,
                );
                const { incidents } = detectAnomalies(times, values);
                const weeks = incidents.filter((x) => atJob(x.startIndex)).map((x) => Math.floor(x.startIndex / 168) + 1);
                if (weeks.length > 1 || weeks.some((w) => w > 4)) {
                    reported.push(`${hours} h of +${size} reported in weeks ${weeks.join(', ')}`);
                }
                assert.equal(incidents.filter((x) => !atJob(x.startIndex)).length, seed === 12 ? 1 : 0, describeIncidents(incidents));
                if (seed === 12) {
                    assert.equal(incidentsIn(incidents, wednesday, wednesday).length, 1, describeIncidents(incidents));
                }
            }
            assert.deepEqual(reported, []);
        });

        it('at a 5-minute step, does not report a two-hour weekly job every week from the third on', () => {
            // 24 points of +6 to +20 noise sigmas every Sunday from 02:00: the average gap to the daily profile (the profile
            // view) rises for hours each time, a surprise of the same size at the same hour of every week.
            const step = 5 * MINUTE;
            const perWeek = (7 * DAY) / step;
            const daily = (t: number) => 30 + 15 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const job = (6 * DAY + 2 * HOUR) / step; // Sunday 02:00, in steps of the week
            const reported: string[] = [];
            for (let seed = 1; seed <= 10; seed++) {
                const size = 12 + 3 * seed;
                const atJob = (i: number) => i % perWeek >= job && i % perWeek < job + (2 * HOUR) / step;
                const { times, values } = series(6 * perWeek, step, (i, t, r) => daily(t) + (atJob(i) ? size : 0) + noise(r, 2), seed);
                const { incidents } = detectAnomalies(times, values);
                for (const x of incidents.filter((y) => y.startIndex >= 2 * perWeek)) {
                    reported.push(`+${size}: ${x.direction} in week ${Math.floor(x.startIndex / perWeek) + 1}`);
                }
            }
            // 40 job-weeks from the third week on: at most one report in ten.
            assert.ok(reported.length <= 4, reported.join('; '));
        });

        it('does not report a nightly job every night, but does report the same spike at an unusual hour', () => {
            // A 5-minute series with a 10-minute burst at about 03:00 (± 30 min) every night, and one burst at 15:00 on day 9.
            const rand = random(21);
            const jitter = Array.from({ length: 12 }, () => Math.floor(rand() * 12) - 6);
            const { times, values } = series(288 * 10, 5 * MINUTE, (i, _t, r) => {
                const day = Math.floor(i / 288);
                const slot = i % 288;
                const nightly = slot >= 36 + jitter[day] && slot < 38 + jitter[day];
                const odd = day === 9 && slot >= 180 && slot < 182;
                return 5 + noise(r, 0.5) + (nightly || odd ? 60 : 0);
            });
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 288 * 3, 288 * 9 - 1).length, 0, describeIncidents(incidents));
            assert.equal(incidentsIn(incidents, 288 * 9 + 180, 288 * 9 + 181).length, 1, describeIncidents(incidents));
        });

        it('does not report a kind of burst the series shows every couple of days each time, but does report a bigger one', () => {
            // 5-minute series near 30 with routine single spikes (4 % of points, +6 to +10) and, every one to three days at
            // random hours, a 20-minute burst of +15 (each point no bigger than the routine spikes' tail allows, the four
            // together a clear short-average surprise); on the last day one burst three times as high. Six seeds.
            let repeats = 0;
            let repeatsReported = 0;
            for (let seed = 1; seed <= 6; seed++) {
                const rand = random(seed);
                const length = 288 * 14;
                const bursts: number[] = [];
                for (let at = 388; at < length - 400; at += Math.floor(2 * 288 * (0.7 + 0.6 * rand()))) {
                    bursts.push(at);
                }
                const big = length - 200;
                const { times, values } = series(
                    length,
                    5 * MINUTE,
                    (i, _t, r) => {
                        const spike = r() < 0.04 ? 6 + 4 * r() : 0;
                        const burst = bursts.some((b) => i >= b && i < b + 4) ? 15 : i >= big && i < big + 4 ? 45 : 0;
                        return 30 + noise(r, 1) + spike + burst;
                    },
                    seed,
                );
                const { incidents } = detectAnomalies(times, values);
                for (const b of bursts.slice(1)) {
                    repeats++;
                    repeatsReported += incidentsIn(incidents, b, b + 3).length;
                }
                assert.equal(incidentsIn(incidents, big, big + 3).length, 1, `seed ${seed}: ${describeIncidents(incidents)}`);
            }
            // Judged by the 99th percentile alone, 15 of the 32 were (this engine: 8): such bursts cover well under 1 % of the points.
            assert.ok(repeatsReported <= repeats / 3, `${repeatsReported} of ${repeats} repeated bursts reported`);
        });

        it('judges rises and falls apart: routine bursts upwards do not hide a sudden drop', () => {
            // A 5-minute series near 33 with a short burst upwards about once an hour (a heavy upper tail), and one
            // drop to 23 on day 4 — what bursts excuse upwards must not excuse downwards.
            const { times, values } = series(288 * 5, 5 * MINUTE, (i, _t, r) => {
                const burst = r() < 1 / 12 ? 3 + 3 * r() : 0;
                return 33.4 + noise(r, 0.08) + burst - (i === 288 * 4 + 100 ? 10 : 0);
            });
            const { incidents } = detectAnomalies(times, values);
            const drop = incidentsIn(incidents, 288 * 4 + 100, 288 * 4 + 100);
            assert.equal(drop.length, 1, describeIncidents(incidents));
            assert.equal(drop[0].direction, 'dip');
            // The bursts themselves are routine after the first days.
            assert.ok(incidentsIn(incidents, 288 * 2, 288 * 4 + 99).length <= 1, describeIncidents(incidents));
        });

        it('raises no incident during the first day, while the rhythm is being learned', () => {
            const daily = (t: number) => 50 + 30 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const { times, values } = series(48, HOUR, (_i, t, r) => daily(t) + noise(r, 1));
            const { incidents, score } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 0, 23).length, 0, describeIncidents(incidents));
            assert.ok(Number.isFinite(score[20]), 'scores are given during the learning period');
        });

        it('keeps the daily profile aligned across gaps (hourly data with missing hours)', () => {
            const daily = (t: number) => 40 + 25 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const { times, values } = series(24 * 21, HOUR, (_i, t, r) => daily(t) + noise(r, 1), 9);
            for (const gap of [250, 251, 330, 400, 401, 402, 433]) {
                values[gap] = NaN;
            }
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidentsIn(incidents, 24 * 3, 24 * 21).length, 0, describeIncidents(incidents));
        });

        it('raises nothing on pure noise or a constant series', () => {
            const noisy = series(3000, 5 * MINUTE, (_i, _t, r) => 20 + noise(r, 3), 7);
            assert.equal(incidentsIn(detectAnomalies(noisy.times, noisy.values).incidents, 300, 3000).length, 0);
            const flat = series(3000, 5 * MINUTE, () => 42);
            const result = detectAnomalies(flat.times, flat.values);
            assert.equal(result.incidents.length, 0);
            assert.equal(result.expected[2000], 42);
        });

        it('reports the first change of a constant series', () => {
            const { times, values } = series(1000, 5 * MINUTE, (i) => (i === 800 ? 50 : 42));
            const { incidents } = detectAnomalies(times, values);
            assert.equal(incidents.length, 1, describeIncidents(incidents));
            assert.equal(incidents[0].startIndex, 800);
        });
    });

    describe('awkward input', () => {
        it('treats NaN and ±Infinity as gaps: NaN out, no incident, later points still scored', () => {
            const { times, values } = series(1500, 5 * MINUTE, (_i, _t, r) => 40 + noise(r, 1));
            values[700] = NaN;
            values[701] = Infinity;
            values[702] = -Infinity;
            for (let i = 900; i < 960; i++) {
                values[i] = NaN;
            }
            const result = detectAnomalies(times, values);
            for (const i of [700, 701, 702, 930]) {
                assert.ok(Number.isNaN(result.score[i]) && Number.isNaN(result.expected[i]), `gap at ${i}`);
            }
            assert.ok(Number.isFinite(result.score[1000]));
            assert.equal(incidentsIn(result.incidents, 300, 1500).length, 0, describeIncidents(result.incidents));
        });

        it('handles irregular timestamps and duplicates', () => {
            const rand = random(11);
            const times: number[] = [];
            const values: number[] = [];
            let t = START;
            for (let i = 0; i < 2000; i++) {
                t += i % 50 === 0 ? 0 : (3 + 4 * rand()) * MINUTE; // every 50th point repeats a timestamp
                times.push(t);
                values.push(25 + noise(rand, 1) + (i === 1700 ? 20 : 0));
            }
            const { incidents, score } = detectAnomalies(times, values);
            assert.equal(score.length, 2000);
            assert.equal(incidentsIn(incidents, 1700, 1700).length, 1, describeIncidents(incidents));
            assert.equal(incidentsIn(incidents, 300, 1699).length, 0, describeIncidents(incidents));
        });

        it('tolerates very short and empty series', () => {
            assert.equal(detectAnomalies([], []).score.length, 0);
            const one = detectAnomalies([START], [5]);
            assert.equal(one.score.length, 1);
            assert.ok(Number.isNaN(one.expected[0]));
            const few = detectAnomalies([START, START + HOUR, START + 2 * HOUR], [1, 100, 1]);
            assert.equal(few.incidents.length, 0);
        });

        it('uses the shorter length when times and values differ', () => {
            const result = detectAnomalies(grid(10, HOUR), new Float64Array(5).fill(1));
            assert.equal(result.score.length, 5);
        });
    });

    describe('the sample estate', () => {
        // 190 machines with data, 30 days: the planted anomalies are the ground truth, everything else is normal.
        for (const [minutes, allowed] of [
            [60, 1],
            [15, 1],
        ] as const) {
            it(`finds at least 90 % of the planted anomalies at ${minutes}-minute steps, with at most ${allowed} false incident${allowed > 1 ? 's' : ''} per 20 machine-weeks`, async function () {
                this.timeout(60_000);
                const { figures, summary } = await runSampleEstateCheck('medium', 200, minutes * MINUTE);
                assert.ok(figures);
                assert.ok(figures.foundShare >= 0.9, summary);
                // At 15 minutes (0.49 now) the engine drew 1.72 before the volatility view took the short average's weekly
                // excuse, and 4.0 before the views' weekly memories held their size: office-hours machines' second weekend,
                // the first judged with settled noise scales.
                assert.ok(figures.falsePer20MachineWeeks <= allowed, summary);
            });
        }
    });

    describe('causality', () => {
        it('scores a prefix exactly as the same points of the whole series', () => {
            const daily = (t: number) => 50 + 20 * Math.sin((2 * Math.PI * ((t - START) % DAY)) / DAY);
            const { times, values } = series(
                288 * 5,
                5 * MINUTE,
                (i, t, r) => daily(t) + noise(r, 2) + (i === 1000 ? 40 : 0) + (i > 1200 ? 15 : 0),
            );
            values[400] = NaN;
            const whole = detectAnomalies(times, values);
            for (const cut of [1, 2, 13, 401, 999, 1001, 1250]) {
                const prefix = detectAnomalies(times.subarray(0, cut), values.subarray(0, cut));
                for (const name of ['expected', 'lower', 'upper', 'score'] as const) {
                    assert.deepEqual(prefix[name], whole[name].subarray(0, cut), `${name} for prefix ${cut}`);
                }
                // Incidents that started in the prefix start at the same point.
                const starts = whole.incidents.filter((x) => x.startIndex < cut).map((x) => x.startIndex);
                assert.deepEqual(
                    prefix.incidents.map((x) => x.startIndex),
                    starts,
                    `incident starts for prefix ${cut}`,
                );
            }
        });

        it('is independent of previous calls (no state leaks between series)', () => {
            const a = series(1000, 5 * MINUTE, (_i, _t, r) => 10 + noise(r, 1), 5);
            const b = series(1000, 5 * MINUTE, (i, _t, r) => 90 + noise(r, 4) + (i % 288 < 100 ? 30 : 0), 6);
            const first = detectAnomalies(a.times, a.values);
            detectAnomalies(b.times, b.values);
            assert.deepEqual(detectAnomalies(a.times, a.values).score, first.score);
        });
    });
});
