import { UserError } from '../../../src/core/source';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
    instanceMatcher,
    machineMatcher,
    nameMatcher,
    nearestNames,
    pickServerName,
    resolveTimeRange,
    top,
} from '../../../src/tools/common';
import { runTool } from '../../../src/tools';
import { cell, renderText } from '../../../src/tools/text';
import { sampleSource } from '../../helpers/fixtures';

describe('tool helpers', () => {
    it('names the machines whose weekly assessment has stopped: latest run more than 8 days old', async () => {
        const source = sampleSource({ machines: 300 });
        const now = source.now().getTime();
        for (const [tool, key, noun] of [
            ['GetWinBpAssessment', (i: Record<string, string>) => i.computer, 'machine'],
            // An instance by its full name as SQL Server gives it: the host alone for the default instance.
            [
                'GetSqlBpAssessment',
                (i: Record<string, string>) => (i.instanceName === 'MSSQLSERVER' ? i.computer : `${i.computer}\\${i.instanceName}`),
                'instance',
            ],
        ] as const) {
            const result = await runTool(tool, { source }, { max_results: 50_000 });
            assert.ok(result.ok);
            const latest = new Map<string, number>();
            for (const i of result.structured.items as Record<string, string>[]) {
                latest.set(key(i), Math.max(latest.get(key(i)) ?? 0, Date.parse(i.timeGenerated)));
            }
            const stale = [...latest].filter(([, at]) => now - at > 8 * 86_400_000);
            assert.ok(stale.length > 0, `${tool}: the sample has assessments that stopped`);
            const warning = (result.structured.warnings as string[]).find((w) => w.includes('more than 8 days old'));
            assert.ok(warning, tool);
            assert.ok(
                warning.includes(`its latest run on ${stale.length} ${stale.length === 1 ? noun : `${noun}s`} is more than 8 days old`),
                warning,
            );
            for (const [name] of stale.sort((a, b) => a[1] - b[1]).slice(0, 5)) {
                assert.ok(warning.includes(name), `${tool} names ${name}`);
            }
        }
    });

    it('finds a SQL Server instance by its name, its full name with either slash, or its host for a default instance', async () => {
        const named = instanceMatcher('SQL01/Reporting');
        assert.equal(named('sql01.corp.contoso.com', 'REPORTING'), true);
        assert.equal(named('sql02', 'REPORTING'), false);
        assert.equal(instanceMatcher('sql01\\reporting')('SQL01', 'Reporting'), true);
        assert.equal(instanceMatcher('sql01')('SQL01', ''), true, 'a default instance goes by its host');
        assert.equal(instanceMatcher('sql01/MSSQLSERVER')('SQL01', 'MSSQLSERVER'), true);
        assert.equal(instanceMatcher('reporting')('sql07', 'REPORTING'), true);

        const source = sampleSource();
        const all = await runTool('GetSqlMetadata', { source }, { max_results: 1000 });
        assert.ok(all.ok);
        const named_ = (all.structured.items as { name: string }[]).map((i) => i.name).find((n) => n.includes('\\'));
        assert.ok(named_, 'the sample has a named instance');
        const typo = named_.replace(/-0(\d)/, '-$1');
        assert.notEqual(typo, named_);
        const missed = await runTool('GetSqlMetadata', { source }, { instance_name: typo });
        assert.ok(missed.ok);
        assert.ok(missed.text.includes(`Nearest instance names: ${named_}`), missed.text);
        // An instance whose host reports to another workspace is found there, as a server_name would be.
        const scopes = await source.listScopes();
        const servers = await runTool('GetServerMetadata', { source }, { max_results: 1000 });
        assert.ok(servers.ok);
        const away = (all.structured.items as { name: string; machineName: string }[]).find((i) => {
            const host = (servers.structured.items as { name: string; workspaceId?: string }[]).find((m) => m.name === i.machineName);
            return host?.workspaceId !== undefined && host.workspaceId !== source.defaultWorkspaceId;
        });
        assert.ok(away, 'the sample has an instance on a machine reporting to the other workspace');
        const there = scopes.workspaces.find((w) => w.customerId !== source.defaultWorkspaceId);
        assert.ok(there);
        const byHost = await runTool('GetSqlBpAssessment', { source }, { instance_name: away.name });
        const asked = await runTool('GetSqlBpAssessment', { source }, { instance_name: away.name, workspace_id: there.customerId });
        assert.ok(byHost.ok && asked.ok);
        assert.ok((asked.structured.items as unknown[]).length > 0);
        assert.deepEqual(byHost.structured.items, asked.structured.items);
        assert.ok(byHost.text.includes(`Read workspace ${there.name} (${there.customerId}), where ${away.machineName} reports.`));
        const slashed = await runTool('GetSqlMetadata', { source }, { instance_name: named_.replace('\\', '/') });
        assert.ok(slashed.ok);
        assert.equal((slashed.structured.summary as { instances: number }).instances, 1);
    });

    it('takes server_name, else the legacy ServerName, and a blank one as not given; two different names are refused', () => {
        assert.throws(
            () => pickServerName({ server_name: 'web01', ServerName: 'web02' }),
            (error: unknown) =>
                error instanceof UserError && /"web01" and ServerName "web02" are the same parameter.*give one/.test(error.message),
        );
        assert.equal(pickServerName({ server_name: 'web01', ServerName: 'WEB01' }), 'web01');
        assert.equal(pickServerName({ server_name: '  ', ServerName: ' web02 ' }), 'web02');
        assert.equal(pickServerName({ server_name: '', ServerName: '' }), undefined);
        assert.equal(pickServerName({}), undefined);
    });

    it('says a timespan back in its shortest form, whichever way it was written', () => {
        const context = { source: sampleSource() };
        for (const [written, said] of [
            ['P7D', '7d'],
            ['PT12H', '12h'],
            ['48h', '2d'],
            [' 30d ', '30d'],
            [undefined, '7d'],
        ] as const) {
            assert.equal(resolveTimeRange(context as never, written, '7d').timespan, said, String(written));
        }
    });

    it('top() returns exactly what a full sort would, for any input and limit', () => {
        fc.assert(
            fc.property(
                fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 400 }),
                fc.integer({ min: 1, max: 450 }),
                (values, max) => {
                    const compare = (a: number, b: number) => a - b;
                    const result = top(values, max, compare);
                    assert.deepEqual(result.items, [...values].sort(compare).slice(0, max));
                    assert.deepEqual(result.truncation, { shown: Math.min(max, values.length), total: values.length });
                },
            ),
        );
    });

    it('matches machine names case-insensitively, with wildcards and without domains', () => {
        assert.ok(nameMatcher('WEB-LNX-FRA-07')('web-lnx-fra-07.contoso.com'));
        assert.ok(nameMatcher('web-*')('web-lnx-fra-07'));
        assert.ok(!nameMatcher('web-*')('ctso-web-01'));
        assert.ok(nameMatcher('*sql*')('ctso-sql-ams-01'));
        assert.ok(!nameMatcher('ctso-sql-ams-0')('ctso-sql-ams-01'));
        assert.ok(nameMatcher('a.b(c)')('a.b(c)'), 'regex characters are literal');
    });

    it('does not take a host of another domain for the one asked with its domain', () => {
        assert.ok(nameMatcher('web01.contoso.com')('WEB01'), 'a bare host name agrees with any domain');
        assert.ok(nameMatcher('web01.contoso.com')('web01.eu.contoso.com'), 'a subdomain agrees');
        assert.ok(nameMatcher('web01.eu.contoso.com')('web01.contoso.com'));
        assert.ok(!nameMatcher('web01.fabrikam.org')('web01.contoso.com'));
        assert.ok(!nameMatcher('web01.contoso.com')('web01.notcontoso.com'), 'a domain agrees at a dot, not inside a label');
        const machine = { name: 'web01', computerName: 'WEB01', fqdn: 'web01.corp.contoso.com' };
        assert.ok(machineMatcher('web01')(machine));
        assert.ok(machineMatcher('web01.contoso.com')(machine));
        assert.ok(!machineMatcher('web01.fabrikam.org')(machine), 'its bare Azure name does not make it any domain’s web01');
        assert.ok(machineMatcher('web01.fabrikam.org')({ name: 'web01' }), 'without a known domain the host name decides');
    });

    it('refuses a host asked in another domain than its own in every tool, saying which domain it has', async () => {
        const source = sampleSource();
        const servers = await runTool('GetServerMetadata', { source }, { max_results: 1000 });
        assert.ok(servers.ok);
        const machine = (servers.structured.items as { name: string; fqdn?: string; sqlDiscovered: boolean; workspaceId?: string }[]).find(
            (m) => m.fqdn && m.sqlDiscovered && m.workspaceId === source.defaultWorkspaceId,
        );
        assert.ok(machine?.fqdn, 'a SQL Server machine with a known FQDN');
        const wrong = `${machine.name}.fabrikam.invalid`;
        for (const tool of [
            'GetServerMetadata',
            'GetPatchingLevel',
            'GetSqlMetadata',
            'GetSqlBpAssessment',
            'GetSwConfig',
            'GetAnomalies',
        ]) {
            const result = await runTool(tool, { source }, { server_name: wrong });
            assert.ok(!result.ok && result.kind === 'input', tool);
            assert.equal(
                result.message,
                `server_name "${wrong}" matches no machine: ${machine.name} is ${machine.fqdn}, in another domain.`,
                tool,
            );
            const right = await runTool(tool, { source }, { server_name: machine.fqdn });
            assert.ok(right.ok, `${tool} with the right domain: ${right.ok ? '' : right.message}`);
        }
    });

    it('suggests the nearest names for a typo', () => {
        assert.deepEqual(nearestNames('ctso-sql-ams-1', ['web-lnx-fra-07', 'ctso-sql-ams-01', 'ctso-sql-ams-02', 'ctso-dc-ams-01'], 2), [
            'ctso-sql-ams-01',
            'ctso-sql-ams-02',
        ]);
    });

    it('offers only names a user plausibly meant: a typo or a part of the name, not whatever is least unlike', () => {
        const names = ['web-lnx-fra-07', 'ctso-sql-ams-01', 'ctso-sql-ams-02', 'pg-lnx-ams-01'];
        assert.deepEqual(nearestNames('sql-ams-01', names), ['ctso-sql-ams-01']);
        assert.deepEqual(nearestNames('web*', names), ['web-lnx-fra-07']);
        assert.deepEqual(nearestNames('zzz*', names), []);
        assert.deepEqual(nearestNames('nope-01', names), []);
    });

    it('keeps table cells on one line and short', () => {
        assert.equal(cell('a|b\nc'), 'a\\|b\\nc');
        assert.equal(cell(undefined), '-');
        assert.equal(cell('x'.repeat(500)).length, 80);
        // What tells an update apart survives the cut: its KB number.
        const update = `2026-11 Update for Windows Server 2022 to correct Kerberos ticket renewal across domains (KB5112681)`;
        assert.ok(update.length > 80);
        assert.equal(cell(update).length, 80);
        assert.ok(cell(update).endsWith('… (KB5112681)'), cell(update));
    });

    it('keeps every sentence, warning and note on one line, whatever the values in it hold', () => {
        const hostile = 'db\n| fake | row |\r\nWarning: none\u2028x';
        const text = renderText(
            { source: sampleSource() },
            {
                summary: `1 database needs recovery: ${hostile}.`,
                warnings: [hostile],
                notes: [hostile],
                table: { columns: ['A'], rows: [[hostile]] },
            },
        );
        const lines = text.split('\n');
        assert.deepEqual(lines.slice(1, 4), [
            '1 database needs recovery: db\\n| fake | row |\\nWarning: none\\nx.',
            'Warning: db\\n| fake | row |\\nWarning: none\\nx',
            'db\\n| fake | row |\\nWarning: none\\nx',
        ]);
        assert.equal(lines.filter((l) => l.startsWith('Warning:')).length, 1);
    });

    it('keeps the text within its budget and says what was left out', () => {
        const source = sampleSource();
        const rows = Array.from({ length: 2000 }, (_, i) => [`machine-${i}`, 'x'.repeat(60)]);
        const text = renderText(
            { source },
            { summary: 'Many rows.', table: { columns: ['Name', 'Detail'], rows }, truncation: { shown: 2000, total: 5000 } },
        );
        assert.ok(text.length <= 8000, `${text.length}`);
        assert.match(text, /^SAMPLE DATA/);
        assert.match(text, /Table shows the top \d+ of 5000 \(structuredContent has 2000; raise max_results for more\)\./);
    });
});
