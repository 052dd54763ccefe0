/**
 * The pure parts of the table panel (no `vscode`): the webview page with its CSP, and the chart of one anomaly
 * incident cut from a GetAnomalies answer. Unit-tested in plain Node.
 */
import type { ChartData } from '../../shared/messages';

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

/**
 * The chart of one series from a GetAnomalies answer with `include_series`: the series of `computer`'s `metric` (and
 * `counter`, when a machine has several disks), marked with an incident's window, or for a disk filling up with the
 * line from its last value to 0 % at `fullAt`.
 */
export function chartFor(
    structured: Record<string, unknown>,
    target: { computer: string; metric: string; counter?: string },
    marks: { incident?: ChartData['incident']; fullAt?: number },
): ChartData | undefined {
    const { computer, metric, counter } = target;
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
        (s) =>
            s.computer.toLowerCase() === computer.toLowerCase() && s.metric === metric && (counter === undefined || s.counter === counter),
    );
    if (!match) {
        return undefined;
    }
    let projection: ChartData['projection'];
    if (marks.fullAt !== undefined && Number.isFinite(marks.fullAt)) {
        let last = match.values.length - 1;
        while (last >= 0 && (match.values[last] === null || !Number.isFinite(match.values[last]))) {
            last--;
        }
        if (last >= 0) {
            projection = { from: Date.parse(match.start) + last * match.stepMs, fromValue: match.values[last] as number, to: marks.fullAt };
        }
    }
    return {
        title: `${match.computer} — ${match.counter}`,
        unit: match.unit,
        start: Date.parse(match.start),
        stepMs: match.stepMs,
        values: match.values,
        expected: match.expected,
        lower: match.lower,
        upper: match.upper,
        ...(marks.incident ? { incident: marks.incident } : {}),
        ...(projection ? { projection } : {}),
    };
}
