/**
 * `dist/server.js`: the stdio server's launcher. It runs the bundled server (`dist/server-main.js`) through a V8 code
 * cache kept in the user's own cache folder, so that every launch after the first skips most of the JavaScript
 * compilation — the larger part of a cold start. Node builtins only: this file must stay tiny.
 *
 * The cache is an optimisation and never a requirement: no usable folder, an unreadable, stale or corrupt cache file
 * (V8 rejects it) and the server starts exactly as without one. `INFRA_INSIGHTS_CODE_CACHE=off` turns it off; a path
 * there chooses the folder.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** The per-user folder for the code cache, or undefined when there is none (or it is switched off). */
export function codeCacheFolder(
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform,
    home: string = os.homedir(),
): string | undefined {
    const setting = env.INFRA_INSIGHTS_CODE_CACHE?.trim();
    if (setting && /^(off|0|false|no)$/i.test(setting)) {
        return undefined;
    }
    if (setting) {
        return path.resolve(setting);
    }
    if (platform === 'win32') {
        return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'infra-insights', 'Cache') : undefined;
    }
    if (!home) {
        return undefined;
    }
    if (platform === 'darwin') {
        return path.join(home, 'Library', 'Caches', 'infra-insights');
    }
    return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'infra-insights');
}

/** Creates the folder owner-only; refuses one that another user owns or could write to (it would feed us code). */
function privateFolder(folder: string): boolean {
    try {
        fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
        if (process.platform === 'win32') {
            return true;
        }
        const stat = fs.statSync(folder);
        return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
    } catch {
        return false;
    }
}

/** Caches of earlier builds of this bundle go once nobody has written them for a week. */
function removeStaleCaches(folder: string, stem: string, keep: string): void {
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(folder)) {
        const candidate = path.join(folder, name);
        if (candidate !== keep && name.startsWith(`${stem}-`) && name.endsWith('.bin') && fs.statSync(candidate).mtimeMs < weekAgo) {
            fs.rmSync(candidate, { force: true });
        }
    }
}

/** What happened to the cache on this launch (for the debug log and the tests). */
export type CodeCacheState = 'off' | 'unsafe folder' | 'created' | 'used' | 'rejected';

/**
 * Loads `file` as a CommonJS module, compiled with the V8 code cache from `folder` when one matches this exact bundle
 * and runtime; writes a fresh cache when the process exits if there was none or V8 rejected it.
 */
export function requireWithCodeCache(file: string, folder: string | undefined): CodeCacheState {
    const source = fs.readFileSync(file, 'utf8');
    const usable = folder !== undefined && privateFolder(folder);
    // V8 checks little more than the source length before trusting a cache, so the name pins the exact bundle bytes,
    // the engine version and the architecture.
    const digest = crypto
        .createHash('sha256')
        .update(source)
        .update(`\0${process.versions.v8}\0${process.arch}`)
        .digest('hex')
        .slice(0, 32);
    const cacheFile = usable && folder ? path.join(folder, `${path.basename(file, '.js')}-${digest}.bin`) : undefined;
    let cachedData: Buffer | undefined;
    if (cacheFile) {
        try {
            cachedData = fs.readFileSync(cacheFile);
        } catch {
            cachedData = undefined;
        }
    }
    const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
    const state: CodeCacheState =
        folder === undefined
            ? 'off'
            : !cacheFile
              ? 'unsafe folder'
              : !cachedData
                ? 'created'
                : script.cachedDataRejected
                  ? 'rejected'
                  : 'used';
    if (cacheFile && folder && state !== 'used') {
        // Written at exit, so the cache also holds the functions this session compiled lazily (tool handlers).
        process.once('exit', () => {
            const temporary = `${cacheFile}.${process.pid}.tmp`;
            try {
                fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
                fs.renameSync(temporary, cacheFile);
                removeStaleCaches(folder, path.basename(file, '.js'), cacheFile);
            } catch {
                fs.rmSync(temporary, { force: true });
            }
        });
    }
    const module = new Module(file, require.main ?? undefined);
    module.filename = file;
    module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
    const moduleRequire = Module.createRequire(file);
    const wrapper = script.runInThisContext() as (
        exports: unknown,
        require: NodeJS.Require,
        module: Module,
        filename: string,
        dirname: string,
    ) => void;
    wrapper.call(module.exports, module.exports, moduleRequire, module, file, path.dirname(file));
    module.loaded = true;
    return state;
}
