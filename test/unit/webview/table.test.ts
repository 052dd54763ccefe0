/**
 * The table webview in a real browser (Debian Chromium through playwright-core): what a person sees and does —
 * rows, sorting, filtering, keyboard, 20,000 rows with only a window of them in the DOM, the anomaly chart — and that
 * hostile values from the estate stay text: no injected element, no script, no dialog, no CSP violation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chartFor } from '../../../src/extension/webviews/tablePage';
import { tableFromResult, type TableRequest } from '../../../src/extension/webviews/tableSpecs';
import type { TableData, WebviewMessage } from '../../../src/shared/messages';
import { HOSTILE_LINK, HOSTILE_STRINGS } from '../../../src/sources/sample';
import { runTool } from '../../../src/tools';
import { sampleSource } from '../../helpers/fixtures';
import { buildWebview, CHROMIUM, launchChromium, openTablePage, SCREENSHOTS, startServer, violations } from './pageHarness';

async function tableOf(
    source: ReturnType<typeof sampleSource>,
    request: TableRequest,
): Promise<{ table: TableData; structured: Record<string, unknown> }> {
    const run = await runTool(request.tool, { source }, { max_results: 50_000, ...request.args });
    assert.ok(run.ok, run.ok ? '' : run.message);
    return { table: tableFromResult(request, run.structured), structured: run.structured };
}

/** Text of the visible (not hidden) data rows, in screen order. */
function visibleRows(page: Page): Promise<string[][]> {
    return page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.spacer .row'))
            .filter((r) => !r.hidden)
            .sort((a, b) => Number(a.dataset.position) - Number(b.dataset.position))
            .map((r) => Array.from(r.children).map((c) => c.textContent ?? '')),
    );
}

const countText = (page: Page) => page.locator('.count').textContent();

