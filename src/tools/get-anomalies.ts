import { z } from 'zod';
import { DEFAULT_SENSITIVITY, detectAnomalies, type AnomalyIncident } from '../core/anomaly';
import type { Machine, MetricKind, MetricSeries } from '../core/model';
import { hostName, type QueryResult } from '../core/source';
import { countIn, distinctCount } from '../core/summaries';
import { formatTimespan, parseTimespan, TIME } from '../core/timespan';
import { noDataWarnings, rowsComputers, silentReasons } from './agents';
import { envelope, envelopeOf, inputs, limit, namesOf, otherWorkspacesNotes, resolveWorkspaceScope, type WorkspaceScope } from './common';
import { startDetection, timesOf } from './detection';
import { describeCounts, plural, renderText, shortTime } from './text';
import {
    fillingPace,
    FULL_HORIZON_DAYS,
    incidentNow,
    LOW_FREE_SPACE_PERCENT,
    PACE_BASES,
    PACE_BASIS_TEXT,
    projectedFullAt,
    signedPace,
    STEADY_PACE_DAYS,
    trendCourse,
    type IncidentNow,
    type TrendCourse,
} from './trend';
import { defineTool, READ_ONLY, type ToolContext } from './types';
import { HISTORY_MS, SILENT_AFTER_HOURS } from './vocabulary';

/** No incident is reported in a series' first two days (see GetAnomalies' run). */
const RHYTHM_LEARNING_MS = 2 * TIME.DAY;

function firstFiniteIndex(values: ArrayLike<number>): number {
    for (let i = 0; i < values.length; i++) {
        if (Number.isFinite(values[i])) {
            return i;
        }
    }
    return -1;
}
const RESOLUTIONS = { '5m': 5 * TIME.MINUTE, '15m': 15 * TIME.MINUTE, '1h': TIME.HOUR } as const;
const METRICS: Record<'cpu' | 'disk' | 'all', MetricKind[]> = {
    cpu: ['cpu'],
    disk: ['diskFree', 'diskTransfers'],
    all: ['cpu', 'diskFree', 'diskTransfers'],
};

const nullableNumbers = z.array(z.number().nullable());

/** A trend incident's whole course, fitted to its series (tools/trend.ts trendCourse). */
const trendCourseSchema = z.object({
    start: z
        .string()
        .describe('when the series began to follow it, fitted to the series (the detector raises a trend once it is clear, hours later)'),
    end: z.string().nullable().describe('when it stopped, fitted to the series; null while it goes on'),
    ended: z.boolean().describe('true when the series no longer follows it (not ongoing): it is not filling anything now'),
    days: z.number().describe('how long it lasted: from start to end, or to the latest value while it goes on'),
    change: z.number().describe("how far the series moved over it, in the series' unit (free space: percentage points)"),
    perDay: z.number().describe('its pace over that stretch, per day (change / days)'),
});
export type TrendCourseItem = z.infer<typeof trendCourseSchema>;

const incident = z.object({
    computer: z.string(),
    metric: z.enum(['cpu', 'diskFree', 'diskTransfers']),
    counter: z.string(),
    unit: z.string(),
    direction: z.enum(['spike', 'dip', 'level-shift', 'trend']),
    score: z.number().describe('0–100; 50 is a clear anomaly at the default sensitivity, 90+ is extreme'),
    start: z.string().describe('when the detector raised it (for a trend, a few hours into it: see trend.start)'),
    end: z
        .string()
        .describe(
            "the incident's last anomalous point; a trend stops being anomalous once the detector has adopted its pace, long before it ends (see trend)",
        ),
    peakTime: z.string(),
    durationMinutes: z
        .number()
        .describe('from start to end, in minutes: how long the series was anomalous, not how long a trend lasted (see trend.days)'),
    actual: z.number().describe('value at the peak'),
    expected: z.number().describe('what the series normally shows at that time'),
    baseline: z.number().nullable().describe('expected value when the incident began'),
    latest: z.number().nullable().describe("the series' latest value: whether it is still away from normal now"),
    ongoing: z
        .boolean()
        .describe(
            'a trend the series still follows now (its pace over the last 48 h and over the last 6 h against the same hours a day earlier both clearly faster that way than before the trend began); listed even when it began before the timespan. A level shift the series has kept following since is reported as such a trend. A trend that is not ongoing has ended (trend.ended)',
        ),
    ratePerDay: z
        .number()
        .nullable()
        .describe(
            "for a trend: how fast the series moves now, per day (mean of the last 24 h minus the 24 h before); else null. For a trend that has ended this mixes its last hours with what followed, so it is not the trend's pace: see trend.perDay",
        ),
    fullAt: z
        .string()
        .nullable()
        .describe(
            `for a free-space trend still clearly falling: when free space reaches 0 % at that pace, if within ${FULL_HORIZON_DAYS} days; else null`,
        ),
    trend: trendCourseSchema
        .nullable()
        .describe(
            "for a trend: its whole course as the series shows it — start, end, how far and how fast it moved — so that one that ended reads as such; null for other incidents, or when the series does not show the trend's course clearly",
        ),
});

