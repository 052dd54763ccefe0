/**
 * The tools, loaded on their first run: they bring zod, the tool schemas and the anomaly engine, two thirds of what the
 * extension runs. esbuild leaves this require pointing at `dist/tools.js` (see esbuild.js), so activation parses none
 * of it; the first tree, table or picker that runs a tool does, once.
 */
import type * as Tools from '../tools';

let loaded: typeof Tools | undefined;

export function tools(): typeof Tools {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (loaded ??= require('../tools') as typeof Tools);
}
