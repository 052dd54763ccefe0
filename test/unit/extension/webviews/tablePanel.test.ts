/**
 * The table panel's host side in plain Node, with `vscode` stood in for (see ../fakeVscode.ts) and the tools running
 * on the sample estate: the chart a row gets, closing a tab while it loads, chart requests while arrowing, loading
 * again when the data source changes, one panel per request, and the CSV's bytes.
 */
import { fake, EventEmitter, Uri, type FakeWebviewPanel } from '../fakeVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { InfraSource, MetricQuery } from '../../../../src/core/source';
import type { ChartData, HostMessage, TableData } from '../../../../src/shared/messages';
import { TablePanel, type OpenedTable, type TablePanelDeps } from '../../../../src/extension/webviews/tablePanel';
import type { TableRequest } from '../../../../src/extension/webviews/tableSpecs';
import { sampleSource } from '../../../helpers/fixtures';

/** A panel's deps over `source`; `sourceChanged` is the event the trees refresh on. */
function depsFor(source: () => Promise<InfraSource>) {
    const sourceChanged = new EventEmitter<void>();
    const deps: TablePanelDeps = {
        extensionUri: Uri.file('/extension') as unknown as vscode.Uri,
        getSource: source,
        onDidChangeSource: sourceChanged.event as unknown as vscode.Event<void>,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    };
    return { deps, sourceChanged };
}

/** Opens a table and answers `ready` as the webview does, so what the host posts is recorded. */
function open(deps: TablePanelDeps, request: TableRequest): { opened: Promise<OpenedTable>; panel: FakeWebviewPanel } {
    const opened = TablePanel.show(deps, request);
    const panel = fake.panels.at(-1) as FakeWebviewPanel;
    panel.receive({ type: 'ready' });
    return { opened, panel };
}

const posted = (panel: FakeWebviewPanel) => panel.posted as HostMessage[];
const tables = (panel: FakeWebviewPanel) =>
    posted(panel)
        .filter((m): m is Extract<HostMessage, { type: 'table' }> => m.type === 'table')
        .map((m) => m.table);
const charts = (panel: FakeWebviewPanel) => posted(panel).filter((m): m is Extract<HostMessage, { type: 'chart' }> => m.type === 'chart');

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = check();
        if (value !== undefined && value !== false) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

const column = (table: TableData, key: string) => table.columns.findIndex((c) => c.key === key);

/**
 * The sample estate, with a second disk beside each disk that reports free space (`L:` after the machine's own, the
 * same values, so it has the same incidents): a machine with two disks of one metric.
 */
