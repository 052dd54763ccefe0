import * as assert from 'node:assert/strict';
import type { Machine } from '../../../src/core/model';
import type { InfraSource } from '../../../src/core/source';
import { runTool } from '../../../src/tools';
import type { TrendCourseItem } from '../../../src/tools/get-anomalies';
import { trendCourse } from '../../../src/tools/trend';
import { NOW, sampleSource } from '../../helpers/fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The clock of the review that found both defects. */
const REVIEWED_AT = new Date('2026-12-07T18:00:00Z');

interface Incident {
    computer: string;
    metric: string;
    counter: string;
    direction: string;
    ongoing: boolean;
    ratePerDay: number | null;
    fullAt: string | null;
    trend: TrendCourseItem | null;
}

interface Filling {
    computer: string;
    counter: string;
    ratePerDay: number;
    fullAt: string;
    basis: string;
}

interface WithoutData {
    computer: string;
    status: string;
    statusSince: string | null;
    reason?: string;
}

interface Answer {
    items: Incident[];
    filling: Filling[];
    silent: { computer: string; lastData: string; reason?: string }[];
    withoutData: WithoutData[];
    summary: Record<string, number>;
    warnings: string[];
}

async function anomalies(source: InfraSource, args: Record<string, unknown>): Promise<{ answer: Answer; text: string }> {
    const result = await runTool('GetAnomalies', { source }, args);
    if (!result.ok) {
        assert.fail(result.message);
    }
    return { answer: result.structured as unknown as Answer, text: result.text };
}

/** The text table's cells of an incident's row, by column name; undefined when the table (cut to its text budget) leaves it out. */
function rowOf(text: string, i: Incident): Record<string, string> | undefined {
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('| Score | Machine |'));
    assert.ok(header, 'the text has a table');
    const cells = (line: string) =>
        line
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim());
    const columns = cells(header);
    const line = lines.find((l) => {
        const row = cells(l);
        return row[columns.indexOf('Machine')] === i.computer && row[columns.indexOf('Counter')] === i.counter;
    });
    return line === undefined ? undefined : Object.fromEntries(cells(line).map((c, k) => [columns[k], c]));
}

const minutes = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;