const fillingDisk = z.object({
    computer: z.string(),
    counter: z.string(),
    latest: z.number().nullable().describe('free space now, %'),
    ratePerDay: z.number().describe('how fast free space changes now, % per day (negative: filling)'),
    fullAt: z.string().describe('when free space reaches 0 % at that pace'),
    paceSince: z.string().describe('the start of the stretch the pace was read from'),
    basis: z
        .enum(PACE_BASES)
        .describe(
            `trend: an ongoing trend incident, paced over the last 24 h against the 24 h before; steady: no ongoing trend, the median day-to-day change of the daily means of the last ${STEADY_PACE_DAYS} days, listed only while falling now (the last 24 h against the 24 h before, and the last 6 h against the same hours a day earlier); recent: the last 24 h against the 24 h before, one-off jumps (a copy, a clean-up) left out, when that differs clearly from the week's pace (a leak that began lately)`,
        ),
});

/** A latest value older than this before the end of the window is shown with its time (the machine stopped reporting). */
const STALE_LATEST_MS = TIME.DAY;

const lowDisk = z.object({
    computer: z.string(),
    counter: z.string(),
    latest: z.number().describe('free space at its latest value, %'),
    latestAt: z.string().describe('when that value was measured'),
    fullAt: z.string().nullable().describe('when it is full at its present pace, if it is also filling up (see filling); else null'),
    freeGb: z
        .number()
        .nullable()
        .describe('space left in GB at the latest measurement in the timespan, when the workspace collects it (Free Megabytes); else null'),
});

const silentMachine = z.object({
    computer: z.string(),
    lastData: z.string().describe('the start of the last time bin with data from it in any series read'),
    hoursSilent: z
        .number()
        .describe(
            'hours without data for certain: from the end of that bin (its data may have come at any time in it) to the end of the timespan',
        ),
    reason: z
        .string()
        .optional()
        .describe(
            'why, as far as Azure says: the machine off (Disconnected, Stopped… since when), its monitoring agent in the Failed state (with the message), or no monitoring agent; absent when Azure sees nothing wrong (then the data collection rule or the network)',
        ),
});

const machineWithoutData = z.object({
    computer: z.string().describe("the machine's name in Azure"),
    status: z
        .string()
        .describe('its status in Azure: Connected, Disconnected, Expired, Error (Azure Arc), Running, Stopped, Deallocated (Azure VMs)'),
    statusSince: z.string().nullable().describe('when it took that status, when Azure says; else null'),
    reason: z
        .string()
        .optional()
        .describe(
            'why, as far as Azure says: the machine off (Disconnected, Stopped… since when), its monitoring agent in the Failed state (with the message), or no monitoring agent; absent when Azure sees nothing wrong (then the data collection rule or the network)',
        ),
});

const series = z.object({
    computer: z.string(),
    metric: z.enum(['cpu', 'diskFree', 'diskTransfers']),
    counter: z.string(),
    unit: z.string(),
    start: z.string(),
    stepMs: z.number(),
    values: nullableNumbers,
    expected: nullableNumbers,
    lower: nullableNumbers,
    upper: nullableNumbers,
});

