import * as assert from 'node:assert/strict';
import type { TableData } from '../../../../src/shared/messages';
import { isAllowedLink } from '../../../../src/shared/messages';
import { cellText, columnHeading, csvCell, EMPTY_VIEW, rowAsText, TableIndex, toCsv } from '../../../../src/shared/tableModel';

const table: TableData = {
    tool: 'Test',
    view: 'items',
    title: 'Test',
    subtitle: '',
    sourceKind: 'sample',
    warnings: [],
    truncation: { shown: 5, total: 5 },
    columns: [
        { key: 'machine', title: 'Machine', type: 'text', facet: true },
        { key: 'severity', title: 'Severity', type: 'severity', facet: true, ranks: ['Critical', 'Important', 'Low'] },
        { key: 'count', title: 'Count', type: 'number' },
        { key: 'when', title: 'When', type: 'date' },
    ],
    rows: [
        ['web-10', 'Low', 3, '2026-11-20T10:00:00.000Z'],
        ['web-2', 'Critical', 10, '2026-11-21T10:00:00.000Z'],
        ['db-1', 'Important', null, '2026-11-19T10:00:00.000Z'],
        ['Web-3', 'Critical', -1, null],
        ['app-1', 'Low', 7, '2026-11-22T10:00:00.000Z'],
    ],
};

describe('table model (shared by the webview and the host)', () => {
    const index = new TableIndex(table);
    const machines = (order: number[]) => order.map((r) => table.rows[r][0]);

    it('keeps the tool order when nothing is sorted or filtered', () => {
        assert.deepEqual(index.rowsFor(EMPTY_VIEW), [0, 1, 2, 3, 4]);
    });

    it('sorts text naturally and case-insensitively, both directions', () => {
        assert.deepEqual(machines(index.rowsFor({ ...EMPTY_VIEW, sort: { key: 'machine', descending: false } })), [
            'app-1',
            'db-1',
            'web-2',
            'Web-3',
            'web-10',
        ]);
        assert.deepEqual(machines(index.rowsFor({ ...EMPTY_VIEW, sort: { key: 'machine', descending: true } })), [
            'web-10',
            'Web-3',
            'web-2',
            'db-1',
            'app-1',
        ]);
    });

    it('sorts numbers numerically with empty cells last in either direction', () => {
        const up = index.rowsFor({ ...EMPTY_VIEW, sort: { key: 'count', descending: false } });
        assert.deepEqual(
            up.map((r) => table.rows[r][2]),
            [-1, 3, 7, 10, null],
        );
        const down = index.rowsFor({ ...EMPTY_VIEW, sort: { key: 'count', descending: true } });
        assert.deepEqual(
            down.map((r) => table.rows[r][2]),
            [10, 7, 3, -1, null],
        );
    });

    it('sorts severities by rank, not alphabetically, and dates by time', () => {
        const bySeverity = index.rowsFor({ ...EMPTY_VIEW, sort: { key: 'severity', descending: false } });
        assert.deepEqual(
            bySeverity.map((r) => table.rows[r][1]),
            ['Critical', 'Critical', 'Important', 'Low', 'Low'],
        );
        const byDate = index.rowsFor({ ...EMPTY_VIEW, sort: { key: 'when', descending: true } });
        assert.deepEqual(machines(byDate), ['app-1', 'web-2', 'web-10', 'db-1', 'Web-3']);
    });

    it('filters by every word of the text, case-insensitively, across cells', () => {
        assert.deepEqual(machines(index.rowsFor({ ...EMPTY_VIEW, text: 'WEB critical' })), ['web-2', 'Web-3']);
        assert.deepEqual(index.rowsFor({ ...EMPTY_VIEW, text: 'nothing-matches' }), []);
    });

    it('filters by facets and counts facet values without the facet itself', () => {
        const view = { text: '', facets: { severity: ['Low'] } };
        assert.deepEqual(machines(index.rowsFor(view)), ['web-10', 'app-1']);
        assert.deepEqual(index.facetCounts('severity', view), [
            { value: 'Critical', count: 2 },
            { value: 'Important', count: 1 },
            { value: 'Low', count: 2 },
        ]);
        assert.deepEqual(index.facetCounts('machine', { text: 'web', facets: {} }).length, 3);
    });

    it('sorts 20,000 rows in natural order (its speed is measured by `npm run bench:table`, not here)', () => {
        const big: TableData = {
            ...table,
            rows: Array.from({ length: 20_000 }, (_, i) => [`m-${(i * 7919) % 20_000}`, 'Low', (i * 31) % 977, null]),
        };
        const bigIndex = new TableIndex(big);
        const order = bigIndex.rowsFor({ ...EMPTY_VIEW, sort: { key: 'machine', descending: false } });
        assert.equal(order.length, 20_000);
        assert.equal(big.rows[order[0]][0], 'm-0');
        assert.equal(big.rows[order[19_999]][0], 'm-19999');
    });
});

