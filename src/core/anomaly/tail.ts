/**
 * Online tail calibration of |z|: a log-binned histogram whose 99th percentile is tracked with a
 * moving pointer (O(1) per point) and which forgets by halving every {@link HALVING_POINTS} points.
 *
 * Why: a robust z assumes roughly Gaussian noise, but real metrics are heavy-tailed (a load balancer
 * that idles at 0 with regular bursts, CPU with routine short peaks). Dividing z by how far this
 * series' own 99th percentile sits above the Gaussian one (2.576) makes "5 sigma" mean equally rare
 * on every series, so one threshold serves them all.
 *
 * The state of each calibrator is a slice of one Float64Array (plain functions, no objects), which keeps
 * the hot loop monomorphic and allocation-free.
 */

/** Four bins per doubling, read straight from the float's exponent and top two mantissa bits (no Math.log). */
const BINS_PER_OCTAVE = 4;
export const BINS = 64; // covers |z| from 1 up to 2^16
export const HALVING_POINTS = 2048;
export const QUANTILE = 0.99;
/** |z| below which 99 % of Gaussian noise falls. */
export const GAUSSIAN_Q99 = 2.576;
/** z below which 99 % of Gaussian noise falls (one side only: a calibrator that sees only rises, or only falls). */
export const GAUSSIAN_ONE_SIDED_Q99 = 2.326;

/** Layout of a calibrator's slice (exported, with the constants below, for the detector's inlined copy of {@link tailAdd}). */
export const TOTAL = 0;
export const BIN = 1;
export const AT_OR_BELOW = 2;
export const SINCE_HALVING = 3;
export const EDGE = 4;
export const COUNTS = 5;
/** Float64 slots per calibrator. */
export const TAIL_STATE_SIZE = COUNTS + BINS;

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
/** Index of the high 32-bit word of a double on this machine's byte order. */
export const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
export const EXPONENT_BIAS_BINS = 1023 * BINS_PER_OCTAVE;

function binOf(absZ: number): number {
    // |z| ≤ 1 (a third of Gaussian noise, in no predictable order) gives a negative index: clamped, not branched on.
    scratch[0] = absZ;
    const b = (scratchBits[HIGH] >>> 18) - EXPONENT_BIAS_BINS;
    return Math.max(0, Math.min(BINS - 1, b));
}

/** Upper edge of each bin, as |z| (a table: the pointer moves often on a jumpy series). */
export const EDGES = Float64Array.from({ length: BINS }, (_, bin) => Math.pow(2, (bin + 1) / BINS_PER_OCTAVE));
function edgeOf(bin: number): number {
    return EDGES[bin];
}

/**
 * A calibrator starts from a prior worth PRIOR_POINTS points whose 99th percentile is the upper edge of bin
 * PRIOR_BIN, 2^(7/4) ≈ 3.36 (1.3 to 1.45 times the Gaussian reference): until a series has shown its tails, it is assumed to be moderately heavy-tailed rather than textbook
 * Gaussian, so a young series' first bursts are not all news. The prior is forgotten like any other point (halved every
 * HALVING_POINTS), so after a few thousand points only the series' own history counts.
 */
const PRIOR_POINTS = 100;
const PRIOR_BIN = 6;

/** Start a calibrator afresh at `base` in `state`. */
export function tailReset(state: Float64Array, base: number): void {
    state.fill(0, base, base + TAIL_STATE_SIZE);
    // 98 % of the prior in the lowest bin (|z| below 1.19), 2 % in the prior's tail bin: its 99th percentile lands in that bin.
    state[base + COUNTS] = 0.98 * PRIOR_POINTS;
    state[base + COUNTS + PRIOR_BIN] = 0.02 * PRIOR_POINTS;
    state[base + TOTAL] = PRIOR_POINTS;
    state[base + BIN] = PRIOR_BIN;
    state[base + AT_OR_BELOW] = PRIOR_POINTS;
    state[base + EDGE] = EDGES[PRIOR_BIN];
}

/**
 * The noise unit the |z| are measured in changed by 2^(d/4) (d bins; d > 0: the unit grew, so every surprise learned so
 * far is smaller in the new unit): move every count d bins — what falls off the bottom joins bin 0, what falls off the
 * top joins the last bin; a zero stays a zero — and recompute the pointer. Returns the pointer bin and writes
 * AT_OR_BELOW and EDGE. Called only when the noise scale crosses a bin edge, so a plain loop.
 */
