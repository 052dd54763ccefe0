import * as assert from 'node:assert/strict';
import { chartFor, chartRequestFor, tableHtml } from '../../../../src/extension/webviews/tablePage';
import { portalUrl, tableFromResult } from '../../../../src/extension/webviews/tableSpecs';
import { isAllowedLink } from '../../../../src/shared/messages';
import { TableIndex } from '../../../../src/shared/tableModel';
import { HOSTILE_STRINGS } from '../../../../src/sources/sample';
import { runTool } from '../../../../src/tools';
import { sampleSource } from '../../../helpers/fixtures';

async function structured(source: ReturnType<typeof sampleSource>, tool: string, args: Record<string, unknown> = {}) {
    const run = await runTool(tool, { source }, { max_results: 50_000, ...args });
    assert.ok(run.ok, run.ok ? '' : run.message);
    return run.structured as Record<string, unknown> & { items?: Record<string, unknown>[]; summary: Record<string, number> };
}

describe('tables from tool answers', () => {
    const source = sampleSource();

    it('gives every tool a table with one row per item and the columns a person expects', async () => {
        const expected: Record<string, string[]> = {
            GetServerMetadata: ['Name', 'Kind', 'OS', 'Support', 'Support ends', 'Status'],
            GetPatchingLevel: ['Machine', 'Patch', 'KB / version', 'Classification', 'Severity', 'Published', 'Reboot'],
            GetSqlBpAssessment: ['Severity', 'Check', 'Machine', 'Instance', 'Target', 'Message'],
            GetWinBpAssessment: ['Severity', 'Weight', 'Recommendation', 'Machine', 'Focus area'],
            GetAnomalies: ['Score', 'Machine', 'Metric', 'Counter', 'Kind', 'Start', 'End'],
            GetSwConfig: ['Machine', 'Name', 'Version', 'Publisher'],
            GetSwChangesList: ['When', 'Machine', 'Change', 'Name'],
        };
        for (const [tool, columns] of Object.entries(expected)) {
            const answer = await structured(source, tool);
            const table = tableFromResult({ tool, args: {} }, answer);
            assert.deepEqual(
                table.columns.slice(0, columns.length).map((c) => c.title),
                columns,
                tool,
            );
            assert.equal(table.rows.length, answer.items?.length, tool);
            assert.ok(
                table.rows.every((r) => r.length === table.columns.length),
                `${tool}: rows as wide as the header`,
            );
            assert.equal(table.sourceKind, 'sample');
            assert.ok(
                table.columns.some((c) => c.facet),
                `${tool} has facets`,
            );
        }
    });

    it('shows for a disk filling up its latest value, its pace a day and when it is full at that pace', async () => {
        // A larger estate, for leaks still going on at the fixed clock.
        const answer = await structured(sampleSource({ machines: 300 }), 'GetAnomalies');
        const table = tableFromResult({ tool: 'GetAnomalies', args: {} }, answer);
        const column = (title: string) => table.columns.findIndex((c) => c.title === title);
        const [kind, latest, pace, full, state, course] = [
            'Kind',
            'Latest',
            'Per day now',
            'Full at this pace',
            'Trend',
            'Trend course',
        ].map(column);
        assert.ok(latest > 0 && pace > 0 && full > 0 && state > 0 && course > 0);
        assert.ok(table.columns[state].facet, 'the trends going on or ended can be picked out');
        const trends = table.rows.filter((r) => r[kind] === 'trend');
        assert.ok(trends.length > 0, 'the sample estate has a disk filling up in the last 7 days');
        const going = trends.filter((r) => r[state] === 'going on');
        const ended = trends.filter((r) => r[state] === 'ended');
        assert.equal(going.length + ended.length, trends.length);
        assert.ok(going.length >= 2 && ended.length >= 2, `${going.length} going on, ${ended.length} ended`);
        for (const row of going) {
            assert.ok(typeof row[pace] === 'number', String(row[pace]));
            assert.ok(row[full] === null || Date.parse(String(row[full])) > Date.parse(String(answer.generatedAt)), String(row[full]));
            assert.match(String(row[course]), /^-[\d.]+ pts in [\d.]+ [hd] so far, since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
        }
        // An ended trend shows no pace now (its two-day difference mixes the trend's end with what followed) and no full
        // date, but its course: how far, how fast while it lasted, and when.
        const items = (answer.items ?? []) as { trend: { change: number; perDay: number; days: number } | null }[];
        for (const row of ended) {
            assert.equal(row[pace], null);
            assert.equal(row[full], null);
            const t = items[table.rows.indexOf(row)].trend;
            assert.ok(t);
            assert.match(
                String(row[course]),
                new RegExp(
                    `^ended: ${t.change} pts at ${t.perDay}%/day, [\\d.]+ [hd] from \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC to \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC$`,
                ),
            );
        }
        assert.ok(ended.some((r) => r[course] === 'ended: -12.13 pts at -4.1%/day, 3 d from 2026-11-22 07:00 UTC to 2026-11-25 06:00 UTC'));
        // Its chart marks the trend's whole course: from where it began, to where it stopped or (going on) the incident's end.
        const fullItems = (answer.items ?? []) as { trend: { start: string; end: string | null } | null; end: string }[];
        for (const row of [...ended, ...going]) {
            const index = table.rows.indexOf(row);
            const request = chartRequestFor(table, index, {});
            const t = fullItems[index].trend;
            assert.ok(request?.marks.incident && t);
            assert.equal(request.marks.incident.start, Date.parse(t.start));
            assert.equal(request.marks.incident.end, Math.max(Date.parse(t.end ?? fullItems[index].end), Date.parse(fullItems[index].end)));
        }
        assert.ok(
            going.some((r) => typeof r[full] === 'string' && (r[pace] as number) < 0),
            'a disk still filling up has its full date',
        );
        assert.ok(
            table.rows
                .filter((r) => r[kind] !== 'trend')
                .every(
                    (r) => r[pace] === null && r[full] === null && r[state] === null && r[course] === null && typeof r[latest] === 'number',
                ),
        );
    });

    it('flattens SQL instances into one row per database and lists scopes', async () => {
        const sql = await structured(source, 'GetSqlMetadata');
        const table = tableFromResult({ tool: 'GetSqlMetadata', args: {} }, sql);
        const expectedRows = (sql.items ?? []).reduce((n, i) => n + Math.max(1, (i.databases as unknown[]).length), 0);
        assert.equal(table.rows.length, expectedRows);
        // Each row has as many cells as there are columns; the log backup state is a facet, with the problems in it.
        assert.ok(table.rows.every((r) => r.length === table.columns.length));
        const log = table.columns.findIndex((c) => c.key === 'logBackupState');
        assert.ok(log > 0 && table.columns[log].facet);
        const states = table.rows.map((r) => r[log]);
        const dbs = (sql.items ?? []).flatMap((i) => i.databases as { logBackupState: string }[]);
        assert.deepEqual(
            states.filter((v) => v !== null),
            dbs.map((d) => d.logBackupState),
        );
        assert.ok(states.includes('never') && states.includes('ok') && states.includes('not-needed'));
        // A SQL virtual machine (an Azure VM's SQL Server, without a database inventory) is one row, told apart by its kind.
        const kind = table.columns.findIndex((c) => c.key === 'kind');
        assert.ok(kind > 0 && table.columns[kind].facet);
        assert.deepEqual([...new Set(table.rows.map((r) => r[kind]))], ['Arc']);
        const withVm = tableFromResult(
            { tool: 'GetSqlMetadata', args: {} },
            {
                ...sql,
                items: [
                    ...(sql.items ?? []),
                    {
                        name: 'vm-sql-01',
                        machineName: 'vm-sql-01',
                        kind: 'sql-vm',
                        version: 'SQL Server 2019',
                        edition: 'Enterprise',
                        licenseType: 'AHUB',
                        databases: [],
                    },
                ],
            },
        );
        const vmRow = withVm.rows[withVm.rows.length - 1];
        assert.equal(vmRow[kind], 'SQL VM');
        assert.equal(vmRow[table.columns.findIndex((c) => c.key === 'database')], null);
        const scopes = tableFromResult({ tool: 'ListScopes', args: {} }, await structured(source, 'ListScopes'));
        assert.deepEqual(
            scopes.rows.map((r) => r[0]),
            ['subscription', 'subscription', 'subscription', 'workspace', 'workspace'],
        );
    });

    it('shows the per-machine patch view with the not-assessed filter preset', async () => {
        const answer = await structured(source, 'GetPatchingLevel');
        const table = tableFromResult(
            { tool: 'GetPatchingLevel', args: {}, view: 'machines', initial: { facets: { state: ['not-assessed'] } } },
            answer,
        );
        const shown = new TableIndex(table).rowsFor({ text: '', facets: table.initial?.facets ?? {} });
        assert.deepEqual(shown.map((r) => table.rows[r][0]).sort(), [...source.machinesNotAssessed()].sort());
        // The Last patch run facet selects the machines whose latest run failed, as many as the summary counts.
        const failedRuns = new TableIndex(table).rowsFor({ text: '', facets: { lastRun: ['Failed'] } });
        assert.equal(failedRuns.length, answer.summary.lastInstallFailed);
        assert.ok(failedRuns.length > 0);
        const lastRun = table.columns.findIndex((c) => c.key === 'lastRun');
        assert.ok(table.rows.every((r) => ['none', 'Succeeded', 'Failed', 'window exceeded'].includes(String(r[lastRun]))));
        // A per-machine list cut by max_results says so: its shown and total, not the patch rows'.
        const cut = await structured(source, 'GetPatchingLevel', { max_results: 5 });
        const cutTable = tableFromResult({ tool: 'GetPatchingLevel', args: { max_results: 5 }, view: 'machines' }, cut);
        assert.equal(cutTable.rows.length, (cut.machines as unknown[]).length);
        assert.deepEqual(cutTable.truncation, { shown: cutTable.rows.length, total: answer.summary.machines });
        assert.ok(cutTable.truncation.shown < cutTable.truncation.total);
    });

    it('shows the disks filling up, soonest first, with the steadily filling ones the estate planted', async () => {
        const answer = await structured(source, 'GetAnomalies', { metric: 'disk' });
        const table = tableFromResult({ tool: 'GetAnomalies', args: {}, view: 'filling' }, answer);
        assert.equal(table.title, 'Disks filling up');
        assert.deepEqual(
            table.columns.map((c) => c.title),
            ['Machine', 'Counter', 'Free %', '% a day', 'Full at', 'Pace from', 'Since'],
        );
        assert.equal(table.rows.length, answer.summary.disksFilling);
        const machines = table.rows.map((r) => r[0]);
        for (const g of source.growingDisks()) {
            assert.ok(machines.includes(g.computer), g.computer);
        }
        const steady = new TableIndex(table).rowsFor({ text: '', facets: { basis: ['last week, steady'] } });
        assert.deepEqual(
            steady.map((r) => table.rows[r][0]).sort(),
            source
                .growingDisks()
                .map((g) => g.computer)
                .sort(),
        );
    });

    it('shows the disks low on space, lowest first, with the nearly full ones the estate planted', async () => {
        const answer = await structured(source, 'GetAnomalies', { metric: 'disk', low_free_space: 30 });
        const table = tableFromResult({ tool: 'GetAnomalies', args: {}, view: 'lowSpace' }, answer);
        assert.equal(table.title, 'Disks low on space');
        assert.deepEqual(
            table.columns.map((c) => c.title),
            ['Machine', 'Counter', 'Free %', 'Free GB', 'Measured', 'Filling up', 'Full at'],
        );
        assert.equal(table.rows.length, answer.summary.disksLow);
        const free = table.rows.map((r) => Number(r[2]));
        assert.deepEqual(
            table.rows.map((r) => r[3]),
            (answer.lowSpace as { freeGb: number }[]).map((d) => d.freeGb),
        );
        assert.ok(table.rows.every((r) => typeof r[3] === 'number' && r[3] > 0));
        assert.deepEqual(
            free,
            [...free].sort((a, b) => a - b),
        );
        assert.ok(free.every((f) => f < 30));
        // Under 30 %: the planted nearly full disks (flat) and the planted steadily filling ones, which say when they are full.
        const index = new TableIndex(table);
        const machinesWith = (filling: string) => index.rowsFor({ text: '', facets: { filling: [filling] } }).map((r) => table.rows[r]);
        for (const p of source.lowDisks()) {
            assert.deepEqual(machinesWith('no').filter((r) => r[0] === p.computer).length, 1, `${p.computer} is listed as not filling`);
        }
        const filling = machinesWith('yes');
        assert.ok(filling.length > 0 && filling.every((r) => typeof r[6] === 'string'), 'filling disks have a full date');
        assert.ok(machinesWith('no').every((r) => r[6] === null));
    });

    it("shows where each machine's and instance's release stands in its lifecycle, worst first when sorted", async () => {
        const servers = await structured(source, 'GetServerMetadata', { max_results: 1000 });
        const table = tableFromResult({ tool: 'GetServerMetadata', args: {} }, servers);
        const col = (key: string) => table.columns.findIndex((c) => c.key === key);
        const support = table.columns[col('support')];
        assert.equal(support.type, 'severity');
        assert.ok(support.facet);
        assert.deepEqual(support.ranks, ['ended', 'esu', 'ending', 'supported', 'unknown']);
        for (const [i, m] of (servers.items ?? []).entries()) {
            const row = table.rows[i];
            const s = m.support as { status: string; extendedEnd: string; esuEnd?: string } | null;
            assert.equal(row[col('support')], s?.status ?? 'unknown', String(m.name));
            // The end that matters: the ESU end for a release that had them, else the end of extended support.
            assert.equal(row[col('supportEnds')], s ? (s.esuEnd ?? s.extendedEnd) : null, String(m.name));
        }
        // An Arc server in the Error state shows what Azure says of it.
        const failing = (servers.items ?? []).findIndex((m) => m.status === 'Error');
        assert.ok(failing >= 0);
        assert.equal(table.rows[failing][col('statusMessage')], (servers.items ?? [])[failing].statusMessage);
        assert.ok(String(table.rows[failing][col('statusMessage')]).length > 0);
        const ended = new TableIndex(table).rowsFor({ text: '', facets: { support: ['ended'] } });
        assert.equal(ended.length, servers.summary.outOfSupport);
        assert.ok(ended.every((r) => String(table.rows[r][col('osName')]).includes('2012 R2')));
        const sql = tableFromResult(
            { tool: 'GetSqlMetadata', args: {} },
            await structured(sampleSource({ machines: 300 }), 'GetSqlMetadata'),
        );
        const sqlSupport = sql.columns.findIndex((c) => c.key === 'support');
        const sqlVersion = sql.columns.findIndex((c) => c.key === 'version');
        // 2014 and 2016 are in their Extended Security Updates years (to 2027-07-12 and 2029-07-10).
        assert.ok(sql.rows.some((r) => r[sqlVersion] === 'SQL Server 2014' && r[sqlSupport] === 'esu'));
        assert.ok(sql.rows.some((r) => r[sqlVersion] === 'SQL Server 2016' && r[sqlSupport] === 'esu'));
        const sqlStatus = (version: string) => (version.endsWith('2014') || version.endsWith('2016') ? 'esu' : 'supported');
        assert.ok(sql.rows.every((r) => r[sqlSupport] === sqlStatus(String(r[sqlVersion]))));
    });

    it('shows the machines not reporting: those that stopped, most recently silent first, then those that sent nothing', async () => {
        const answer = await structured(source, 'GetAnomalies');
        const table = tableFromResult({ tool: 'GetAnomalies', args: {}, view: 'silent' }, answer);
        assert.equal(table.title, 'Machines not reporting');
        assert.deepEqual(
            table.columns.map((c) => c.title),
            ['Machine', 'Not reporting', 'Last data', 'Hours without data', 'Status', 'Status since', 'What Azure says'],
        );
        assert.ok(answer.summary.machinesSilent > 0 && answer.summary.machinesWithoutData > 0);
        assert.equal(table.rows.length, answer.summary.machinesSilent + answer.summary.machinesWithoutData);
        assert.equal(table.truncation.total, table.rows.length);
        for (const p of source.silentMachines()) {
            const row = table.rows.find((r) => r[0] === p.computer);
            assert.ok(row, p.computer);
            assert.equal(row[1], 'stopped reporting');
            assert.match(String(row[6]), /^its monitoring agent \(\w+\) is in the Failed state: /, p.computer);
        }
        // The Not reporting facet tells the two lists apart, and counts each as the summary does.
        const index = new TableIndex(table);
        const stopped = index.rowsFor({ text: '', facets: { list: ['stopped reporting'] } });
        const nothing = index.rowsFor({ text: '', facets: { list: ['no data in 30 days'] } });
        assert.equal(stopped.length, answer.summary.machinesSilent);
        assert.equal(nothing.length, answer.summary.machinesWithoutData);
        assert.deepEqual(
            nothing.map((r) => table.rows[r]),
            [
                [
                    'ctso-fs-ams-02',
                    'no data in 30 days',
                    null,
                    null,
                    'Disconnected',
                    '2026-10-19T10:53:43.000Z',
                    'it is Disconnected since 2026-10-19 10:53Z',
                ],
                [
                    'ctso-dc-fra-01',
                    'no data in 30 days',
                    null,
                    null,
                    'Expired',
                    '2026-08-12T12:29:10.000Z',
                    'it is Expired since 2026-08-12 12:29Z',
                ],
                [
                    'web-lnx-fra-02',
                    'no data in 30 days',
                    null,
                    null,
                    'Expired',
                    '2026-07-27T22:25:43.000Z',
                    'it is Expired since 2026-07-27 22:25Z',
                ],
            ],
        );
        // A longer timespan reads further back, and the table says so.
        const longer = tableFromResult(
            { tool: 'GetAnomalies', args: {}, view: 'silent' },
            await structured(source, 'GetAnomalies', { timespan: '45d' }),
        );
        assert.ok(longer.rows.some((r) => r[1] === 'no data in 45 days'));
        assert.ok(longer.rows.every((r) => r[1] === 'stopped reporting' || r[1] === 'no data in 45 days'));
    });

    it('links to the Azure portal only for Azure resources', async () => {
        const answer = await structured(source, 'GetServerMetadata');
        assert.ok(!tableFromResult({ tool: 'GetServerMetadata', args: {} }, answer).columns.some((c) => c.key === 'portal'));
        const azure = tableFromResult({ tool: 'GetServerMetadata', args: {} }, { ...answer, source: 'azure' });
        const portal = azure.columns.findIndex((c) => c.key === 'portal');
        assert.ok(portal >= 0 && azure.columns[portal].link);
        assert.equal(azure.rows[0][portal], `https://portal.azure.com/#@/resource${String(answer.items?.[0].id)}`);
        assert.equal(portalUrl('/subscriptions/x'), 'https://portal.azure.com/#@/resource/subscriptions/x');
    });

    it("portal links go to the configured cloud's portal, in the configured tenant", async () => {
        const id = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/web-01';
        assert.equal(portalUrl(id, { cloud: 'AzureCloud', tenantId: '' }), `https://portal.azure.com/#@/resource${id}`);
        assert.equal(
            portalUrl(id, { cloud: 'AzureUSGovernment', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }),
            `https://portal.azure.us/#@72f988bf-86f1-41af-91ab-2d7cd011db47/resource${id}`,
        );
        assert.equal(
            portalUrl(id, { cloud: 'AzureChinaCloud', tenantId: ' contoso.partner.onmschina.cn ' }),
            `https://portal.azure.cn/#@contoso.partner.onmschina.cn/resource${id}`,
        );
        // A tenant typed with URL syntax cannot change where the link goes.
        assert.equal(portalUrl(id, { cloud: 'AzureCloud', tenantId: 'a/b#c' }), `https://portal.azure.com/#@a%2Fb%23c/resource${id}`);
        for (const cloud of ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const) {
            assert.ok(isAllowedLink(portalUrl(id, { cloud, tenantId: 'contoso.com' })), cloud);
        }
        // A table's portal column follows the same settings.
        const answer = await structured(sampleSource(), 'GetServerMetadata');
        const gov = tableFromResult(
            { tool: 'GetServerMetadata', args: {} },
            { ...answer, source: 'azure' },
            {
                cloud: 'AzureUSGovernment',
                tenantId: 'contoso.us',
            },
        );
        const portal = gov.columns.findIndex((c) => c.key === 'portal');
        assert.equal(gov.rows[0][portal], `https://portal.azure.us/#@contoso.us/resource${String(answer.items?.[0].id)}`);
    });

    it('flattens an unknown tool generically and keeps hostile values as they are', () => {
        const table = tableFromResult(
            { tool: 'SomeNewTool', args: {} },
            {
                source: 'sample',
                items: [{ name: HOSTILE_STRINGS[0], when: '2026-11-20T10:00:00Z', n: 3, tags: ['a', 'b'], nested: { x: 1 } }],
            },
        );
        assert.deepEqual(
            table.columns.map((c) => [c.key, c.type]),
            [
                ['name', 'text'],
                ['when', 'date'],
                ['n', 'number'],
                ['tags', 'text'],
            ],
        );
        assert.deepEqual(table.rows[0], [HOSTILE_STRINGS[0], '2026-11-20T10:00:00Z', 3, 'a, b']);
        assert.ok(table.subtitle.endsWith(' · 1 row'), table.subtitle);
    });

    it('cuts the chart of one incident from GetAnomalies with series', async () => {
        const answer = await structured(source, 'GetAnomalies', { include_series: true });
        const incident = answer.items?.[0] as Record<string, string>;
        const chart = chartFor(
            answer,
            { computer: incident.computer, metric: incident.metric, counter: incident.counter },
            { incident: { start: Date.parse(incident.start), end: Date.parse(incident.end), peak: Date.parse(incident.peakTime) } },
        );
        assert.ok(chart);
        assert.equal(chart.values.length, chart.upper.length);
        assert.ok(
            chart.values.some(
                (v, i) => v !== null && chart.upper[i] !== null && (v > (chart.upper[i] as number) || v < (chart.lower[i] as number)),
            ),
        );
        assert.equal(chart.projection, undefined);
        assert.equal(
            chartFor(
                answer,
                { computer: 'no-such-machine', metric: 'cpu', counter: '% Processor Time' },
                { incident: { start: 0, end: 0, peak: 0 } },
            ),
            undefined,
        );
    });

    it('charts a disk filling up with the line from its last value to 0 % when it is full', async () => {
        const answer = await structured(source, 'GetAnomalies', { metric: 'disk', include_series: true });
        const table = tableFromResult({ tool: 'GetAnomalies', args: {}, view: 'filling' }, answer);
        assert.ok(table.chart, 'the filling table offers a chart');
        const disk = (answer.filling as Record<string, string>[])[0];
        const fullAt = Date.parse(disk.fullAt);
        const chart = chartFor(answer, { computer: disk.computer, metric: 'diskFree', counter: disk.counter }, { fullAt });
        assert.ok(chart, `${disk.computer} ${disk.counter} is charted`);
        assert.equal(chart.title, `${disk.computer} — ${disk.counter}`);
        assert.equal(chart.incident, undefined);
        const last = chart.values.length - 1 - [...chart.values].reverse().findIndex((v) => v !== null);
        assert.deepEqual(chart.projection, { from: chart.start + last * chart.stepMs, fromValue: chart.values[last], to: fullAt });
        assert.equal(chart.projection.fromValue, Number(disk.latest), 'from the value the table shows');
        // Another disk of the same machine is not taken for it.
        assert.equal(chartFor(answer, { computer: disk.computer, metric: 'diskFree', counter: 'Z: % Free Space' }, { fullAt }), undefined);
    });

    it('charts a disk low on space with its series, and with the line to 0 % only when it is filling up', async () => {
        const answer = await structured(source, 'GetAnomalies', { metric: 'disk', include_series: true, low_free_space: 30 });
        const low = answer.lowSpace as Record<string, string | number | null>[];
        const flat = low.find((d) => d.fullAt === null);
        const filling = low.find((d) => typeof d.fullAt === 'string');
        assert.ok(flat && filling, 'a flat and a filling disk under 30 %');
        const flatChart = chartFor(answer, { computer: String(flat.computer), metric: 'diskFree', counter: String(flat.counter) }, {});
        assert.ok(flatChart, 'the series of every listed disk is returned');
        assert.equal(flatChart.projection, undefined);
        const last = flatChart.values.length - 1 - [...flatChart.values].reverse().findIndex((v) => v !== null);
        assert.equal(flatChart.values[last], flat.latest);
        const fullAt = Date.parse(String(filling.fullAt));
        const fillingChart = chartFor(
            answer,
            { computer: String(filling.computer), metric: 'diskFree', counter: String(filling.counter) },
            { fullAt },
        );
        assert.equal(fillingChart?.projection?.to, fullAt);
    });

    it('writes a page whose CSP allows only its own nonce-tagged script and the extension stylesheet', () => {
        const html = tableHtml({
            cspSource: 'vscode-resource:',
            nonce: 'abc123',
            scriptUri: 'vscode-resource:/t.js',
            styleUri: 'vscode-resource:/t.css',
        });
        assert.match(
            html,
            /content="default-src 'none'; script-src 'nonce-abc123'; style-src vscode-resource:; img-src vscode-resource: data:"/,
        );
        assert.match(html, /<script nonce="abc123" src="vscode-resource:\/t.js"><\/script>/);
        assert.equal((html.match(/<script/g) ?? []).length, 1);
    });
});