function withSecondDisk(source: InfraSource): InfraSource {
    return new Proxy(source, {
        get(target, key) {
            if (key === 'getMetricSeries') {
                return async (query: MetricQuery) => {
                    const { onSeries: _batches, ...rest } = query;
                    const result = await target.getMetricSeries(rest);
                    const rows = result.rows.flatMap((s) =>
                        s.metric === 'diskFree' ? [s, { ...s, counter: 'L: % Free Space', values: s.values.slice() }] : [s],
                    );
                    return { ...result, rows };
                };
            }
            const value = Reflect.get(target, key, target) as unknown;
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
    });
}

/** Counts the series reads a source serves: one per GetAnomalies run. */
function countingSeriesReads(source: InfraSource): { source: InfraSource; reads(): number } {
    let reads = 0;
    const counted = new Proxy(source, {
        get(target, key) {
            const value = Reflect.get(target, key, target) as unknown;
            if (key === 'getMetricSeries') {
                return (query: MetricQuery) => {
                    reads++;
                    return target.getMetricSeries(query);
                };
            }
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
    });
    return { source: counted, reads: () => reads };
}

describe('table panel (host side)', function () {
    this.timeout(60_000);

    beforeEach(() => fake.reset());
    afterEach(() => {
        for (const panel of fake.panels) {
            panel.dispose();
        }
    });

    it("charts a row's own disk when its machine has two disks of one metric", async () => {
        const source = withSecondDisk(sampleSource());
        const { deps } = depsFor(async () => source);
        const { opened, panel } = open(deps, { tool: 'GetAnomalies', args: {} });
        assert.ok((await opened).ok);
        const table = tables(panel)[0];
        const row = table.rows.findIndex((r) => r[column(table, 'counter')] === 'L: % Free Space');
        assert.ok(row >= 0, 'the second disk has an incident of its own');
        const machine = table.rows[row][column(table, 'computer')];
        assert.ok(
            table.rows.some((r, i) => i !== row && r[column(table, 'computer')] === machine && r[column(table, 'metric')] === 'diskFree'),
            'and so does the first disk of that machine',
        );
        panel.receive({ type: 'requestChart', row });
        const answer = await until('the chart', () => charts(panel)[0]);
        assert.equal(answer.row, row);
        assert.equal(answer.chart?.title, `${String(machine)} — L: % Free Space`);
    });

    it('closing the tab while the table loads shows no error and touches the panel no more', async () => {
        let provide: (source: InfraSource) => void = () => undefined;
        const { deps } = depsFor(() => new Promise<InfraSource>((resolve) => (provide = resolve)));
        const { opened, panel } = open(deps, { tool: 'GetServerMetadata', args: {} });
        await until('the load to ask for the source', () => posted(panel).some((m) => m.type === 'loading'));
        const before = posted(panel).length;
        panel.dispose();
        provide(sampleSource());
        const result = await opened;
        assert.equal(result.ok, false);
        assert.equal(result.message, 'The table was closed before it loaded.');
        assert.equal(panel.title, 'GetServerMetadata', 'the title of a closed panel is left alone');
        assert.equal(posted(panel).length, before);
        assert.deepEqual(fake.messages, []);
    });

    it('answers the latest chart request only, and charts a series once for the life of the panel', async () => {
        const counted = countingSeriesReads(sampleSource());
        const { deps } = depsFor(async () => counted.source);
        const { opened, panel } = open(deps, { tool: 'GetAnomalies', args: {} });
        assert.ok((await opened).ok);
        const table = tables(panel)[0];
        assert.ok(table.rows.length >= 2);
        const readsForTable = counted.reads();
        // Arrowing on before the first chart came: the first request is superseded, only the second is answered.
        panel.receive({ type: 'requestChart', row: 0 });
        panel.receive({ type: 'requestChart', row: 1 });
        await until('the chart of row 1', () => charts(panel).find((c) => c.row === 1));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(
            charts(panel).map((c) => c.row),
            [1],
        );
        // Back to a row seen before (and on to it again): its series is charted without another tool run.
        panel.receive({ type: 'requestChart', row: 1 });
        await until('the chart of row 1 again', () => charts(panel).length === 2);
        const reads = counted.reads();
        panel.receive({ type: 'requestChart', row: 1 });
        await until('the chart of row 1 a third time', () => charts(panel).length === 3);
        assert.equal(counted.reads(), reads, 'no series read for a chart already fetched');
        assert.ok(reads - readsForTable <= 2, `${reads - readsForTable} series reads for two charts`);
        const [second, third] = charts(panel).slice(1);
        assert.deepEqual(third.chart, second.chart);
        assert.ok((second.chart as ChartData).incident, 'the cached series is marked with the row’s incident');
    });

    it('loads again on a data-source change (a hidden table when it is next shown) and on Reload', async () => {
        let source: InfraSource = sampleSource();
        const { deps, sourceChanged } = depsFor(async () => source);
        const { opened, panel } = open(deps, { tool: 'GetServerMetadata', args: {} });
        assert.equal((await opened).rows, 60);
        source = sampleSource({ machines: 80 });
        sourceChanged.fire();
        await until('the table from the new source', () => tables(panel).find((t) => t.rows.length === 80));

        panel.setVisible(false);
        source = sampleSource({ machines: 90 });
        sourceChanged.fire();
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(tables(panel).length, 2, 'a hidden table waits');
        panel.setVisible(true);
        await until('the hidden table, shown again, from the newer source', () => tables(panel).find((t) => t.rows.length === 90));

        source = sampleSource({ machines: 70 });
        panel.receive({ type: 'reload' });
        await until('the reloaded table', () => tables(panel).find((t) => t.rows.length === 70));
        assert.deepEqual(
            posted(panel)
                .filter((m) => m.type === 'loading' || m.type === 'table')
                .map((m) => m.type),
            ['loading', 'table', 'loading', 'table', 'loading', 'table', 'loading', 'table'],
        );
    });

    it('shows the open panel again for an identical request instead of running the tool twice', async () => {
        let loads = 0;
        const { deps } = depsFor(async () => {
            loads++;
            return sampleSource();
        });
        const request: TableRequest = {
            tool: 'GetPatchingLevel',
            args: { classification: ['Critical'], server_name: 'ctso-web-dub-01' },
            title: 'Missing Critical patches on ctso-web-dub-01',
        };
        const first = await TablePanel.show(deps, request);
        const second = await TablePanel.show(deps, {
            title: request.title,
            args: { server_name: 'ctso-web-dub-01', classification: ['Critical'] },
            tool: 'GetPatchingLevel',
        });
        assert.equal(fake.panels.length, 1);
        assert.equal(fake.panels[0].revealed, 1);
        assert.equal(loads, 1);
        assert.ok(first.ok && first.rows > 0, first.message);
        assert.deepEqual(second, first);
        // Another request is another panel.
        await TablePanel.show(deps, { ...request, args: { server_name: 'ctso-web-dub-01' } });
        assert.equal(fake.panels.length, 2);
        // Once closed, the same request opens a panel again.
        fake.panels[0].dispose();
        await TablePanel.show(deps, request);
        assert.equal(fake.panels.length, 3);
    });

    it('writes the CSV with a UTF-8 byte-order mark, so Excel reads non-ASCII names right', async () => {
        const { deps } = depsFor(async () => sampleSource({ hostile: true }));
        const { opened, panel } = open(deps, { tool: 'GetServerMetadata', args: {} });
        assert.ok((await opened).ok);
        const target = Uri.file('/out/servers.csv');
        const panels = [...fake.panels];
        assert.equal(panels.at(-1), panel);
        await TablePanel.active?.exportCsv(target as unknown as vscode.Uri);
        const bytes = fake.files.get(target.toString());
        assert.ok(bytes);
        assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        assert.ok(text.startsWith('\uFEFFName,Kind,'), text.slice(0, 40));
    });
});