export const getAnomalies = defineTool({
    name: 'GetAnomalies',
    title: 'CPU and disk anomalies',
    description:
        "Finds unusual CPU and disk behaviour (Log Analytics Perf/InsightsMetrics series) with a causal detector that learns each series' own level, trend, daily and " +
        'weekly pattern and noise from the last 30 days (or the whole timespan when longer), so a short timespan finds the same incidents as a long one; nothing is reported in the first two days of a series, while its daily rhythm is learned. Each incident says when it started and ended, the direction (spike, dip, level-shift, trend such as a disk filling up), ' +
        'the actual vs expected value at its peak, the latest value, a 0–100 score, and for a trend its course (when it began, and when it ended or that it goes on, how far and how fast the series moved), its pace per day now and, for free space still filling, when the disk is full at that pace; sorted by score. ' +
        `Also lists every disk filling up fast enough to be full within ${FULL_HORIZON_DAYS} days, soonest first — leaks, and disks that fill steadily without ever being an anomaly (the median daily change of the last week) — ` +
        `and every disk low on space now (latest free space under low_free_space, default ${LOW_FREE_SPACE_PERCENT} %), lowest first, with the GB left, filling or not, ` +
        `and every machine that stopped reporting (no data in the series read for ${SILENT_AFTER_HOURS} hours or more at the end of the timespan), most recent first, ` +
        "and every machine whose Azure record says it reports to the workspace that sent nothing at all in the range read, with Azure's reason. " +
        'Metrics: cpu (% processor time), disk (free space % and transfers/s). ' +
        'Machines: server_name, tags, resource_group (default: every machine reporting to the workspace). ' +
        'Default timespan 7d, hourly resolution, sensitivity medium. include_series adds the series with the expected band for charting.',
    input: z
        .object({
            workspace_id: inputs.workspaceId,
            timespan: inputs.timespan('7d'),
            metric: z.enum(['cpu', 'disk', 'all']).optional().describe('cpu, disk or all (default all).'),
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            sensitivity: z
                .enum(['low', 'medium', 'high'])
                .optional()
                .describe(`low reports only the clearest incidents; high also subtle ones. Default ${DEFAULT_SENSITIVITY}.`),
            resolution: z.enum(['5m', '15m', '1h']).optional().describe('Bin width of the analysed series (default 1h).'),
            low_free_space: z
                .number()
                .gt(0)
                .max(100)
                .optional()
                .describe(
                    `A disk is low on space when its latest free space is under this percentage (default ${LOW_FREE_SPACE_PERCENT}).`,
                ),
            include_series: z
                .boolean()
                .optional()
                .describe(
                    'Add the series of the incidents and of the disks filling up or low on space that are listed (values, expected, band) for charts, from the start of the timespan or of an earlier incident listed. Default false.',
                ),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            machines: z.number().int().describe('machines with data in the series read (those with none are machinesWithoutData)'),
            seriesAnalysed: z.number().int(),
            incidents: z.number().int(),
            machinesWithIncidents: z.number().int(),
            byMetric: z.record(z.number()),
            byDirection: z.record(z.number()),
            sensitivity: z.enum(['low', 'medium', 'high']),
            resolution: z.string(),
            disksFilling: z
                .number()
                .int()
                .describe(`disks whose free space is falling fast enough to be full within ${FULL_HORIZON_DAYS} days`),
            firstFullAt: z.string().nullable().describe('the earliest fullAt of those disks'),
            disksLow: z.number().int().describe('disks whose latest free space is under lowFreeSpace %'),
            disksLowByDesign: z
                .number()
                .int()
                .describe(
                    'volumes under lowFreeSpace % that are full by design and not counted in disksLow: Linux snap packages (/snap/…), Windows volumes without a drive letter (HarddiskVolumeN: recovery and system partitions)',
                ),
            lowFreeSpace: z.number().describe('the free-space percentage under which a disk is low on space'),
            machinesSilent: z
                .number()
                .int()
                .describe(`machines with data in the series read but none in their last ${SILENT_AFTER_HOURS} hours`),
            machinesWithoutData: z
                .number()
                .int()
                .describe(
                    'machines that Azure lists as reporting to this workspace, chosen as asked, with no data at all in the series read (see withoutData); counted neither in machines nor in machinesSilent',
                ),
        }),
        items: z.array(incident),
        filling: z
            .array(fillingDisk)
            .describe(
                `every disk whose free space is clearly falling fast enough to reach 0 % within ${FULL_HORIZON_DAYS} days — a leak found as a trend incident, or a steady fill that never was an incident — soonest first (at most max_results)`,
            ),
        lowSpace: z
            .array(lowDisk)
            .describe(
                'every disk whose latest free space is under summary.lowFreeSpace %, lowest first (at most max_results); volumes full by design are left out (summary.disksLowByDesign)',
            ),
        silent: z
            .array(silentMachine)
            .describe(
                `every machine that sent data in the series read (the metric chosen) earlier but none in the last ${SILENT_AFTER_HOURS} hours of the timespan, the most recently silent first (at most max_results): its agent or data collection stopped, or the machine is off. A machine that sent nothing at all in the range read is in withoutData instead`,
            ),
        withoutData: z
            .array(machineWithoutData)
            .describe(
                `every machine whose Azure record says it reports to this workspace (chosen by server_name, tags and resource_group as asked) that sent nothing at all in the series read (the last ${formatTimespan(HISTORY_MS)}, or the timespan when longer; the metric chosen): machines Azure calls up first, by name (data that should come and does not), then those off, the most recently off first (at most max_results). A machine whose record does not say which workspace it reports to — as Azure's often do not — is never listed here; GetServerMetadata lists every machine`,
            ),
        series: z.array(series).optional(),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const scope = await resolveWorkspaceScope(context, input, '7d');
        const windowMs = parseTimespan(scope.range.timespan);
        const sensitivity = input.sensitivity ?? DEFAULT_SENSITIVITY;
        const resolution = input.resolution ?? '1h';
        const stepMs = RESOLUTIONS[resolution];
        const historyMs = Math.max(windowMs, HISTORY_MS);
        // Detection starts on the first series while the source is still fetching or generating the rest.
        const scan = startDetection(sensitivity, context.signal);
        let delivered = 0;
        context.progress?.(`Reading the CPU and disk series of the last ${formatTimespan(historyMs)} at ${resolution}…`);
        let result: QueryResult<MetricSeries>;
        try {
            result = await context.source.getMetricSeries({
                ...scope.query,
                from: new Date(scope.range.to.getTime() - historyMs),
                metrics: METRICS[input.metric ?? 'all'],
                stepMs,
                onSeries: (batch) => {
                    delivered += batch.length;
                    context.progress?.(`Read ${delivered.toLocaleString('en')} series; analysing them as they arrive…`);
                    scan.add(batch.filter((s) => scope.matchesComputer(s.computer)));
                },
            });
        } catch (error) {
            scan.abandon();
            throw error;
        }
        const windowStart = scope.range.from.getTime();
        const analysed = result.rows.filter((s) => scope.matchesComputer(s.computer));
        // Rows the source did not hand over in batches (the batches are the first rows, in order).
        scan.add(result.rows.slice(delivered).filter((s) => scope.matchesComputer(s.computer)));
        context.progress?.(`Analysing ${analysed.length.toLocaleString('en')} series…`);
        const findings = await scan.finish();
        const found: (Found & { baseline: number })[] = [];
        // Where the data read begins (said when that is well after the timespan's start: a workspace keeps 30 days by default).
        let dataFrom = Infinity;
        analysed.forEach((series, n) => {
            const { incidents, baselines } = findings[n];
            // Not in a series' first two days: the detector raises nothing in the first, and the daily forecast is trusted
            // only after two — the first nightly job or office morning would be news to it.
            const first = firstFiniteIndex(series.values);
            const firstAt = first < 0 ? Infinity : series.start + first * series.stepMs;
            dataFrom = Math.min(dataFrom, firstAt);
            const learnedFrom = firstAt + RHYTHM_LEARNING_MS;
            incidents.forEach((incident, i) => {
                if (incident.start < learnedFrom) {
                    return;
                }
                // A trend is reported once, when it starts; while the series still follows it, it is still going on and
                // is listed even if it began before the window (a disk that has been filling for ten days).
                const { direction, change, ongoing } = incidentNow(
                    series.start,
                    series.stepMs,
                    series.values,
                    incident,
                    i === incidents.length - 1,
                );
                if (incident.end >= windowStart || ongoing) {
                    // Where the trend began and, once it has, where it ended: its own pace, not what followed it.
                    const course =
                        direction === 'trend' ? trendCourse(series.start, series.stepMs, series.values, incident, ongoing) : undefined;
                    found.push({ series, incident, baseline: baselines[i], direction, change, ongoing, course });
                }
            });
        });
        found.sort((a, b) => b.incident.score - a.incident.score || a.incident.start - b.incident.start);
        const incidents = found.map(({ series: s, incident, baseline, direction, change, ongoing, course }) => {
            const fullAt = change && ongoing && s.metric === 'diskFree' ? projectedFullAt(change) : undefined;
            return {
                computer: s.computer,
                metric: s.metric,
                counter: s.counter,
                unit: s.unit,
                direction,
                score: round(incident.score),
                start: new Date(incident.start).toISOString(),
                end: new Date(incident.end).toISOString(),
                peakTime: new Date(incident.peak).toISOString(),
                durationMinutes: Math.round((incident.end - incident.start + s.stepMs) / TIME.MINUTE),
                actual: round(incident.actual),
                expected: round(incident.expected),
                baseline: finiteOrNull(baseline),
                latest: finiteOrNull(latestOf(s.values)),
                ongoing,
                ratePerDay: change ? finiteOrNull(change.perDay) : null,
                fullAt: fullAt === undefined ? null : new Date(fullAt).toISOString(),
                trend: course
                    ? {
                          start: new Date(course.start).toISOString(),
                          end: ongoing ? null : new Date(course.end).toISOString(),
                          ended: !ongoing,
                          days: round((course.end - course.start) / TIME.DAY),
                          change: round(course.change),
                          perDay: round(course.perDay),
                      }
                    : null,
            };
        });
        const { items, truncation } = limit(incidents, input.max_results);
        const allFilling = fillingDisks(analysed, found);
        const filling = limit(allFilling, input.max_results).items;
        // An incident on a disk that is filling up now says so, whatever the detector called its start (a leak can begin as a step).
        const fillingOf = new Map(allFilling.map((f) => [`${f.computer}\u0000${f.counter}`, f]));
        const lowFreeSpace = input.low_free_space ?? LOW_FREE_SPACE_PERCENT;
        const low = lowDisks(analysed, allFilling, lowFreeSpace);
        const warnings = [...result.warnings];
        // Read once: the machines whose records say they report here yet sent nothing, and why any machine went quiet.
        const machines = await machinesChosen(context, scope, warnings);
        const quiet = machines ? machinesWithoutData(machines, scope.workspaceId, analysed) : [];
        const what = { cpu: 'CPU data', disk: 'disk data', all: 'CPU or disk data' }[input.metric ?? 'all'];
        // A machine listed as sent nothing is not also warned about, one by one.
        const reported = () => new Set([...rowsComputers(analysed), ...quiet.map((m) => m.name)]);
        warnings.push(...(await noDataWarnings(context, scope, reported, what, 'always')));
        const allLow = await withFreeSpace(context, scope, low.disks, warnings);
        const lowByDesign = low.byDesign;
        const lowSpace = limit(allLow, input.max_results).items;
        const allSilent = silentMachines(analysed, scope.range.to.getTime());
        const reasons = await silentReasons(
            context,
            [...allSilent.map((m) => m.computer), ...quiet.map((m) => m.name)],
            warnings,
            machines ?? [],
        );
        for (const m of allSilent) {
            const reason = reasons.get(m.computer);
            if (reason) {
                m.reason = reason;
            }
        }
        const silent = limit(allSilent, input.max_results).items;
        const allWithoutData = withoutDataList(quiet, reasons);
        const withoutData = limit(allWithoutData, input.max_results).items;
        const charts = input.include_series
            ? chartedSeries(found.slice(0, items.length), [...filling, ...lowSpace], analysed).map((s) => {
                  // The few charted series are scanned again here for their bands: cheaper than keeping every band.
                  const detection = detectAnomalies(timesOf(s), s.values, { sensitivity });
                  // From the timespan's start, or from the start of a listed incident that began before it (an ongoing
                  // trend), so that the chart shows the incident.
                  const earliest = found
                      .slice(0, items.length)
                      .reduce((min, f) => (f.series === s ? Math.min(min, f.incident.start) : min), windowStart);
                  const first = Math.max(0, Math.floor((earliest - s.start) / s.stepMs));
                  const slice = (values: ArrayLike<number>) => Array.from(values).slice(first).map(finiteOrNull);
                  return {
                      computer: s.computer,
                      metric: s.metric,
                      counter: s.counter,
                      unit: s.unit,
                      start: new Date(s.start + first * s.stepMs).toISOString(),
                      stepMs: s.stepMs,
                      values: slice(s.values),
                      expected: slice(detection.expected),
                      lower: slice(detection.lower),
                      upper: slice(detection.upper),
                  };
              })
            : undefined;
        const byMetric = countIn(incidents, (i) => i.metric) as Record<string, number>;
        const byDirection = countIn(incidents, (i) => i.direction) as Record<string, number>;
        const summary = {
            machines: distinctCount(analysed, (s) => s.computer),
            seriesAnalysed: analysed.length,
            incidents: incidents.length,
            machinesWithIncidents: distinctCount(incidents, (i) => i.computer),
            byMetric,
            byDirection,
            sensitivity,
            resolution,
            disksFilling: allFilling.length,
            firstFullAt: allFilling[0]?.fullAt ?? null,
            disksLow: allLow.length,
            disksLowByDesign: lowByDesign,
            lowFreeSpace,
            machinesSilent: allSilent.length,
            machinesWithoutData: allWithoutData.length,
        };
        const fromBefore = found.filter((f) => f.incident.end < windowStart).length;
        const shortData =
            Number.isFinite(dataFrom) && dataFrom - windowStart > TIME.DAY
                ? ` The data read begins ${shortTime(new Date(dataFrom).toISOString())}, not at the start of the ${scope.range.timespan} asked for.`
                : '';
        const historyRead = formatTimespan(historyMs);
        const withoutDataSentence =
            allWithoutData.length > 0
                ? ` ${allWithoutData.length === 1 ? '1 machine that Azure lists as reporting to this workspace has' : `${allWithoutData.length} machines that Azure lists as reporting to this workspace have`} sent no data at all in the ${historyRead} read.`
                : '';
        const lists = { ...envelopeOf(context, scope.scope, truncation, warnings), summary, items, filling, lowSpace, silent, withoutData };
        if (analysed.length === 0) {
            const sentence = `No CPU or disk series was read for ${scope.selected ? 'the machines chosen' : 'this workspace'} in the last ${scope.range.timespan}, so nothing could be judged${warnings.length ? ' (see the warnings)' : ''}.${withoutDataSentence}`;
            return {
                structured: lists,
                text: renderText(context, {
                    summary: sentence,
                    warnings,
                    notes: [...otherWorkspacesNotes(scope), ...withoutDataNotes(allWithoutData, withoutData.length, historyRead)],
                }),
            };
        }
        const sentence =
            (incidents.length === 0
                ? `No anomalies on ${plural(summary.machines, 'machine')} in the last ${scope.range.timespan}`
                : `${plural(incidents.length, 'anomaly', 'anomalies')} (${describeCounts(byDirection)}) on ${summary.machinesWithIncidents} of ${plural(summary.machines, 'machine')} in the last ${scope.range.timespan}`) +
            (fromBefore > 0
                ? ` (${fromBefore} of them ${fromBefore === 1 ? 'a trend' : 'trends'} that began earlier and still ${fromBefore === 1 ? 'goes' : 'go'} on), `
                : ', ') +
            `from ${analysed.length} series at ${resolution} resolution, sensitivity ${sensitivity}.` +
            (summary.disksFilling === 1
                ? ` 1 disk filling up: full around ${shortTime(summary.firstFullAt ?? undefined)} at its present pace.`
                : summary.disksFilling > 1
                  ? ` ${summary.disksFilling} disks filling up, the first full around ${shortTime(summary.firstFullAt ?? undefined)} at its present pace.`
                  : '') +
            (allLow.length > 0
                ? ` ${plural(allLow.length, 'disk')} under ${lowFreeSpace}% free, the lowest ${allLow[0].computer} ${allLow[0].counter} at ${allLow[0].latest}%.`
                : '') +
            (allSilent.length > 0
                ? ` ${allSilent.length === 1 ? '1 machine has' : `${allSilent.length} machines have`} sent no data for ${SILENT_AFTER_HOURS} hours or more.`
                : '') +
            withoutDataSentence +
            shortData;
        return {
            structured: { ...lists, ...(charts ? { series: charts } : {}) },
            text: renderText(context, {
                summary: sentence,
                warnings,
                notes: [
                    ...otherWorkspacesNotes(scope),
                    ...fillingNotes(allFilling, filling.length),
                    ...lowSpaceNotes(allLow, lowSpace.length, lowFreeSpace, scope.range.to.getTime(), lowByDesign),
                    ...silentNotes(allSilent, silent.length),
                    ...withoutDataNotes(allWithoutData, withoutData.length, historyRead),
                ],
                truncation,
                table: {
                    // Actual and expected are at the incident's peak; Latest says where the series is now (a drift shows there).
                    columns: ['Score', 'Machine', 'Counter', 'Kind', 'Start', 'Duration', 'Actual', 'Expected', 'Latest'],
                    rows: items.map((i) => [
                        i.score,
                        i.computer,
                        i.counter,
                        kindOf(i, fillingOf.get(`${i.computer}\u0000${i.counter}`)),
                        // A trend starts where its course does, which its duration counts from.
                        shortTime(i.trend?.start ?? i.start),
                        durationOf(i),
                        `${i.actual}${i.unit}`,
                        `${i.expected}${i.unit}`,
                        i.latest === null ? undefined : `${i.latest}${i.unit}`,
                    ]),
                },
            }),
        };
    },
});