describe('GetAnomalies on trends that ended', () => {
    const source = sampleSource({ machines: 500, now: () => new Date(REVIEWED_AT) });
    const now = REVIEWED_AT.getTime();

    it('says a leak that stopped has ended, with how far and how fast it went and when, and does not list it as filling', async () => {
        const workspaces = (await source.listScopes()).workspaces.map((w) => w.customerId);
        const leaks = source.groundTruth().filter((a) => a.kind === 'trend');
        let ended = 0;
        let going = 0;
        let rows = 0;
        for (const workspace_id of workspaces) {
            const { answer, text } = await anomalies(source, { workspace_id, timespan: '30d', metric: 'disk', max_results: 1000 });
            for (const i of answer.items.filter((item) => item.direction === 'trend' && item.metric === 'diskFree')) {
                const leak = leaks.find((a) => a.computer === i.computer);
                const listed = answer.filling.find((d) => d.computer === i.computer && d.counter === i.counter);
                const row = rowOf(text, i);
                rows += row ? 1 : 0;
                assert.ok(i.trend, `${i.computer}: the trend's course`);
                if (leak && Date.parse(leak.end) <= now - 12 * HOUR) {
                    // Stopped half a day ago or more: said so, with the leak's own course, as the generator planted it.
                    assert.equal(i.ongoing, false, i.computer);
                    assert.equal(i.trend.ended, true, i.computer);
                    assert.equal(i.fullAt, null, i.computer);
                    assert.equal(listed, undefined, `${i.computer}: its leak stopped on ${leak.end}, yet it is listed as filling`);
                    assert.ok(i.trend.end !== null && Math.abs(Date.parse(i.trend.end) - Date.parse(leak.end)) <= 3 * HOUR, i.computer);
                    assert.ok(Math.abs(Date.parse(i.trend.start) - Date.parse(leak.start)) <= 3 * HOUR, i.computer);
                    const days = (Date.parse(leak.end) - Date.parse(leak.start)) / DAY;
                    assert.ok(Math.abs(i.trend.days - days) <= 0.25, `${i.computer}: ${i.trend.days} d, planted ${days.toFixed(2)} d`);
                    // The planted leaks fill at 2.5–5 points a day: the pace while it lasted, not the flat days since.
                    assert.ok(i.trend.perDay < -2 && i.trend.perDay > -5.5, `${i.computer}: ${i.trend.perDay} % a day`);
                    assert.ok(Math.abs(i.trend.change - i.trend.perDay * i.trend.days) < 0.5, i.computer);
                    const span = i.trend.days < 2 ? `${Math.round(i.trend.days * 24)} h` : `${Math.round(i.trend.days * 10) / 10} d`;
                    if (row) {
                        assert.equal(row.Kind, `trend, ended: ${i.trend.change} pts at ${i.trend.perDay}%/day`);
                        assert.equal(row.Duration, `${span}, to ${minutes(i.trend.end)}`);
                        // It starts where its course starts, which its duration counts from.
                        assert.equal(row.Start, minutes(i.trend.start));
                    }
                    ended++;
                } else if (leak && Date.parse(leak.end) >= now && Date.parse(leak.start) <= now - 2 * DAY) {
                    // Still leaking: its pace now and when the disk is full, the same as the filling list says.
                    assert.equal(i.ongoing, true, i.computer);
                    assert.equal(i.trend.ended, false, i.computer);
                    assert.equal(i.trend.end, null, i.computer);
                    assert.ok(i.fullAt !== null, i.computer);
                    assert.deepEqual(listed && [listed.basis, listed.ratePerDay, listed.fullAt], ['trend', i.ratePerDay, i.fullAt]);
                    if (row) {
                        assert.equal(row.Kind, `trend ${String(i.ratePerDay)}%/day, full ~${minutes(i.fullAt)}`);
                        assert.match(row.Duration, /^\d+(\.\d)? d so far$/);
                    }
                    going++;
                }
                // Whatever the generator planted: an ended trend never fills, and one that fills is on the list.
                if (i.trend.ended) {
                    assert.equal(listed, undefined, `${i.computer} has ended yet is listed as filling`);
                    if (row) {
                        assert.match(row.Kind, /^trend, ended/, `${i.computer}: an ended trend shown as going on`);
                    }
                } else if (i.fullAt !== null) {
                    assert.equal(listed?.fullAt, i.fullAt, `${i.computer} fills yet is not listed`);
                }
            }
            for (const i of answer.items.filter((item) => item.direction !== 'trend')) {
                assert.equal(i.trend, null, 'a course only for trends');
            }
        }
        assert.ok(ended >= 10 && going >= 2, `${ended} ended and ${going} ongoing leaks checked`);
        assert.ok(rows >= 10, `${rows} rows of the text table checked`);
    });

    it("reads the reviewer's rows as ended: a leak that stopped overnight, one that stopped days ago", async () => {
        const leaks = source.groundTruth().filter((a) => a.kind === 'trend');
        for (const computer of ['ctso-sql-chi-11', 'ctso-dc-fra-05']) {
            // Asked of the machine, so that its row is in the text however many incidents of the fleet outrank it.
            const { answer, text } = await anomalies(source, { server_name: computer });
            const leak = leaks.find((a) => a.computer === computer);
            assert.ok(leak && Date.parse(leak.end) < now - 12 * HOUR, `${computer}: planted leak ended ${leak?.end}`);
            const i = answer.items.find((item) => item.computer === computer && item.direction === 'trend');
            assert.ok(i?.trend, computer);
            assert.match(String(rowOf(text, i)?.Kind), /^trend, ended: -\d+(\.\d+)? pts at -\d(\.\d+)?%\/day$/);
            assert.ok(i.trend.change < -10, `${computer}: ${i.trend.change} points`);
            assert.ok(!answer.filling.some((d) => d.computer === computer), computer);
        }
    });
});

