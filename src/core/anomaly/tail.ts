/**
 * Online tail calibration of |z|: a log-binned histogram whose 99th percentile is tracked with a
 * moving pointer (O(1) per point) and which forgets by halving every {@link HALVING_POINTS} points.
 *
 * Why: a robust z assumes roughly Gaussian noise, but real metrics are heavy-tailed (a load balancer
 * that idles at 0 with regular bursts, CPU with routine short peaks). Dividing z by how far this
 * series' own 99th percentile sits above the Gaussian one (2.576) makes "5 sigma" mean equally rare
 * on every series, so one threshold serves them all.
 */

const BINS_PER_E = 8;
const BINS = 80; // covers |z| up to e^10 ≈ 22,000
const HALVING_POINTS = 2048;
const QUANTILE = 0.99;
/** |z| at the 99th percentile of a Gaussian (two-sided 98%... one-sided 99% of |z| is 2.576). */
export const GAUSSIAN_Q99 = 2.576;

export class TailCalibrator {
    private readonly counts = new Float64Array(BINS);
    private total = 0;
    /** Current quantile bin and the count at or below it. */
    private bin = 0;
    private atOrBelow = 0;
    private sinceHalving = 0;

    /** The calibrated z: |z| shrunk by how heavy this series' tail has been so far. */
    calibrate(absZ: number): number {
        if (this.total < 1) {
            return absZ;
        }
        const q = Math.exp((this.bin + 1) / BINS_PER_E);
        return q > GAUSSIAN_Q99 ? (absZ * GAUSSIAN_Q99) / q : absZ;
    }

    /**
     * For a statistic with no natural Gaussian scale (a ratio): rescale it so that this series' own
     * 99th percentile maps to 2.576, whichever way that goes. Before 256 observations it returns 0: no opinion.
     */
    calibrateRelative(value: number): number {
        if (this.total < 256) {
            return 0;
        }
        return (value * GAUSSIAN_Q99) / Math.exp((this.bin + 1) / BINS_PER_E);
    }

    /** Learn one |z| (after it was scored, so the score at t never depends on t itself). */
    add(absZ: number): void {
        const b = absZ <= 1 ? 0 : Math.min(BINS - 1, Math.floor(Math.log(absZ) * BINS_PER_E));
        this.counts[b]++;
        this.total++;
        if (b <= this.bin) {
            this.atOrBelow++;
        }
        const target = QUANTILE * this.total;
        while (this.bin > 0 && this.atOrBelow - this.counts[this.bin] >= target) {
            this.atOrBelow -= this.counts[this.bin];
            this.bin--;
        }
        while (this.atOrBelow < target && this.bin < BINS - 1) {
            this.bin++;
            this.atOrBelow += this.counts[this.bin];
        }
        if (++this.sinceHalving === HALVING_POINTS) {
            this.sinceHalving = 0;
            for (let i = 0; i < BINS; i++) {
                this.counts[i] *= 0.5;
            }
            this.total *= 0.5;
            this.atOrBelow *= 0.5;
        }
    }
}
