/**
 * Public shapes of the anomaly engine. Other layers (tools, views, the MCP server) are written
 * against these names, so fields may be added but never renamed.
 */

/** How eager the detector is: `high` reports more (smaller) incidents, `low` only the clearest. */
export type Sensitivity = 'low' | 'medium' | 'high';

/** The shipped default; chosen once on the NAB benchmark, never per series. */
export const DEFAULT_SENSITIVITY: Sensitivity = 'medium';

/**
 * What an incident looks like to a person:
 * `spike` / `dip` — a short excursion above / below normal that comes back;
 * `level-shift` — the series moved to a new level and stayed there (the detector then adopts it as normal);
 * `trend` — a steady drift away from normal, e.g. a disk filling up.
 */
export type IncidentDirection = 'spike' | 'dip' | 'level-shift' | 'trend';

/** One contiguous anomalous stretch, reported once. */
export interface AnomalyIncident {
    /** Index into the input arrays of the first anomalous point (the moment it was detected). */
    startIndex: number;
    /** Index of the last anomalous point (inclusive). */
    endIndex: number;
    /** Index of the point furthest from what was expected (the incident's score is its highest, wherever that fell). */
    peakIndex: number;
    /** Epoch ms of `startIndex`; this is the detection time. */
    start: number;
    /** Epoch ms of `endIndex`. */
    end: number;
    /** Epoch ms of `peakIndex`. */
    peak: number;
    /** The measured value at the peak. */
    actual: number;
    /** What the detector expected at the peak. */
    expected: number;
    direction: IncidentDirection;
    /** The peak score, 0–100 (see {@link SCORE_EXPLANATION}): 50 means a 5-sigma surprise, 90 about 8.7 sigma. */
    score: number;
}

/** Per input point (same length as the input), plus the incidents. */
export interface DetectionResult {
    /** What the detector expected from the past alone; NaN before it has an estimate, and at gaps. */
    expected: Float64Array;
    /** Lower edge of the normal band at the chosen sensitivity; NaN like `expected`. */
    lower: Float64Array;
    /** Upper edge of the normal band at the chosen sensitivity; NaN like `expected`. */
    upper: Float64Array;
    /** Anomaly score 0–100 of each point; NaN during warm-up and at gaps. */
    score: Float64Array;
    /** Contiguous anomalous stretches in time order, each reported once. */
    incidents: AnomalyIncident[];
}

export interface DetectOptions {
    /** Defaults to {@link DEFAULT_SENSITIVITY}. */
    sensitivity?: Sensitivity;
}