describe('a trend course fitted to its series', () => {
    const START = Date.parse('2026-11-01T00:00:00Z');
    /** 20 days of hourly free space: 60 %, a slow drift, a daily rhythm and noise, with a leak of `perDay` from day 10 to `endDay`. */
    function disk(perDay: number, endDay: number, days = 20): Float64Array {
        let state = 7;
        const noise = () => {
            state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
            return state / 2_147_483_648 - 0.5;
        };
        return Float64Array.from({ length: days * 24 }, (_, h) => {
            const day = h / 24;
            const leak = perDay * (Math.min(Math.max(day, 10), endDay) - 10);
            return 60 - 0.1 * day + leak + 0.5 * Math.sin((2 * Math.PI * h) / 24) + 0.2 * noise();
        });
    }
    // The detector raises a trend some hours in: here five.
    const raised = { startIndex: 10 * 24 + 5, actual: 58, expected: 59 };

    it('finds where an ended leak began and stopped, how far it went and its pace while it lasted', () => {
        const course = trendCourse(START, HOUR, disk(-4, 14), raised, false);
        assert.ok(course);
        assert.ok(Math.abs(course.start - (START + 10 * DAY)) <= 2 * HOUR, new Date(course.start).toISOString());
        assert.ok(Math.abs(course.end - (START + 14 * DAY)) <= 2 * HOUR, new Date(course.end).toISOString());
        assert.ok(Math.abs(course.perDay + 4.1) < 0.15, String(course.perDay));
        assert.ok(Math.abs(course.change + 16.4) < 0.6, String(course.change));
    });

    it('runs an ongoing one to the latest value, and reads the same pace from 5-minute bins', () => {
        const going = trendCourse(START, HOUR, disk(-4, 20), raised, true);
        assert.ok(going);
        assert.equal(going.end, START + (20 * 24 - 1) * HOUR);
        assert.ok(Math.abs(going.perDay + 4.1) < 0.15, String(going.perDay));
        const hourly = disk(-4, 14);
        const fine = Float64Array.from({ length: hourly.length * 12 }, (_, k) => hourly[Math.floor(k / 12)]);
        const fromFine = trendCourse(START, 5 * 60_000, fine, { ...raised, startIndex: raised.startIndex * 12 }, false);
        assert.ok(fromFine && Math.abs(fromFine.perDay + 4.1) < 0.15, String(fromFine?.perDay));
    });

    it('gives no course that goes against the incident (a rise fitted to a fall)', () => {
        assert.equal(trendCourse(START, HOUR, disk(4, 14), raised, false), undefined);
    });
});