function round(value: number): number {
    return Math.round(value * 100) / 100;
}

function finiteOrNull(value: number): number | null {
    return Number.isFinite(value) ? round(value) : null;
}

/** The last finite value of a series (NaN when it has none). */
function latestOf(values: ArrayLike<number>): number {
    const i = latestIndexOf(values);
    return i < 0 ? NaN : values[i];
}

/** The index of the last finite value of a series (-1 when it has none). */
function latestIndexOf(values: ArrayLike<number>): number {
    for (let i = values.length - 1; i >= 0; i--) {
        if (Number.isFinite(values[i])) {
            return i;
        }
    }
    return -1;
}

type Incident = z.infer<typeof incident>;

/**
 * The Kind cell: the direction; for a trend going on, its pace now and when the disk is full at that pace; for one that
 * has ended, that it has, and how far and how fast it moved while it lasted (the pace now would describe what followed);
 * for any other incident on a disk listed as filling up now, that pace and date too.
 */
function kindOf(i: Incident, filling?: { ratePerDay: number; fullAt: string }): string {
    if (filling && i.direction !== 'trend') {
        return `${i.direction}; filling now ${signedPace(filling.ratePerDay, i.unit)}/day, full ~${shortTime(filling.fullAt)}`;
    }
    if (i.direction === 'trend' && !i.ongoing) {
        return i.trend
            ? `trend, ended: ${amountText(i.trend.change, i.unit)} at ${signedPace(i.trend.perDay, i.unit)}/day`
            : 'trend, ended';
    }
    if (i.ratePerDay === null) {
        return i.direction;
    }
    const pace = `${signedPace(i.ratePerDay, i.unit)}/day`;
    return i.fullAt === null ? `${i.direction} ${pace}` : `${i.direction} ${pace}, full ~${shortTime(i.fullAt)}`;
}

