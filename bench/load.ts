/**
 * `npm run bench:load`: the HTTP server under load on loopback (bounded, self-stopping).
 *  1. LOAD_CLIENTS (200) concurrent MCP clients (minimal Streamable HTTP clients, one keep-alive socket each) calling a
 *     mix of tools for LOAD_SECONDS (60): throughput, p50/p99 per tool, errors, server and client CPU, server memory.
 *  2. LOAD_SESSIONS (10,000) sequential sessions opened and closed (Streamable HTTP and legacy SSE alternately):
 *     open SSE sessions, file descriptors and memory of the server afterwards.
 * Loopback only; every loop is bounded in count and time.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const SESSIONS = Number(process.env.LOAD_SESSIONS ?? 10_000);
const PORT = Number(process.env.LOAD_PORT ?? 17_071);
const base = `http://127.0.0.1:${PORT}`;

const MIX: [string, Record<string, unknown>][] = [
    ['GetServerMetadata', {}],
    ['GetPatchingLevel', { classification: ['Critical', 'Security'] }],
    ['GetSqlMetadata', {}],
    ['GetSqlBpAssessment', { severity: ['High'] }],
    ['GetWinBpAssessment', { min_weight: 10 }],
    ['GetSwConfig', { software_name: 'sql' }],
    ['GetSwChangesList', {}],
    ['GetAnomalies', { timespan: '24h' }],
    ['ListScopes', {}],
];

function rssKb(pid: number): number {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
}

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(pid: number): number {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
}

function openFds(pid: number): number {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
}

function percentile(sorted: number[], p: number): number {
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** One JSON-RPC POST to /mcp; the parsed answer (undefined for a notification's 202). */
function rpc(agent: http.Agent, message: Record<string, unknown>): Promise<{ result?: unknown; error?: unknown } | undefined> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            `${base}/mcp`,
            {
                method: 'POST',
                agent,
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    if (res.statusCode === 202 && !text) {
                        resolve(undefined);
                    } else if (res.statusCode === 200) {
                        try {
                            resolve(JSON.parse(text) as { result?: unknown });
                        } catch (error) {
                            reject(error as Error);
                        }
                    } else {
                        reject(new Error(`HTTP ${res.statusCode}`));
                    }
                });
                res.on('error', reject);
            },
        );
        req.on('error', reject);
        req.end(JSON.stringify(message));
    });
}

async function health(): Promise<{ sseSessions: number }> {
    return (await (await fetch(`${base}/healthz`)).json()) as { sseSessions: number };
}