describe('GetAnomalies on machines that sent nothing in the whole range read', () => {
    const source = sampleSource({ machines: 300 });
    const monthAgo = NOW.getTime() - 30 * DAY;
    const off = (m: Machine) => m.status !== 'Connected' && m.status !== 'Running' && m.status !== 'Error';

    async function fleet(of: InfraSource = source): Promise<Machine[]> {
        const subscriptionIds = (await of.listScopes()).subscriptions.map((s) => s.subscriptionId);
        return (await of.getMachines({ subscriptionIds })).rows;
    }

    it('lists every machine of the workspace off since before the range read, with Azure’s reason, and counts it', async () => {
        const machines = await fleet();
        let listed = 0;
        for (const { customerId } of (await source.listScopes()).workspaces) {
            const { answer, text } = await anomalies(source, { workspace_id: customerId, max_results: 1000 });
            const ours = machines.filter((m) => m.workspaceId === customerId);
            // The generator stops a machine's data when it goes off: off before the month read, nothing at all was read.
            const expected = ours.filter((m) => off(m) && Date.parse(String(m.lastStatusChange)) < monthAgo);
            assert.deepEqual(answer.withoutData.map((m) => m.computer).sort(), expected.map((m) => m.name).sort(), customerId);
            assert.ok(expected.length > 0, `${customerId}: a machine off for over a month`);
            for (const m of answer.withoutData) {
                const machine = ours.find((o) => o.name === m.computer);
                assert.equal(m.status, machine?.status);
                assert.equal(m.reason, `it is ${m.status} since ${minutes(String(m.statusSince))}`);
                assert.ok(!answer.silent.some((s) => s.computer === m.computer), `${m.computer} is in one list only`);
            }
            // Off within the month: the ordinary silent list, as before.
            for (const m of ours.filter((o) => off(o) && Date.parse(String(o.lastStatusChange)) > monthAgo + HOUR)) {
                assert.ok(
                    answer.silent.some((s) => s.computer === m.name),
                    `${m.name}, ${m.status} since ${m.lastStatusChange}`,
                );
            }
            const since = answer.withoutData.map((m) => String(m.statusSince));
            assert.deepEqual(since, [...since].sort().reverse(), 'the most recently off first');
            // Every machine the workspace holds is counted: those with data, and those without.
            assert.equal(answer.summary.machinesWithoutData, expected.length);
            assert.equal(answer.summary.machines + answer.summary.machinesWithoutData, ours.length, customerId);
            const lines = text.split('\n');
            const n = expected.length;
            assert.ok(
                lines[1].includes(
                    ` ${n === 1 ? '1 machine that Azure lists as reporting to this workspace has' : `${n} machines that Azure lists as reporting to this workspace have`} sent no data at all in the 30d read.`,
                ),
                lines[1],
            );
            const note = lines.find((l) => l.startsWith('Sent no data at all in the 30d read, though Azure lists '));
            for (const m of answer.withoutData) {
                assert.ok(note?.includes(`${m.computer} (${String(m.reason)})`), note);
            }
            listed += n;
        }
        assert.ok(listed >= 3, `${listed} machines listed`);
        const few = await anomalies(source, { max_results: 1 });
        assert.equal(few.answer.withoutData.length, 1, 'max_results bounds the list');
        assert.ok(few.answer.summary.machinesWithoutData > 1, 'the summary counts them all');
    });

    it('keeps to the machines chosen by server_name, tags and resource group, and says each once', async () => {
        const all = await anomalies(source, { max_results: 1000 });
        const machines = await fleet();
        const first = all.answer.withoutData.find((m) => Object.keys(machines.find((r) => r.name === m.computer)?.tags ?? {}).length > 0);
        const machine = machines.find((m) => m.name === first?.computer);
        assert.ok(first && machine, 'a machine without data that has tags');
        const named = await anomalies(source, { server_name: first.computer });
        assert.deepEqual(
            named.answer.withoutData.map((m) => m.computer),
            [first.computer],
        );
        assert.ok(named.text.split('\n')[1].startsWith('No CPU or disk series was read for the machines chosen'));
        assert.ok(named.text.includes(`${first.computer} (${String(first.reason)})`), named.text);
        assert.ok(!named.answer.warnings.some((w) => w.includes(first.computer)), 'not told twice');
        for (const args of [
            { resource_group: [machine.resourceGroup] },
            { tags: Object.entries(machine.tags).map(([k, v]) => `${k}=${v}`) },
        ]) {
            const chosen = await anomalies(source, { ...args, max_results: 1000 });
            assert.ok(
                chosen.answer.withoutData.some((m) => m.computer === first.computer),
                JSON.stringify(args),
            );
            const names = new Set(chosen.answer.withoutData.map((m) => m.computer));
            const expected: WithoutData[] = all.answer.withoutData.filter((m) => {
                const record = machines.find((r) => r.name === m.computer);
                return 'resource_group' in args
                    ? record?.resourceGroup === machine.resourceGroup
                    : Object.entries(machine.tags).every(([k, v]) => record?.tags[k] === v);
            });
            assert.deepEqual([...names].sort(), expected.map((m) => m.computer).sort(), JSON.stringify(args));
        }
    });

    it("lists nothing when the machines' records do not say which workspace they report to (as Azure's often do not)", async () => {
        const unsaid: InfraSource = Object.create(source);
        unsaid.getMachines = async (query) => {
            const answer = await source.getMachines(query);
            return { ...answer, rows: answer.rows.map(({ workspaceId: _dropped, ...m }) => m) };
        };
        const { answer, text } = await anomalies(unsaid, { max_results: 1000 });
        assert.deepEqual(answer.withoutData, []);
        assert.equal(answer.summary.machinesWithoutData, 0);
        assert.ok(!text.includes('sent no data at all'), text);
    });

    it("lists the reviewer's three machines of the default estate, which the summary now counts", async () => {
        const reviewed = sampleSource({ now: () => new Date(REVIEWED_AT) });
        const { answer, text } = await anomalies(reviewed, {});
        assert.deepEqual(
            answer.withoutData.map((m) => [m.computer, m.status]),
            [
                ['ctso-fs-ams-02', 'Disconnected'],
                ['ctso-dc-fra-01', 'Expired'],
                ['web-lnx-fra-02', 'Expired'],
            ],
        );
        const workspace = reviewed.defaultWorkspaceId;
        const ours = (await fleet(reviewed)).filter((m) => m.workspaceId === workspace);
        assert.equal(answer.summary.machines + answer.summary.machinesWithoutData, ours.length);
        assert.match(text, / 3 machines that Azure lists as reporting to this workspace have sent no data at all in the 30d read\./);
    });
});