/** A change as a person reads it, signed: a percentage in points (`-12.3 pts`), anything else in its unit (`+40/s`). */
function amountText(change: number, unit: string): string {
    return unit === '%' ? `${signedPace(change, '')} pts` : signedPace(change, unit);
}

/**
 * The Duration cell: for a trend, how long it lasted (to when it ended, or so far), which is what a person means by it;
 * for anything else, how long the series was anomalous.
 */
function durationOf(i: Incident): string {
    if (!i.trend) {
        return `${i.durationMinutes} min`;
    }
    const span = i.trend.days < 2 ? `${Math.round(i.trend.days * 24)} h` : `${Math.round(i.trend.days * 10) / 10} d`;
    return i.trend.end === null ? `${span} so far` : `${span}, to ${shortTime(i.trend.end)}`;
}

type Found = IncidentNow & { series: MetricSeries; incident: AnomalyIncident; course?: TrendCourse };

/** The series to chart: those of the incidents shown, then those of the disks listed (filling up, low on space); each once. */
function chartedSeries(
    shown: readonly Found[],
    listed: readonly { computer: string; counter: string }[],
    analysed: readonly MetricSeries[],
): MetricSeries[] {
    const charted = new Set(shown.map((f) => f.series));
    const disks = new Map(analysed.filter((s) => s.metric === 'diskFree').map((s) => [`${s.computer}\u0000${s.counter}`, s]));
    for (const disk of listed) {
        const s = disks.get(`${disk.computer}\u0000${disk.counter}`);
        if (s) {
            charted.add(s);
        }
    }
    return [...charted];
}
type FillingDisk = z.infer<typeof fillingDisk>;

