import * as assert from 'node:assert/strict';
import type { MetricSeries } from '../../src/core/model';
import { SourceError, UserError } from '../../src/core/source';
import { runTool } from '../../src/tools';
import { startAzureFake, type AzureFake } from './fake';
import { rejection, sourceFor, timersLeftBy } from './helpers';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Log Analytics' answer when a caller is throttled: 429, to come back after `seconds`. */
function throttled(seconds: number) {
    return {
        status: 429,
        headers: { 'retry-after': String(seconds) },
        body: { error: { code: 'ThrottledError', message: 'Too many requests' } },
    };
}

describe('Azure source over Log Analytics (real SDK against the HTTPS fake)', () => {
    let fake: AzureFake;
    afterEach(async () => fake?.close());

    function window(days = 7) {
        const to = fake.estate.now;
        return { workspaceId: fake.estate.workspaces[0].customerId, from: new Date(to.getTime() - days * DAY), to };
    }

    it('reads SQL assessment findings, all runs or the latest run per instance', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        const source = sourceFor(fake);
        const all = await source.getSqlFindings({ ...window(), latestRunOnly: false });
        const latest = await source.getSqlFindings({ ...window(), latestRunOnly: true });
        assert.equal(all.rows.length, 2 * latest.rows.length);
        const autoShrink = latest.rows.find((f) => f.checkId === 'AutoShrink');
        assert.ok(autoShrink);
        assert.equal(autoShrink.severity, 'High');
        assert.equal(autoShrink.targetType, 'Database');
        assert.deepEqual(autoShrink.tags, ['Storage', 'Performance']);
        assert.equal(latest.rows.find((f) => f.checkId === 'MaxDOP')?.severity, 'Medium');
        const query = fake.requests.filter((r) => r.service === 'logs').at(-1)?.query ?? '';
        assert.match(query, /parse_csv\(RawData\)/);
    });

    it('explains a missing SqlAssessment_CL table as an assessment that was never enabled', async () => {
        fake = await startAzureFake({ missingTables: ['SqlAssessment_CL'] });
        const error = await rejection(sourceFor(fake).getSqlFindings({ ...window(), latestRunOnly: true }));
        assert.ok(error instanceof SourceError);
        assert.equal(error.code, 'notFound');
        assert.match(error.message, /never enabled/);
    });

    it('tells a table that lacks a column the query reads from a table that was never written to', async () => {
        fake = await startAzureFake({ missingColumns: ['RecommendationWeight'] });
        const error = await rejection(sourceFor(fake).getWindowsFindings({ ...window(), latestRunOnly: true }));
        assert.ok(error instanceof SourceError);
        assert.match(error.message, /WindowsServerAssessmentRecommendation table .* has no column 'RecommendationWeight'/);
        assert.doesNotMatch(error.message, /never written/);
    });

    it('reads failed Windows Server recommendations, software inventory and software changes', async () => {
        fake = await startAzureFake({ estate: { machines: 4 } });
        const source = sourceFor(fake);
        const findings = await source.getWindowsFindings({ ...window(), latestRunOnly: true });
        assert.deepEqual(
            findings.rows.map((f) => [f.assessmentId, f.recommendationId, f.weight]),
            [0, 1, 2].map(() => ['win-run-2', 'rec-smb1', 42.5]),
        );
        assert.match(fake.requests.at(-1)?.query ?? '', /RecommendationResult == 'Failed'/);
        const everyRun = await source.getWindowsFindings({ ...window(), latestRunOnly: false });
        assert.equal(everyRun.rows.length, 3 * 3, 'two runs, the older with a recommendation fixed since');
        const apps = await source.getSoftware({ ...window(), includeUpdates: false });
        assert.equal(apps.rows.length, 8);
        const withUpdates = await source.getSoftware({ ...window(), includeUpdates: true, computers: ['SRV-00000'] });
        assert.deepEqual(withUpdates.rows.map((s) => s.type).sort(), ['Application', 'Application', 'Update']);
        const changes = await source.getSoftwareChanges(window());
        assert.equal(changes.rows[0].previousVersion, '130.0.2849.80');
        assert.equal(changes.rows[0].changeCategory, 'Modified');
    });

    it('returns metric series with NaN for empty bins, in batches of computers, at most 5 queries at once', async () => {
        fake = await startAzureFake({ estate: { machines: 400 }, logsDelayMs: 30 });
        const source = sourceFor(fake);
        const handedOver: MetricSeries[][] = [];
        const result = await source.getMetricSeries({
            ...window(30),
            metrics: ['cpu', 'diskFree'],
            stepMs: HOUR,
            onSeries: (batch) => handedOver.push([...batch]),
        });
        assert.equal(result.rows.length, 800);
        // Handed over batch by batch as they arrive, each once, in the order of the rows.
        assert.ok(handedOver.length > 1, 'more than one batch handed over');
        assert.deepEqual(handedOver.flat(), result.rows);
        const cpu = result.rows.find((s) => s.computer === 'srv-00000' && s.metric === 'cpu');
        assert.ok(cpu);
        assert.equal(cpu.values.length, 30 * 24);
        assert.ok(Number.isNaN(cpu.values[3]));
        assert.ok(Number.isFinite(cpu.values[0]));
        assert.equal(cpu.start, window(30).from.getTime());
        assert.equal(cpu.unit, '%');
        const seriesQueries = fake.requests.filter((r) => r.query.includes('make-series'));
        assert.ok(seriesQueries.length > 1, 'fetched in several batches');
        assert.ok(seriesQueries.every((r) => r.query.includes('default=real(null)') && r.query.includes('step 1h')));
        assert.ok(fake.maxLogsInFlight <= 5, `at most 5 in flight, saw ${fake.maxLogsInFlight}`);
    });

    it('GetAnomalies through the source lists a disk that fills steadily, with when it is full, and the disks low on space', async () => {
        fake = await startAzureFake({ estate: { machines: 4, fullByDesignVolumes: true } });
        const run = await runTool(
            'GetAnomalies',
            { source: sourceFor(fake) },
            { metric: 'disk', workspace_id: fake.estate.workspaces[0].customerId },
        );
        assert.ok(run.ok, run.ok ? '' : run.message);
        const out = run.structured as {
            source: string;
            generatedAt: string;
            items: unknown[];
            filling: Record<string, unknown>[];
            lowSpace: Record<string, unknown>[];
            silent: Record<string, unknown>[];
            summary: Record<string, unknown>;
        };
        assert.equal(out.source, 'azure');
        assert.deepEqual(out.items, [], 'a steady fill is no anomaly');
        assert.equal(out.filling.length, 1, JSON.stringify(out.filling));
        const [disk] = out.filling;
        assert.equal(disk.computer, fake.estate.machines[1].name);
        assert.equal(disk.counter, 'C: % Free Space');
        assert.equal(disk.basis, 'steady');
        assert.ok(Math.abs(Number(disk.ratePerDay) + 0.75) < 0.02, String(disk.ratePerDay));
        // About 20 % free at the end of the range read (up to the time of the run), 0.75 a day: full in about 26.7 days.
        const days = (Date.parse(String(disk.fullAt)) - Date.parse(out.generatedAt)) / DAY;
        assert.ok(Math.abs(days - 20 / 0.75) < 1, `${days} days`);
        assert.equal(out.summary.disksFilling, 1);
        // The third machine's disk is nearly full and flat, and its latest value is two days old: the text says so.
        assert.equal(out.lowSpace.length, 1, JSON.stringify(out.lowSpace));
        const [low] = out.lowSpace;
        assert.equal(low.computer, fake.estate.machines[2].name);
        assert.ok(Math.abs(Number(low.latest) - 6.5) < 0.25, String(low.latest));
        assert.equal(low.fullAt, null);
        const age = (Date.parse(out.generatedAt) - Date.parse(String(low.latestAt))) / DAY;
        assert.ok(age > 2 && age < 2.2, `${age} days old`);
        assert.match(
            run.text,
            new RegExp(
                `\\nDisks under 10% free, lowest first: ${String(low.computer)} C: % Free Space: ${String(low.latest)}% free \\(8\\.3 GB\\) as of \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}Z\\. ` +
                    'Not listed: 4 volumes under 10% that are full by design \\(snap packages, Windows volumes without a drive letter\\)\\.(\\n|$)',
            ),
        );
        // Those four: the Linux machine's snap package at 0 % and the three Windows machines' recovery partitions at 8.4 %.
        assert.equal(out.summary.disksLowByDesign, 4);
        assert.equal(out.summary.disksLow, 1);
        // How much is left: 6.5 % of a 127 GB disk, from the workspace's Free Megabytes, asked for that machine only.
        assert.equal(low.freeGb, 8.3);
        const sizes = fake.requests.filter((r) => r.query.includes("CounterName == 'Free Megabytes'"));
        assert.equal(sizes.length, 1);
        assert.match(sizes[0].query, new RegExp(`in~ \\("${fake.estate.machines[2].name}"\\)`));
        // When the workspace cannot say, the disk is still listed, without the GB, and a warning says why.
        const logsCalls = () => fake.requests.filter((r) => r.service === 'logs').length;
        const calls = logsCalls();
        await runTool('GetAnomalies', { source: sourceFor(fake) }, { metric: 'disk', workspace_id: fake.estate.workspaces[0].customerId });
        const perRun = logsCalls() - calls;
        fake.fail('logs', {
            status: 403,
            body: { error: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access' } },
            skip: perRun - 1,
        });
        const without = await runTool(
            'GetAnomalies',
            { source: sourceFor(fake) },
            { metric: 'disk', workspace_id: fake.estate.workspaces[0].customerId },
        );
        assert.ok(without.ok, without.ok ? '' : without.message);
        const structured = without.structured as { lowSpace: { freeGb: number | null }[]; warnings?: string[] };
        assert.deepEqual(
            structured.lowSpace.map((d) => d.freeGb),
            [null],
        );
        assert.match(without.text, /The disks low on space are listed without their free GB: /);
        // The fourth machine sent nothing in the last six hours of the range read: it stopped reporting. So, of the disk series read
        // here, did the third (two days ago), the most recently silent first.
        assert.deepEqual(
            out.silent.map((m) => m.computer),
            [fake.estate.machines[3].name, fake.estate.machines[2].name],
        );
        assert.ok(Number(out.silent[0].hoursSilent) >= 6 && Number(out.silent[0].hoursSilent) < 8, String(out.silent[0].hoursSilent));
        assert.equal(out.summary.machinesSilent, 2);
    });

    it('finds a domain-joined machine that Log Analytics reports by its FQDN when asked by its Azure name', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        const machine = fake.estate.machines[4];
        assert.equal(machine.computer, `${machine.name}.contoso.local`);
        const context = { source: sourceFor(fake) };
        const workspace_id = fake.estate.workspaces[0].customerId;
        for (const tool of ['GetSwConfig', 'GetSqlBpAssessment', 'GetSwChangesList']) {
            const run = await runTool(tool, context, { workspace_id, server_name: machine.name.toUpperCase(), timespan: '30d' });
            assert.ok(run.ok, run.ok ? '' : run.message);
            const rows = (run.structured as { items: { computer: string }[] }).items;
            assert.ok(rows.length > 0, `${tool}: ${run.text}`);
            assert.deepEqual([...new Set(rows.map((r) => r.computer))], [machine.computer], tool);
        }
        const anomalies = await runTool('GetAnomalies', context, { workspace_id, server_name: machine.name });
        assert.ok(anomalies.ok, anomalies.ok ? '' : anomalies.message);
        assert.match(anomalies.text, /^No anomalies on 1 machine in the last 7d, from 2 series /);
        const series = await context.source.getMetricSeries({ ...window(), computers: [machine.name], metrics: ['cpu'], stepMs: HOUR });
        assert.deepEqual(
            series.rows.map((r) => [r.computer, r.metric]),
            [[machine.computer, 'cpu']],
        );
        // The names went to Log Analytics as host names, so the FQDN matched there (the fake filters as Kusto would).
        const sent = fake.requests.filter((r) => r.service === 'logs' && r.query.includes("split(Computer, '.')[0]) in~"));
        assert.ok(sent.length >= 5, `${sent.length} queries by host name`);
        assert.ok(sent.every((r) => r.query.includes(`in~ ("${machine.name}")`)));
    });

    it('finds a VM whose OS host name is not its Azure name, by either name, in every tool', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        const vm = fake.estate.machines[5];
        assert.equal(vm.type, 'microsoft.compute/virtualmachines');
        assert.equal(vm.computer, 'APP05');
        const context = { source: sourceFor(fake) };
        const workspace_id = fake.estate.workspaces[0].customerId;
        // Log Analytics knows it only as APP05: asked by its Azure name, the tools still find its data.
        const software = await runTool('GetSwConfig', context, { workspace_id, server_name: vm.name });
        assert.ok(software.ok, software.ok ? '' : software.message);
        const items = (software.structured as { items: { computer: string }[] }).items;
        assert.ok(items.length > 0, software.text);
        assert.deepEqual([...new Set(items.map((i) => i.computer))], ['APP05']);
        const anomalies = await runTool('GetAnomalies', context, { workspace_id, server_name: vm.name });
        assert.ok(anomalies.ok, anomalies.ok ? '' : anomalies.message);
        assert.match(anomalies.text, /^No anomalies on 1 machine in the last 7d, from 2 series /);
        // Resource Graph tools take the OS host name too, and say it.
        const servers = await runTool('GetServerMetadata', context, { server_name: 'app05' });
        assert.ok(servers.ok, servers.ok ? '' : servers.message);
        assert.deepEqual(
            (servers.structured as { items: { name: string; computerName?: string }[] }).items.map((m) => [m.name, m.computerName]),
            [[vm.name, 'APP05']],
        );
        const patches = await runTool('GetPatchingLevel', context, { server_name: 'APP05' });
        assert.ok(patches.ok, patches.ok ? '' : patches.message);
        const machines = (patches.structured as { machines: { machineName: string }[] }).machines;
        assert.deepEqual(
            machines.map((m) => m.machineName),
            [vm.name],
        );
    });

    it('finds by name a machine that reports to the workspace but that Resource Graph does not show', async () => {
        fake = await startAzureFake({ estate: { machines: 4, workspaceOnly: 2 } });
        const context = { source: sourceFor(fake) };
        const workspace_id = fake.estate.workspaces[0].customerId;
        const hidden = fake.estate.workspaceOnly[1];
        const software = await runTool('GetSwConfig', context, { workspace_id, server_name: hidden.name });
        assert.ok(software.ok, software.ok ? '' : software.message);
        const items = (software.structured as { items: { computer: string }[] }).items;
        assert.ok(items.length > 0, software.text);
        assert.deepEqual([...new Set(items.map((i) => i.computer))], [hidden.computer]);
        const anomalies = await runTool('GetAnomalies', context, { workspace_id, server_name: hidden.name.toUpperCase() });
        assert.ok(anomalies.ok, anomalies.ok ? '' : anomalies.message);
        assert.match(anomalies.text, /^No anomalies on 1 machine in the last 7d, from 2 series /);
        // The workspace was asked only because Resource Graph did not know the name; a name neither knows is still an error.
        assert.ok(fake.requests.some((r) => r.query.startsWith('union isfuzzy=true Heartbeat')));
        const unknown = await runTool('GetSwConfig', context, { workspace_id, server_name: 'legacy-0000' });
        assert.equal(unknown.ok, false);
        // Nothing Resource Graph shows is like it, so no name is offered.
        assert.equal(
            unknown.ok ? '' : unknown.message,
            'server_name "legacy-0000" matches no machine. GetServerMetadata without server_name lists the machines.',
        );
        const before = fake.requests.length;
        await runTool('GetSwConfig', context, { workspace_id, server_name: fake.estate.machines[0].name });
        assert.ok(
            !fake.requests.slice(before).some((r) => r.query.startsWith('union isfuzzy=true Heartbeat')),
            'a known machine needs no lookup',
        );
        // A wildcard that Resource Graph matches nothing with is looked up in the workspace too, by name or host part.
        const all = await runTool('GetSwConfig', context, { workspace_id, server_name: 'LEGACY-*', max_results: 1000 });
        assert.ok(all.ok, all.ok ? '' : all.message);
        assert.deepEqual(
            [...new Set((all.structured as { items: { computer: string }[] }).items.map((i) => i.computer))].sort(),
            fake.estate.workspaceOnly.map((m) => m.computer).sort(),
        );
        const lookups = fake.requests.filter((r) => r.query.includes('matches regex'));
        assert.equal(lookups.length, 1);
        assert.ok(lookups[0].query.includes(String.raw`matches regex "(?i)^LEGACY\\x{2d}.*$"`), lookups[0].query);
        const none = await runTool('GetSwConfig', context, { workspace_id, server_name: 'nothing-like-it-*' });
        assert.equal(
            none.ok ? '' : none.message,
            'server_name "nothing-like-it-*" matches no machine. GetServerMetadata without server_name lists the machines.',
        );
    });

    it('selects machines by their Azure tags for a workspace tool, asking the workspace for those machines only', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        const context = { source: sourceFor(fake) };
        const workspace_id = fake.estate.workspaces[0].customerId;
        // The fake tags every second machine env=prod.
        const prod = fake.estate.machines.filter((_, i) => i % 2 === 1).map((m) => m.computer.split('.')[0].toLowerCase());
        const before = fake.requests.length;
        const result = await runTool('GetSwConfig', context, { workspace_id, tags: ['ENV=Prod'], max_results: 1000 });
        assert.ok(result.ok, result.ok ? '' : result.message);
        const computers = new Set(
            (result.structured as { items: { computer: string }[] }).items.map((i) => i.computer.split('.')[0].toLowerCase()),
        );
        assert.ok(computers.size > 0);
        assert.ok(
            [...computers].every((c) => prod.includes(c)),
            [...computers].join(', '),
        );
        const sent = fake.requests.slice(before).find((r) => r.query.startsWith('let software = ConfigurationData'));
        assert.ok(sent, 'the inventory query');
        for (const host of prod) {
            assert.ok(sent.query.includes(JSON.stringify(host)), host);
        }
        const unknown = await runTool('GetSwConfig', context, { workspace_id, tags: ['env=staging'] });
        assert.equal(unknown.ok ? '' : unknown.message, 'No machine matches tags ["env=staging"]. Tags in use: env=prod, env=test.');
    });

    it('refuses a wildcard that matches more machines in the workspace than one answer should name', async () => {
        fake = await startAzureFake({ estate: { machines: 2, workspaceOnly: 101 } });
        const result = await runTool(
            'GetSwConfig',
            { source: sourceFor(fake) },
            { workspace_id: fake.estate.workspaces[0].customerId, server_name: 'legacy-*' },
        );
        assert.equal(result.ok, false);
        assert.equal(
            result.ok ? '' : result.message,
            'server_name "legacy-*" matches more than 100 machines that report to this workspace but that Resource Graph does not show you: give a narrower pattern.',
        );
    });

    it("reads the Azure Monitor Agent's counter names too: a machine's disks per volume, or as _Total when that is all it sends", async () => {
        fake = await startAzureFake({ estate: { machines: 6, diskTotals: true } });
        const result = await sourceFor(fake).getMetricSeries({ ...window(), metrics: ['cpu', 'diskFree'], stepMs: HOUR });
        const disks = (k: number) =>
            result.rows.filter((s) => s.computer === fake.estate.machines[k].computer && s.metric === 'diskFree').map((s) => s.counter);
        // Every machine reports C: and _Total but the fifth, which reports only _Total: the aggregate is kept only there.
        for (const k of [0, 1, 2, 3, 5]) {
            assert.deepEqual(disks(k), ['C: % Free Space'], `machine ${k}`);
        }
        assert.deepEqual(disks(4), ['_Total % Free Space']);
        assert.equal(result.rows.filter((s) => s.metric === 'cpu').length, 6);
        // CPU under either Windows object name (the agent's basic rules collect 'Processor Information'), all volumes asked for.
        const query = fake.requests.find((r) => r.query.includes('make-series'))?.query ?? '';
        // The aggregate instance as Windows agents name it, and as the Azure Monitor Agent on Linux does (total), read as _Total.
        assert.match(query, /ObjectName in \('Processor', 'Processor Information'\) and InstanceName in \('_Total', 'total'\)/);
        assert.match(query, /Volume = iff\(InstanceName == 'total', '_Total', InstanceName\)/);
        // Free space as Windows and the Azure Monitor Agent send it, or as the used space that Linux collection rules often
        // carry (legacy agent's suggested set), turned into free space under the same counter name.
        assert.match(query, /CounterName in \('% Free Space', '% Used Space'\)\)/);
        assert.match(query, /Reading = iff\(CounterName == '% Used Space', 100 - CounterValue, CounterValue\)/);
        assert.doesNotMatch(query, /InstanceName != '_Total'/);
    });

    it('reads the workspace a named machine reports to, found by asking each visible workspace, when none is given', async () => {
        fake = await startAzureFake({ estate: { machines: 8, workspaces: 2, homeWorkspaces: true } });
        const source = sourceFor(fake);
        const [first, second] = fake.estate.workspaces;
        // Machine 1 reports to the second workspace only; with two workspaces and no default, nothing else would choose it.
        const machine = fake.estate.machines[1];
        assert.equal(fake.estate.homeWorkspace?.get(machine.computer), second.customerId);
        for (const tool of ['GetSwConfig', 'GetAnomalies', 'GetWinBpAssessment']) {
            const run = await runTool(tool, { source }, { server_name: machine.name, timespan: '7d' });
            assert.ok(run.ok, `${tool}: ${run.ok ? '' : run.message}`);
            assert.equal((run.structured.scope as { workspaceId: string }).workspaceId, second.customerId, tool);
            assert.ok(run.text.includes(`Read workspace ${second.name} (${second.customerId}), where ${machine.name} reports.`), run.text);
        }
        // Machines of both workspaces: no one workspace is theirs, so the choice stays the caller's.
        const both = await runTool('GetSwConfig', { source }, { server_name: 'srv-0000*' });
        assert.equal(both.ok, false);
        assert.match(both.ok ? '' : both.message, new RegExp(`${first.name}.*${second.name}|${second.name}.*${first.name}`));
    });

    it('says why a machine asked about sent nothing: no agent, a failed one, the retired one, or a rule to check', async () => {
        fake = await startAzureFake({ estate: { machines: 12, now: new Date() }, metricTable: 'none' });
        const source = sourceFor(fake);
        const warningFor = async (server_name: string) => {
            const run = await runTool('GetAnomalies', { source }, { server_name, metric: 'cpu' });
            assert.ok(run.ok, run.ok ? '' : run.message);
            const warnings = (run.structured.warnings as string[]).filter((w) => w.startsWith(`${server_name} sent no CPU data`));
            assert.equal(warnings.length, 1, JSON.stringify(run.structured.warnings));
            assert.ok(run.text.includes(warnings[0]), 'in the text too');
            return warnings[0];
        };
        assert.equal(
            await warningFor('srv-00003'),
            'srv-00003 sent no CPU data to this workspace in the last 7d: it has no monitoring agent, so no workspace receives its data, and none can be installed while its extension service is inactive.',
        );
        assert.equal(
            await warningFor('srv-00010'),
            'srv-00010 sent no CPU data to this workspace in the last 7d: its monitoring agent (AzureMonitorWindowsAgent) is in the Failed state: Enable failed. The agent service did not start (exit code 1).',
        );
        assert.match(
            await warningFor('srv-00009'),
            /: it runs only the retired Log Analytics agent \(MMA\/OMS\), unsupported since 31 August 2024\.$/,
        );
        assert.match(
            await warningFor('srv-00000'),
            /: its Azure Monitor Agent is installed, so check that a data collection rule associated with it sends this data to this workspace\.$/,
        );
        // The extensions were read for the machine's subscription only.
        const reads = fake.requests.filter((r) => r.service === 'graph' && r.query.includes('machines/extensions'));
        assert.ok(reads.length > 0 && reads.every((r) => r.subscriptions?.length === 1));
    });

    it('leaves out a series whose values are not a list, says so, and keeps the others of its batch', async () => {
        fake = await startAzureFake({ estate: { machines: 3 } });
        const columns = ['Computer', 'Metric', 'Counter', 'Value'].map((name) => ({ name, type: name === 'Value' ? 'dynamic' : 'string' }));
        fake.fail('logs', {
            status: 200,
            when: 'make-series',
            body: {
                tables: [
                    {
                        name: 'PrimaryResult',
                        columns,
                        rows: [
                            ['srv-00000', 'cpu', '% Processor Time', '[1.5, null, 2.5]'],
                            ['srv-00001', 'cpu', '% Processor Time', '"not a list"'],
                        ],
                    },
                ],
            },
        });
        const result = await sourceFor(fake).getMetricSeries({ ...window(2), metrics: ['cpu'], stepMs: 3_600_000 });
        assert.deepEqual(
            result.rows.map((s) => [s.computer, [...s.values]]),
            [['srv-00000', [1.5, NaN, 2.5]]],
        );
        assert.ok(
            result.warnings.some(
                (w) =>
                    w ===
                    'Log Analytics sent a series that could not be read (not a list of values), left out: srv-00001 % Processor Time.',
            ),
            result.warnings.join('\n'),
        );
    });

    it('uses InsightsMetrics when the workspace has only VM Insights', async () => {
        fake = await startAzureFake({ estate: { machines: 3 }, metricTable: 'InsightsMetrics' });
        const result = await sourceFor(fake).getMetricSeries({
            ...window(2),
            metrics: ['cpu'],
            stepMs: 15 * 60_000,
            computers: ['srv-00000'],
        });
        assert.equal(result.rows.length, 1);
        assert.equal(result.rows[0].values.length, 2 * 96);
        assert.ok(fake.requests.some((r) => r.query.startsWith('InsightsMetrics') && r.query.includes('step 15m')));
    });

    it('passes on no warning when the workspace lacks one table of a fuzzy union (no VM Insights): no row is missing', async () => {
        fake = await startAzureFake({ estate: { machines: 3 }, metricTable: 'Perf', missingTables: ['InsightsMetrics'] });
        const result = await sourceFor(fake).getMetricSeries({ ...window(2), metrics: ['cpu'], stepMs: 3_600_000 });
        assert.equal(result.rows.length, 3);
        assert.deepEqual(result.warnings, []);
        // The fake did answer the probe as partial, as Log Analytics does.
        assert.ok(fake.requests.some((r) => r.query.startsWith('union isfuzzy=true') && r.query.includes('InsightsMetrics')));
    });

    it("reads each metric of a machine from the table that has it: a SQL Server's CPU from Perf, its disks from VM Insights", async () => {
        fake = await startAzureFake({ estate: { machines: 4 }, metricTable: 'split' });
        const result = await sourceFor(fake).getMetricSeries({ ...window(2), metrics: ['cpu', 'diskFree'], stepMs: 3_600_000 });
        const names = fake.estate.machines.map((m) => m.computer).sort();
        const of = (metric: string) =>
            result.rows
                .filter((s) => s.metric === metric)
                .map((s) => s.computer)
                .sort();
        assert.deepEqual(of('cpu'), names, 'every CPU, once');
        assert.deepEqual(of('diskFree'), names, 'every disk, though Perf had the machine for its CPU');
        const series = fake.requests.filter((r) => r.query.includes('make-series'));
        // The batches ask each table only for what is read from it (the fourth line is the counter filter).
        const asksFor = (r: { query: string }, filter: string) => r.query.split('\n')[3].includes(filter);
        const perf = series.filter((r) => r.query.startsWith('Perf'));
        const insights = series.filter((r) => r.query.startsWith('InsightsMetrics'));
        assert.ok(perf.length > 0 && perf.every((r) => !asksFor(r, "CounterName in ('% Free Space'")), 'Perf asked for CPU only');
        assert.ok(insights.length > 0 && insights.every((r) => !asksFor(r, "Name == 'UtilizationPercentage')")), 'VM Insights: disks only');
    });

    it('reads each machine from the table that holds its counters when the workspace has both Perf and VM Insights', async () => {
        fake = await startAzureFake({ estate: { machines: 6 }, metricTable: 'both' });
        const result = await sourceFor(fake).getMetricSeries({ ...window(2), metrics: ['cpu'], stepMs: 3_600_000 });
        const names = fake.estate.machines.map((m) => m.computer);
        // Every machine once: the even ones from Perf (they are in both), the odd ones from InsightsMetrics only.
        assert.deepEqual(result.rows.map((s) => s.computer).sort(), [...names].sort());
        const series = fake.requests.filter((r) => r.query.includes('make-series'));
        const asked = (table: string) =>
            series
                .filter((r) => r.query.startsWith(table))
                .flatMap((r) => names.filter((n) => r.query.includes(`"${n}"`)))
                .sort();
        assert.deepEqual(asked('Perf'), names.filter((_, i) => i % 2 === 0).sort());
        assert.deepEqual(asked('InsightsMetrics'), names.filter((_, i) => i % 2 === 1).sort());
        // The tables are probed for the counters read, not for any row (Perf may hold only SQL Server counters).
        const probe = fake.requests.find((r) => r.query.includes("project SourceTable = 'Perf'"));
        assert.match(probe?.query ?? '', /\(Perf .*% Processor Time.*\| take 1 \| project SourceTable = 'Perf'\)/);
    });

    it('applies the text, category and weight filters in the query, so no row cap cuts matching rows away first', async () => {
        fake = await startAzureFake({ estate: { machines: 4 } });
        const source = sourceFor(fake);
        const workspace_id = fake.estate.workspaces[0].customerId;
        const lastQuery = (table: string) => [...fake.requests].reverse().find((r) => r.query.includes(table))?.query ?? '';
        const changes = await runTool(
            'GetSwChangesList',
            { source },
            { workspace_id, software_name: ' Edge ', change_category: ['Modified'] },
        );
        assert.ok(changes.ok, changes.ok ? '' : changes.message);
        assert.match(
            lastQuery('ConfigurationChange'),
            /\n\| where ChangeCategory in \("Modified"\)\n\| where SoftwareName contains "Edge"\n/,
        );
        const findings = await runTool('GetWinBpAssessment', { source }, { workspace_id, min_weight: 40, focus_area: 'security' });
        assert.ok(findings.ok, findings.ok ? '' : findings.message);
        assert.match(
            lastQuery('WindowsServerAssessmentRecommendation'),
            /\| where RecommendationWeight >= real\(40\.000000\)\n\| where FocusArea contains "security"\n/,
        );
        const software = await runTool('GetSwConfig', { source }, { workspace_id, software_name: '7-Zip' });
        assert.ok(software.ok && (software.structured as { items: unknown[] }).items.length === 4);
        assert.match(lastQuery('ConfigurationData'), /\| where SoftwareName contains "7-Zip"/);
        // Software counts as installed only if the computer's latest snapshot still had it (no row says it went away), read
        // from all of the computer's software rows, not only the ones the filters keep.
        assert.match(
            lastQuery('ConfigurationData'),
            /\| join kind=inner \(software \| summarize Newest = max\(TimeGenerated\) by Computer\) on Computer\n\| where TimeGenerated > Newest - 30h\n/,
        );
        // ... and a version only with the newest row of its name: the version an upgrade replaced was last seen a snapshot earlier.
        assert.match(
            lastQuery('ConfigurationData'),
            /\| join kind=inner \(versions \| summarize NameLast = max\(TimeGenerated\) by Computer, SoftwareName\) on Computer, SoftwareName\n\| where TimeGenerated > NameLast - 2h\n/,
        );
        const byPublisher = await runTool('GetSwConfig', { source }, { workspace_id, publisher: 'Igor' });
        assert.ok(byPublisher.ok && (byPublisher.structured as { items: unknown[] }).items.length === 4);
        assert.match(lastQuery('ConfigurationData'), /\| where Publisher contains "Igor"/);
        // Asked about one machine, the inventory is read whole: a machine without 7-Zip has still sent inventory, and is not
        // explained as one that sent none.
        const one = await runTool(
            'GetSwConfig',
            { source },
            { workspace_id, software_name: 'no such software', server_name: fake.estate.machines[0].name },
        );
        assert.ok(one.ok, one.ok ? '' : one.message);
        assert.doesNotMatch(lastQuery('ConfigurationData'), /SoftwareName contains/);
        assert.deepEqual((one.structured as { warnings?: string[] }).warnings ?? [], []);
    });

    it('returns the rows of a PartialFailure with a warning', async () => {
        fake = await startAzureFake({ estate: { machines: 10 } });
        fake.fail('logs', { status: 200, partial: true });
        const result = await sourceFor(fake).getSoftwareChanges(window());
        assert.equal(result.rows.length, 5);
        // In the engine's own words (the SDK drops them from the details it keeps).
        assert.match(
            result.warnings.join(' '),
            /partial answer for ConfigurationChange \(Query result set has exceeded the internal data size limit/,
        );
        assert.match(result.warnings.join(' '), /some rows are missing.*shorter timespan/);
    });

    it('turns a 504 into a timeout error suggesting a narrower query', async () => {
        fake = await startAzureFake();
        fake.fail('logs', { status: 504, body: { error: { code: 'GatewayTimeout', message: 'The query took too long' } } });
        const error = await rejection(sourceFor(fake, { maxRetries: 0 }).getSoftware({ ...window(), includeUpdates: false }));
        assert.ok(error instanceof SourceError);
        assert.equal(error.code, 'timeout');
        assert.match(error.message, /shorter timespan/);
    });

    it('explains 403 with the workspace and the permission', async () => {
        fake = await startAzureFake();
        fake.fail('logs', {
            status: 403,
            body: { error: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access' } },
        });
        const error = await rejection(sourceFor(fake).getSoftware({ ...window(), includeUpdates: false }));
        assert.ok(error instanceof SourceError);
        assert.equal(error.code, 'forbidden');
        assert.ok(error.message.includes(fake.estate.workspaces[0].customerId));
        assert.match(error.message, /Microsoft\.OperationalInsights\/workspaces\/query\/read/);
    });

    it('tells the caller which workspaces exist when given an unknown one', async () => {
        fake = await startAzureFake({ estate: { workspaces: 2 } });
        const source = sourceFor(fake);
        const unknown = await rejection(
            source.getSoftware({ ...window(), workspaceId: '11111111-2222-4333-8444-555555555555', includeUpdates: false }),
        );
        assert.ok(unknown instanceof UserError, String(unknown));
        assert.match(unknown.message, /law-ops-1 \(/);
        const notGuid = await rejection(source.getSoftware({ ...window(), workspaceId: "x' | take 1", includeUpdates: false }));
        assert.ok(notGuid instanceof UserError);
        assert.match(notGuid.message, /law-ops-2/);
    });

    it('reports an answer without an expected column, or a malformed body, clearly', async () => {
        fake = await startAzureFake();
        fake.fail('logs', {
            status: 200,
            body: { tables: [{ name: 'PrimaryResult', columns: [{ name: 'Unexpected', type: 'string' }], rows: [['x']] }] },
        });
        const missingColumn = await rejection(sourceFor(fake).getSoftwareChanges(window()));
        assert.ok(missingColumn instanceof SourceError);
        assert.equal(missingColumn.code, 'badResponse');
        assert.match(missingColumn.message, /without the columns TimeGenerated, Computer/);

        fake.fail('logs', { status: 200, body: '<html>proxy error</html>' });
        const malformed = await rejection(sourceFor(fake).getSoftwareChanges(window()));
        assert.ok(malformed instanceof SourceError, String(malformed));
        assert.equal(malformed.code, 'badResponse');

        fake.fail('logs', { status: 200, body: { unexpected: true } });
        const noTables = await rejection(sourceFor(fake).getSoftwareChanges(window()));
        assert.ok(noTables instanceof SourceError, String(noTables));
        assert.equal(noTables.code, 'badResponse');
    });

    it('waits out a 429 from Log Analytics and returns every row', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        fake.fail('logs', throttled(1));
        const result = await sourceFor(fake).getSoftwareChanges(window());
        assert.equal(result.rows.length, 6);
    });

    it('honours an abort signal on Log Analytics queries (the SDK itself drops it)', async () => {
        fake = await startAzureFake();
        // Never answered: only the cancellation can end the call (else the suite's timeout fails it).
        const held = fake.hold('logs');
        const controller = new AbortController();
        const query = sourceFor(fake).getSoftwareChanges({ ...window(), signal: controller.signal });
        await held.arrived;
        controller.abort();
        const error = await rejection(query);
        assert.ok(error instanceof SourceError, String(error));
        assert.equal(error.code, 'cancelled');
        await held.abandoned; // the request itself was closed, not left running
    });

    it('stops waiting out a 429 when the caller cancels, instead of sleeping through the Retry-After', async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        fake.fail('logs', throttled(60));
        const controller = new AbortController();
        let error: unknown;
        const waitsLeft = await timersLeftBy(async () => {
            const query = sourceFor(fake).getSoftwareChanges({ ...window(), signal: controller.signal });
            // Cancelled once the 429 has come back, while the client waits out its Retry-After.
            while (!fake.requests.some((r) => r.service === 'logs' && r.status === 429)) {
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
            controller.abort();
            error = await rejection(query);
        }, 30_000);
        assert.ok(error instanceof SourceError, String(error));
        assert.equal(error.code, 'cancelled');
        assert.equal(waitsLeft, 0, 'the 60 s wait was left running');
        assert.equal(fake.requests.filter((r) => r.service === 'logs').length, 1, 'no attempt after the cancellation');
    });

    it('leaves no request deadline running after a query is cancelled or fails, so a CLI exits at once', async () => {
        fake = await startAzureFake({ logsDelayMs: 1000 });
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        const aborted = await timersLeftBy(() => sourceFor(fake).getSoftwareChanges({ ...window(), signal: controller.signal }), 30_000);
        assert.equal(aborted, 0, 'deadlines left running after a cancelled query');
        const closed = await startAzureFake();
        const query = {
            workspaceId: closed.estate.workspaces[0].customerId,
            from: new Date(closed.estate.now.getTime() - DAY),
            to: closed.estate.now,
        };
        const unreachable = sourceFor(closed, { maxRetries: 1 });
        await closed.close();
        const failed = await timersLeftBy(async () => {
            const error = await rejection(unreachable.getSoftwareChanges(query));
            assert.ok(error instanceof SourceError, String(error));
        }, 30_000);
        assert.equal(failed, 0, 'deadlines left running after an unreachable endpoint');
    });
});
