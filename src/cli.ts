/**
 * `infra-insights`: run the MCP server (stdio or HTTP), list the tools, or run one tool from a shell.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { UserError } from './core/source';
import { createServer } from './server/createServer';
import { PATHS, startHttpServer } from './server/http';
import { createLogger, type LogLevel } from './server/log';
import { serveStdio } from './server/stdio';
import { optionalInt, parseChoice, parseCloud, selectSource, sourceConfigFromEnv, splitList, type SourceConfig } from './sources';
import { allTools, findTool, runTool } from './tools';
import { unwrapped } from './tools/input';
import { throttledProgress } from './tools/types';

const USAGE = `Infra Insights for Azure — analyse a hybrid server estate from an MCP client or a shell.

Usage:
  infra-insights serve --stdio                      MCP over stdin/stdout (what VS Code launches)
  infra-insights serve --http [--host H] [--port P] MCP over HTTP: ${PATHS.streamable} (Streamable HTTP) and ${PATHS.sse} (SSE)
  infra-insights tools                              list the tools and their parameters
  infra-insights run <Tool> [--param value ...]     run one tool and print its summary and table
                            [--json]                print the structured result as JSON instead

Data source (also from INFRA_INSIGHTS_* environment variables):
  --source sample|azure|auto   default sample; auto uses Azure when a credential works
  --sample-size N              machines in the sample estate (default 60)
  --seed N                     sample estate seed (default 42)
  --workspace ID               default Log Analytics workspace
  --subscriptions A,B          default subscriptions
  --tenant ID                  Entra tenant
  --cloud NAME                 AzureCloud | AzureChinaCloud | AzureUSGovernment

HTTP access key: INFRA_INSIGHTS_KEY or --key-file FILE. Binding beyond loopback requires one.
Logging: --log-file FILE, --log-level debug|info|warn|error (logs go to stderr).

Examples:
  infra-insights run GetPatchingLevel --classification Critical,Security
  infra-insights run GetPatchingLevel --tags environment=Production --reboot_pending true
  infra-insights run GetAnomalies --server_name ctso-sql-ams-01 --json
`;

interface ParsedArgs {
    positional: string[];
    flags: Map<string, string[]>;
    /** Flags given without a value (`--json`), which read as `true`. */
    bare?: Set<string>;
}

/** Parses `--name value`, `--name=value` and bare `--flag`; repeated flags accumulate. */
export function parseArgs(argv: string[]): ParsedArgs {
    const positional: string[] = [];
    const flags = new Map<string, string[]>();
    const bare = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith('--')) {
            positional.push(arg);
            continue;
        }
        const eq = arg.indexOf('=');
        const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).trim();
        let value: string;
        if (eq > 0) {
            value = arg.slice(eq + 1);
        } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
            value = argv[++i];
        } else {
            value = 'true';
            bare.add(name);
        }
        flags.set(name, [...(flags.get(name) ?? []), value]);
    }
    return { positional, flags, bare };
}

const GLOBAL_FLAGS = new Set([
    'source',
    'sample-size',
    'seed',
    'workspace',
    'subscriptions',
    'tenant',
    'cloud',
    'log-file',
    'log-level',
    'json',
    'help',
]);

function one(args: ParsedArgs, name: string): string | undefined {
    return args.flags.get(name)?.at(-1);
}

function sourceConfig(args: ParsedArgs, env: NodeJS.ProcessEnv): SourceConfig {
    const fromEnv = sourceConfigFromEnv(env);
    const source = one(args, 'source');
    const cloud = one(args, 'cloud');
    const subscriptions = one(args, 'subscriptions');
    return {
        ...fromEnv,
        source: source ? parseChoice(source, '--source') : fromEnv.source,
        sampleSize: optionalInt(one(args, 'sample-size'), '--sample-size') ?? fromEnv.sampleSize,
        seed: optionalInt(one(args, 'seed'), '--seed') ?? fromEnv.seed,
        workspaceId: one(args, 'workspace') ?? fromEnv.workspaceId,
        subscriptionIds: subscriptions ? splitList(subscriptions) : fromEnv.subscriptionIds,
        tenantId: one(args, 'tenant') ?? fromEnv.tenantId,
        cloud: cloud ? parseCloud(cloud, '--cloud') : fromEnv.cloud,
    };
}

