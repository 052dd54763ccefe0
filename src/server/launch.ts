/** Entry point of `dist/server.js`: starts `dist/server-main.js` (entry `main.ts`) through the code cache (`boot.ts`). */
import * as path from 'node:path';
import { codeCacheFolder, requireWithCodeCache } from './boot';

const state = requireWithCodeCache(path.join(__dirname, 'server-main.js'), codeCacheFolder());
if (process.env.INFRA_INSIGHTS_LOG_LEVEL === 'debug') {
    process.stderr.write(`${new Date().toISOString()} [debug] Code cache: ${state}.\n`);
}
