/**
 * Sample-estate check of the anomaly engine: run the detector on every metric series of a seeded sample estate
 * (fixed clock) and compare its incidents with the anomalies the generator planted (`groundTruth()`).
 *  - found: share of planted anomalies with an incident starting between one step before the anomaly and
 *    one day after its start (or its end, if sooner) — a person would call that "caught".
 *  - false incidents per 20 machine-weeks: incidents matching no planted anomaly, over all series, scaled to
 *    20 machine-weeks of data (a machine-week is one machine's metrics for a week).
 */
import { DEFAULT_SENSITIVITY, detectAnomalies, type Sensitivity } from '../src/core/anomaly';
import { createSampleSource } from '../src/sources/sample';

export interface SampleEstateFigures {
    summary: string;
    figures: Record<string, number> | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** A fixed clock so the estate (and the figure) is the same on every run. */
const NOW = Date.UTC(2026, 10, 20, 12);

export async function runSampleEstateCheck(
    sensitivity: Sensitivity = DEFAULT_SENSITIVITY,
    machines = 500,
    stepMs = HOUR,
): Promise<SampleEstateFigures> {
    const source = createSampleSource({ seed: 42, machines, now: () => new Date(NOW) });
    const truth = source.groundTruth();
    const growing = new Set(source.growingDisks().map((g) => g.computer));
    const low = new Set(source.lowDisks().map((d) => d.computer));
    const { workspaces } = await source.listScopes();
    const from = new Date(NOW - 30 * DAY);
    const to = new Date(NOW);

    let planted = 0;
    let found = 0;
    let falseIncidents = 0;
    let falseOnGrowing = 0;
    let falseOnLow = 0;
    let machineMs = 0;
    const seenMachines = new Set<string>();
    const foundByKind: Record<string, [number, number]> = {};
    for (const workspace of workspaces) {
        const { rows } = await source.getMetricSeries({
            workspaceId: workspace.customerId,
            from,
            to,
            metrics: ['cpu', 'diskFree', 'diskTransfers'],
            stepMs,
        });
        for (const series of rows) {
            const times = Float64Array.from(series.values, (_, i) => series.start + i * series.stepMs);
            const { incidents } = detectAnomalies(times, series.values, { sensitivity });
            if (!seenMachines.has(series.computer)) {
                seenMachines.add(series.computer);
                machineMs += series.values.length * series.stepMs;
            }
            const mine = truth.filter((a) => a.computer === series.computer && a.metric === series.metric);
            const windows = mine.map((a) => {
                const start = Date.parse(a.start);
                const end = Date.parse(a.end);
                return { kind: a.kind, start, end, catchBy: Math.min(end, start + DAY) + series.stepMs };
            });
            for (const w of windows) {
                if (w.start < series.start || w.start > series.start + series.values.length * series.stepMs) {
                    continue; // planted outside the queried range
                }
                planted++;
                const hit = incidents.some((x) => x.start >= w.start - series.stepMs && x.start <= w.catchBy);
                found += hit ? 1 : 0;
                const k = (foundByKind[w.kind] ??= [0, 0]);
                k[0] += hit ? 1 : 0;
                k[1]++;
            }
            // An incident inside (or within a day after) a planted anomaly is not false.
            const falseHere = incidents.filter(
                (x) => !windows.some((w) => x.start >= w.start - series.stepMs && x.start <= w.end + DAY),
            ).length;
            falseIncidents += falseHere;
            if (series.metric === 'diskFree' && growing.has(series.computer)) {
                falseOnGrowing += falseHere;
            }
            if (series.metric === 'diskFree' && low.has(series.computer)) {
                falseOnLow += falseHere;
            }
        }
    }
    const machineWeeks = machineMs / WEEK;
    const falsePer20 = (falseIncidents / machineWeeks) * 20;
    const share = planted ? found / planted : NaN;
    const byKind = Object.entries(foundByKind)
        .map(([kind, [hit, all]]) => `${kind} ${hit}/${all}`)
        .join(', ');
    return {
        summary:
            `Sample estate (seed 42, ${seenMachines.size} machines, 30 days, ${stepMs / 60_000}-minute steps, sensitivity '${sensitivity}'): ` +
            `found ${found}/${planted} planted anomalies = ${(100 * share).toFixed(1)} % (${byKind}); ` +
            `${falseIncidents} false incidents in ${machineWeeks.toFixed(0)} machine-weeks = ${falsePer20.toFixed(2)} per 20 machine-weeks ` +
            `(${falseOnGrowing} of them on the ${growing.size} disks that fill steadily all month, ${falseOnLow} on the ${low.size} nearly full ones)`,
        figures: {
            planted,
            found,
            foundShare: Number(share.toFixed(4)),
            falseIncidents,
            falseOnGrowingDisks: falseOnGrowing,
            growingDisks: growing.size,
            falseOnLowDisks: falseOnLow,
            lowDisks: low.size,
            machineWeeks: Number(machineWeeks.toFixed(1)),
            falsePer20MachineWeeks: Number(falsePer20.toFixed(3)),
        },
    };
}
