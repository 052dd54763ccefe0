/**
 * The pure parts of the table panel (no `vscode`): the webview page with its CSP, which GetAnomalies run charts a
 * table row, and the chart of one series cut from its answer. Unit-tested in plain Node.
 */
import type { ChartData, TableData } from '../../shared/messages';

/**
 * The webview's page: nothing but the CSP, the stylesheet and the script. `default-src 'none'` with a nonce means no
 * injected markup can load or run anything; images only from the extension or `data:` (none are used today).
 */
export function tableHtml(options: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
    const csp = [
        "default-src 'none'",
        `script-src 'nonce-${options.nonce}'`,
        `style-src ${options.cspSource}`,
        `img-src ${options.cspSource} data:`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${options.styleUri}">
<title>Infra Insights table</title>
</head>
<body>
<div id="app"></div>
<script nonce="${options.nonce}" src="${options.scriptUri}"></script>
</body>
</html>`;
}

/** Which series a chart shows: a machine's metric, and the counter (one disk of several, or the processor total). */
export interface ChartTarget {
    computer: string;
    metric: string;
    counter: string;
}

/** What a chart is marked with: an incident's window, or for a disk filling up the time it is full. */
export interface ChartMarks {
    incident?: ChartData['incident'];
    fullAt?: number;
}

/** The GetAnomalies run and the cut of its answer that chart one table row. */
export interface ChartRequest {
    /** One series: equal keys chart the same series, so the panel reuses the answer. */
    key: string;
    args: Record<string, unknown>;
    target: ChartTarget;
    marks: ChartMarks;
}

/**
 * How to chart row `row` of an anomaly table: GetAnomalies with series for the row's machine (and the table's own
 * arguments, so the timespan matches), cut to the row's metric and counter. The counter always comes along: a machine
 * has several disks, and the first series of a metric is not necessarily the row's.
 */
export function chartRequestFor(table: TableData, row: number, tableArgs: Record<string, unknown>): ChartRequest | undefined {
    if (!table.chart || !Number.isInteger(row) || row < 0 || row >= table.rows.length) {
        return undefined;
    }
    const cell = (key: string) => {
        const index = table.columns.findIndex((c) => c.key === key);
        return index < 0 ? null : table.rows[row][index];
    };
    const disk = table.view === 'filling' || table.view === 'lowSpace';
    const target = {
        computer: String(cell('computer')),
        metric: disk ? 'diskFree' : String(cell('metric')),
        counter: String(cell('counter')),
    };
    const fullAt = cell('fullAt');
    const marks: ChartMarks = disk
        ? typeof fullAt === 'string'
            ? { fullAt: Date.parse(fullAt) }
            : {}
        : {
              // A trend is marked over its whole course (from where the series began to follow it to where it stopped, or
              // to the incident's end while it goes on), not only the hours the detector flagged.
              incident: {
                  start: Date.parse(String(cell('trendStart') ?? cell('start'))),
                  end: Math.max(Date.parse(String(cell('trendEnd') ?? cell('end'))), Date.parse(String(cell('end')))),
                  peak: Date.parse(String(cell('peakTime'))),
              },
          };
    return {
        key: JSON.stringify([target.computer.toLowerCase(), target.metric, target.counter]),
        args: {
            ...tableArgs,
            server_name: target.computer,
            metric: target.metric === 'cpu' ? 'cpu' : 'disk',
            include_series: true,
        },
        target,
        marks,
    };
}

/**
 * The chart of one series of a GetAnomalies answer with `include_series` (the one of the target's machine, metric
 * and counter), with its marks; undefined when the answer has no such series.
 */
export function chartFor(structured: Record<string, unknown>, target: ChartTarget, marks: ChartMarks): ChartData | undefined {
    const series = (structured.series ?? []) as {
        computer: string;
        metric: string;
        counter: string;
        unit: string;
        start: string;
        stepMs: number;
        values: (number | null)[];
        expected: (number | null)[];
        lower: (number | null)[];
        upper: (number | null)[];
    }[];
    const match = series.find(
        (s) => s.computer.toLowerCase() === target.computer.toLowerCase() && s.metric === target.metric && s.counter === target.counter,
    );
    if (!match) {
        return undefined;
    }
    const chart = {
        title: `${match.computer} — ${match.counter}`,
        unit: match.unit,
        start: Date.parse(match.start),
        stepMs: match.stepMs,
        values: match.values,
        expected: match.expected,
        lower: match.lower,
        upper: match.upper,
    };
    return withMarks(chart, marks);
}

/**
 * A chart marked with an incident's window, or with the line from its last value to 0 % at `fullAt`; a chart cut
 * without marks gets them here, so one series serves every row of it.
 */
export function withMarks(chart: ChartData, marks: ChartMarks): ChartData {
    let projection: ChartData['projection'];
    if (marks.fullAt !== undefined && Number.isFinite(marks.fullAt)) {
        let last = chart.values.length - 1;
        while (last >= 0 && (chart.values[last] === null || !Number.isFinite(chart.values[last]))) {
            last--;
        }
        if (last >= 0) {
            projection = { from: chart.start + last * chart.stepMs, fromValue: chart.values[last] as number, to: marks.fullAt };
        }
    }
    return {
        ...chart,
        ...(marks.incident ? { incident: marks.incident } : {}),
        ...(projection ? { projection } : {}),
    };
}