async function main(): Promise<void> {
    const server = spawn(
        process.execPath,
        [
            path.resolve(__dirname, '..', 'dist', 'cli.js'),
            'serve',
            '--http',
            '--port',
            String(PORT),
            '--source',
            'sample',
            '--log-level',
            'warn',
        ],
        {
            stdio: ['ignore', 'ignore', 'pipe'],
        },
    );
    const stop = setTimeout(() => server.kill(), (SECONDS + 600) * 1000);
    try {
        await new Promise<void>((resolve, reject) => {
            server.stderr.on('data', (chunk: Buffer) => (chunk.toString().includes('listening') ? resolve() : undefined));
            server.on('exit', () => reject(new Error('server exited')));
        });
        const pid = server.pid ?? 0;
        // Warm up once so memory "before" includes the generated estate.
        const warm = new Client({ name: 'warm', version: '1' });
        await warm.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
        for (const [name, args] of MIX) {
            await warm.callTool({ name, arguments: args });
        }
        await warm.close();
        global.gc?.();
        const memBefore = rssKb(pid);
        const fdsBefore = openFds(pid);

        const latencies: number[] = [];
        const byTool = new Map<string, number[]>(MIX.map(([name]) => [name, []]));
        let errors = 0;
        const deadline = performance.now() + SECONDS * 1000;
        // Each client is a minimal MCP client over Streamable HTTP on its own keep-alive socket: it initializes, then
        // calls tools back to back. Two hundred SDK Client instances in one process starve one another (some wait the
        // whole run while others are served a hundred times), which measured the load generator, not the server.
        const worker = async (n: number) => {
            const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
            try {
                await rpc(agent, {
                    jsonrpc: '2.0',
                    id: 0,
                    method: 'initialize',
                    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `load-${n}`, version: '1' } },
                });
                await rpc(agent, { jsonrpc: '2.0', method: 'notifications/initialized' });
                for (let i = n; performance.now() < deadline; i++) {
                    const [name, args] = MIX[i % MIX.length];
                    const started = performance.now();
                    const answer = await rpc(agent, {
                        jsonrpc: '2.0',
                        id: i + 1,
                        method: 'tools/call',
                        params: { name, arguments: args },
                    }).catch(() => undefined);
                    const result = answer?.result as { isError?: boolean; structuredContent?: unknown } | undefined;
                    if (!result || result.isError || !result.structuredContent) {
                        errors++;
                    }
                    latencies.push(performance.now() - started);
                    byTool.get(name)?.push(performance.now() - started);
                }
            } finally {
                agent.destroy();
            }
        };
        const started = performance.now();
        const serverCpu0 = cpuSeconds(pid);
        const clientCpu0 = process.cpuUsage();
        await Promise.all(Array.from({ length: CLIENTS }, (_, n) => worker(n)));
        const elapsed = (performance.now() - started) / 1000;
        const serverCpu = cpuSeconds(pid) - serverCpu0;
        const clientCpuUsage = process.cpuUsage(clientCpu0);
        const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
        latencies.sort((a, b) => a - b);
        const memAfterLoad = rssKb(pid);
        console.log(`Load: ${CLIENTS} concurrent clients, tool mix, ${elapsed.toFixed(1)} s on loopback`);
        console.log(`  calls ${latencies.length}, throughput ${(latencies.length / elapsed).toFixed(1)} calls/s, errors ${errors}`);
        console.log(
            `  CPU: server ${serverCpu.toFixed(1)} s, the ${CLIENTS} clients (this process) ${clientCpu.toFixed(1)} s, in ${elapsed.toFixed(1)} s on ${os.cpus().length} cores`,
        );
        console.log(`  latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
        console.log(`  server RSS before ${(memBefore / 1024).toFixed(1)} MB, after ${(memAfterLoad / 1024).toFixed(1)} MB`);
        for (const [name, times] of byTool) {
            times.sort((a, b) => a - b);
            console.log(
                `    ${name.padEnd(20)} calls ${String(times.length).padStart(5)}  p50 ${percentile(times, 50).toFixed(0).padStart(6)} ms  p99 ${percentile(times, 99).toFixed(0).padStart(6)} ms`,
            );
        }

        const sessionStart = performance.now();
        let sessionErrors = 0;
        for (let i = 0; i < SESSIONS && performance.now() - sessionStart < 600_000; i++) {
            const client = new Client({ name: `session-${i}`, version: '1' });
            const transport =
                i % 2
                    ? new SSEClientTransport(new URL(`${base}/runtime/webhooks/mcp/sse`))
                    : new StreamableHTTPClientTransport(new URL(`${base}/mcp`));
            try {
                await client.connect(transport);
                await client.ping();
            } catch {
                sessionErrors++;
            }
            await client.close();
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const after = await health();
        console.log(
            `Sessions: ${SESSIONS} opened and closed sequentially in ${((performance.now() - sessionStart) / 1000).toFixed(1)} s, errors ${sessionErrors}`,
        );
        console.log(`  open SSE sessions afterwards ${after.sseSessions} (expected 0)`);
        console.log(`  server file descriptors before ${fdsBefore}, after ${openFds(pid)}`);
        console.log(`  server RSS after sessions ${(rssKb(pid) / 1024).toFixed(1)} MB`);
    } finally {
        clearTimeout(stop);
        server.kill();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