/**
 * Every disk that is clearly filling up fast enough to be full within the horizon, soonest first: one with an ongoing
 * trend incident at that trend's pace now; any other at its steady pace (the median day-to-day change of the last week),
 * if it also fell clearly over the last day — a volume that has grown by the same half a percent a day all month is
 * never an anomaly, yet it is full before the quarter ends, while one whose leak stopped yesterday is not filling now,
 * and one that dropped once and has been flat since is not filling at all ({@link fillingPace}).
 */
function fillingDisks(analysed: readonly MetricSeries[], found: readonly Found[]): FillingDisk[] {
    const disks: FillingDisk[] = [];
    for (const s of analysed) {
        if (s.metric !== 'diskFree') {
            continue;
        }
        // At the pace of its ongoing trend, if it has one; else at the week's steady pace, or the last day's without its
        // one-off jumps when that differs (a drop, then flat, is no pace) — see fillingPace.
        const trend = found.find((f) => f.series === s && f.ongoing);
        const pace = fillingPace(s.start, s.stepMs, s.values, trend);
        if (pace) {
            disks.push({
                computer: s.computer,
                counter: s.counter,
                latest: finiteOrNull(latestOf(s.values)),
                ratePerDay: round(pace.change.perDay),
                fullAt: new Date(pace.fullAt).toISOString(),
                paceSince: new Date(pace.change.firstTime).toISOString(),
                basis: pace.basis,
            });
        }
    }
    // ISO times in one format sort as they fall.
    return disks.sort((a, b) => (a.fullAt < b.fullAt ? -1 : a.fullAt > b.fullAt ? 1 : 0));
}

/** How many entries of each list (disks, machines) the text names; the rest are in structuredContent. */
const NAMED_IN_TEXT = 10;

/** A line naming the disks that fill up, soonest first; `listed` of them are in structuredContent. */
function fillingNotes(disks: readonly FillingDisk[], listed: number): string[] {
    if (disks.length === 0) {
        return [];
    }
    const named = disks
        .slice(0, NAMED_IN_TEXT)
        .map(
            (d) =>
                `${d.computer} ${d.counter}: ${d.latest ?? '?'}% free, ${signedPace(d.ratePerDay, '%')}/day (${PACE_BASIS_TEXT[d.basis]}), full ~${shortTime(d.fullAt)}`,
        );
    return [`Disks filling up, soonest first: ${named.join('; ')}${moreInList(disks.length, listed, 'filling')}.`];
}

