/**
 * `npx tsx test/azure/fake/main.ts [--machines N] [--subscriptions N] [--workspaces N]`: runs the fake on its own so
 * another process (the VS Code extension tests, a manual `infra-insights` run) can use it. Prints one JSON line —
 * `{armEndpoint, logsEndpoint, caCertFile, workspaceIds, subscriptionIds}` — then serves until stdin closes or SIGTERM.
 * Point a server at it with INFRA_INSIGHTS_ARM_ENDPOINT, INFRA_INSIGHTS_LOGS_ENDPOINT, NODE_EXTRA_CA_CERTS=<caCertFile>
 * and any INFRA_INSIGHTS_ARM_TOKEN / INFRA_INSIGHTS_LOGS_TOKEN (the fake accepts any bearer token).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureFake } from './index';

function argument(name: string): number | undefined {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

async function main(): Promise<void> {
    const fake = await startAzureFake({
        estate: { machines: argument('--machines'), subscriptions: argument('--subscriptions'), workspaces: argument('--workspaces') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'infra-insights-fake-ca-'));
    const caCertFile = join(dir, 'ca.pem');
    writeFileSync(caCertFile, fake.caCertPem);
    process.stdout.write(
        `${JSON.stringify({
            armEndpoint: fake.armEndpoint,
            logsEndpoint: fake.logsEndpoint,
            caCertFile,
            workspaceIds: fake.estate.workspaces.map((w) => w.customerId),
            subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId),
        })}\n`,
    );
    const stop = () => {
        void fake.close().finally(() => {
            rmSync(dir, { recursive: true, force: true });
            process.exit(0);
        });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.stdin.on('end', stop);
    process.stdin.resume();
}

void main();
