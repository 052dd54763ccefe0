/**
 * The anomaly chart: a metric series, its expected value and band, the incident window and the points outside the
 * band — or, for a disk filling up, the line from its last value to 0 % at the time it is full — drawn as SVG by hand (no chart library, nothing from a CDN, nothing the CSP would have to allow). Geometry is
 * computed apart from the DOM so it stays simple to check.
 */
import type { ChartData } from '../../shared/messages';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** Points and paths in SVG coordinates. */
export interface ChartGeometry {
    band: string;
    expected: string;
    values: string;
    anomalies: { x: number; y: number; value: number; time: number }[];
    /** The incident's window and the x of its peak, when there is an incident. */
    incident?: { x: number; width: number; peakX: number };
    /** The projected line to 0 % and where it ends, for a disk filling up. */
    projection?: { d: string; x: number; y: number };
    /** Epoch ms at the right edge: the last point, or the end of the projection. */
    end: number;
    yMin: number;
    yMax: number;
}

/** Lays the series out in a WIDTH × HEIGHT box; gaps (null) break the lines. */
export function chartGeometry(chart: ChartData): ChartGeometry {
    const n = chart.values.length;
    const all = [...chart.values, ...chart.lower, ...chart.upper].filter((v): v is number => v !== null && Number.isFinite(v));
    let yMin = all.length ? Math.min(...all) : 0;
    let yMax = all.length ? Math.max(...all) : 1;
    if (chart.unit === '%') {
        yMin = Math.max(0, Math.min(yMin, 0));
        yMax = Math.min(100, Math.max(yMax, 1));
    }
    if (yMax - yMin < 1e-9) {
        yMax = yMin + 1;
    }
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    // The time axis runs to the last point, or further to where a projection ends (a disk full in a month).
    const lastTime = chart.start + Math.max(0, n - 1) * chart.stepMs;
    const end = chart.projection && chart.projection.to > lastTime ? chart.projection.to : lastTime;
    const span = end - chart.start;
    const xAt = (t: number) => PAD.left + (span <= 0 ? 0 : ((t - chart.start) / span) * plotW);
    const x = (i: number) => xAt(chart.start + i * chart.stepMs);
    const y = (v: number) => PAD.top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;
    const line = (series: (number | null)[]) => {
        let d = '';
        let pen = false;
        series.forEach((v, i) => {
            if (v === null || !Number.isFinite(v)) {
                pen = false;
                return;
            }
            d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
            pen = true;
        });
        return d;
    };
    // The band as one closed shape per run of points where both bounds are known.
    let band = '';
    let run: number[] = [];
    const flush = () => {
        if (run.length > 1) {
            const upper = run.map((i, k) => `${k ? 'L' : 'M'}${x(i).toFixed(1)},${y(chart.upper[i] as number).toFixed(1)}`).join('');
            const lower = [...run]
                .reverse()
                .map((i) => `L${x(i).toFixed(1)},${y(chart.lower[i] as number).toFixed(1)}`)
                .join('');
            band += `${upper}${lower}Z`;
        }
        run = [];
    };
    for (let i = 0; i < n; i++) {
        const lo = chart.lower[i];
        const hi = chart.upper[i];
        if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) {
            flush();
        } else {
            run.push(i);
        }
    }
    flush();
    const anomalies: ChartGeometry['anomalies'] = [];
    chart.values.forEach((v, i) => {
        const lo = chart.lower[i];
        const hi = chart.upper[i];
        if (v !== null && lo !== null && hi !== null && (v > hi || v < lo)) {
            anomalies.push({ x: x(i), y: y(v), value: v, time: chart.start + i * chart.stepMs });
        }
    });
    const index = (t: number) => Math.max(0, Math.min(n - 1, (t - chart.start) / chart.stepMs));
    let incident: ChartGeometry['incident'];
    if (chart.incident) {
        const x0 = x(index(chart.incident.start));
        const x1 = x(index(chart.incident.end));
        incident = { x: x0, width: Math.max(2, x1 - x0), peakX: x(index(chart.incident.peak)) };
    }
    let projection: ChartGeometry['projection'];
    if (chart.projection) {
        const { from, fromValue, to } = chart.projection;
        const toY = y(Math.max(yMin, 0));
        projection = {
            d: `M${xAt(from).toFixed(1)},${y(fromValue).toFixed(1)}L${xAt(to).toFixed(1)},${toY.toFixed(1)}`,
            x: xAt(to),
            y: toY,
        };
    }
    return {
        band,
        expected: line(chart.expected),
        values: line(chart.values),
        anomalies,
        incident,
        projection,
        end,
        yMin,
        yMax,
    };
}

function el<K extends keyof SVGElementTagNameMap>(
    name: K,
    attributes: Record<string, string | number>,
    parent?: Element,
): SVGElementTagNameMap[K] {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
        node.setAttribute(key, String(value));
    }
    parent?.appendChild(node);
    return node;
}

const fmtTime = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
const fmtValue = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The chart as an `<svg>` element; every label is set with `textContent`. */
export function renderChart(chart: ChartData): SVGSVGElement {
    const g = chartGeometry(chart);
    const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img' });
    const title = el('title', {}, svg);
    title.textContent =
        `${chart.title}: ${g.anomalies.length} points outside the expected band` +
        (chart.projection ? `; full around ${fmtTime(chart.projection.to)} UTC at this pace` : '');
    if (g.incident) {
        const { x, width, peakX } = g.incident;
        el('rect', { class: 'chart-incident', x, y: PAD.top, width, height: HEIGHT - PAD.top - PAD.bottom }, svg);
        el('line', { class: 'chart-peak', x1: peakX, y1: PAD.top, x2: peakX, y2: HEIGHT - PAD.bottom }, svg);
    }
    el('path', { class: 'chart-band', d: g.band }, svg);
    el('path', { class: 'chart-expected', d: g.expected }, svg);
    el('path', { class: 'chart-values', d: g.values }, svg);
    if (g.projection && chart.projection) {
        el('path', { class: 'chart-projection', d: g.projection.d }, svg);
        const full = el('text', { class: 'chart-axis chart-full', x: g.projection.x, y: g.projection.y - 4, 'text-anchor': 'end' }, svg);
        full.textContent = `full ~${fmtTime(chart.projection.to)}`;
    }
    for (const point of g.anomalies) {
        const dot = el('circle', { class: 'chart-anomaly', cx: point.x.toFixed(1), cy: point.y.toFixed(1), r: 3.5 }, svg);
        const tip = el('title', {}, dot);
        tip.textContent = `${fmtTime(point.time)} UTC: ${fmtValue(point.value)}${chart.unit}`;
    }
    const axis = (text: string, x: number, y: number, anchor: string) => {
        const t = el('text', { class: 'chart-axis', x, y, 'text-anchor': anchor }, svg);
        t.textContent = text;
    };
    axis(`${fmtValue(g.yMax)}${chart.unit}`, PAD.left - 4, PAD.top + 10, 'end');
    axis(`${fmtValue(g.yMin)}${chart.unit}`, PAD.left - 4, HEIGHT - PAD.bottom, 'end');
    axis(fmtTime(chart.start), PAD.left, HEIGHT - 8, 'start');
    axis(fmtTime(g.end), WIDTH - PAD.right, HEIGHT - 8, 'end');
    el('line', { class: 'chart-frame', x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom }, svg);
    return svg;
}