describe('table webview in Chromium', function () {
    this.timeout(120_000);
    let browser: Browser;
    let server: Awaited<ReturnType<typeof startServer>>;
    const source = sampleSource();

    before(async function () {
        // A browser is part of what these tests need, like node_modules: missing, they fail and say how to get it (npm test
        // installs it first), rather than pass without having looked at a table.
        assert.ok(
            fs.existsSync(CHROMIUM),
            `${CHROMIUM} is missing: run bash scripts/install-test-tools.sh (npm test runs it first), or apt-get install -y chromium.`,
        );
        await buildWebview();
        server = await startServer();
        browser = await launchChromium();
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
    });

    after(async () => {
        await browser?.close();
        await server?.close();
    });

    it('posts ready first, then renders the rows it is sent with counts and facets', async () => {
        const { table } = await tableOf(source, { tool: 'GetPatchingLevel', args: {} });
        const { page, posted, send, incidents } = await openTablePage(browser, server.origin);
        assert.deepEqual((await posted())[0], { type: 'ready' });
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        assert.equal(await page.locator('h1').textContent(), 'Missing patches');
        assert.equal(await countText(page), `${table.rows.length} of ${table.rows.length} rows`);
        const rows = await visibleRows(page);
        assert.equal(rows[0][0], table.rows[0][0]);
        assert.equal(rows[0][1], table.rows[0][1]);
        assert.ok(rows.length < table.rows.length || rows.length === table.rows.length);
        const facetLabels = await page.locator('select.facet').evaluateAll((selects) => selects.map((s) => s.getAttribute('aria-label')));
        assert.ok(
            facetLabels.includes('Filter by Severity') &&
                facetLabels.includes('Filter by Classification') &&
                facetLabels.includes('Filter by Machine'),
        );
        assert.deepEqual(incidents, { dialogs: [], errors: [] });
        assert.deepEqual(await violations(page), []);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'table-patches-light.png') });
        await page.close();
    });

    it('sorts by a column (ascending, descending, back to the tool order) and filters by text and facet', async () => {
        const { table } = await tableOf(source, { tool: 'GetPatchingLevel', args: {} });
        const { page, posted, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        const machineHeader = page.locator('.row.header .cell').nth(0);
        const names = table.rows.map((r) => String(r[0]));
        const natural = [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }));
        await machineHeader.locator('button').click();
        assert.equal(await machineHeader.getAttribute('aria-sort'), 'ascending');
        assert.equal((await visibleRows(page))[0][0], natural[0]);
        await machineHeader.locator('button').click();
        assert.equal(await machineHeader.getAttribute('aria-sort'), 'descending');
        assert.equal((await visibleRows(page))[0][0], natural[natural.length - 1]);
        await machineHeader.locator('button').click();
        assert.equal(await machineHeader.getAttribute('aria-sort'), 'none');
        assert.equal((await visibleRows(page))[0][0], names[0]);

        const machine = names[5];
        await page.fill('input.filter', machine);
        const expected = table.rows.filter((r) =>
            r.some((v) =>
                String(v ?? '')
                    .toLowerCase()
                    .includes(machine.toLowerCase()),
            ),
        ).length;
        await page.waitForFunction((n) => document.querySelector('.count')?.textContent?.startsWith(`${n} of `), expected);
        assert.ok((await visibleRows(page)).every((r) => r.some((c) => c.toLowerCase().includes(machine.toLowerCase()))));
        await page.fill('input.filter', '');
        await page.waitForFunction((n) => document.querySelector('.count')?.textContent?.startsWith(`${n} of `), table.rows.length);

        await page.selectOption('select[data-facet="severity"]', 'Critical');
        const critical = table.rows.filter((r) => r[4] === 'Critical').length;
        assert.equal(await countText(page), `${critical} of ${table.rows.length} rows`);
        assert.ok((await visibleRows(page)).every((r) => r[4] === 'Critical'));
        const views = (await posted()).filter((m): m is Extract<WebviewMessage, { type: 'view' }> => m.type === 'view');
        assert.deepEqual(views.at(-1)?.state.facets.severity, ['Critical']);

        await page.click('button:has-text("Export CSV")');
        const exported = (await posted()).filter((m) => m.type === 'exportCsv').at(-1);
        assert.deepEqual(exported, { type: 'exportCsv', state: { text: '', facets: { severity: ['Critical'] } } });

        // Loaded again (Reload, a sign-in): the filter on screen stays, and the host, which starts from the table's initial
        // view, is told, so that an export holds the rows shown.
        const before = (await posted()).length;
        await send({ type: 'table', table });
        await page.waitForFunction((n) => document.querySelector('.count')?.textContent?.startsWith(`${n} of `), critical);
        const told = (await posted()).slice(before).filter((m): m is Extract<WebviewMessage, { type: 'view' }> => m.type === 'view');
        assert.deepEqual(told.at(-1)?.state.facets.severity, ['Critical']);
        await page.close();
    });

    it('moves the selection with the keyboard, shows the row detail and copies the row', async () => {
        const { table } = await tableOf(source, { tool: 'GetServerMetadata', args: {} });
        const { page, posted, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.focus('.viewport');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.locator('.row.selected').getAttribute('data-position'), '1');
        assert.equal(await page.locator('.detail dd').first().textContent(), table.rows[1][0]);
        await page.keyboard.press('End');
        await page.waitForSelector(`.row.selected[data-position="${table.rows.length - 1}"]`);
        await page.keyboard.press('Control+c');
        const copy = (await posted()).find((m) => m.type === 'copy');
        assert.ok(copy && copy.type === 'copy' && copy.text.startsWith(`Name: ${String(table.rows[table.rows.length - 1][0])}\n`));
        await page.close();
    });

    it('tells a screen reader which row the arrows selected: rows have ids, the grid names the active one', async () => {
        const { table } = await tableOf(source, { tool: 'GetServerMetadata', args: {} });
        const { page, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        const grid = page.locator('.viewport');
        assert.equal(await grid.getAttribute('aria-activedescendant'), null, 'nothing selected yet');
        await page.focus('.viewport');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        const active = await grid.getAttribute('aria-activedescendant');
        assert.ok(active);
        assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
        assert.equal(await page.locator(`#${active}`).getAttribute('data-position'), '1');
        await page.keyboard.press('End');
        await page.waitForSelector(`.row.selected[data-position="${table.rows.length - 1}"]`);
        const last = await grid.getAttribute('aria-activedescendant');
        assert.equal(await page.locator(`#${last}`).getAttribute('data-position'), String(table.rows.length - 1));
        assert.equal(await page.locator(`#${last}`).getAttribute('role'), 'row');
        assert.equal(
            await page.locator('.row[id]').evaluateAll((rows) => new Set(rows.map((r) => r.id)).size),
            await page.locator('.row[id]').count(),
        );
        await page.close();
    });

    it('names the time zone of date columns in their headings and the row detail', async () => {
        const { table } = await tableOf(source, { tool: 'GetPatchingLevel', args: {} });
        const { page, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        const headings = await page.locator('.row.header button.sort').allTextContents();
        assert.deepEqual(
            headings,
            table.columns.map((c) => (c.type === 'date' ? `${c.title} (UTC)` : c.title)),
        );
        assert.ok(headings.includes('Published (UTC)'));
        await page.locator('.spacer .row[data-position="0"]').click();
        assert.ok((await page.locator('.detail dt').allTextContents()).includes('Published (UTC)'));
        await page.close();
    });

    it('starts a facet with several chosen values as one option naming them all, and keeps a chosen value no row has', async () => {
        // As the Overview's "Without a full backup" item opens it, with an edition filter beside it naming one edition
        // no database runs.
        const { table: all } = await tableOf(source, { tool: 'GetSqlMetadata', args: {} });
        const backup = all.columns.findIndex((c) => c.key === 'backupState');
        const edition = all.columns.findIndex((c) => c.key === 'edition');
        const shown = all.rows.filter((r) => ['never', 'stale'].includes(String(r[backup])));
        const byBackup = (state: string) => shown.filter((r) => r[backup] === state).length;
        assert.ok(byBackup('never') > 0 && byBackup('stale') > 0, 'databases never and not recently backed up');
        const editions = [...new Set(shown.map((r) => String(r[edition])))];
        assert.ok(!all.rows.some((r) => r[edition] === 'Datacenter'), 'the sample runs no Datacenter edition');
        const table: TableData = { ...all, initial: { facets: { backupState: ['never', 'stale'], edition: [...editions, 'Datacenter'] } } };
        const { page, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        assert.equal(await countText(page), `${shown.length} of ${table.rows.length} rows`);
        const selected = (key: string) =>
            page.locator(`select[data-facet="${key}"]`).evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
        assert.equal(await selected('backupState'), `Backup: never, stale (${shown.length})`);
        assert.equal(await selected('edition'), `Edition: ${[...editions, 'Datacenter'].join(', ')} (${shown.length})`);
        const options = await page.locator('select[data-facet="edition"] option').allTextContents();
        assert.ok(options.includes('Edition: Datacenter (0)'), options.join(' | '));
        // Picking one value from there filters on it alone.
        await page.selectOption('select[data-facet="backupState"]', 'stale');
        assert.equal(await countText(page), `${byBackup('stale')} of ${table.rows.length} rows`);
        assert.equal(await selected('backupState'), `Backup: stale (${byBackup('stale')})`);
        // And a single chosen value that no row has is shown, not a blank dropdown.
        const { page: empty, send: sendEmpty } = await openTablePage(browser, server.origin);
        await sendEmpty({ type: 'table', table: { ...all, initial: { facets: { edition: ['Datacenter'] } } } });
        await empty.waitForSelector('select[data-facet="edition"]');
        assert.equal(await countText(empty), `0 of ${table.rows.length} rows`);
        assert.equal(
            await empty.locator('select[data-facet="edition"]').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent),
            'Edition: Datacenter (0)',
        );
        await page.close();
        await empty.close();
    });

    it("lists in the row detail only what the row has: a spike's detail has no trend course, a trend's has", async () => {
        const { table } = await tableOf(source, { tool: 'GetAnomalies', args: { timespan: '30d' } });
        const kind = table.columns.findIndex((c) => c.title === 'Kind');
        const course = table.columns.find((c) => c.title === 'Trend course');
        assert.ok(kind >= 0 && course, table.columns.map((c) => c.title).join(', '));
        const spike = table.rows.findIndex((r) => r[kind] === 'spike');
        const trend = table.rows.findIndex((r) => r[kind] === 'trend');
        assert.ok(spike >= 0 && trend >= 0, 'the sample estate has both kinds in 30 days');
        const { page, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        const headings = async (position: number) => {
            await page.locator(`.spacer .row[data-position="${position}"]`).click();
            await page.waitForSelector('.detail dl');
            return page.locator('.detail dt').allTextContents();
        };
        const spikeDetail = await headings(spike);
        assert.ok(!spikeDetail.includes('Trend course'), spikeDetail.join(', '));
        assert.ok(spikeDetail.includes('Score') && spikeDetail.includes('Expected'), spikeDetail.join(', '));
        assert.ok(spikeDetail.length < table.columns.length);
        assert.ok((await headings(trend)).includes('Trend course'));
        await page.close();
    });

    it('asks for one chart when the selection settles, not one per row passed with the arrows', async () => {
        const { table } = await tableOf(source, { tool: 'GetAnomalies', args: { timespan: '30d' } });
        assert.ok(table.rows.length >= 4);
        const { page, posted, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.focus('.viewport');
        for (let i = 0; i < 4; i++) {
            await page.keyboard.press('ArrowDown');
        }
        assert.equal(await page.textContent('.chart-box'), 'Loading the chart…');
        await page.waitForFunction(() =>
            (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'requestChart'),
        );
        await page.waitForTimeout(400);
        assert.deepEqual(
            (await posted()).filter((m) => m.type === 'requestChart'),
            [{ type: 'requestChart', row: 3 }],
        );
        await page.close();
    });

    it('offers Reload in the toolbar and after an error', async () => {
        const { table } = await tableOf(source, { tool: 'GetServerMetadata', args: {} });
        const { page, posted, send } = await openTablePage(browser, server.origin);
        await send({ type: 'error', message: 'Resource Graph is throttling requests.' });
        await page.click('button:has-text("Reload")');
        await send({ type: 'loading', title: 'Servers' });
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.click('.toolbar button:has-text("Reload")');
        assert.deepEqual(
            (await posted()).filter((m) => m.type === 'reload'),
            [{ type: 'reload' }, { type: 'reload' }],
        );
        await page.close();
    });

    it('keeps only a window of 20,000 rows in the DOM and scrolls to the last one', async () => {
        const { table } = await tableOf(sampleSource({ machines: 10_000 }), { tool: 'GetPatchingLevel', args: { max_results: 20_000 } });
        assert.equal(table.rows.length, 20_000);
        const { page, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        const domRows = await page.locator('.spacer .row').count();
        assert.ok(domRows > 10 && domRows < 100, `${domRows} row elements for 20,000 rows`);
        await page.locator('.viewport').evaluate((v) => (v.scrollTop = v.scrollHeight));
        await page.waitForFunction(() => document.querySelector('.spacer .row[data-position="19999"]:not([hidden])'));
        const last = (await visibleRows(page)).at(-1);
        assert.equal(last?.[1], table.rows[19_999][1]);
        assert.ok((await page.locator('.spacer .row').count()) < 100);
        await page.close();
    });

    it('draws the selected anomaly as an SVG chart with the expected band and the anomalous points', async () => {
        const { table, structured } = await tableOf(source, { tool: 'GetAnomalies', args: {} });
        assert.ok(table.rows.length > 0 && table.chart);
        const withSeries = await runTool('GetAnomalies', { source }, { include_series: true, max_results: 50_000 });
        assert.ok(withSeries.ok);
        const { page, posted, send, incidents } = await openTablePage(browser, server.origin, 'dark');
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.locator('.spacer .row[data-position="0"]').click();
        await page.waitForFunction(() =>
            (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'requestChart'),
        );
        const request = (await posted()).find((m) => m.type === 'requestChart');
        assert.deepEqual(request, { type: 'requestChart', row: 0 });
        const item = (structured.items as Record<string, string>[])[0];
        const chart = chartFor(
            withSeries.structured,
            { computer: item.computer, metric: item.metric, counter: item.counter },
            { incident: { start: Date.parse(item.start), end: Date.parse(item.end), peak: Date.parse(item.peakTime) } },
        );
        assert.ok(chart);
        await send({ type: 'chart', row: 0, chart });
        await page.waitForSelector('svg.chart');
        assert.ok(((await page.getAttribute('path.chart-band', 'd')) ?? '').length > 20, 'the band is drawn');
        assert.ok(((await page.getAttribute('path.chart-values', 'd')) ?? '').startsWith('M'), 'the series is drawn');
        assert.ok((await page.locator('circle.chart-anomaly').count()) > 0, 'anomalous points are marked');
        assert.equal(await page.locator('rect.chart-incident').count(), 1);
        assert.equal(await page.locator('line.chart-peak').count(), 1);
        assert.deepEqual(incidents, { dialogs: [], errors: [] });
        assert.deepEqual(await violations(page), []);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'table-anomalies-dark.png') });
        await page.close();
    });

    it('draws a disk filling up with its series and the line to 0 % at the time it is full', async () => {
        const { table, structured } = await tableOf(source, { tool: 'GetAnomalies', args: { metric: 'disk' }, view: 'filling' });
        assert.ok(table.rows.length > 0 && table.chart);
        const withSeries = await runTool('GetAnomalies', { source }, { metric: 'disk', include_series: true, max_results: 50_000 });
        assert.ok(withSeries.ok);
        const { page, posted, send, incidents } = await openTablePage(browser, server.origin, 'light');
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.locator('.spacer .row[data-position="0"]').click();
        await page.waitForFunction(() =>
            (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'requestChart'),
        );
        assert.deepEqual(
            (await posted()).find((m) => m.type === 'requestChart'),
            { type: 'requestChart', row: 0 },
        );
        const disk = (structured.filling as Record<string, string>[])[0];
        const chart = chartFor(
            withSeries.structured,
            { computer: disk.computer, metric: 'diskFree', counter: disk.counter },
            { fullAt: Date.parse(disk.fullAt) },
        );
        assert.ok(chart?.projection);
        await send({ type: 'chart', row: 0, chart });
        await page.waitForSelector('svg.chart');
        assert.ok(((await page.getAttribute('path.chart-values', 'd')) ?? '').startsWith('M'), 'the series is drawn');
        const projection = (await page.getAttribute('path.chart-projection', 'd')) ?? '';
        const [, x0, y0, x1, y1] = /^M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)$/.exec(projection)?.map(Number) ?? [];
        assert.ok(x1 > x0 && y1 > y0, `a falling line to the right: ${projection}`);
        assert.equal(await page.locator('rect.chart-incident').count(), 0, 'no incident window');
        assert.equal(await page.textContent('text.chart-full'), `full ~${disk.fullAt.slice(5, 16).replace('T', ' ')}`);
        assert.match((await page.textContent('.legend')) ?? '', /at this pace, to 0 %/);
        assert.deepEqual(incidents, { dialogs: [], errors: [] });
        assert.deepEqual(await violations(page), []);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'table-filling-light.png') });
        await page.close();
    });

    it('opens only Microsoft documentation links, through the host', async () => {
        const { table } = await tableOf(source, { tool: 'GetSqlBpAssessment', args: {} });
        const { page, posted, send } = await openTablePage(browser, server.origin);
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.locator('.spacer .row[data-position="0"]').click();
        const link = page.locator('.detail a.link');
        assert.equal(await link.count(), 1);
        await link.click();
        const open = (await posted()).find((m) => m.type === 'openLink');
        assert.ok(open && open.type === 'openLink' && open.url === table.rows[0][7]);
        assert.match(String(table.rows[0][7]), /^https:\/\/learn\.microsoft\.com\//);
        await page.close();
    });

    it('renders the hostile estate as text: no injected element, no script, no dialog, no CSP violation', async () => {
        const hostile = sampleSource({ hostile: true });
        for (const request of [
            { tool: 'GetServerMetadata', args: {} },
            { tool: 'GetSqlBpAssessment', args: {} },
            { tool: 'GetSwConfig', args: {} },
            { tool: 'GetSqlMetadata', args: {} },
            { tool: 'GetWinBpAssessment', args: {} },
        ]) {
            const { table } = await tableOf(hostile, request);
            const planted = HOSTILE_STRINGS.filter((s) => table.rows.some((r) => r.includes(s)));
            assert.ok(planted.length > 0, `${request.tool}: the hostile estate plants strings in this table`);
            const { page, send, incidents } = await openTablePage(browser, server.origin);
            await send({ type: 'table', table });
            await page.waitForSelector('.spacer .row');
            // Bring every hostile row on screen and into the detail pane.
            const hostileRows = table.rows
                .map((r, i) => (HOSTILE_STRINGS.some((s) => r.includes(s)) || r.includes(HOSTILE_LINK) ? i : -1))
                .filter((i) => i >= 0);
            for (const row of hostileRows.slice(0, 25)) {
                await page.locator('.viewport').evaluate((v, top) => (v.scrollTop = top), row * 24);
                await page.waitForSelector(`.spacer .row[data-position="${row}"]:not([hidden])`);
                await page.locator(`.spacer .row[data-position="${row}"]`).click();
            }
            await page.fill('input.filter', '<img');
            await page.waitForTimeout(300);
            await page.fill('input.filter', '');
            await page.waitForTimeout(300);
            const injected = await page.evaluate(() => ({
                images: document.querySelectorAll('img').length,
                scripts: document.querySelectorAll('script').length,
                javascriptLinks: Array.from(document.querySelectorAll('a')).filter((a) =>
                    /^\s*javascript:/i.test(a.getAttribute('href') ?? ''),
                ).length,
                handlers: Array.from(document.querySelectorAll('*')).filter((e) =>
                    Array.from(e.attributes).some((a) => a.name.startsWith('on')),
                ).length,
            }));
            assert.deepEqual(injected, { images: 0, scripts: 1, javascriptLinks: 0, handlers: 0 }, request.tool);
            const texts = await page.evaluate(() => Array.from(document.querySelectorAll('.cell, dd')).map((e) => e.textContent ?? ''));
            assert.ok(
                planted.some((s) => texts.includes(s)),
                `${request.tool}: a planted string is shown verbatim as text`,
            );
            assert.deepEqual(incidents, { dialogs: [], errors: [] }, request.tool);
            assert.deepEqual(await violations(page), [], request.tool);
            if (request.tool === 'GetServerMetadata') {
                await page.screenshot({ path: path.join(SCREENSHOTS, 'table-hostile-light.png') });
            }
            await page.close();
        }
    });

    it('looks right in light and dark themes (screenshots)', async () => {
        const { table } = await tableOf(source, { tool: 'GetSqlBpAssessment', args: {} });
        for (const theme of ['light', 'dark'] as const) {
            const { page, send } = await openTablePage(browser, server.origin, theme);
            await send({ type: 'table', table });
            await page.waitForSelector('.spacer .row');
            await page.locator('.spacer .row[data-position="2"]').click();
            const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
            assert.equal(background, theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(30, 30, 30)');
            const file = path.join(SCREENSHOTS, `table-sql-${theme}.png`);
            await page.screenshot({ path: file });
            assert.ok(fs.statSync(file).size > 10_000);
            await page.close();
        }
    });

    it('carries selection and focus with borders in a high-contrast theme', async () => {
        const { table } = await tableOf(source, { tool: 'GetSqlBpAssessment', args: {} });
        const { page, send, incidents } = await openTablePage(browser, server.origin, 'high-contrast');
        await send({ type: 'table', table });
        await page.waitForSelector('.spacer .row');
        await page.locator('.spacer .row[data-position="2"]').click();
        const look = await page.evaluate(() => {
            const selected = document.querySelector('.spacer .row.selected') as HTMLElement;
            const even = document.querySelector('.spacer .row:nth-child(even):not(.selected)') as HTMLElement;
            const style = getComputedStyle(selected);
            return {
                body: getComputedStyle(document.body).backgroundColor,
                text: style.color,
                outline: `${style.outlineStyle} ${style.outlineColor}`,
                evenBackground: getComputedStyle(even).backgroundColor,
            };
        });
        assert.equal(look.body, 'rgb(0, 0, 0)');
        assert.equal(look.text, 'rgb(255, 255, 255)', 'selected text stays white on black');
        assert.equal(look.outline, 'dashed rgb(243, 133, 24)', 'the selection is a dashed contrastActiveBorder outline');
        assert.equal(look.evenBackground, 'rgba(0, 0, 0, 0)', 'no zebra fill: high contrast keeps fills off');
        const file = path.join(SCREENSHOTS, 'table-sql-high-contrast.png');
        await page.screenshot({ path: file });
        assert.ok(fs.statSync(file).size > 10_000);
        assert.deepEqual(incidents.errors, []);
        await page.close();
    });
});
