// Builds the bundles the product ships: the stdio/HTTP server and CLI (node, everything bundled),
// and — when their sources exist — the VS Code extension (cjs, `vscode` external) and webview scripts (iife).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const ifStale = process.argv.includes('--if-stale');

/**
 * The Azure SDKs are large, and the sample estate's generator is most of the rest; each is loaded only when its source
 * is chosen, which keeps the sample server's cold start near the floor and the extension's bundle small.
 * `src/sources/index.ts` requires './azure' and './sample' lazily, and here those requires stay runtime requires of
 * `dist/azure.js` and `dist/sample.js` instead of being inlined.
 */
const LAZY_SOURCES = /^\.\/(azure|sample)$/;
const lazySources = {
    name: 'lazy-sources',
    setup(build) {
        build.onResolve({ filter: LAZY_SOURCES }, (args) =>
            args.importer.endsWith(path.join('src', 'sources', 'index.ts')) ? { path: `${args.path}.js`, external: true } : undefined,
        );
    },
};

/**
 * The extension loads the tools (zod, the schemas, the anomaly engine) on their first run: `src/extension/tools.ts`
 * requires '../tools', which stays a runtime require of `dist/tools.js`.
 */
const lazyTools = {
    name: 'lazy-tools',
    setup(build) {
        build.onResolve({ filter: /^\.\.\/tools$/ }, (args) =>
            args.importer.endsWith(path.join('src', 'extension', 'tools.ts')) ? { path: './tools.js', external: true } : undefined,
        );
    },
};

const nodeEntry = (name, entry, extra = {}) => ({
    entryPoints: { [name]: entry },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: 'dist',
    // Minified even in development: parsing a smaller bundle is most of the stdio server's cold start.
    sourcemap: production ? false : 'linked',
    minify: true,
    keepNames: true,
    logLevel: 'warning',
    legalComments: 'none',
    plugins: [lazySources],
    ...extra,
});

const builds = [
    nodeEntry('server', 'src/server/launch.ts'),
    nodeEntry('server-main', 'src/server/main.ts'),
    nodeEntry('detection-worker', 'src/tools/detectionWorker.ts'),
    nodeEntry('cli', 'src/cli.ts', { banner: { js: '#!/usr/bin/env node' } }),
];
builds.push(nodeEntry('sample', 'src/sources/sample/index.ts'));
if (fs.existsSync('src/sources/azure/index.ts')) {
    builds.push(nodeEntry('azure', 'src/sources/azure/index.ts'));
}
if (fs.existsSync('src/extension/extension.ts')) {
    builds.push(nodeEntry('extension', 'src/extension/extension.ts', { external: ['vscode'], plugins: [lazySources, lazyTools] }));
    builds.push(nodeEntry('tools', 'src/tools/index.ts'));
}
if (fs.existsSync('src/webview')) {
    for (const file of fs.readdirSync('src/webview').filter((f) => /^[a-z]\w*\.ts$/i.test(f) && !f.endsWith('.d.ts'))) {
        builds.push({
            entryPoints: { [path.basename(file, '.ts')]: path.join('src/webview', file) },
            bundle: true,
            platform: 'browser',
            target: 'es2022',
            format: 'iife',
            outdir: 'dist/webview',
            sourcemap: !production,
            minify: production,
            logLevel: 'warning',
        });
    }
}

/** True when every output is newer than every file under src/ (used by `npm start`). */
function isFresh() {
    const newest = (dir) =>
        fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
            const p = path.join(dir, e.name);
            return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
        }, 0);
    const outputs = ['dist/server.js', 'dist/server-main.js', 'dist/cli.js', 'dist/sample.js'];
    if (!outputs.every((o) => fs.existsSync(o))) {
        return false;
    }
    const oldestOutput = Math.min(...outputs.map((o) => fs.statSync(o).mtimeMs));
    return oldestOutput > Math.max(newest('src'), fs.statSync('package.json').mtimeMs);
}

async function main() {
    if (ifStale && isFresh()) {
        return;
    }
    if (watch) {
        for (const b of builds) {
            const ctx = await esbuild.context(b);
            await ctx.watch();
        }
        return;
    }
    await Promise.all(builds.map((b) => esbuild.build(b)));
    fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
