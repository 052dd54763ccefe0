/** Entry of `dist/detection-worker.js`: finds the incidents of each share of a fleet scan it is sent (see `detection.ts`). */
import { parentPort } from 'node:worker_threads';
import { findingsOf, valuesOf, type WorkerAnswer, type WorkerShare } from './detection';

parentPort?.on('message', (share: WorkerShare) => {
    const answer: WorkerAnswer = { positions: [], findings: [] };
    for (let i = 0; i < share.starts.length; i++) {
        const findings = findingsOf({ start: share.starts[i], stepMs: share.steps[i], values: valuesOf(share, i) }, share.sensitivity);
        if (findings.incidents.length > 0) {
            answer.positions.push(i);
            answer.findings.push(findings);
        }
    }
    parentPort?.postMessage(answer);
});