/**
 * Turns `--param value` strings into a tool's arguments: lists from commas or repeats, everything else the text given,
 * which the tool's schema reads as it would a model's (`--os Windows`, `--max_results 25`, a bare `--reboot_pending`).
 * A parameter that needs a value and was given none is refused.
 */
export function toolArguments(
    tool: { input: z.ZodTypeAny },
    flags: Map<string, string[]>,
    bare: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
    const shape = (tool.input instanceof z.ZodObject ? tool.input.shape : {}) as Record<string, z.ZodTypeAny>;
    const result: Record<string, unknown> = {};
    for (const [rawName, values] of flags) {
        if (GLOBAL_FLAGS.has(rawName)) {
            continue;
        }
        const name = rawName in shape ? rawName : rawName.replace(/-/g, '_');
        if (!shape[name]) {
            // Unknown parameters are passed through so the tool's own validation names them.
            result[name] = values.at(-1);
            continue;
        }
        const schema = unwrapped(shape[name]);
        if (bare.has(rawName) && !(schema instanceof z.ZodBoolean)) {
            throw new UserError(`--${rawName} needs a value: --${rawName} <value>.`);
        }
        // Values stay text: the tool's schema reads numbers, booleans and listed values from text (tools/input.ts).
        result[name] = schema instanceof z.ZodArray ? values.flatMap(splitList) : (values.at(-1) ?? '');
    }
    return result;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** --log-level (or INFRA_INSIGHTS_LOG_LEVEL), default info; anything else is refused rather than logging everything. */
function logLevelOf(text: string | undefined): LogLevel {
    if (text === undefined || text === '') {
        return 'info';
    }
    const level = LOG_LEVELS.find((l) => l === text.trim().toLowerCase());
    if (!level) {
        throw new UserError(`--log-level ${JSON.stringify(text.slice(0, 40))} is not a level: use debug, info, warn or error.`);
    }
    return level;
}

function describeParameters(tool: { input: z.ZodTypeAny }): string[] {
    const shape = (tool.input instanceof z.ZodObject ? tool.input.shape : {}) as Record<string, z.ZodTypeAny>;
    return Object.entries(shape).map(([name, schema]) => `    --${name}  ${schema.description ?? ''}`);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const args = parseArgs(argv);
    const [command, toolName] = args.positional;
    if (!command || command === 'help' || one(args, 'help')) {
        process.stdout.write(USAGE);
        return command || one(args, 'help') ? 0 : 2;
    }
    const level = logLevelOf(one(args, 'log-level') ?? env.INFRA_INSIGHTS_LOG_LEVEL);
    const log = createLogger({ level, file: one(args, 'log-file') });
    if (command === 'tools') {
        for (const tool of allTools) {
            process.stdout.write(`${tool.name} — ${tool.title}\n  ${tool.description}\n${describeParameters(tool).join('\n')}\n\n`);
        }
        return 0;
    }
    if (command === 'serve') {
        if (one(args, 'stdio') && !one(args, 'http')) {
            const config = sourceConfig(args, env);
            await serveStdio({
                ...env,
                INFRA_INSIGHTS_SOURCE: config.source,
                ...configEnv(config),
                INFRA_INSIGHTS_LOG_FILE: one(args, 'log-file') ?? env.INFRA_INSIGHTS_LOG_FILE,
                INFRA_INSIGHTS_LOG_LEVEL: level,
            });
            return -1;
        }
        if (!one(args, 'http')) {
            throw new UserError('serve needs --stdio or --http.');
        }
        const { source, note } = await selectSource(sourceConfig(args, env), env);
        const keyFile = one(args, 'key-file');
        const key = keyFile ? fs.readFileSync(keyFile, 'utf8').trim() : env.INFRA_INSIGHTS_KEY || undefined;
        const host = one(args, 'host') ?? '127.0.0.1';
        const port = optionalInt(one(args, 'port'), '--port') ?? 7071;
        const running = await startHttpServer(() => createServer(source, log), { host, port, key, log });
        const base = running.url.replace('127.0.0.1', 'localhost');
        const keyNote = key ? ' (send the key as the x-functions-key header)' : '';
        const snippet = {
            servers: {
                'infra-insights': {
                    type: 'http',
                    url: `${base}${PATHS.streamable}`,
                    ...(key ? { headers: { 'x-functions-key': '${input:infra-insights-key}' } } : {}),
                },
                'infra-insights-sse': {
                    type: 'sse',
                    url: `${base}${PATHS.sse}`,
                    ...(key ? { headers: { 'x-functions-key': '${input:infra-insights-key}' } } : {}),
                },
            },
            ...(key
                ? { inputs: [{ type: 'promptString', id: 'infra-insights-key', description: 'Infra Insights access key', password: true }] }
                : {}),
        };
        process.stderr.write(
            `${note}\nInfra Insights MCP server listening${keyNote}:\n  Streamable HTTP  ${base}${PATHS.streamable}\n  SSE (legacy)     ${base}${PATHS.sse}\n\n` +
                `.vscode/mcp.json:\n${JSON.stringify(snippet, null, 2)}\n\nPress Ctrl+C to stop.\n`,
        );
        await new Promise<void>((resolve) => {
            const stop = () => void running.close().then(resolve);
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
        });
        return 0;
    }
    if (command === 'run') {
        if (!toolName) {
            throw new UserError(`run needs a tool name: ${allTools.map((t) => t.name).join(', ')}.`);
        }
        const tool = findTool(toolName);
        if (!tool) {
            throw new UserError(`Unknown tool ${JSON.stringify(toolName)}. Tools: ${allTools.map((t) => t.name).join(', ')}.`);
        }
        const { source, note } = await selectSource(sourceConfig(args, env), env);
        if (source.kind === 'azure' || note.includes('because')) {
            process.stderr.write(`${note}\n`);
        }
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        // What a long run is doing, on a terminal only (a pipe or a log gets the answer alone), at most once a second.
        const progress = process.stderr.isTTY ? throttledProgress((message) => process.stderr.write(`${message}\n`), 1000) : undefined;
        const result = await runTool(
            tool.name,
            { source, signal: controller.signal, progress },
            toolArguments(tool, args.flags, args.bare),
        );
        if (!result.ok) {
            process.stderr.write(`${result.message}\n`);
            return 1;
        }
        process.stdout.write(one(args, 'json') ? `${JSON.stringify(result.structured, null, 2)}\n` : `${forShell(result.text)}\n`);
        return 0;
    }
    throw new UserError(`Unknown command ${JSON.stringify(command)}. Run infra-insights help.`);
}

/** The configuration as environment variables, so `serve --stdio` flags reach the stdio server. */
function configEnv(config: SourceConfig): Record<string, string> {
    const env: Record<string, string> = {};
    const set = (name: string, value: string | number | undefined) => {
        if (value !== undefined) {
            env[name] = String(value);
        }
    };
    set('INFRA_INSIGHTS_SAMPLE_SIZE', config.sampleSize);
    set('INFRA_INSIGHTS_SEED', config.seed);
    set('INFRA_INSIGHTS_WORKSPACE_ID', config.workspaceId);
    set('INFRA_INSIGHTS_SUBSCRIPTION_IDS', config.subscriptionIds?.join(','));
    set('INFRA_INSIGHTS_TENANT_ID', config.tenantId);
    set('INFRA_INSIGHTS_CLOUD', config.cloud);
    return env;
}

/**
 * A tool's text as a shell user reads it: what an MCP client calls structuredContent is, here, what --json prints, and
 * a parameter is a flag.
 */
export function forShell(text: string): string {
    return text.replaceAll('structuredContent', 'the --json output').replaceAll('raise max_results', 'raise --max_results');
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            if (code >= 0) {
                process.exitCode = code;
            }
        },
        (error: unknown) => {
            // By name: an error from a lazily loaded source (dist/sample.js, dist/azure.js) has its own copy of the class.
            const usage = error instanceof Error && error.name === UserError.name;
            process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = usage ? 2 : 1;
        },
    );
}