type LowDisk = z.infer<typeof lowDisk>;

/**
 * Volumes that are full by design or hold nothing a person manages, told by the instance name the counter starts with:
 * Linux snap packages (read-only images mounted under /snap, always 0 % free) and Windows volumes without a drive letter
 * (`HarddiskVolumeN`: recovery and system partitions, made nearly full). Listing them would bury the disks that matter.
 */
const FULL_BY_DESIGN = /^(?:\/snap\/|HarddiskVolume\d+(?:\s|$))/i;

/**
 * Every disk whose latest free space is under `below` %, lowest first, with when it is full if it is also filling up (a
 * flat disk at 4 % is never an anomaly and never filling, yet it is the first thing an operator wants to hear about);
 * and how many volumes full by design were under `below` and left out.
 */
function lowDisks(
    analysed: readonly MetricSeries[],
    filling: readonly FillingDisk[],
    below: number,
): { disks: LowDisk[]; byDesign: number } {
    const fullAt = new Map(filling.map((d) => [`${d.computer}\u0000${d.counter}`, d.fullAt]));
    const disks: LowDisk[] = [];
    let byDesign = 0;
    for (const s of analysed) {
        if (s.metric !== 'diskFree') {
            continue;
        }
        const last = latestIndexOf(s.values);
        if (last >= 0 && s.values[last] < below) {
            if (FULL_BY_DESIGN.test(s.counter)) {
                byDesign++;
                continue;
            }
            disks.push({
                computer: s.computer,
                counter: s.counter,
                latest: round(s.values[last]),
                latestAt: new Date(s.start + last * s.stepMs).toISOString(),
                fullAt: fullAt.get(`${s.computer}\u0000${s.counter}`) ?? null,
                freeGb: null,
            });
        }
    }
    disks.sort((a, b) => a.latest - b.latest || (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0));
    return { disks, byDesign };
}

/**
 * The low disks with how many GB each has left, asked of the source for their machines only. Supplementary: if the source
 * cannot say, the disks are listed without it and a warning says why (a cancelled run still stops).
 */
async function withFreeSpace(context: ToolContext, scope: WorkspaceScope, disks: LowDisk[], warnings: string[]): Promise<LowDisk[]> {
    if (disks.length === 0) {
        return disks;
    }
    try {
        const space = await context.source.getDiskFreeSpace({ ...scope.query, computers: [...new Set(disks.map((d) => d.computer))] });
        warnings.push(...space.warnings);
        const freeMb = new Map(space.rows.map((r) => [`${r.computer}\u0000${r.counter}`, r.freeMb]));
        return disks.map((d) => {
            const mb = freeMb.get(`${d.computer}\u0000${d.counter}`);
            return mb === undefined ? d : { ...d, freeGb: Math.round((mb / 1024) * 10) / 10 };
        });
    } catch (error) {
        if (context.signal?.aborted) {
            throw error;
        }
        warnings.push(`The disks low on space are listed without their free GB: ${error instanceof Error ? error.message : String(error)}`);
        return disks;
    }
}

/** A line naming the disks low on space, lowest first; `listed` of them are in structuredContent. */
function lowSpaceNotes(disks: readonly LowDisk[], listed: number, below: number, windowEnd: number, byDesign: number): string[] {
    const leftOut =
        byDesign > 0
            ? ` Not listed: ${plural(byDesign, 'volume')} under ${below}% that ${byDesign === 1 ? 'is' : 'are'} full by design (snap packages, Windows volumes without a drive letter).`
            : '';
    if (disks.length === 0) {
        return leftOut ? [leftOut.trim()] : [];
    }
    const named = disks.slice(0, NAMED_IN_TEXT).map((d) => {
        const stale = windowEnd - Date.parse(d.latestAt) > STALE_LATEST_MS ? ` as of ${shortTime(d.latestAt)}` : '';
        const full = d.fullAt === null ? '' : `, filling: full ~${shortTime(d.fullAt)}`;
        const gb = d.freeGb === null ? '' : ` (${d.freeGb} GB)`;
        return `${d.computer} ${d.counter}: ${d.latest}% free${gb}${stale}${full}`;
    });
    return [`Disks under ${below}% free, lowest first: ${named.join('; ')}${moreInList(disks.length, listed, 'lowSpace')}.${leftOut}`];
}

type SilentMachine = z.infer<typeof silentMachine>;

/**
 * Every machine whose series read all end more than SILENT_AFTER_HOURS before the end of the window, the most recently
 * silent first: an agent that stopped sending, a data collection rule removed, a machine switched off. Azure Arc may still
 * say Connected (its heartbeat is not the monitoring agent's), so this is news of its own.
 */