export function tailRescale(state: Float64Array, base: number, d: number, total: number): number {
    const counts = base + COUNTS;
    if (d > 0) {
        for (let k = 1; k <= d && k < BINS; k++) {
            state[counts] += state[counts + k];
        }
        for (let b = 1; b < BINS; b++) {
            state[counts + b] = b + d < BINS ? state[counts + b + d] : 0;
        }
    } else if (d < 0) {
        const u = -d;
        let top = 0;
        for (let b = Math.max(1, BINS - 1 - u); b < BINS; b++) {
            top += state[counts + b];
        }
        state[counts + BINS - 1] = top;
        for (let b = BINS - 2; b >= 1; b--) {
            state[counts + b] = b - u >= 1 ? state[counts + b - u] : 0;
        }
    }
    const target = QUANTILE * total;
    let atOrBelow = state[counts];
    let bin = 0;
    while (atOrBelow < target && bin < BINS - 1) {
        bin++;
        atOrBelow += state[counts + bin];
    }
    state[base + BIN] = bin;
    state[base + AT_OR_BELOW] = atOrBelow;
    state[base + EDGE] = EDGES[bin];
    return bin;
}

/**
 * The z of a standard Gaussian whose upper tail holds probability p (0 < p < 0.5), by the rational approximation of
 * Abramowitz and Stegun 26.2.23 (absolute error below 4.5e-4).
 */
export function gaussianUpperQuantile(p: number): number {
    const t = Math.sqrt(-2 * Math.log(p));
    return t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
}

/**
 * How often this calibrator has seen a |z| at least as large as `absZ` (every point in or above its bin, `total` points
 * in all), as the two-sided Gaussian z that is that rare: a series that has shown such a surprise before is judged by
 * how often it has, not by how far it lies beyond the 99th percentile. Infinity when the calibrator's memory holds less
 * than one point's worth of such surprises (never seen: the 99th-percentile calibration alone speaks).
 */
export function tailSeenSigmas(state: Float64Array, base: number, total: number, absZ: number): number {
    const counts = base + COUNTS;
    let seen = 0;
    for (let b = binOf(absZ); b < BINS; b++) {
        seen += state[counts + b];
    }
    if (seen < 1) {
        return Infinity;
    }
    const p = (0.5 * seen) / total;
    return p < 0.5 ? gaussianUpperQuantile(p) : 0;
}

/**
 * Learn a zero (the other side's calibrator of a one-sided pair): it lands in bin 0, at or below the pointer, so the
 * pointer can only move down. Same result as `tailAdd(state, base, 0)`, with less work.
 */
export function tailAddZero(state: Float64Array, base: number): void {
    const counts = base + COUNTS;
    state[counts] += 1;
    const total = (state[base + TOTAL] += 1);
    let bin = state[base + BIN];
    let atOrBelow = state[base + AT_OR_BELOW] + 1;
    const target = QUANTILE * total;
    if (bin > 0 && atOrBelow - state[counts + bin] >= target) {
        do {
            atOrBelow -= state[counts + bin];
            bin--;
        } while (bin > 0 && atOrBelow - state[counts + bin] >= target);
        state[base + EDGE] = EDGES[bin];
        state[base + BIN] = bin;
    }
    if (++state[base + SINCE_HALVING] === HALVING_POINTS) {
        state[base + SINCE_HALVING] = 0;
        for (let i = counts; i < counts + BINS; i++) {
            state[i] *= 0.5;
        }
        state[base + TOTAL] = total * 0.5;
        atOrBelow *= 0.5;
    }
    state[base + AT_OR_BELOW] = atOrBelow;
}

/** Learn one |z| (after it was scored, so the score at t never depends on t itself). */
export function tailAdd(state: Float64Array, base: number, absZ: number): void {
    const b = binOf(absZ);
    const counts = base + COUNTS;
    state[counts + b] += 1;
    const total = (state[base + TOTAL] += 1);
    let bin = state[base + BIN];
    const before = bin;
    let atOrBelow = state[base + AT_OR_BELOW];
    if (b <= bin) {
        atOrBelow += 1;
    }
    const target = QUANTILE * total;
    while (bin > 0 && atOrBelow - state[counts + bin] >= target) {
        atOrBelow -= state[counts + bin];
        bin--;
    }
    while (atOrBelow < target && bin < BINS - 1) {
        bin++;
        atOrBelow += state[counts + bin];
    }
    if (bin !== before) {
        state[base + EDGE] = edgeOf(bin);
    }
    state[base + BIN] = bin;
    if (++state[base + SINCE_HALVING] === HALVING_POINTS) {
        state[base + SINCE_HALVING] = 0;
        for (let i = counts; i < counts + BINS; i++) {
            state[i] *= 0.5;
        }
        state[base + TOTAL] = total * 0.5;
        atOrBelow *= 0.5;
    }
    state[base + AT_OR_BELOW] = atOrBelow;
}