describe('GetAnomalies on a disk that dropped once and has been flat since', () => {
    // The 300-machine estate of seed 7 at the tests' clock (the review's repro): ctso-sql-ams-21's C: fell once, from about
    // 81 % free to 63.6 %, at 2026-11-25 17:00 and has been flat for the 18 hours since. The difference of the last two
    // days' means read that as -13.73 % a day and listed the disk as "full around 2026-11-30 20:32".
    const source = sampleSource({ machines: 300, seed: 7 });
    const computer = 'ctso-sql-ams-21';

    it('reports the drop as an incident, and does not list the disk as filling up', async () => {
        const planted = source.groundTruth().filter((a) => a.computer === computer);
        assert.deepEqual(
            planted.map((a) => [a.metric, a.kind, a.start]),
            [['diskFree', 'level-shift', '2026-11-25T17:00:00.000Z']],
            'the drop is planted as it was',
        );
        const result = await runTool('GetAnomalies', { source }, { server_name: computer, include_series: true });
        if (!result.ok) {
            assert.fail(result.message);
        }
        const answer = result.structured as unknown as Answer & { series: { counter: string; values: (number | null)[] }[] };
        // One step down, then flat: the last 18 hours within half a point of each other, 17 points under the hours before.
        const values = answer.series.find((s) => s.counter === 'C: % Free Space')?.values.filter((v): v is number => v !== null);
        assert.ok(values && values.length > 48);
        const since = values.slice(-18);
        const before = values.slice(-30, -19);
        assert.ok(Math.max(...since) - Math.min(...since) < 1, `flat since: ${since.join(' ')}`);
        assert.ok(Math.min(...before) - Math.max(...since) > 15, `one drop: ${before.join(' ')}`);
        assert.ok(
            answer.items.some((i) => i.computer === computer && i.metric === 'diskFree' && i.direction === 'level-shift'),
            'the drop is an incident',
        );
        assert.deepEqual(answer.filling, [], 'not filling up');
        assert.equal(answer.summary.disksFilling, 0);
        assert.ok(!result.text.includes('filling up'), result.text);
    });
});
