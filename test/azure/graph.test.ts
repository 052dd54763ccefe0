import * as assert from 'node:assert/strict';
import { SourceError } from '../../src/core/source';
import { runTool } from '../../src/tools';
import { sqlVirtualMachines, startAzureFake, type AzureFake } from './fake';
import { ARM_TOKEN, LOGS_TOKEN, rejection, sourceFor } from './helpers';

const DAY = 86_400_000;
/** Text only the machines query has (the VMs' network interfaces are read beside it). */
const MACHINES = "'microsoft.hybridcompute/machines', 'microsoft.compute/virtualmachines'";

describe('Azure source over Resource Graph (real SDK against the HTTPS fake)', () => {
    let fake: AzureFake;
    afterEach(async () => fake?.close());

    it('returns all 2,500 machines over several pages of 1,000, paging by skip token', async () => {
        fake = await startAzureFake({ estate: { machines: 2500, subscriptions: 4 } });
        const source = sourceFor(fake);
        const subs = fake.estate.subscriptions.map((s) => s.subscriptionId);
        const progress: string[] = [];
        const result = await source.getMachines({ subscriptionIds: subs, progress: (message) => progress.push(message) });
        assert.equal(result.rows.length, 2500);
        assert.deepEqual(progress, [
            'Read 1,000 machines from Resource Graph…',
            'Read 2,000 machines from Resource Graph…',
            'Read 2,500 machines from Resource Graph…',
        ]);
        assert.equal(new Set(result.rows.map((m) => m.id)).size, 2500);
        assert.deepEqual(result.warnings, []);
        const graph = fake.requests.filter((r) => r.service === 'graph' && r.query.includes(MACHINES));
        assert.equal(graph.length, 3, 'pages of 1,000: 1000 + 1000 + 500');
        assert.ok(graph.every((r) => r.top === 1000));
        assert.equal(graph[0].skipToken, undefined);
        assert.ok(graph[1].skipToken && graph[2].skipToken);
    });

    it('maps machines: Arc and VM kinds, string properties converted, old agents without hardware keys', async () => {
        fake = await startAzureFake({ estate: { machines: 20 } });
        const source = sourceFor(fake);
        const { rows } = await source.getMachines({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        const arc = rows.find((m) => m.name === 'srv-00000');
        assert.ok(arc);
        assert.equal(arc.kind, 'arc');
        assert.equal(arc.subscriptionId, fake.estate.subscriptions[0].subscriptionId, 'read from the id');
        assert.equal(arc.resourceGroup, 'rg-0');
        assert.equal(arc.status, 'Connected');
        assert.equal(arc.statusMessage, undefined);
        // An Arc server in the Error state carries the first of its errorDetails.
        const failing = rows.find((m) => m.name === 'srv-00013');
        assert.equal(failing?.status, 'Error');
        assert.equal(failing?.statusMessage, 'The agent could not renew its managed identity certificate.');
        assert.equal(arc.coreCount, 8);
        assert.equal(arc.memoryGb, 64);
        assert.equal(arc.sqlDiscovered, true);
        assert.deepEqual(arc.ipAddresses, ['10.0.0.0']);
        const vm = rows.find((m) => m.name === 'vm-00002');
        assert.ok(vm);
        assert.equal(vm.kind, 'azure-vm');
        assert.equal(vm.status, 'Running');
        assert.equal(vm.osName, 'WindowsServer 2022-datacenter');
        // A VM's addresses come from its network interface (both of its IP configurations).
        const vms = fake.estate.machines.filter((m) => m.type !== 'microsoft.hybridcompute/machines');
        const k = vms.findIndex((m) => m.name === 'vm-00002');
        assert.deepEqual(vm.ipAddresses, [`10.1.0.${k + 4}`, `10.1.1.${k + 4}`]);
        const old = rows.find((m) => m.name === 'srv-00009');
        assert.ok(old);
        assert.equal(old.coreCount, undefined);
        assert.equal(old.memoryGb, undefined);
        // Where each release stands, read from the names Arc (osSku) and Azure VMs (image offer and SKU) give.
        const run = await runTool('GetServerMetadata', { source }, { max_results: 100 });
        assert.ok(run.ok, run.ok ? '' : run.message);
        const support = (name: string) =>
            (
                (run.structured.items as { name: string; support: { product: string; status: string } | null }[]).find(
                    (m) => m.name === name,
                ) ?? {}
            ).support;
        assert.deepEqual(support('srv-00009'), {
            product: 'Windows Server 2012 R2',
            status: 'ended',
            extendedEnd: '2023-10-10',
            esuEnd: '2026-10-13',
        });
        assert.equal(support('srv-00000')?.product, 'Windows Server 2019');
        assert.equal(support('vm-00002')?.product, 'Windows Server 2022');
        assert.equal(support('srv-00003'), null, 'Linux is not judged');
    });

    it('tells which machines lack the Azure Monitor Agent and which extensions failed, from the extension resources', async () => {
        fake = await startAzureFake({ estate: { machines: 12 } });
        const source = sourceFor(fake);
        const run = await runTool('GetServerMetadata', { source }, { max_results: 100 });
        assert.ok(run.ok, run.ok ? '' : run.message);
        interface Listed {
            name: string;
            monitoringAgent: string | null;
            monitoringAgentState: string | null;
            failedExtensions: { name: string; type: string; message?: string }[];
        }
        const items = run.structured.items as Listed[];
        const agent = (name: string) => {
            const m = items.find((i) => i.name === name);
            return m && [m.monitoringAgent, m.monitoringAgentState, m.failedExtensions];
        };
        assert.deepEqual(agent('srv-00000'), ['ama', 'Succeeded', []]);
        assert.deepEqual(agent('srv-00003'), ['none', null, []], 'no agent extension at all');
        assert.deepEqual(agent('srv-00009'), ['legacy', 'Succeeded', []], 'only the Log Analytics agent');
        assert.deepEqual(agent('vm-00008'), ['both', 'Succeeded', []], 'an Azure VM with both agents');
        // Azure's multi-line status message arrives on one line.
        assert.deepEqual(agent('srv-00010'), [
            'ama',
            'Failed',
            [
                {
                    name: 'AzureMonitorWindowsAgent',
                    type: 'AzureMonitorWindowsAgent',
                    message: 'Enable failed. The agent service did not start (exit code 1).',
                },
            ],
        ]);
        assert.deepEqual(agent('srv-00004'), [
            'ama',
            'Succeeded',
            [{ name: 'MDE.Windows', type: 'MDE.Windows', message: 'Onboarding failed: proxy returned 407.' }],
        ]);
        const summary = run.structured.summary as Record<string, unknown>;
        assert.deepEqual(summary.byMonitoringAgent, { ama: 9, none: 1, legacy: 1, both: 1 });
        assert.equal(summary.withoutAzureMonitorAgent, 2);
        assert.equal(summary.monitoringAgentFailed, 1);
        assert.equal(summary.extensionsFailed, 2);
        // The Arc agent's extension service, as Windows and systemd name its state: only srv-00003's is not running.
        const service = (name: string) =>
            (items as unknown as { name: string; extensionService?: string }[]).find((m) => m.name === name)?.extensionService;
        assert.deepEqual([service('srv-00000'), service('srv-00003'), service('vm-00002')], ['Running', 'inactive', undefined]);
        assert.equal(summary.extensionServiceDown, 1);
        assert.ok(
            run.text.includes(
                ' 1 connected Arc-enabled server reports the extension service not running, so no extension — the monitoring agent among them — can be installed, updated or removed there: srv-00003 (inactive).',
            ),
        );
        assert.match(
            run.text,
            / 2 machines have no Azure Monitor Agent: 1 runs only the Log Analytics agent \(MMA\/OMS\), unsupported since 31 August 2024 \(srv-00009\); 1 has no monitoring agent at all, so no workspace gets its performance, inventory or assessment data \(srv-00003\)\. 2 machines have an extension in the Failed state, a failed monitoring agent first: srv-00010 \(AzureMonitorWindowsAgent: Enable failed\. The agent service did not start \(exit code 1\)\.\), srv-00004 \(MDE\.Windows: Onboarding failed: proxy returned 407\.\)\./,
        );
        const query = fake.requests.find((r) => r.service === 'graph' && r.query.includes('machines/extensions'));
        assert.ok(query, 'the extensions were read from Resource Graph');
        const missing = await runTool('GetServerMetadata', { source }, { monitoring_agent: ['none', 'legacy'] });
        assert.ok(missing.ok, missing.ok ? '' : missing.message);
        assert.deepEqual((missing.structured.items as Listed[]).map((m) => m.name).sort(), ['srv-00003', 'srv-00009']);
        const failed = await runTool('GetServerMetadata', { source }, { failed_extensions: true });
        assert.ok(failed.ok, failed.ok ? '' : failed.message);
        assert.deepEqual((failed.structured.items as Listed[]).map((m) => m.name).sort(), ['srv-00004', 'srv-00010']);
    });

    it('still lists the machines when the extensions cannot be read, saying so; a filter on them fails with the reason', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        const source = sourceFor(fake);
        const forbidden = {
            status: 403,
            when: 'machines/extensions',
            body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to read extensions.' } },
        };
        fake.fail('graph', forbidden);
        const run = await runTool('GetServerMetadata', { source }, {});
        assert.ok(run.ok, run.ok ? '' : run.message);
        assert.equal((run.structured.items as unknown[]).length, 6);
        const summary = run.structured.summary as Record<string, unknown>;
        assert.equal(summary.withoutAzureMonitorAgent, null, 'unknown, not zero');
        assert.ok((run.structured.items as { monitoringAgent: unknown }[]).every((m) => m.monitoringAgent === null));
        const warnings = run.structured.warnings as string[];
        assert.equal(warnings.length, 1);
        assert.match(
            warnings[0],
            /^Monitoring agents and failed extensions are not shown: No access to subscriptions .* Reader on the subscriptions\.$/,
        );
        assert.ok(run.text.includes(warnings[0]));
        assert.ok(!run.text.includes('Azure Monitor Agent:'), 'no claim about agents');
        fake.fail('graph', forbidden);
        const filtered = await runTool('GetServerMetadata', { source }, { monitoring_agent: ['none'] });
        assert.equal(filtered.ok, false);
        assert.match(filtered.ok ? '' : filtered.message, /No access to subscriptions .* Reader on the subscriptions\./);
    });

    it('batches more than 100 subscriptions into requests of at most 100', async () => {
        fake = await startAzureFake({ estate: { machines: 500, subscriptions: 250 } });
        const source = sourceFor(fake);
        const subs = fake.estate.subscriptions.map((s) => s.subscriptionId);
        const result = await source.getMachines({ subscriptionIds: subs });
        assert.equal(result.rows.length, 500);
        // The machines query (the VMs' network interfaces are read beside it, batched alike).
        const graph = fake.requests.filter((r) => r.service === 'graph' && r.query.includes(MACHINES));
        assert.deepEqual(
            graph.map((r) => r.subscriptions?.length),
            [100, 100, 50],
        );
        assert.equal(new Set(graph.flatMap((r) => r.subscriptions ?? [])).size, 250);
    });

    it('waits out a 429 with Retry-After and returns every row', async () => {
        fake = await startAzureFake({ estate: { machines: 2500, subscriptions: 1 } });
        fake.fail('graph', {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { error: { code: 'RateLimiting', message: 'Too many requests' } },
            skip: 1,
        });
        const source = sourceFor(fake);
        const started = Date.now();
        const result = await source.getMachines({ subscriptionIds: [fake.estate.subscriptions[0].subscriptionId] });
        assert.equal(result.rows.length, 2500);
        assert.equal(new Set(result.rows.map((m) => m.id)).size, 2500);
        assert.equal(fake.requests.filter((r) => r.status === 429).length, 1);
        assert.ok(Date.now() - started >= 900, 'honoured Retry-After: 1');
    });

    it('waits for the quota window instead of running into 429 when the quota headers reach zero', async () => {
        fake = await startAzureFake({ estate: { machines: 5000, subscriptions: 1 }, quota: { limit: 2, windowMs: 1000 } });
        const source = sourceFor(fake);
        const result = await source.getMachines({ subscriptionIds: [fake.estate.subscriptions[0].subscriptionId] });
        assert.equal(result.rows.length, 5000);
        assert.equal(fake.requests.filter((r) => r.status === 429).length, 0, 'no request was throttled');
        assert.equal(fake.requests.filter((r) => r.service === 'graph' && r.query.includes(MACHINES)).length, 5);
    });

    it('keeps machines without a patch assessment, and reports stale ones with their date', async () => {
        fake = await startAzureFake({ estate: { machines: 21 } });
        const source = sourceFor(fake);
        const { rows } = await source.getPatchAssessments({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        assert.equal(rows.length, 21, 'one row per machine, assessed or not');
        const never = rows.find((r) => r.machineName === 'srv-00000');
        assert.ok(never);
        assert.equal(never.assessedAt, undefined);
        assert.equal(never.assessmentMode, 'ImageDefault');
        assert.deepEqual(never.countsByClassification, {});
        const stale = rows.find((r) => r.machineName === 'srv-00001');
        assert.ok(stale?.assessedAt);
        assert.ok(fake.estate.now.getTime() - Date.parse(stale.assessedAt) > 7 * DAY);
        const fresh = rows.find((r) => r.machineName === 'srv-00004');
        assert.ok(fresh?.assessedAt);
        assert.equal(fresh.status, 'Succeeded');
        assert.deepEqual(fresh.countsByClassification, {
            Critical: 0,
            Security: 1,
            UpdateRollup: 1,
            FeaturePack: 0,
            ServicePack: 0,
            Definition: 0,
            Tools: 0,
            Updates: 0,
        });
    });

    it('reports a machine whose last assessment failed as not assessed, with what Azure says, never as compliant', async () => {
        fake = await startAzureFake({ estate: { machines: 21, now: new Date() } });
        const machine = fake.estate.machines[20];
        assert.equal(machine.assessment, 'failed');
        const source = sourceFor(fake);
        const { rows } = await source.getPatchAssessments({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        const failed = rows.find((r) => r.machineName === machine.name);
        assert.equal(failed?.status, 'Failed');
        assert.equal(failed?.error, 'Windows Update service is not responding.\nError code 0x8024402C.');
        const run = await runTool('GetPatchingLevel', { source }, { server_name: machine.name });
        assert.ok(run.ok, run.ok ? '' : run.message);
        const out = run.structured as { machines: { state: string; notAssessedReason?: string }[]; summary: Record<string, number> };
        assert.deepEqual(out.machines, [
            {
                ...out.machines[0],
                state: 'not-assessed',
                notAssessedReason:
                    "the last assessment failed (1 day ago): Windows Update service is not responding. Error code 0x8024402C. — its results cannot be trusted; see the machine's history in Azure Update Manager",
            },
        ]);
        assert.equal(out.summary.compliant, 0);
        assert.equal(out.summary.notAssessed, 1);
    });

    it('gives each machine its latest patch installation run, and names the runs that failed or ran out of their window', async () => {
        fake = await startAzureFake({ estate: { machines: 13, now: new Date() } });
        const source = sourceFor(fake);
        const run = await runTool('GetPatchingLevel', { source }, {});
        assert.ok(run.ok, run.ok ? '' : run.message);
        const machines = run.structured.machines as { machineName: string; lastInstallation?: Record<string, unknown> }[];
        const runOf = (name: string) => machines.find((m) => m.machineName === name)?.lastInstallation;
        const at = new Date(fake.estate.now.getTime() - 3 * DAY).toISOString();
        assert.deepEqual(runOf('srv-00006'), {
            at,
            status: 'Failed',
            installed: 5,
            failed: 2,
            pending: 0,
            rebootStatus: 'Completed',
            maintenanceWindowExceeded: false,
            error: 'Installation failed for 2 updates. Error 0x80070643.',
        });
        assert.equal(runOf('srv-00012')?.maintenanceWindowExceeded, true);
        assert.equal(runOf('srv-00012')?.pending, 4);
        assert.equal(runOf('srv-00000'), undefined, 'never assessed, never patched through Azure');
        const summary = run.structured.summary as Record<string, unknown>;
        assert.equal(summary.lastInstallFailed, 1);
        assert.equal(summary.lastInstallOutOfWindow, 1);
        const day = `${at.slice(0, 10)} ${at.slice(11, 16)}Z`;
        assert.ok(
            run.text.includes(
                `Latest patch run failed: srv-00006 (${day}, 2 of 7 failed: Installation failed for 2 updates. Error 0x80070643).`,
            ),
            run.text,
        );
        assert.ok(run.text.includes(`patches left pending — a longer window or fewer patches per run: srv-00012 (${day}, 4 pending).`));
    });

    it('lists missing patches of Windows and Linux machines', async () => {
        fake = await startAzureFake({ estate: { machines: 8 } });
        const source = sourceFor(fake);
        const { rows } = await source.getMissingPatches({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        const kb = rows.find((p) => p.kbId === '890830');
        assert.ok(kb, 'KB prefix removed');
        assert.equal(kb.classification, 'UpdateRollup');
        assert.equal(kb.severity, 'Unspecified');
        assert.equal(kb.osType, 'windows');
        const linux = rows.find((p) => p.patchName === 'openssl');
        assert.ok(linux);
        assert.equal(linux.osType, 'linux');
        assert.equal(linux.version, '3.0.13-0ubuntu3.4');
        assert.equal(linux.machineName, 'srv-00003');
    });

    it('counts the machines with an overdue Critical or Security update, and lists patches by age', async () => {
        // Assessments and publication dates relative to the clock the source judges them by.
        fake = await startAzureFake({ estate: { machines: 100, now: new Date() } });
        const source = sourceFor(fake);
        // Old-agent machines (every tenth from the tenth) with a fresh assessment miss a Security rollup published 45 days ago.
        const late = fake.estate.machines
            .filter((m) => m.oldAgent && m.osType === 'windows' && m.assessment === 'fresh')
            .map((m) => m.name);
        assert.ok(late.length >= 2, late.join());
        const all = await runTool('GetPatchingLevel', { source }, { max_results: 1000 });
        assert.ok(all.ok, all.ok ? '' : all.message);
        assert.equal((all.structured.summary as { machinesOverdue: number }).machinesOverdue, late.length);
        const aged = await runTool('GetPatchingLevel', { source }, { older_than_days: 30, max_results: 1000 });
        assert.ok(aged.ok, aged.ok ? '' : aged.message);
        const items = aged.structured.items as { machineName: string; kbId: string }[];
        assert.deepEqual(items.map((p) => p.machineName).sort(), [...late].sort());
        assert.ok(items.every((p) => p.kbId === '5031419'));
    });

    it('returns SQL instances joined to their databases', async () => {
        // The source's clock is the real one: the fake's estate is dated from it.
        fake = await startAzureFake({ estate: { machines: 10, now: new Date() } });
        const source = sourceFor(fake);
        const { rows } = await source.getSql({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        const [{ instances: all, databases }] = rows;
        const instances = all.filter((i) => i.kind !== 'sql-vm');
        assert.ok(instances.length > 0);
        assert.equal(databases.length, instances.length * 3);
        const sales = databases.find((d) => d.name === 'sales' && d.machineName === 'srv-00000');
        assert.ok(sales);
        assert.equal(sales.instanceName, 'srv-00000');
        assert.equal(sales.lastFullBackup, undefined, 'never backed up');
        // Never, whichever way Azure says it (empty, or 0001-01-01).
        assert.ok(databases.filter((d) => d.name === 'sales').every((d) => d.lastFullBackup === undefined));
        assert.ok(databases.filter((d) => d.name !== 'sales').every((d) => d.lastFullBackup !== undefined));
        assert.equal(instances[0].vCores, 4);
        // Arc reports the first one's default instance by the host's name: it is MSSQLSERVER, shown as the host, like the others.
        assert.deepEqual(
            instances.map((i) => [i.name, i.instanceName]),
            instances.map((i) => [i.machineName, 'MSSQLSERVER']),
        );
        assert.equal(instances[0].instanceName, 'MSSQLSERVER');
        assert.ok(databases.every((d) => d.instanceName === d.machineName));
        // The first SQL machine's extension last uploaded its inventory five days ago: what Azure says of it is as of then.
        const now = fake.estate.now.getTime();
        const ages = instances.map((i) => Math.round((now - Date.parse(String(i.inventoryAt))) / 3_600_000));
        assert.deepEqual(ages, [120, ...instances.slice(1).map(() => 1)]);
        const run = await runTool('GetSqlMetadata', { source }, {});
        assert.ok(run.ok, run.ok ? '' : run.message);
        assert.equal((run.structured.summary as Record<string, unknown>).inventoryStale, 1);
        const stale = instances[0];
        assert.ok(
            run.text.includes(
                ` 1 instance has sent no inventory for 3 days or more — what Azure says of it, backups included, is as of then: ${stale.name} (${String(stale.inventoryAt).slice(0, 10)} ${String(stale.inventoryAt).slice(11, 16)}Z).`,
            ),
            run.text.split('\n')[1],
        );
    });

    it('lists SQL Server on Azure VMs (SQL virtual machines) with edition, licence and release, and says Azure keeps no databases of them', async () => {
        fake = await startAzureFake({ estate: { machines: 12 } });
        const source = sourceFor(fake);
        const vms = sqlVirtualMachines(fake.estate);
        assert.equal(vms.length, 2);
        const { rows } = await source.getSql({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        const sqlVm = rows[0].instances.filter((i) => i.kind === 'sql-vm');
        assert.deepEqual(
            sqlVm.map((i) => [i.name, i.machineName, i.machineId, i.version, i.edition, i.licenseType]),
            [
                [vms[0].name, vms[0].name, vms[0].id, 'SQL Server 2019', 'Enterprise', 'AHUB'],
                [vms[1].name, vms[1].name, vms[1].id, 'SQL Server 2014', 'Standard', 'PAYG'],
            ],
        );
        const run = await runTool('GetSqlMetadata', { source }, { max_results: 100 });
        assert.ok(run.ok, run.ok ? '' : run.message);
        const items = run.structured.items as { name: string; kind?: string; databases: unknown[]; support: { status: string } | null }[];
        const listed = items.filter((i) => i.kind === 'sql-vm');
        assert.deepEqual(
            listed.map((i) => [i.name, i.databases.length]),
            vms.map((m) => [m.name, 0]),
        );
        // SQL Server 2014 left extended support in July 2024 and is in its Extended Security Updates years: the lifecycle
        // applies to SQL virtual machines too.
        assert.equal(listed.find((i) => i.name === vms[1].name)?.support?.status, 'esu');
        assert.match(
            run.text.split('\n')[0],
            / 2 instances are SQL Server on Azure VMs \(SQL virtual machines\), whose databases and backups Azure does not inventory\./,
        );
        // Asked about by name, a SQL virtual machine is found; an Azure VM without one is explained.
        const one = await runTool('GetSqlMetadata', { source }, { server_name: vms[0].name.toUpperCase() });
        assert.ok(one.ok, one.ok ? '' : one.message);
        assert.deepEqual(
            (one.structured.items as { name: string }[]).map((i) => i.name),
            [vms[0].name],
        );
        const plainVm = fake.estate.machines.find((m) => m.type === 'microsoft.compute/virtualmachines' && !vms.includes(m));
        assert.ok(plainVm);
        const none = await runTool('GetSqlMetadata', { source }, { server_name: plainVm.name });
        assert.ok(none.ok, none.ok ? '' : none.message);
        assert.deepEqual(none.structured.warnings, [
            `${plainVm.name} is an Azure VM with no SQL virtual machine resource: SQL Server on it, if any, is not registered with the SQL IaaS Agent extension, so Azure does not know it.`,
        ]);
    });

    it('lists subscriptions with tenants and workspaces', async () => {
        fake = await startAzureFake({ estate: { workspaces: 2 } });
        const scopes = await sourceFor(fake).listScopes();
        assert.equal(scopes.subscriptions.length, 3);
        assert.equal(scopes.subscriptions[0].tenantId, fake.estate.tenantId);
        assert.deepEqual(
            scopes.workspaces.map((w) => w.customerId),
            fake.estate.workspaces.map((w) => w.customerId),
        );
    });

    it('explains 401 and 403 in words a person can act on, without the token', async () => {
        fake = await startAzureFake({ tokens: { arm: 'another-token', logs: LOGS_TOKEN } });
        const subs = fake.estate.subscriptions.map((s) => s.subscriptionId);
        const unauthorised = await rejection(sourceFor(fake).getMachines({ subscriptionIds: subs }));
        assert.ok(unauthorised instanceof SourceError);
        assert.equal(unauthorised.code, 'auth');
        assert.match(unauthorised.message, /az login/);
        assert.ok(!unauthorised.message.includes(ARM_TOKEN));
        await fake.close();

        fake = await startAzureFake();
        fake.fail('graph', {
            status: 403,
            when: MACHINES,
            body: {
                error: {
                    code: 'AuthorizationFailed',
                    message: "does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'",
                },
            },
        });
        const forbidden = await rejection(sourceFor(fake).getMachines({ subscriptionIds: subs.slice(0, 1) }));
        assert.ok(forbidden instanceof SourceError);
        assert.equal(forbidden.code, 'forbidden');
        assert.match(forbidden.message, /Microsoft\.ResourceGraph\/resources\/read/);
        assert.ok(forbidden.message.includes(subs[0]), 'names the subscription');
        assert.ok(!/\n\s+at /.test(forbidden.message), 'no stack trace');
    });

    it('reports a malformed answer clearly instead of crashing', async () => {
        fake = await startAzureFake();
        fake.fail('graph', { status: 200, when: MACHINES, body: '{"totalRecords": 1, "data": "not rows"' });
        const subs = fake.estate.subscriptions.map((s) => s.subscriptionId);
        const broken = await rejection(sourceFor(fake).getMachines({ subscriptionIds: subs }));
        assert.ok(broken instanceof SourceError, String(broken));
        assert.equal(broken.code, 'badResponse');

        fake.fail('graph', {
            status: 200,
            when: MACHINES,
            body: {
                totalRecords: 1,
                count: 1,
                resultTruncated: 'false',
                data: { columns: [{ name: 'id', type: 'string' }], rows: ['not a row'] },
            },
        });
        const notRows = await rejection(sourceFor(fake).getMachines({ subscriptionIds: subs }));
        assert.ok(notRows instanceof SourceError);
        assert.equal(notRows.code, 'badResponse');
    });

    it('warns when Resource Graph says the answer was truncated', async () => {
        fake = await startAzureFake();
        fake.fail('graph', {
            status: 200,
            body: { totalRecords: 5000, count: 1, resultTruncated: 'true', data: [{ id: '/subscriptions/x/m', name: 'm' }] },
        });
        const result = await sourceFor(fake).getMachines({ subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId) });
        assert.equal(result.rows.length, 1);
        assert.match(result.warnings.join(' '), /truncated/);
    });

    it('gives up on a request that outlives its timeout, with a clear message', async () => {
        fake = await startAzureFake();
        // Never answered: only the source's own deadline can end the call (else the suite's timeout fails it).
        const held = fake.hold('graph');
        const error = await rejection(
            sourceFor(fake, { graphTimeoutMs: 300, maxRetries: 0 }).getMachines({
                subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId),
            }),
        );
        assert.ok(error instanceof SourceError, String(error));
        assert.equal(error.code, 'timeout');
        assert.match(error.message, /did not answer in time/);
        await held.abandoned; // the request itself was closed, not left running
    });

    it('stops when the signal aborts', async () => {
        fake = await startAzureFake({ estate: { machines: 3000 } });
        const controller = new AbortController();
        controller.abort();
        const error = await rejection(
            sourceFor(fake).getMachines({
                subscriptionIds: fake.estate.subscriptions.map((s) => s.subscriptionId),
                signal: controller.signal,
            }),
        );
        assert.ok(error instanceof SourceError || error.name === 'AbortError', String(error));
    });
});
