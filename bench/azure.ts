/**
 * `npx tsx bench/azure.ts [--machines 10000]`: the Azure source against the local HTTPS fake.
 *  1. End to end: 10,000 machines in 10 Resource Graph pages with one 429 (Retry-After: 1) in the middle, through the
 *     real SDK clients: every row must come back, each exactly once.
 *  2. Client-side overhead per page: JSON parse + mapping of each 1,000-row page body (`table` format, as the source asks), as the fake sends it
 *     (median and p95 over several rounds). Target: median < 5 ms.
 */
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { machinesQuery } from '../src/sources/azure/queries';
import { graphRowsOf, toMachine } from '../src/sources/azure/mapping';
import { startAzureFake } from '../test/azure/fake';
import { sourceFor } from '../test/azure/helpers';

function argument(name: string, fallback: number): number {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function post(url: string, ca: string, body: unknown): Promise<string> {
    return new Promise((resolve, reject) => {
        const request = https.request(
            url,
            { method: 'POST', ca, headers: { 'content-type': 'application/json', authorization: 'Bearer bench' } },
            (response) => {
                const chunks: Buffer[] = [];
                response.on('data', (c: Buffer) => chunks.push(c));
                response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            },
        );
        request.on('error', reject);
        request.end(JSON.stringify(body));
    });
}

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
    const machines = argument('--machines', 10_000);
    const fake = await startAzureFake({ estate: { machines, subscriptions: 10 } });
    try {
        const subscriptionIds = fake.estate.subscriptions.map((s) => s.subscriptionId);

        // 1. End to end with one 429 after the fourth page.
        fake.fail('graph', {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { error: { code: 'RateLimiting', message: 'throttled' } },
            skip: 4,
        });
        const source = sourceFor(fake);
        const started = performance.now();
        const result = await source.getMachines({ subscriptionIds });
        const elapsed = performance.now() - started;
        const unique = new Set(result.rows.map((m) => m.id)).size;
        const graph = fake.requests.filter((r) => r.service === 'graph');
        const throttled = graph.filter((r) => r.status === 429).length;
        const pages = graph.filter((r) => r.status === 200).length;
        console.log(
            `End to end: ${result.rows.length.toLocaleString('en')} rows (${unique.toLocaleString('en')} unique) of ${machines.toLocaleString('en')}`,
        );
        console.log(
            `  ${pages} pages, ${throttled} throttled request(s) retried, ${(elapsed / 1000).toFixed(2)} s including the 1 s Retry-After wait`,
        );
        console.log(`  warnings: ${result.warnings.length === 0 ? 'none' : result.warnings.join(' | ')}`);
        if (result.rows.length !== machines || unique !== machines || throttled !== 1) {
            throw new Error('FAIL: not every row came back exactly once, or the 429 was not exercised');
        }

        // 2. Parse + map per page, on the bodies the fake sends.
        const bodies: string[] = [];
        let skipToken: string | undefined;
        do {
            const text = await post(
                `${fake.armEndpoint}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`,
                fake.caCertPem,
                {
                    query: machinesQuery().text,
                    subscriptions: subscriptionIds,
                    options: { $top: 1000, ...(skipToken ? { $skipToken: skipToken } : {}), resultFormat: 'table' },
                },
            );
            bodies.push(text);
            skipToken = (JSON.parse(text) as { $skipToken?: string }).$skipToken;
        } while (skipToken);
        const timings: number[] = [];
        const cpuTimings: number[] = [];
        let mapped = 0;
        for (let round = 0; round < 11; round++) {
            for (const text of bodies) {
                const cpu0 = process.cpuUsage();
                const t0 = performance.now();
                const page = JSON.parse(text) as { data: unknown };
                const rows = graphRowsOf(page.data).map(toMachine);
                const t1 = performance.now();
                const cpu = process.cpuUsage(cpu0);
                if (round > 0) {
                    // Round 0 warms the JIT.
                    timings.push(t1 - t0);
                    cpuTimings.push((cpu.user + cpu.system) / 1000);
                    mapped += rows.length;
                }
            }
        }
        timings.sort((a, b) => a - b);
        cpuTimings.sort((a, b) => a - b);
        const median = percentile(timings, 0.5);
        const bytes = bodies.reduce((n, b) => n + b.length, 0) / bodies.length;
        console.log(
            `Client-side parse + map per page (${bodies.length} pages of ~${Math.round(bytes / 1024)} KiB, ${timings.length} samples, ${mapped.toLocaleString('en')} rows):`,
        );
        console.log(
            `  wall: median ${median.toFixed(2)} ms, p95 ${percentile(timings, 0.95).toFixed(2)} ms, max ${timings[timings.length - 1].toFixed(2)} ms (target: median < 5 ms)`,
        );
        // CPU time of this process (all threads, so GC helpers count too): what the work costs when the machine is shared.
        console.log(`  cpu:  median ${percentile(cpuTimings, 0.5).toFixed(2)} ms, p95 ${percentile(cpuTimings, 0.95).toFixed(2)} ms`);
        console.log(
            `  load average at the end: ${(await import('node:os'))
                .loadavg()
                .map((l) => l.toFixed(2))
                .join(' ')} on ${(await import('node:os')).cpus().length} CPUs`,
        );
        if (median >= 5) {
            throw new Error('FAIL: median parse + map per page is 5 ms or more');
        }
        console.log('PASS');
    } finally {
        await fake.close();
    }
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
