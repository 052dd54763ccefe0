/** Entry of `dist/detection-worker.js`: finds the incidents of each share of a fleet scan it is sent (see `detection.ts`). */
import { parentPort } from 'node:worker_threads';
import { findingsOf, type SeriesFindings, type WorkerShare } from './detection';

parentPort?.on('message', (share: WorkerShare) => {
    const findings: SeriesFindings[] = [];
    for (let i = 0; i < share.starts.length; i++) {
        findings.push(
            findingsOf(
                { start: share.starts[i], stepMs: share.steps[i], values: share.values.subarray(share.offsets[i], share.offsets[i + 1]) },
                share.sensitivity,
            ),
        );
    }
    parentPort?.postMessage(findings);
});
