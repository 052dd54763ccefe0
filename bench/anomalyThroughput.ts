/**
 * The throughput half of `npm run bench:anomaly`, run from an esbuild bundle as the product ships the engine (not through
 * tsx's per-module transform, which runs the same code noticeably slower), in a process of its own so that the scoring's
 * heap does not weigh on it. Prints one `RESULT {json}` line.
 */
import * as path from 'node:path';
import { detectAnomalies } from '../src/core/anomaly';
import { measureThroughput } from '../test/unit/core/anomaly/throughput';

const root = process.argv[2] ?? path.resolve(__dirname, '..');
console.log(`RESULT ${JSON.stringify(measureThroughput((times, values) => detectAnomalies(times, values), root))}`);