describe('CSV export', () => {
    it('quotes per RFC 4180 and doubles quotes', () => {
        assert.equal(csvCell('plain'), 'plain');
        assert.equal(csvCell('a,b'), '"a,b"');
        assert.equal(csvCell('say "hi"'), '"say ""hi"""');
        assert.equal(csvCell('first line\nsecond line'), '"first line\nsecond line"');
        assert.equal(csvCell(null), '');
        assert.equal(csvCell(12.5), '12.5');
        assert.equal(csvCell(true), 'yes');
    });

    it('defuses cells a spreadsheet would run as formulas, but not negative numbers', () => {
        assert.equal(csvCell('=HYPERLINK("http://example.invalid","click")'), '"\'=HYPERLINK(""http://example.invalid"",""click"")"');
        assert.equal(csvCell('+1+1'), "'+1+1");
        assert.equal(csvCell('-2+3'), "'-2+3");
        assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
        assert.equal(csvCell(-5), '-5');
    });

    it('writes the header and the rows in the order shown, with CRLF line ends and full timestamps', () => {
        const index = new TableIndex(table);
        const order = index.rowsFor({ text: '', facets: { severity: ['Critical'] }, sort: { key: 'count', descending: true } });
        assert.equal(
            toCsv(table, order),
            'Machine,Severity,Count,When\r\nweb-2,Critical,10,2026-11-21T10:00:00.000Z\r\nWeb-3,Critical,-1,\r\n',
        );
    });

    it('copies a row as labelled lines, a date under a label that names its time zone, leaving out what the row lacks', () => {
        assert.equal(rowAsText(table, 2), 'Machine: db-1\nSeverity: Important\nWhen (UTC): 2026-11-19 10:00');
    });

    it('shows date cells as UTC times and says so in their heading only', () => {
        assert.deepEqual(table.columns.map(columnHeading), ['Machine', 'Severity', 'Count', 'When (UTC)']);
        // 10:00Z is 10:00 in the cell whatever the machine's time zone: the heading, not the clock, decides.
        assert.equal(cellText('2026-11-19T10:00:00.000Z', table.columns[3]), '2026-11-19 10:00');
    });
});

describe('links', () => {
    it('allows only https links to the Azure portal and Microsoft documentation', () => {
        assert.ok(isAllowedLink('https://portal.azure.com/#@/resource/subscriptions/x'));
        assert.ok(isAllowedLink('https://learn.microsoft.com/sql/x'));
        assert.ok(isAllowedLink('https://docs.microsoft.com/x'));
        for (const bad of [
            'javascript:alert(1)',
            'http://learn.microsoft.com/x',
            'https://learn.microsoft.com.evil.example/x',
            'https://evil.example/?https://portal.azure.com',
            'https://user@portal.azure.com/',
            'https://portal.azure.com:8443/',
            'not a url',
        ]) {
            assert.equal(isAllowedLink(bad), false, bad);
        }
    });

    it('allows the portal of each Azure cloud, and no look-alike of it', () => {
        for (const host of ['portal.azure.com', 'portal.azure.us', 'portal.azure.cn', 'PORTAL.AZURE.US']) {
            assert.ok(isAllowedLink(`https://${host}/#@contoso.onmicrosoft.com/resource/subscriptions/x`), host);
        }
        for (const bad of [
            'http://portal.azure.us/',
            'https://portal.azure.us.evil.example/',
            'https://portal.azure.cn.evil.example/',
            'https://evilportal.azure.us/',
            'https://portal-azure.us/',
            'https://portal.azure.co/',
            'https://portal.azure.gov/',
            'https://portal.azure.usa/',
            'https://portal.azure.cn:444/',
            'https://user:pw@portal.azure.cn/',
            'https://xn--prtal-vqa.azure.us/',
            'https://portal.azure.us./',
        ]) {
            assert.equal(isAllowedLink(bad), false, bad);
        }
    });
});