export function silentMachines(analysed: readonly MetricSeries[], windowEnd: number): SilentMachine[] {
    // By host name: a machine whose agent changed (the retired agent reporting `WEB01`, the Azure Monitor Agent
    // `web01.contoso.local`) is silent only if it is silent under every name, and is named as it reported last.
    // A bin's data may have come at any time in it: the silence is counted from the bin's end, so that it is never overstated
    // and does not depend on where the bins fall (Log Analytics aligns them to the start of the range read).
    const last = new Map<string, { computer: string; seen: number; until: number }>();
    for (const s of analysed) {
        const i = latestIndexOf(s.values);
        const seen = i < 0 ? -Infinity : s.start + i * s.stepMs;
        const key = hostName(s.computer);
        const known = last.get(key);
        if (!known || seen + s.stepMs > known.until) {
            last.set(key, { computer: s.computer, seen, until: seen + s.stepMs });
        }
    }
    const machines: SilentMachine[] = [];
    for (const { computer, seen, until } of last.values()) {
        const hours = (windowEnd - until) / TIME.HOUR;
        if (Number.isFinite(seen) && hours >= SILENT_AFTER_HOURS) {
            machines.push({ computer, lastData: new Date(seen).toISOString(), hoursSilent: Math.round(hours * 10) / 10 });
        }
    }
    return machines.sort((a, b) => a.hoursSilent - b.hoursSilent || (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0));
}

/** A line naming the machines that stopped reporting, most recent first; `listed` of them are in structuredContent. */
function silentNotes(machines: readonly SilentMachine[], listed: number): string[] {
    if (machines.length === 0) {
        return [];
    }
    const named = machines
        .slice(0, NAMED_IN_TEXT)
        .map((m) => `${m.computer} (last data ${shortTime(m.lastData)}${m.reason ? `; ${m.reason}` : ''})`);
    return [
        `Stopped reporting (no data in the series read for ${SILENT_AFTER_HOURS} h or more), most recent first: ${named.join('; ')}${moreInList(machines.length, listed, 'silent')}.`,
    ];
}

/**
 * The machines the call chose (server_name, tags, resource_group), or every machine the account sees; undefined, with a
 * warning, when they cannot be read (a cancelled call still stops).
 */
async function machinesChosen(context: ToolContext, scope: WorkspaceScope, warnings: string[]): Promise<readonly Machine[] | undefined> {
    if (scope.selected) {
        return scope.selected;
    }
    try {
        const { subscriptions } = await context.source.listScopes({ signal: context.signal });
        const machines = await context.source.getMachines({
            subscriptionIds: subscriptions.map((s) => s.subscriptionId),
            signal: context.signal,
        });
        return machines.rows;
    } catch (error) {
        if (context.signal?.aborted) {
            throw error;
        }
        warnings.push(
            `Machines that sent no data at all are not listed, nor why machines stopped reporting: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
    }
}

/**
 * The machines whose records say they report to `workspaceId` yet have no data in any series read — off, or their agent
 * gone, for longer than the range read — which {@link silentMachines}, reading only the series, cannot know of. A
 * machine is known by every name it goes by (Log Analytics may report it under its host name or FQDN); one whose record
 * names no workspace is left out, since nothing says it should report here.
 */
export function machinesWithoutData(machines: readonly Machine[], workspaceId: string, analysed: readonly MetricSeries[]): Machine[] {
    const reporting = new Set<string>();
    for (const s of analysed) {
        if (latestIndexOf(s.values) >= 0) {
            reporting.add(hostName(s.computer));
        }
    }
    const workspace = workspaceId.toLowerCase();
    return machines.filter((m) => m.workspaceId?.toLowerCase() === workspace && !namesOf(m).some((name) => reporting.has(hostName(name))));
}

type MachineWithoutData = z.infer<typeof machineWithoutData>;

const isUp = (status: string) => status === 'Connected' || status === 'Running';

/**
 * The machines without data as listed, with Azure's reasons: those Azure calls up first, by name (their data should come
 * and does not: an agent or a data collection rule to fix), then those off, the most recently off first.
 */
function withoutDataList(machines: readonly Machine[], reasons: ReadonlyMap<string, string>): MachineWithoutData[] {
    const offSince = (m: MachineWithoutData) => (isUp(m.status) ? Infinity : m.statusSince ? Date.parse(m.statusSince) : -Infinity);
    return machines
        .map((m) => {
            const reason = reasons.get(m.name);
            return {
                computer: m.name,
                status: m.status,
                statusSince: m.lastStatusChange ?? null,
                ...(reason ? { reason } : {}),
            };
        })
        .sort((a, b) => offSince(b) - offSince(a) || (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : 0));
}

/** A line naming the machines that sent nothing in the range read; `listed` of them are in structuredContent. */
function withoutDataNotes(machines: readonly MachineWithoutData[], listed: number, read: string): string[] {
    if (machines.length === 0) {
        return [];
    }
    const named = machines
        .slice(0, NAMED_IN_TEXT)
        .map(
            (m) =>
                `${m.computer} (${m.reason ?? `${m.status}; Azure sees nothing wrong with it or its agent: check its data collection rule and network`})`,
        );
    return [
        `Sent no data at all in the ${read} read, though Azure lists ${machines.length === 1 ? 'it' : 'them'} as reporting to this workspace: ${named.join('; ')}${moreInList(machines.length, listed, 'withoutData')}.`,
    ];
}

/** Where the entries a line does not name are: in structuredContent's list, or beyond max_results. */
function moreInList(total: number, listed: number, list: string): string {
    const rest = total - NAMED_IN_TEXT;
    if (rest <= 0) {
        return '';
    }
    return listed === total
        ? `; and ${rest} more in structuredContent (${list})`
        : `; and ${rest} more (structuredContent's ${list} list holds the first ${listed}; raise max_results for more)`;
}
