/** Sample-estate check of the anomaly engine (filled in once the sample generator exports its ground truth). */
import type { Sensitivity } from '../src/core/anomaly';

export interface SampleEstateFigures {
    summary: string;
    figures: Record<string, number> | null;
}

export async function runSampleEstateCheck(_sensitivity: Sensitivity): Promise<SampleEstateFigures> {
    return { summary: 'Sample estate: not measured yet.', figures: null };
}
