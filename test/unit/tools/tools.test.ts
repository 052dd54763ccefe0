import * as assert from 'node:assert/strict';
import { byText } from '../../../src/core/summaries';
import { HOSTILE_STRINGS, STALE_BACKUP_DAYS } from '../../../src/sources/sample';
import { BACKUP_STALE_AFTER_DAYS, LOG_BACKUP_STALE_AFTER_HOURS, TOOL_NAMES as NAMES_WITHOUT_TOOLS } from '../../../src/tools/vocabulary';
import { allTools, runTool, type ToolRun } from '../../../src/tools';
import { detectionStats } from '../../../src/tools/detection';
import { silentMachines } from '../../../src/tools/get-anomalies';
import { EXPLAINED_MACHINES } from '../../../src/tools/agents';
import { NOW, sampleSource, TOOL_NAMES } from '../../helpers/fixtures';

type Structured = Record<string, unknown> & {
    items: Record<string, unknown>[];
    truncation: { shown: number; total: number };
    summary: Record<string, unknown>;
};

async function run(source: ReturnType<typeof sampleSource>, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
    const result: ToolRun = await runTool(name, { source }, args);
    if (!result.ok) {
        assert.fail(`${name} failed: ${result.message}`);
    }
    return result.structured as Structured;
}

describe('the tool list the extension reads before loading the tools', () => {
    it('names every tool, in the order the tools are listed (the palette registers one command per name from it)', () => {
        assert.deepEqual([...NAMES_WITHOUT_TOOLS], TOOL_NAMES);
        assert.deepEqual(
            allTools.map((t) => t.name),
            [...NAMES_WITHOUT_TOOLS],
        );
    });
});

describe('tools on the sample estate, against the generator’s truth', () => {
    const source = sampleSource();

    it('GetServerMetadata lists every machine once, problems first, with counts that add up', async () => {
        const all = await source.getMachines({ subscriptionIds: (await source.listScopes()).subscriptions.map((s) => s.subscriptionId) });
        const out = await run(source, 'GetServerMetadata', { max_results: 1000 });
        assert.equal(out.truncation.total, all.rows.length);
        assert.equal(out.items.length, all.rows.length);
        assert.deepEqual(new Set(out.items.map((m) => m.name)), new Set(all.rows.map((m) => m.name)));
        const byStatus = out.summary.byStatus as Record<string, number>;
        assert.equal(
            Object.values(byStatus).reduce((a, b) => a + b, 0),
            all.rows.length,
        );
        const firstHealthy = out.items.findIndex((m) => m.status === 'Connected' || m.status === 'Running');
        assert.ok(
            out.items.slice(firstHealthy).every((m) => ['Connected', 'Running', 'Stopped', 'Deallocated'].includes(m.status as string)),
            'unhealthy machines come first',
        );
        const linux = await run(source, 'GetServerMetadata', { os: 'linux', max_results: 1000 });
        assert.equal(linux.items.length, all.rows.filter((m) => m.osType === 'linux').length);
        const limited = await run(source, 'GetServerMetadata', { max_results: 5 });
        assert.deepEqual(limited.truncation, { shown: 5, total: all.rows.length });
    });

    it('GetServerMetadata says which machines run a Windows Server release past or near the end of extended support', async () => {
        // At the fixed clock (2026-11-26): Windows Server 2012 R2 is out of support (ESU ended 2026-10-13); 2016 ends
        // 2027-01-12, within 180 days; later releases are supported; Linux is not judged.
        const all = (await source.getMachines({ subscriptionIds: (await source.listScopes()).subscriptions.map((s) => s.subscriptionId) }))
            .rows;
        const named = (text: string) =>
            all
                .filter((m) => m.osName.includes(text))
                .map((m) => m.name)
                .sort();
        assert.ok(named('2012 R2').length > 0 && named('2016').length > 0, 'the sample estate runs both');
        const out = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const support = new Map(out.items.map((m) => [m.name as string, m.support as { product: string; status: string } | null]));
        for (const m of all) {
            const expected = m.osName.includes('2012 R2')
                ? ['Windows Server 2012 R2', 'ended']
                : m.osName.includes('2016')
                  ? ['Windows Server 2016', 'ending']
                  : m.osType === 'windows'
                    ? [m.osName.replace(/^(Windows Server \d{4}).*$/, '$1'), 'supported']
                    : null;
            const got = support.get(m.name);
            assert.deepEqual(got ? [got.product, got.status] : null, expected, `${m.name}: ${m.osName}`);
        }
        assert.equal(out.summary.outOfSupport, named('2012 R2').length);
        assert.equal(out.summary.supportEnding, named('2016').length);
        const ended = await run(source, 'GetServerMetadata', { support: ['ended', 'esu'], max_results: 1000 });
        assert.deepEqual(ended.items.map((m) => m.name).sort(), named('2012 R2'));
        const text = await runTool('GetServerMetadata', { source }, {});
        assert.ok(text.ok);
        assert.ok(
            text.text.includes(
                ` ${named('2012 R2').length} machines run a Windows Server release past extended support (Windows Server 2012 R2 on ${named('2012 R2').length}: extended support ended 2023-10-10, Extended Security Updates ended 2026-10-13).` +
                    ` ${named('2016').length} machines run one that leaves it within 180 days (Windows Server 2016 on ${named('2016').length}: extended support ends 2027-01-12).`,
            ),
            text.text.split('\n')[1],
        );
        // Alone, the ending release is named in full: no "one that leaves it" leaning on a sentence that is not there.
        const endingText = await runTool('GetServerMetadata', { source }, { support: ['ending'] });
        assert.ok(endingText.ok);
        assert.ok(
            endingText.text.includes(
                ` ${named('2016').length} machines run a Windows Server release that leaves extended support within 180 days (Windows Server 2016 on ${named('2016').length}: extended support ends 2027-01-12).`,
            ),
            endingText.text.split('\n')[1],
        );
        const bad = await runTool('GetServerMetadata', { source }, { support: ['expired'] });
        assert.ok(!bad.ok && bad.kind === 'input' && /support/.test(bad.message), bad.ok ? '' : bad.message);
    });

    it('GetServerMetadata names the Arc-enabled servers disconnected for 30 days or more, whose identity will expire', async () => {
        const out = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const cutoff = NOW.getTime() - 30 * 86_400_000;
        const away = out.items.filter(
            (m) => m.kind === 'arc' && m.status === 'Disconnected' && Date.parse(String(m.lastStatusChange)) < cutoff,
        );
        assert.equal(away.length, 1, 'the sample plants one');
        assert.equal(out.summary.disconnectedLong, 1);
        const days = Math.floor((NOW.getTime() - Date.parse(String(away[0].lastStatusChange))) / 86_400_000);
        assert.ok(days >= 35 && days < 45, `${days} days`);
        const text = await runTool('GetServerMetadata', { source }, {});
        assert.ok(text.ok);
        assert.ok(
            text.text.includes(
                ` 1 Arc-enabled server has been disconnected for 30 days or more: ${String(away[0].name)} (${days} days) — after 45 to 90 days disconnected a server's managed identity expires, and its agent must be onboarded again.`,
            ),
            text.text.split('\n')[1],
        );
        // The others disconnected are more recent; expired ones are past it and say so by their status.
        assert.ok(
            out.items
                .filter((m) => m.status === 'Disconnected' && m !== away[0])
                .every((m) => Date.parse(String(m.lastStatusChange)) >= cutoff),
        );
    });

    it('GetServerMetadata names the Arc-enabled servers whose agent is more than a year old, and filters on it', async () => {
        const out = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const yearAgo = Date.UTC(NOW.getUTCFullYear() - 1, NOW.getUTCMonth(), 1);
        const old = out.items.filter((m) => {
            const support = m.agentSupport as { status: string; released?: string; supportedUntil?: string } | null;
            if (m.kind !== 'arc') {
                assert.equal(support, null, `${String(m.name)}: an Azure VM has no Arc agent`);
                return false;
            }
            assert.ok(support, `${String(m.name)} reports ${String(m.agentVersion)}`);
            assert.equal(
                support.status === 'unsupported',
                Date.parse(`${support.supportedUntil ?? '9999-12-31'}T00:00:00Z`) < NOW.getTime(),
            );
            if (support.released) {
                // Released before the month a year ago began: surely more than a year old.
                assert.equal(support.status === 'unsupported', Date.parse(`${support.released}-01T00:00:00Z`) < yearAgo, String(m.name));
            }
            return support.status === 'unsupported';
        });
        assert.ok(old.length >= 3 && old.length < out.items.length / 2, `${old.length} of ${out.items.length}`);
        assert.equal(out.summary.agentOutOfSupport, old.length);
        // Every disconnected or expired machine fell off with an old agent.
        assert.ok(out.items.filter((m) => m.status === 'Expired').every((m) => old.includes(m)));
        const filtered = await run(source, 'GetServerMetadata', { agent_out_of_support: true, max_results: 1000 });
        assert.deepEqual(
            filtered.items.map((m) => m.name),
            out.items.filter((m) => old.includes(m)).map((m) => m.name),
        );
        const current = await run(source, 'GetServerMetadata', { agent_out_of_support: false, max_results: 1000 });
        assert.equal(current.items.length, out.items.filter((m) => m.kind === 'arc').length - old.length);
        const text = await runTool('GetServerMetadata', { source }, { agent_out_of_support: true, max_results: 1000 });
        assert.ok(text.ok);
        const sentence = new RegExp(
            ` ${old.length} Arc-enabled servers run a Connected Machine agent released more than a year ago, which Microsoft no longer supports — upgrade them .*: 1\\.\\d+ \\(\\d{4}-\\d\\d\\) on `,
        );
        assert.match(text.text, sentence);
        const oldest = old.reduce((a, b) =>
            Number(String(a.agentVersion).split('.')[1]) <= Number(String(b.agentVersion).split('.')[1]) ? a : b,
        );
        assert.ok(text.text.includes(`| ${String(oldest.name)} |`) && text.text.includes(' (out of support) |'));
    });

    it("GetServerMetadata says which agent sends each machine's data, and a machine without one is in no workspace", async () => {
        const large = sampleSource({ machines: 300 });
        const out = await run(large, 'GetServerMetadata', { max_results: 1000 });
        const agentOf = new Map(out.items.map((m) => [m.name as string, m.monitoringAgent as string]));
        const count = (agent: string) => out.items.filter((m) => m.monitoringAgent === agent).length;
        for (const agent of ['ama', 'legacy', 'both', 'none']) {
            assert.ok(count(agent) > 0, `the sample has machines with agent ${agent}`);
        }
        assert.deepEqual(out.summary.byMonitoringAgent, {
            ama: count('ama'),
            legacy: count('legacy'),
            both: count('both'),
            none: count('none'),
        });
        assert.equal(out.summary.withoutAzureMonitorAgent, count('none') + count('legacy'));
        // The retired agent never ran on releases that came after it.
        for (const m of out.items.filter((i) => i.monitoringAgent === 'legacy' || i.monitoringAgent === 'both')) {
            assert.ok(!/2025|24\.04|RHEL 9|Enterprise Linux 9|SP6/.test(String(m.osName)), `${String(m.name)} runs ${String(m.osName)}`);
        }
        // A machine without an agent reports to no workspace: no series, no inventory, in any of them.
        const none = out.items.filter((m) => m.monitoringAgent === 'none');
        assert.ok(none.every((m) => m.workspaceId === undefined));
        const scopes = await large.listScopes();
        for (const w of scopes.workspaces) {
            const base = { workspaceId: w.customerId, from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW };
            const series = (await large.getMetricSeries({ ...base, metrics: ['cpu'], stepMs: 3_600_000 })).rows;
            const software = (await large.getSoftware({ ...base, includeUpdates: false })).rows;
            for (const m of none) {
                assert.ok(!series.some((s) => s.computer === m.name), `${String(m.name)} has no series in ${w.name}`);
                assert.ok(!software.some((s) => s.computer === m.name), `${String(m.name)} has no inventory in ${w.name}`);
            }
        }
        // Every machine whose agent went quiet while connected has its Azure Monitor Agent failed, saying why.
        const silent = large.silentMachines();
        assert.ok(silent.length > 0);
        for (const { computer } of silent) {
            const m = out.items.find((i) => i.name === computer);
            assert.equal(m?.monitoringAgentState, 'Failed', computer);
            const failed = m.failedExtensions as { type: string; message?: string }[];
            assert.match(failed[0].type, /^AzureMonitor(Windows|Linux)Agent$/);
            assert.match(String(failed[0].message), /no data has been sent since/);
        }
        assert.equal(out.summary.monitoringAgentFailed, silent.length);
        // Connected Arc-enabled servers whose extension service is stopped are counted and named; half the Arc-enabled
        // servers without an agent are among them.
        const down = out.items.filter(
            (m) => m.kind === 'arc' && m.status === 'Connected' && ['Stopped', 'inactive'].includes(String(m.extensionService)),
        );
        assert.ok(down.length > 0 && down.some((m) => m.monitoringAgent === 'none'));
        assert.equal(out.summary.extensionServiceDown, down.length);
        assert.ok(
            out.items.every((m) => (m.kind === 'arc') === (m.extensionService !== undefined)),
            'Arc-enabled servers only',
        );
        // The filters select exactly what the summary counts, and the sentence names them.
        const missing = await run(large, 'GetServerMetadata', { monitoring_agent: ['none', 'legacy'], max_results: 1000 });
        assert.equal(missing.items.length, out.summary.withoutAzureMonitorAgent);
        assert.ok(missing.items.every((m) => ['none', 'legacy'].includes(agentOf.get(m.name as string) ?? '')));
        const failing = await run(large, 'GetServerMetadata', { failed_extensions: true, max_results: 1000 });
        assert.equal(failing.items.length, out.summary.extensionsFailed);
        assert.ok(failing.items.length > silent.length, 'other extensions fail too');
        const text = await runTool('GetServerMetadata', { source: large }, {});
        assert.ok(text.ok);
        const line = text.text.split('\n')[1];
        assert.ok(
            line.includes(
                ` ${Number(out.summary.withoutAzureMonitorAgent)} machines have no Azure Monitor Agent: ${count('legacy')} run only the Log Analytics agent (MMA/OMS), unsupported since 31 August 2024 (`,
            ),
            line,
        );
        assert.ok(line.includes(`; ${count('none')} have no monitoring agent at all, so no workspace gets their performance`), line);
        assert.ok(
            line.includes(
                ` ${Number(out.summary.extensionsFailed)} machines have an extension in the Failed state, a failed monitoring agent first: `,
            ),
            line,
        );
        // Where no monitoring agent failed, nothing is said to come first.
        const otherFailures = (out.items as { name: string; failedExtensions: { type: string }[] }[]).filter(
            (m) =>
                m.failedExtensions.length > 0 &&
                !m.failedExtensions.some((e) =>
                    /MonitorWindowsAgent|MonitorLinuxAgent|MicrosoftMonitoringAgent|OmsAgentForLinux/.test(e.type),
                ),
        );
        assert.ok(otherFailures.length > 0, 'the large estate has a machine whose failed extension is not its monitoring agent');
        const one = await runTool('GetServerMetadata', { source: large }, { server_name: otherFailures[0].name });
        assert.ok(one.ok);
        assert.ok(one.text.includes(' 1 machine has an extension in the Failed state: '), one.text.split('\n')[1]);
    });

    it('a workspace tool asked about a machine that sent nothing says why, and stays quiet about one that reports', async () => {
        const source = sampleSource();
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const workspaceId = source.defaultWorkspaceId;
        const pick = (keep: (m: Record<string, unknown>) => boolean) => {
            const m = servers.items.find(keep);
            assert.ok(m, 'the sample has such a machine');
            return String(m.name);
        };
        const noAgent = pick((m) => m.monitoringAgent === 'none');
        const elsewhere = pick((m) => m.workspaceId !== undefined && m.workspaceId !== workspaceId);
        const away = pick((m) => m.status === 'Expired' && m.workspaceId === workspaceId);
        const reporting = pick((m) => m.status === 'Connected' && m.workspaceId === workspaceId && m.monitoringAgent === 'ama');
        const warnings = async (tool: string, server_name: string) => {
            const result = await runTool(tool, { source }, { server_name });
            assert.ok(result.ok, result.ok ? '' : result.message);
            const list = result.structured.warnings as string[];
            for (const w of list) {
                assert.ok(result.text.includes(`Warning: ${w}`), w);
            }
            return list;
        };
        assert.deepEqual(await warnings('GetSwConfig', noAgent), [
            `${noAgent} sent no software inventory to this workspace in the last 7d: it has no monitoring agent, so no workspace receives its data (GetServerMetadata lists its agent).`,
        ]);
        // A machine asked about by name is read where it reports, and the answer says so.
        const other = (await source.listScopes()).workspaces.find((w) => w.customerId !== workspaceId);
        assert.ok(other);
        for (const tool of ['GetAnomalies', 'GetSwConfig', 'GetSwChangesList']) {
            const there = await runTool(tool, { source }, { server_name: elsewhere, timespan: '30d' });
            assert.ok(there.ok, there.ok ? '' : there.message);
            assert.equal((there.structured.scope as { workspaceId: string }).workspaceId, other.customerId, tool);
            assert.ok(there.text.includes(`Read workspace ${other.name} (${other.customerId}), where ${elsewhere} reports.`), tool);
            assert.deepEqual(there.structured.warnings, [], tool);
            const found =
                tool === 'GetAnomalies'
                    ? (there.structured.summary as { seriesAnalysed: number }).seriesAnalysed
                    : (there.structured.items as unknown[]).length;
            assert.ok(found > 0, `${tool} finds ${elsewhere}'s data there`);
        }
        // Machines of two workspaces asked about together: the default is read, and those reporting elsewhere are named
        // once, with the workspace_id that reads them.
        const groupOf = (name: string) => String(servers.items.find((m) => m.name === name)?.resourceGroup);
        const both = await runTool('GetSwConfig', { source }, { resource_group: [groupOf(reporting), groupOf(elsewhere)] });
        assert.ok(both.ok, both.ok ? '' : both.message);
        assert.equal((both.structured.scope as { workspaceId: string }).workspaceId, workspaceId);
        const away_ = (both.structured.warnings as string[]).filter(
            (w) => w.includes(`report to workspace ${other.name}`) || w.includes(`reports to workspace ${other.name}`),
        );
        assert.equal(away_.length, 1, JSON.stringify(both.structured.warnings));
        // However many machines are asked about (beyond the 20 looked into one by one), those reporting elsewhere are named.
        const wide = servers.items.filter((m) => m.workspaceId !== undefined);
        const wideTag = 'site=ams';
        const tagged = wide.filter((m) => (m.tags as Record<string, string>).site === 'ams');
        assert.ok(
            tagged.length > EXPLAINED_MACHINES && tagged.some((m) => m.workspaceId !== workspaceId),
            'a wide selection over both workspaces',
        );
        const many = await runTool('GetSwChangesList', { source }, { tags: [wideTag] });
        assert.ok(many.ok, many.ok ? '' : many.message);
        const elsewhereCount = tagged.filter((m) => m.workspaceId !== workspaceId).length;
        assert.deepEqual(
            (many.structured.warnings as string[]).filter((w) => w.includes(`to workspace ${other.name}`)).length,
            1,
            JSON.stringify(many.structured.warnings),
        );
        assert.match(
            (many.structured.warnings as string[]).find((w) => w.includes(`to workspace ${other.name}`)) ?? '',
            elsewhereCount > 5 ? new RegExp(`and ${elsewhereCount - 5} more report to workspace`) : /report to workspace/,
        );
        assert.match(
            away_[0],
            new RegExp(
                `${elsewhere}.* to workspace ${other.name} \\(${other.customerId}\\), not this one: pass workspace_id ${other.customerId} to read (it|them)\\.$`,
            ),
        );
        const [gone] = await warnings('GetSwChangesList', away);
        assert.match(
            gone,
            new RegExp(
                `^${away} sent no software changes to this workspace in the last 7d: it is Expired since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ\\.$`,
            ),
        );
        for (const tool of ['GetSwConfig', 'GetAnomalies', 'GetSwChangesList']) {
            assert.deepEqual(await warnings(tool, reporting), [], `${tool} on ${reporting}`);
        }
        // The assessments: a machine they cannot cover is named as such, one they cover is not.
        const sqlHost = pick(
            (m) => m.kind === 'arc' && m.sqlDiscovered === true && m.workspaceId === workspaceId && m.status === 'Connected',
        );
        const windowsPlain = pick(
            (m) => m.kind === 'arc' && m.osType === 'windows' && m.sqlDiscovered === false && m.status === 'Connected',
        );
        const linux = servers.items
            .filter((m) => m.osType === 'linux')
            .map((m) => String(m.name))
            .sort(byText);
        assert.deepEqual(await warnings('GetSqlBpAssessment', sqlHost), []);
        assert.deepEqual(await warnings('GetWinBpAssessment', sqlHost), []);
        assert.deepEqual(await warnings('GetWinBpAssessment', windowsPlain), []);
        assert.deepEqual(await warnings('GetSqlBpAssessment', windowsPlain), [
            `${windowsPlain} has no SQL Server (the Azure Arc agent found none on it): the SQL Server assessment has nothing to assess there.`,
        ]);
        assert.deepEqual(await warnings('GetWinBpAssessment', linux[0]), [
            `${linux[0]} runs Linux: the Windows Server assessment covers Windows machines only.`,
        ]);
        const prefix = linux[0].replace(/-\d+$/, '-*');
        const named = linux.filter((n) => n.startsWith(prefix.slice(0, -1)));
        assert.ok(named.length > 1, prefix);
        assert.deepEqual(await warnings('GetWinBpAssessment', prefix), [
            `${named.slice(0, 5).join(', ')}${named.length > 5 ? ` and ${named.length - 5} more` : ''} run Linux: the Windows Server assessment covers Windows machines only.`,
        ]);
        // A wildcard over many machines is not looked into one by one; only those reporting elsewhere are named, at once.
        for (const tool of ['GetSwConfig', 'GetWinBpAssessment']) {
            const all = await warnings(tool, '*');
            assert.ok(!all.some((w) => / sent no /.test(w)), `${tool}: no machine looked into one by one: ${JSON.stringify(all)}`);
            const away = all.filter((w) => w.includes(' to workspace '));
            assert.equal(away.length, 1, `${tool}: ${JSON.stringify(all)}`);
            assert.match(away[0], new RegExp(` report to workspace ${other.name} \\(${other.customerId}\\), not this one`));
        }
    });

    it('GetPatchingLevel names the machines whose latest patch run failed or ran out of its maintenance window', async () => {
        const large = sampleSource({ machines: 300 });
        const result = await runTool('GetPatchingLevel', { source: large }, { max_results: 1000 });
        assert.ok(result.ok, result.ok ? '' : result.message);
        const out = result.structured as Structured;
        const machines = out.machines as { machineName: string; assessedAt?: string; lastInstallation?: Record<string, unknown> }[];
        const failed = machines.filter((m) => m.lastInstallation?.status === 'Failed');
        const outOfWindow = machines.filter((m) => m.lastInstallation?.maintenanceWindowExceeded && m.lastInstallation.status !== 'Failed');
        assert.ok(failed.length > 1 && outOfWindow.length > 0, 'the sample has both');
        assert.equal(out.summary.lastInstallFailed, failed.length);
        assert.equal(out.summary.lastInstallOutOfWindow, outOfWindow.length);
        // A run comes before the assessment that followed it; a machine never assessed was never patched through Azure.
        for (const m of machines) {
            if (m.lastInstallation) {
                assert.ok(m.assessedAt && String(m.lastInstallation.at) < m.assessedAt, m.machineName);
            }
        }
        assert.ok(failed.every((m) => Number(m.lastInstallation?.failed) > 0 && typeof m.lastInstallation?.error === 'string'));
        const line = result.text.split('\n').find((l) => l.startsWith('Latest patch run failed: '));
        const latest = [...failed].sort((a, b) => String(b.lastInstallation?.at).localeCompare(String(a.lastInstallation?.at)))[0];
        assert.ok(line?.startsWith(`Latest patch run failed: ${latest.machineName} (`), line);
    });

    it('GetServerMetadata names the Azure VMs stopped without deallocation: their compute is still billed', async () => {
        const large = sampleSource({ machines: 300 });
        const out = await run(large, 'GetServerMetadata', { max_results: 1000 });
        const stopped = out.items.filter((m) => m.kind === 'azure-vm' && m.status === 'Stopped');
        assert.ok(stopped.length > 0 && out.items.some((m) => m.status === 'Deallocated'), 'the sample has both');
        assert.equal(out.summary.stoppedNotDeallocated, stopped.length);
        const text = await runTool('GetServerMetadata', { source: large }, {});
        assert.ok(text.ok);
        const first = stopped.sort((a, b) => String(a.lastStatusChange).localeCompare(String(b.lastStatusChange)))[0];
        assert.match(
            text.text.split('\n')[1],
            new RegExp(
                ` ${stopped.length} Azure VMs? (is|are) stopped but not deallocated, so (its|their) compute is still billed: ${String(first.name)} \\(since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ\\)`,
            ),
        );
        // The filter the Overview uses lists exactly them.
        const listed = await run(large, 'GetServerMetadata', { kind: 'azure-vm', status: ['Stopped'], max_results: 1000 });
        assert.equal(listed.items.length, stopped.length);
    });

    it('GetSqlMetadata says which instances sent no inventory for days: those whose machine stopped reporting', async () => {
        const large = sampleSource({ machines: 300 });
        const out = await run(large, 'GetSqlMetadata', { max_results: 1000 });
        const servers = await run(large, 'GetServerMetadata', { max_results: 1000 });
        const status = new Map(servers.items.map((m) => [m.name as string, m]));
        const cutoff = NOW.getTime() - 3 * 86_400_000;
        const stale = out.items.filter((i) => Date.parse(String(i.inventoryAt)) < cutoff);
        assert.ok(stale.length > 0 && stale.length < out.items.length);
        assert.equal(out.summary.inventoryStale, stale.length);
        for (const i of out.items) {
            // The extension uploads about hourly while its machine reports: stale exactly when the machine stopped 3+ days ago.
            const host = status.get(String(i.machineName));
            const away = host?.status !== 'Connected' && Date.parse(String(host?.lastStatusChange)) < cutoff;
            assert.equal(stale.includes(i), away, `${String(i.name)}: ${String(i.inventoryAt)}, host ${String(host?.status)}`);
        }
    });

    it('GetSqlMetadata says which instances run a SQL Server release past or near the end of extended support', async () => {
        const large = sampleSource({ machines: 300 });
        const out = await run(large, 'GetSqlMetadata', { max_results: 1000 });
        const versions = out.items.map((i) => [i.version as string, (i.support as { status: string } | null)?.status] as const);
        // At the fixed clock: 2014 (extended support ended 2024-07-09) and 2016 (ended 2026-07-14) are in their Extended
        // Security Updates years (to 2027-07-12 and 2029-07-10); 2017 (2027-10-12) and later are supported.
        const expected = (version: string) => (version === 'SQL Server 2014' || version === 'SQL Server 2016' ? 'esu' : 'supported');
        assert.ok(versions.some(([v]) => v === 'SQL Server 2014') && versions.some(([v]) => v === 'SQL Server 2016'));
        for (const [version, status] of versions) {
            assert.equal(status, expected(version), version);
        }
        const outOfSupport = versions.filter(([, status]) => status === 'ended' || status === 'esu').length;
        assert.equal(out.summary.outOfSupport, outOfSupport);
        assert.equal(out.summary.supportEnding, 0);
        const ended = await run(large, 'GetSqlMetadata', { support: ['ended', 'esu'], max_results: 1000 });
        assert.equal(ended.items.length, outOfSupport);
        const text = await runTool('GetSqlMetadata', { source: large }, { support: ['ended', 'esu'] });
        assert.ok(text.ok);
        assert.match(
            text.text,
            new RegExp(` ${outOfSupport} instances run a SQL Server release past extended support \\(SQL Server 201[46] on `),
        );
        assert.match(text.text, /\| SQL Server 2014 \(esu\) \|/);
        assert.match(
            text.text,
            /SQL Server 2014 on \d+: extended support ended 2024-07-09, security updates only with Extended Security Updates until 2027-07-12/,
        );
    });

    it('GetSqlMetadata warns of every instance on the Evaluation edition, which stops after 180 days, and of databases that need recovery', async () => {
        const large = sampleSource({ machines: 300 });
        const out = await run(large, 'GetSqlMetadata', { max_results: 1000 });
        const evaluation = out.items
            .filter((i) => i.edition === 'Evaluation')
            .map((i) => String(i.name))
            .sort(byText);
        assert.ok(evaluation.length > 5, `${evaluation.length} Evaluation instances in the larger estate`);
        assert.equal(out.summary.evaluationEdition, evaluation.length);
        assert.ok(out.items.filter((i) => i.edition === 'Evaluation').every((i) => i.licenseType === 'Free'));
        const text = await runTool('GetSqlMetadata', { source: large }, {});
        assert.ok(text.ok);
        assert.ok(
            text.text.includes(
                ` ${evaluation.length} instances run the Evaluation edition, which stops 180 days after it was installed unless licensed: ${evaluation.slice(0, 5).join(', ')} and ${evaluation.length - 5} more.`,
            ),
            text.text.split('\n')[1],
        );
        // Databases that need recovery are named with their state; offline ones counted.
        const dbs = out.items.flatMap((i) =>
            (i.databases as { name: string; state: string }[]).map((d) => ({ ...d, instance: String(i.name) })),
        );
        const broken = dbs
            .filter((d) => ['Suspect', 'RecoveryPending', 'Emergency'].includes(d.state))
            .sort((a, b) => byText(a.instance, b.instance) || byText(a.name, b.name));
        assert.ok(broken.length > 0, 'the larger estate has a database pending recovery');
        assert.equal(out.summary.databasesNeedingRecovery, broken.length);
        assert.equal(out.summary.databasesOffline, dbs.filter((d) => d.state === 'Offline').length);
        assert.ok(
            text.text.includes(
                ` ${broken.length} databases need recovery: ${broken
                    .slice(0, 5)
                    .map((d) => `${d.name} on ${d.instance} (${d.state})`)
                    .join(', ')}`,
            ),
        );
        // Their instances come first.
        assert.ok(broken.every((d) => out.items.findIndex((i) => i.name === d.instance) < out.items.length / 2));
        // None, no sentence.
        const none = await runTool(
            'GetSqlMetadata',
            { source: large },
            { server_name: String(out.items.find((i) => i.edition !== 'Evaluation')?.machineName) },
        );
        assert.ok(none.ok && !none.text.includes('Evaluation edition'));
    });

    it('GetPatchingLevel reports the fully patched machines as compliant and the unassessed ones as not assessed', async () => {
        const out = await run(source, 'GetPatchingLevel', { max_results: 10_000 });
        const machines = out.machines as { machineName: string; state: string; missing: number; notAssessedReason?: string }[];
        const byName = new Map(machines.map((m) => [m.machineName, m]));
        assert.ok(source.fullyPatchedMachines().length > 0);
        for (const name of source.fullyPatchedMachines()) {
            assert.equal(byName.get(name)?.state, 'compliant', name);
            assert.equal(byName.get(name)?.missing, 0, name);
        }
        assert.ok(source.machinesNotAssessed().length > 0);
        for (const name of source.machinesNotAssessed()) {
            assert.equal(byName.get(name)?.state, 'not-assessed', name);
            assert.match(byName.get(name)?.notAssessedReason ?? '', /7 days|assessed \d+ days ago|the last assessment failed/);
        }
        assert.equal(out.summary.notAssessed, source.machinesNotAssessed().length);
        // A machine whose last assessment failed is not assessed, with Update Manager's error, never "compliant".
        const failed = machines.filter((m) => /^the last assessment failed/.test(m.notAssessedReason ?? ''));
        assert.ok(failed.length > 0, 'the sample has a failed assessment');
        for (const m of failed) {
            assert.equal(m.state, 'not-assessed');
            assert.match(
                m.notAssessedReason ?? '',
                /^the last assessment failed \((today|\d+ days? ago)\): The (Windows Update service|package manager) .+ — its results cannot be trusted; see the machine's history in Azure Update Manager$/,
            );
        }
    });

    it('answers about one machine in the singular, and calls compliance unknown when nothing was assessed', async () => {
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const windows = servers.items.find((m) => m.osType === 'windows' && m.status === 'Connected' && m.monitoringAgent === 'ama');
        assert.ok(windows, 'a connected Windows machine with the Azure Monitor Agent');
        const name = String(windows.name);
        for (const [tool, pattern] of [
            ['GetServerMetadata', /^1 machine \(/],
            ['GetSwConfig', / on 1 machine, /],
            ['GetWinBpAssessment', / on 1 machine in the last /],
            ['GetAnomalies', /(^No anomalies on| on \d of) 1 machine in the last /],
        ] as const) {
            const result = await runTool(tool, { source }, { server_name: name });
            assert.ok(result.ok, result.ok ? '' : result.message);
            const line = result.text.split('\n')[1];
            assert.match(line, pattern, `${tool}: ${line}`);
            assert.doesNotMatch(line, /\b1 (machines|instances|software changes|installed items)\b/, `${tool}: ${line}`);
        }
        const offline = source.machinesNotAssessed()[0];
        const patches = await runTool('GetPatchingLevel', { source }, { server_name: offline });
        assert.ok(patches.ok, patches.ok ? '' : patches.message);
        const line = patches.text.split('\n')[1];
        assert.match(line, /^0 of 1 machine assessed in the last 7 days; compliance unknown: /, line);
        assert.equal((patches.structured as Structured).summary.compliancePercent, null);
    });

    it('GetSqlMetadata asked about a machine without SQL Server says so, instead of calling the name unknown', async () => {
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const sql = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const withSql = new Set(sql.items.map((i) => String(i.machineName)));
        const plain = servers.items.find((m) => m.kind === 'arc' && !m.sqlDiscovered && !withSql.has(String(m.name)));
        const vm = servers.items.find((m) => m.kind === 'azure-vm' && !withSql.has(String(m.name)));
        assert.ok(plain && vm, 'an Arc-enabled server and an Azure VM without an Arc-enabled SQL Server instance');
        const none = await runTool('GetSqlMetadata', { source }, { server_name: String(plain.name).toUpperCase() });
        assert.ok(none.ok, none.ok ? '' : none.message);
        assert.equal((none.structured as Structured).items.length, 0);
        assert.deepEqual((none.structured as Structured).warnings, [
            `${String(plain.name)} has no SQL Server instance: the Azure Arc agent found no SQL Server on it.`,
        ]);
        assert.equal(
            none.text.split('\n')[1],
            `No SQL Server instance matches server_name ${JSON.stringify(String(plain.name).toUpperCase())} (of ${sql.items.length} instances in the subscriptions read).`,
        );
        const onVm = await runTool('GetSqlMetadata', { source }, { server_name: String(vm.name) });
        assert.ok(onVm.ok, onVm.ok ? '' : onVm.message);
        assert.match(
            ((onVm.structured as Structured).warnings as string[])[0],
            /^[\w-]+ is an Azure VM with no SQL virtual machine resource: SQL Server on it, if any, is not registered with the SQL IaaS Agent extension, so Azure does not know it\.$/,
        );
        const unknown = await runTool('GetSqlMetadata', { source }, { server_name: 'no-such-host-anywhere' });
        assert.equal(unknown.ok, false);
        assert.equal(
            unknown.ok ? '' : unknown.message,
            'server_name "no-such-host-anywhere" matches no machine. GetServerMetadata without server_name lists the machines.',
        );
    });

    it('GetServerMetadata names the Arc servers in the Error state with what Azure says and where to look', async () => {
        const scopes = await source.listScopes();
        const machines = (await source.getMachines({ subscriptionIds: scopes.subscriptions.map((s) => s.subscriptionId) })).rows;
        const failing = machines.filter((m) => m.kind === 'arc' && m.status === 'Error');
        assert.ok(failing.length > 0 && failing.every((m) => m.statusMessage), 'the sample has Arc servers in Error, with a message');
        const answer = await runTool('GetServerMetadata', { source }, {});
        assert.ok(answer.ok);
        assert.match(answer.text, /in the Error state — the agent reaches Azure but reports a problem; on the machine, `azcmagent show`/);
        for (const m of failing.slice(0, 5)) {
            assert.ok(answer.text.includes(`${m.name} (since `), m.name);
            assert.ok(answer.text.includes(String(m.statusMessage).replace(/\.$/, '')), m.name);
        }
        const listed = (answer.structured.items as { name: string; statusMessage?: string }[]).filter((i) =>
            failing.some((m) => m.name === i.name),
        );
        assert.ok(listed.length > 0 && listed.every((i) => i.statusMessage), 'the message is in the structured output');
    });

    it('names the subscription a machine is in when subscription_ids leaves it out, and the machine when an instance name is given', async () => {
        const scopes = await source.listScopes();
        const all = (await run(source, 'GetServerMetadata', { max_results: 1000 })).items as { name: string; subscriptionId: string }[];
        const machine = all.find((m) => m.subscriptionId !== scopes.subscriptions[0].subscriptionId);
        assert.ok(machine);
        const home = scopes.subscriptions.find((s) => s.subscriptionId === machine.subscriptionId);
        assert.ok(home);
        const outside = await runTool(
            'GetServerMetadata',
            { source },
            { subscription_ids: [scopes.subscriptions[0].subscriptionId], server_name: machine.name },
        );
        assert.equal(
            outside.ok ? '' : outside.message,
            `server_name ${JSON.stringify(machine.name)} matches no machine in the subscriptions asked for, but a machine in subscription ${home.displayName} (${home.subscriptionId}), which subscription_ids leaves out: add it, or leave subscription_ids out to search every visible subscription.`,
        );
        const sql = (await run(source, 'GetSqlMetadata', { max_results: 1000 })).items;
        const named = sql.find((i) => String(i.name).includes('\\'));
        assert.ok(named);
        const host = String(named.machineName);
        for (const tool of ['GetServerMetadata', 'GetAnomalies']) {
            const asInstance = await runTool(tool, { source }, { server_name: `${host}/${String(named.instanceName)}` });
            assert.equal(
                asInstance.ok ? '' : asInstance.message,
                `server_name ${JSON.stringify(`${host}/${String(named.instanceName)}`)} is a SQL Server instance's full name, not a machine's: give the machine as server_name ${JSON.stringify(host)}, and the instance as instance_name ${JSON.stringify(String(named.name))} to GetSqlMetadata or GetSqlBpAssessment.`,
                tool,
            );
        }
    });

    it('selects machines by tags and resource group in GetServerMetadata, GetPatchingLevel and GetSqlMetadata', async () => {
        const all = (await run(source, 'GetServerMetadata', { max_results: 1000 })).items as {
            id: string;
            name: string;
            resourceGroup: string;
            tags: Record<string, string>;
        }[];
        const wanted = all.filter((m) => m.tags.environment === 'Production' && m.tags.site === 'ams').map((m) => m.name);
        assert.ok(wanted.length > 1 && wanted.length < all.length);
        // Tag names and values case-insensitive, every tag required.
        const servers = await run(source, 'GetServerMetadata', { tags: ['ENVIRONMENT=production', 'Site=AMS'], max_results: 1000 });
        assert.deepEqual(servers.items.map((m) => String(m.name)).sort(byText), [...wanted].sort(byText));
        // A name alone: any value.
        const owned = await run(source, 'GetServerMetadata', { tags: ['patchWindow'], max_results: 1000 });
        assert.equal(owned.items.length, all.filter((m) => 'patchWindow' in m.tags).length);
        const group = all[0].resourceGroup;
        const inGroup = await run(source, 'GetServerMetadata', { resource_group: [group.toUpperCase()], max_results: 1000 });
        assert.deepEqual(
            inGroup.items.map((m) => String(m.name)).sort(byText),
            all
                .filter((m) => m.resourceGroup === group)
                .map((m) => m.name)
                .sort(byText),
        );

        const patches = await runTool(
            'GetPatchingLevel',
            { source },
            { tags: ['environment=Production', 'site=ams'], max_results: 10_000 },
        );
        assert.ok(patches.ok, patches.ok ? '' : patches.message);
        const perMachine = (patches.structured as { machines: { machineName: string }[] }).machines.map((m) => m.machineName);
        assert.deepEqual([...perMachine].sort(byText), [...wanted].sort(byText));
        const patchItems = (patches.structured as Structured).items;
        assert.ok(patchItems.length > 0);
        assert.ok(patchItems.every((p) => wanted.includes(String(p.machineName))));

        const sqlAll = (await run(source, 'GetSqlMetadata', { max_results: 1000 })).items;
        const production = new Set(all.filter((m) => m.tags.environment === 'Production').map((m) => m.name));
        const sqlProd = await run(source, 'GetSqlMetadata', { tags: ['environment=Production'], max_results: 1000 });
        assert.ok(sqlProd.items.length > 0 && sqlProd.items.length < sqlAll.length);
        assert.deepEqual(
            sqlProd.items.map((i) => String(i.name)).sort(byText),
            sqlAll
                .filter((i) => production.has(String(i.machineName)))
                .map((i) => String(i.name))
                .sort(byText),
        );

        // A guessed tag is refused with what is in use, so it can be corrected.
        const guessed = await runTool('GetPatchingLevel', { source }, { tags: ['env=prod'] });
        assert.equal(guessed.ok, false);
        assert.match(
            guessed.ok ? '' : guessed.message,
            /^No machine matches tags \["env=prod"\]\. No machine carries a tag of that name; tag names in use: .*\benvironment\b/,
        );
        const wrongValue = await runTool('GetSqlMetadata', { source }, { tags: ['environment=prod'] });
        assert.match(
            wrongValue.ok ? '' : wrongValue.message,
            /Tags in use: environment=Development, environment=Production, environment=Test\.$/,
        );
        const blank = await runTool('GetServerMetadata', { source }, { tags: [' =x'] });
        assert.equal(blank.ok ? '' : blank.message, 'tags: " =x" has no tag name; write "name=value" or "name".');
    });

    it('selects the machines of the workspace tools by tags and resource group, whether the selection is short or thousands long', async () => {
        for (const large of [false, true]) {
            const estate = large ? sampleSource({ machines: 3000 }) : source;
            const all = (await run(estate, 'GetServerMetadata', { max_results: 10_000 })).items as {
                name: string;
                resourceGroup: string;
                tags: Record<string, string>;
            }[];
            // Short: one site's machines by tag. Long: every resource group but the largest of the default workspace, well
            // over the names a query is given.
            const workspace = estate.defaultWorkspaceId;
            const sizes = new Map<string, number>();
            for (const m of all as { resourceGroup: string; workspaceId?: string }[]) {
                if (m.workspaceId === workspace) {
                    sizes.set(m.resourceGroup, (sizes.get(m.resourceGroup) ?? 0) + 1);
                }
            }
            const groups = [...sizes.keys()].sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0) || byText(a, b));
            groups.push(...new Set(all.map((m) => m.resourceGroup).filter((g) => !sizes.has(g))));
            const args = large ? { resource_group: groups.slice(1).map((g) => g.toUpperCase()) } : { tags: ['SITE=Ams'] };
            const chosen = new Set(all.filter((m) => (large ? m.resourceGroup !== groups[0] : m.tags.site === 'ams')).map((m) => m.name));
            assert.ok(large ? chosen.size > 1000 : chosen.size < 1000, `${chosen.size} machines chosen`);
            for (const tool of ['GetSwChangesList', 'GetWinBpAssessment']) {
                const every = await run(estate, tool, { max_results: 10_000 });
                const selected = await run(estate, tool, { ...args, max_results: 10_000 });
                const expected = every.items.filter((c) => chosen.has(String(c.computer)));
                assert.ok(
                    expected.length > 0 && expected.length < every.items.length,
                    `${tool}: ${expected.length} of ${every.items.length}`,
                );
                assert.ok(
                    selected.items.every((c) => chosen.has(String(c.computer))),
                    `${tool}: only the chosen machines`,
                );
                // The same order: what the whole answer shows of the chosen machines leads the chosen machines' own answer
                // (all of it, when the whole answer was not cut).
                const shown = JSON.stringify(selected.items.slice(0, expected.length));
                assert.ok(shown === JSON.stringify(expected), `${tool}: the chosen machines' rows, in order`);
                if (every.truncation.shown === every.truncation.total) {
                    assert.equal(selected.items.length, expected.length, tool);
                }
            }
        }
        const ams = new Set(
            ((await run(source, 'GetServerMetadata', { tags: ['site=ams'], max_results: 1000 })).items as { name: string }[]).map(
                (m) => m.name,
            ),
        );
        const anomalies = await run(source, 'GetAnomalies', { tags: ['site=ams'] });
        assert.ok((anomalies.summary.machines as number) > 0 && (anomalies.summary.machines as number) <= ams.size, 'machines read');
        assert.ok(
            anomalies.items.every((i) => ams.has(String(i.computer))),
            'incidents only on the chosen machines',
        );
        // server_name and tags each select machines, none both: every tool says what the named machine carries, in the same words.
        const first = [...ams][0];
        const conflict = `${first} carries site=ams, so tag "site=fra" leaves nothing.`;
        for (const tool of ['GetSwConfig', 'GetAnomalies', 'GetWinBpAssessment']) {
            const both = await runTool(tool, { source }, { server_name: first, tags: ['site=fra'] });
            assert.equal(both.ok ? '' : both.message, conflict, tool);
        }
        for (const tool of ['GetServerMetadata', 'GetPatchingLevel']) {
            const both = await run(source, tool, { server_name: first, tags: ['site=fra'] });
            assert.equal(both.items.length, 0, tool);
            const answer = await runTool(tool, { source }, { server_name: first, tags: ['site=fra'] });
            assert.ok(answer.ok && answer.text.includes(conflict), `${tool}: ${answer.ok ? answer.text : answer.message}`);
        }
    });

    it('a whole-workspace answer says which other visible workspaces it did not read', async () => {
        const scopes = await source.listScopes();
        assert.equal(scopes.workspaces.length, 2);
        for (const tool of ['GetSqlBpAssessment', 'GetWinBpAssessment', 'GetSwConfig', 'GetSwChangesList', 'GetAnomalies']) {
            const answer = await runTool(tool, { source }, {});
            assert.ok(answer.ok, answer.ok ? '' : answer.message);
            const scope = (answer.structured as { scope: { workspaceId: string; otherWorkspaceIds?: string[] } }).scope;
            const other = scopes.workspaces.find((w) => w.customerId !== scope.workspaceId);
            assert.ok(other);
            assert.deepEqual(scope.otherWorkspaceIds, [other.customerId], tool);
            assert.ok(
                answer.text.includes(
                    `another workspace is visible, whose machines are not in this answer: ${other.name} (${other.customerId}). Pass workspace_id to read it.`,
                ),
                tool,
            );
            // Named, or asked about a machine, it says nothing of the others.
            for (const args of [{ workspace_id: scope.workspaceId }, { server_name: 'ctso-sql-ams-01' }]) {
                const narrowed = await runTool(tool, { source }, args);
                assert.ok(narrowed.ok, narrowed.ok ? '' : narrowed.message);
                assert.equal((narrowed.structured as { scope: { otherWorkspaceIds?: string[] } }).scope.otherWorkspaceIds, undefined);
                assert.ok(!narrowed.text.includes('Pass workspace_id to read'), `${tool} ${JSON.stringify(args)}`);
            }
        }
    });

    it('a server_name pattern also finds the machines that report to the workspace but that Resource Graph does not show', async () => {
        const hidden = 'ctso-sql-ams-04';
        const partial: typeof source = Object.create(source);
        partial.getMachines = async (query) => {
            const result = await source.getMachines(query);
            return { ...result, rows: result.rows.filter((m) => m.name !== hidden) };
        };
        const computers = async (s: typeof source, args: Record<string, unknown>) =>
            [...new Set((await run(s, 'GetSwConfig', { ...args, max_results: 10_000 })).items.map((i) => String(i.computer)))].sort();
        const everyone = await computers(source, { server_name: 'ctso-sql-ams-0*' });
        assert.ok(everyone.includes(hidden) && everyone.length > 1);
        assert.deepEqual(await computers(partial, { server_name: 'ctso-sql-ams-0*' }), everyone);
        assert.deepEqual(await computers(partial, { server_name: hidden }), [hidden]);
        // A pattern too wide to list in the workspace is matched on the rows instead: nothing is refused or lost.
        const large = sampleSource({ machines: 300 });
        const wide = await runTool('GetSwChangesList', { source: large }, { server_name: '*', max_results: 10_000 });
        assert.ok(wide.ok, wide.ok ? '' : wide.message);
        const all = await run(large, 'GetSwChangesList', { max_results: 10_000 });
        assert.equal((wide.structured as Structured).items.length, all.items.length);
    });

    it('says what an empty answer may hide: a window shorter than the weekly assessment runs, left-out updates, a wrong instance name', async () => {
        const warningsOf = async (tool: string, args: Record<string, unknown>) => {
            const result = await runTool(tool, { source }, args);
            assert.ok(result.ok, result.ok ? '' : result.message);
            return (result.structured as Structured).warnings as string[];
        };
        for (const [tool, what] of [
            ['GetSqlBpAssessment', 'SQL best-practices assessment'],
            ['GetWinBpAssessment', 'Windows Server assessment'],
        ]) {
            assert.ok(
                (await warningsOf(tool, { timespan: '1d' })).some((w) =>
                    w.startsWith(`The ${what} runs once a week: the last 1d may hold no run`),
                ),
                tool,
            );
            assert.ok(!(await warningsOf(tool, { timespan: '7d' })).some((w) => w.includes('runs once a week')), tool);
        }
        assert.ok(
            (await warningsOf('GetSwConfig', { timespan: '6h' })).some((w) =>
                w.startsWith('Software inventory is sent as snapshots, every 10 to 24 hours: the last 6h may hold no snapshot'),
            ),
        );
        assert.ok(!(await warningsOf('GetSwConfig', { timespan: '1d' })).some((w) => w.includes('snapshots')));
        const kb = await runTool('GetSwConfig', { source }, { software_name: 'KB5' });
        assert.ok(kb.ok && (kb.structured as Structured).items.length === 0);
        assert.match(kb.text, /installed updates on \d+ machines do, left out unless include_updates is true/);
        const withUpdates = await run(source, 'GetSwConfig', { software_name: 'KB5', include_updates: true });
        assert.ok(withUpdates.items.length > 0, 'the updates the hint points to exist');
        const sql = await run(source, 'GetSqlBpAssessment', { max_results: 1000 });
        const instances = [
            ...new Set(
                sql.items.map((f) =>
                    f.instanceName === 'MSSQLSERVER' ? String(f.computer) : `${String(f.computer)}\\${String(f.instanceName)}`,
                ),
            ),
        ].sort();
        const wrong = await warningsOf('GetSqlBpAssessment', { instance_name: 'NO-SUCH-INSTANCE' });
        assert.ok(
            wrong.some(
                (w) =>
                    w.startsWith('No instance matches instance_name "NO-SUCH-INSTANCE" among those with results') &&
                    w.includes(instances[0]),
            ),
            wrong.join('\n'),
        );
    });

    it('GetSwChangesList says when removals came back at the same version within a day (per-user software and sign-ins)', async () => {
        const at = (hours: number) => new Date(source.now().getTime() - hours * 3_600_000).toISOString();
        const change = (computer: string, hours: number, changeCategory: 'Added' | 'Removed', version: string) => ({
            timeGenerated: at(hours),
            computer,
            name: 'Contoso Notes',
            type: 'Application' as const,
            publisher: 'Contoso',
            changeCategory,
            ...(changeCategory === 'Removed' ? { previousVersion: version } : { currentVersion: version }),
        });
        const flapping: typeof source = Object.create(source);
        flapping.getSoftwareChanges = async () => ({
            rows: [
                change('app-01', 30, 'Removed', '2.1'),
                change('app-01', 20, 'Added', '2.1'), // back within a day: a sign-in
                change('app-02', 50, 'Removed', '2.1'),
                change('app-02', 2, 'Added', '2.1'), // two days later: a reinstall, not counted
                change('app-03', 10, 'Removed', '2.0'),
                change('app-03', 9, 'Added', '2.1'), // another version: an upgrade by reinstall, not counted
            ],
            warnings: [],
        });
        const result = await runTool('GetSwChangesList', { source: flapping }, {});
        assert.ok(result.ok, result.ok ? '' : result.message);
        const warnings = (result.structured as Structured).warnings as string[];
        assert.ok(
            warnings.includes(
                '1 removal on 1 machine was followed within a day by the same version added back: with the Azure Monitor Agent, software installed for one user leaves the inventory when that user signs out and returns at sign-in, so such pairs are most likely sign-ins rather than changes.',
            ),
            warnings.join('\n'),
        );
        const plain = await runTool('GetSwChangesList', { source }, {});
        assert.ok(plain.ok && !((plain.structured as Structured).warnings as string[] | undefined)?.some((w) => w.includes('sign-in')));
    });

    it('an empty answer names the filters that emptied it, as data', async () => {
        const text = async (tool: string, args: Record<string, unknown>) => {
            const result = await runTool(tool, { source }, args);
            assert.ok(result.ok, result.ok ? '' : result.message);
            return result.text.split('\n')[1];
        };
        const all = await run(source, 'GetServerMetadata', { max_results: 1000 });
        assert.equal(
            await text('GetServerMetadata', { kind: 'azure-vm', status: ['Expired'] }),
            `No machine matches status "Expired" and kind "azure-vm" (of ${all.items.length} machines in the subscriptions read).`,
        );
        // The status alone emptied it: the statuses there are.
        assert.match(
            await text('GetServerMetadata', { status: ['Stopped'] }),
            /^No machine matches status "Stopped" \(of \d+ machines in the subscriptions read, whose statuses are: \d+ Connected, /,
        );
        assert.equal(
            await text('GetSwChangesList', { software_name: 'no "such" thing', change_category: ['Added', 'Removed'] }),
            'No software change matches change_category "Added" or "Removed" and software_name "no \\"such\\" thing" in the last 7d.',
        );
        assert.match(
            await text('GetWinBpAssessment', { focus_area: 'Upgrade Migration' }),
            /^No failed Windows Server recommendation matches focus_area "Upgrade Migration" in the last 30d, latest run of each machine \(the focus areas are: .*Upgrade, Migration and Deployment.*\)\.$/,
        );
        assert.equal(
            await text('GetSwConfig', { software_name: 'zzz' }),
            'No installed software matches software_name "zzz" in the inventory of the last 7d.',
        );
    });

    it('GetPatchingLevel lists a given machine’s missing critical patches exactly', async () => {
        const subscriptionIds = (await source.listScopes()).subscriptions.map((s) => s.subscriptionId);
        const notAssessed = new Set(source.machinesNotAssessed());
        const truth = (await source.getMissingPatches({ subscriptionIds })).rows.filter(
            (p) => p.classification === 'Critical' && !notAssessed.has(p.machineName),
        );
        assert.ok(truth.length > 0, 'the sample has missing critical patches');
        const machine = truth[0].machineName;
        const out = await run(source, 'GetPatchingLevel', { server_name: machine, classification: ['Critical'], max_results: 1000 });
        assert.deepEqual(
            out.items.map((p) => p.kbId ?? p.patchName).sort(),
            truth
                .filter((p) => p.machineName === machine)
                .map((p) => p.kbId ?? p.patchName)
                .sort(),
        );
        assert.ok(out.items.every((p) => p.machineName === machine && p.classification === 'Critical'));
    });

    it('GetPatchingLevel counts the machines with an overdue Critical or Security update, and lists patches by age', async () => {
        const subscriptionIds = (await source.listScopes()).subscriptions.map((s) => s.subscriptionId);
        const raw = (await source.getMissingPatches({ subscriptionIds })).rows;
        const out = await run(source, 'GetPatchingLevel', { max_results: 10_000 });
        const assessed = new Set(
            (out.machines as { machineId: string; state: string }[]).filter((m) => m.state !== 'not-assessed').map((m) => m.machineId),
        );
        const cutoff = NOW.getTime() - 30 * 86_400_000;
        const old = (p: { publishedAt?: string }, before: number) => p.publishedAt !== undefined && Date.parse(p.publishedAt) <= before;
        const overdue = new Set(
            raw
                .filter(
                    (p) =>
                        assessed.has(p.machineId) && (p.classification === 'Critical' || p.classification === 'Security') && old(p, cutoff),
                )
                .map((p) => p.machineId),
        );
        assert.ok(overdue.size > 0, 'the sample estate has overdue updates');
        assert.equal(out.summary.machinesOverdue, overdue.size);
        const text = await runTool('GetPatchingLevel', { source }, {});
        assert.ok(text.ok);
        assert.ok(
            text.text
                .split('\n')[1]
                .includes(` ${overdue.size} machines miss a Critical or Security update published more than 30 days ago.`),
            text.text.split('\n')[1],
        );
        // older_than_days lists only patches at least that old, of assessed machines; Linux packages carry no date.
        const aged = await run(source, 'GetPatchingLevel', { older_than_days: 30, max_results: 10_000 });
        const expected = raw.filter((p) => assessed.has(p.machineId) && old(p, cutoff));
        assert.ok(expected.length > 0 && expected.length < out.items.length);
        assert.equal(aged.items.length, expected.length);
        assert.ok(aged.items.every((p) => p.osType === 'windows' && old(p as { publishedAt?: string }, cutoff)));
        assert.equal(aged.summary.missingPatches, out.summary.missingPatches, 'the fleet summary is not filtered');
        // The sentence says what the list holds, and what it left out for want of a date.
        const undated = raw.filter((p) => assessed.has(p.machineId) && p.publishedAt === undefined).length;
        assert.ok(undated > 0);
        const agedText = await runTool('GetPatchingLevel', { source }, { older_than_days: 30 });
        assert.ok(agedText.ok);
        assert.ok(
            agedText.text
                .split('\n')[1]
                .includes(
                    ` Of the ${out.summary.missingPatches} missing patches, ${expected.length} are published more than 30 days ago (${undated} patches without a publication date — Linux packages carry none — are left out).`,
                ),
            agedText.text.split('\n')[1],
        );
        const critical = raw.filter(
            (p) => assessed.has(p.machineId) && ['Critical', 'Security'].includes(p.classification) && p.severity === 'Important',
        );
        assert.ok(critical.length > 1);
        const criticalText = await runTool(
            'GetPatchingLevel',
            { source },
            { classification: ['Critical', 'Security'], severity: ['Important'] },
        );
        assert.ok(criticalText.ok);
        assert.ok(
            criticalText.text
                .split('\n')[1]
                .includes(
                    ` Of the ${out.summary.missingPatches} missing patches, ${critical.length} are classified Critical or Security and of Important severity.`,
                ),
            criticalText.text.split('\n')[1],
        );
        assert.ok(!text.text.split('\n')[1].includes(' Of the '), 'no such sentence without patch filters');
        // Whether a machine waits for a reboot is known only from an assessment: one not assessed is in neither answer.
        const waiting = await run(source, 'GetPatchingLevel', { reboot_pending: true, max_results: 10_000 });
        const notWaiting = await run(source, 'GetPatchingLevel', { reboot_pending: false, max_results: 10_000 });
        const states = (r: Structured) => (r.machines as { state: string }[]).map((m) => m.state);
        assert.ok(![...states(waiting), ...states(notWaiting)].includes('not-assessed'));
        assert.equal(
            Number(waiting.summary.machines) + Number(notWaiting.summary.machines),
            Number(out.summary.assessed),
            'every assessed machine is in one answer',
        );
        // A number written as text is read as the number (a common slip of models); text that is no number is refused.
        const asText = await run(source, 'GetPatchingLevel', { older_than_days: '30' });
        assert.deepEqual(asText.items, (await run(source, 'GetPatchingLevel', { older_than_days: 30 })).items);
        for (const bad of [-1, 1.5, 'thirty', 4000]) {
            const result = await runTool('GetPatchingLevel', { source }, { older_than_days: bad });
            assert.ok(!result.ok && result.kind === 'input' && /older_than_days/.test(result.message), JSON.stringify(bad));
        }
    });

    it('GetPatchingLevel says which machines counted compliant run a release that no longer gets security updates', async () => {
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const ended = new Set(servers.items.filter((m) => (m.support as { status: string } | null)?.status === 'ended').map((m) => m.name));
        const out = await run(source, 'GetPatchingLevel', { max_results: 10_000 });
        const expected = (out.machines as { machineName: string; state: string }[])
            .filter((m) => (m.state === 'compliant' || m.state === 'missing-other') && ended.has(m.machineName))
            .map((m) => m.machineName)
            .sort();
        assert.ok(expected.length > 0, 'the sample has a Windows Server 2012 R2 machine with nothing missing');
        assert.equal(out.summary.compliantOutOfSupport, expected.length);
        const text = await runTool('GetPatchingLevel', { source }, { server_name: expected[0] });
        assert.ok(text.ok);
        assert.ok(
            text.text.includes(
                ` 1 machine counted compliant runs a Windows Server release out of support (Windows Server 2012 R2: extended support ended 2023-10-10, Extended Security Updates ended 2026-10-13): no security update is published for it any more, so nothing can show as missing — ${expected[0]}.`,
            ),
            text.text.split('\n')[1],
        );
    });

    it('GetSqlMetadata flags exactly the databases without a recent full backup', async () => {
        assert.equal(BACKUP_STALE_AFTER_DAYS, STALE_BACKUP_DAYS);
        const truth = source.databasesWithoutRecentBackup();
        assert.ok(
            truth.some((t) => t.state === 'never') && truth.some((t) => t.state === 'stale'),
            'the sample has never and stale backups',
        );
        const out = await run(source, 'GetSqlMetadata', { backup_state: ['never', 'stale'], max_results: 1000 });
        const flagged = out.items
            .flatMap((i) => (i.databases as { id: string; backupState: string }[]).map((d) => `${d.id}:${d.backupState}`))
            .sort();
        assert.deepEqual(flagged, truth.map((t) => `${t.database.id}:${t.state}`).sort());
        assert.equal(out.summary.databasesNeverBackedUp, truth.filter((t) => t.state === 'never').length);
        const stale = truth.find((t) => t.state === 'stale');
        assert.ok(stale);
        const text = (await runTool('GetSqlMetadata', { source }, { backup_state: ['stale'] })) as { ok: true; text: string };
        assert.match(text.text, new RegExp(stale.database.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    });

    it('GetSqlMetadata flags the databases in the full recovery model without a recent log backup', async () => {
        const planted = source.databasesWithoutLogBackup();
        assert.ok(planted.length > 0);
        const out = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const dbs = out.items.flatMap(
            (i) =>
                i.databases as {
                    id: string;
                    name: string;
                    recoveryModel: string;
                    isReadOnly?: boolean;
                    lastLogBackup?: string;
                    logBackupState: string;
                }[],
        );
        const flagged = dbs.filter((d) => d.logBackupState === 'never' || d.logBackupState === 'stale');
        assert.equal(out.summary.databasesWithoutLogBackup, flagged.length);
        // Every planted one, and besides them only databases whose last log backup Azure heard of is over a day old (their
        // machine stopped reporting): none of the others.
        const flaggedIds = new Set(flagged.map((d) => d.id));
        assert.ok(planted.every((db) => flaggedIds.has(db.id)));
        const plantedIds = new Set(planted.map((db) => db.id));
        for (const d of flagged.filter((x) => !plantedIds.has(x.id))) {
            assert.equal(d.logBackupState, 'stale', d.name);
            assert.ok(NOW.getTime() - Date.parse(String(d.lastLogBackup)) > LOG_BACKUP_STALE_AFTER_HOURS * 3_600_000, d.name);
        }
        // Databases and their backups are as of the instance's inventory: no backup is dated after it.
        for (const i of out.items as {
            name: string;
            inventoryAt?: string;
            databases: { lastFullBackup?: string; lastLogBackup?: string }[];
        }[]) {
            const at = Date.parse(String(i.inventoryAt));
            for (const d of i.databases) {
                for (const backup of [d.lastFullBackup, d.lastLogBackup].filter((b): b is string => b !== undefined)) {
                    assert.ok(Date.parse(backup) <= at, `${i.name}: a backup at ${backup}, inventory at ${String(i.inventoryAt)}`);
                }
            }
        }
        // Nor is a log backup needed where the log does not grow: the simple recovery model, a read-only database.
        const needsNone = (d: { recoveryModel: string; isReadOnly?: boolean }) => d.recoveryModel === 'Simple' || d.isReadOnly === true;
        assert.ok(
            dbs.some((d) => d.recoveryModel === 'Full' && d.isReadOnly === true),
            'the sample has read-only databases in full recovery',
        );
        assert.ok(dbs.filter(needsNone).every((d) => d.logBackupState === 'not-needed'));
        assert.ok(dbs.filter((d) => !flaggedIds.has(d.id) && !needsNone(d)).every((d) => d.logBackupState === 'ok'));
        const text = await runTool('GetSqlMetadata', { source }, {});
        assert.ok(text.ok);
        assert.ok(
            text.text.includes(
                `; ${flagged.length} databases in the full or bulk-logged recovery model have no log backup in the last 24 hours (the log grows until one runs).`,
            ),
            text.text.split('\n')[1],
        );
    });

    it('GetSqlMetadata and GetSqlBpAssessment find an instance by its instance name or by the full name GetSqlMetadata lists', async () => {
        const all = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const named = all.items.find((i) => String(i.name).includes('\\'));
        assert.ok(named, 'the sample has a named instance');
        const defaults = all.items.filter((i) => i.instanceName === 'MSSQLSERVER');
        assert.ok(defaults.length > 1);
        const names = async (tool: string, instanceName: string) => {
            const out = await run(source, tool, { instance_name: instanceName, max_results: 1000 });
            return [
                ...new Set(
                    out.items.map((i) => (tool === 'GetSqlMetadata' ? String(i.name) : `${String(i.computer)}|${String(i.instanceName)}`)),
                ),
            ].sort();
        };
        assert.deepEqual(await names('GetSqlMetadata', 'mssqlserver'), defaults.map((i) => String(i.name)).sort());
        assert.deepEqual(await names('GetSqlMetadata', String(named.name).toUpperCase()), [named.name]);
        assert.deepEqual(await names('GetSqlMetadata', String(named.instanceName)), [named.name]);
        // A default instance is listed by its host's name alone, and answers to it (and to HOST\MSSQLSERVER).
        assert.deepEqual(await names('GetSqlMetadata', String(defaults[0].name)), [defaults[0].name]);
        assert.deepEqual(await names('GetSqlMetadata', `${String(defaults[0].name)}\\MSSQLSERVER`), [defaults[0].name]);
        assert.deepEqual(await names('GetSqlMetadata', 'ctso'), [], 'a part of a name is not a name');
        const host = String(named.machineName);
        assert.deepEqual(await names('GetSqlBpAssessment', String(named.name)), [`${host}|${String(named.instanceName)}`]);
        assert.deepEqual(await names('GetSqlBpAssessment', `${host.toUpperCase()}\\${String(named.instanceName).toLowerCase()}`), [
            `${host}|${String(named.instanceName)}`,
        ]);
        // A bare instance name that one machine has is read where that machine reports, like its full name.
        const unique = all.items.filter(
            (i) => i.instanceName !== 'MSSQLSERVER' && all.items.filter((j) => j.instanceName === i.instanceName).length === 1,
        );
        const scopes = await source.listScopes();
        let elsewhere = 0;
        for (const instance of unique) {
            const bare = await run(source, 'GetSqlBpAssessment', { instance_name: String(instance.instanceName), max_results: 1000 });
            const full = await run(source, 'GetSqlBpAssessment', { instance_name: String(instance.name), max_results: 1000 });
            assert.deepEqual(bare.items, full.items, String(instance.name));
            assert.deepEqual(bare.scope, full.scope, String(instance.name));
            elsewhere += (bare.scope as { workspaceId: string }).workspaceId === scopes.workspaces[0].customerId ? 0 : 1;
        }
        assert.ok(elsewhere > 0, 'some such instance reports to a workspace other than the default');
        // Both tools' tables name an instance alike: a default instance by its host alone, a named one as HOST\NAME.
        for (const instance of [defaults[0], named]) {
            const bp = await runTool('GetSqlBpAssessment', { source }, { instance_name: String(instance.name) });
            assert.ok(
                bp.ok && bp.text.includes(`| ${String(instance.name)} |`),
                `${String(instance.name)}: ${bp.ok ? bp.text : bp.message}`,
            );
        }
        const every = await runTool('GetSqlBpAssessment', { source }, { max_results: 1000 });
        assert.ok(every.ok);
        assert.doesNotMatch(every.text, /\\MSSQLSERVER/i);
    });

    it('GetSqlMetadata names the subscription an instance is in when subscription_ids leaves it out', async () => {
        const scopes = await source.listScopes();
        const all = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const first = scopes.subscriptions[0];
        const outside = all.items.find((i) => i.subscriptionId !== first.subscriptionId);
        assert.ok(outside, 'an instance outside the first subscription');
        const home = scopes.subscriptions.find((s) => s.subscriptionId === outside.subscriptionId);
        assert.ok(home);
        const answer = await runTool(
            'GetSqlMetadata',
            { source },
            { subscription_ids: [first.subscriptionId], instance_name: String(outside.name) },
        );
        assert.ok(answer.ok);
        assert.ok(
            answer.text.includes(
                `The instance ${String(outside.name)} is in subscription ${home.displayName} (${home.subscriptionId}), which subscription_ids leaves out`,
            ),
            answer.text,
        );
        assert.doesNotMatch(answer.text, /Nearest instance names/);
    });

    it('GetSqlMetadata selects databases by their log backups apart from their full backups', async () => {
        const all = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const noLog = await run(source, 'GetSqlMetadata', { log_backup_state: ['never', 'stale'], max_results: 1000 });
        const dbs = (out: Structured) =>
            out.items.flatMap((i) => i.databases as { name: string; logBackupState: string; backupState: string }[]);
        const expected = dbs(all).filter((d) => d.logBackupState === 'never' || d.logBackupState === 'stale');
        assert.ok(expected.length > 0);
        assert.equal(expected.length, all.summary.databasesWithoutLogBackup);
        assert.deepEqual(
            dbs(noLog)
                .map((d) => d.name)
                .sort(),
            expected.map((d) => d.name).sort(),
        );
        // Both filters: a database must match both.
        const both = await run(source, 'GetSqlMetadata', { backup_state: ['ok'], log_backup_state: ['never'], max_results: 1000 });
        assert.deepEqual(
            dbs(both)
                .map((d) => d.name)
                .sort(),
            dbs(all)
                .filter((d) => d.backupState === 'ok' && d.logBackupState === 'never')
                .map((d) => d.name)
                .sort(),
        );
    });

    it('GetSqlMetadata says when instances were left out by max_results, counting the table in databases', async () => {
        const all = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const two = await runTool('GetSqlMetadata', { source }, { max_results: 2 });
        assert.ok(two.ok);
        const rows = (list: Record<string, unknown>[]) => list.reduce((sum, i) => sum + Math.max(1, (i.databases as unknown[]).length), 0);
        const shown = rows(all.items.slice(0, 2));
        assert.ok(
            two.text.endsWith(
                `Table shows ${shown} of ${rows(all.items)} database rows; structuredContent has 2 of ${all.items.length} instances (max_results counts instances: raise it for more).`,
            ),
            two.text.split('\n').at(-1),
        );
    });

    it('GetSqlMetadata finds the instances of a machine named by its OS host name when Azure names it otherwise', async () => {
        const all = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const instance = all.items.find((i) => i.instanceName === 'MSSQLSERVER' && i.machineId);
        assert.ok(instance);
        // The same estate, where the host of that instance reports the OS host name SQLPRD01.
        const renamed: typeof source = Object.create(source);
        renamed.getMachines = async (query) => {
            const result = await source.getMachines(query);
            return {
                ...result,
                rows: result.rows.map((m) =>
                    m.id.toLowerCase() === String(instance.machineId).toLowerCase() ? { ...m, computerName: 'SQLPRD01' } : m,
                ),
            };
        };
        const out = await run(renamed, 'GetSqlMetadata', { server_name: 'sqlprd01' });
        assert.deepEqual(
            out.items.map((i) => i.name),
            all.items.filter((i) => i.machineId === instance.machineId).map((i) => i.name),
        );
        assert.deepEqual(out.warnings, []);
    });

    it('GetSqlBpAssessment returns only the latest run per instance by default, and every run on request', async () => {
        const latest = await run(source, 'GetSqlBpAssessment', { max_results: 50_000 });
        const every = await run(source, 'GetSqlBpAssessment', { latest_run_only: false, max_results: 50_000 });
        assert.ok(latest.items.length > 0);
        assert.ok(every.items.length > latest.items.length, 'several runs exist');
        const runsPerInstance = new Map<string, Set<string>>();
        for (const f of latest.items) {
            const key = `${f.computer}\\${f.instanceName}`;
            runsPerInstance.set(key, (runsPerInstance.get(key) ?? new Set()).add(f.assessmentId as string));
        }
        assert.ok([...runsPerInstance.values()].every((runs) => runs.size === 1));
        const high = await run(source, 'GetSqlBpAssessment', { severity: ['High'], max_results: 50_000 });
        assert.ok(high.items.length > 0 && high.items.every((f) => f.severity === 'High'));
        assert.equal(high.items.length, (latest.summary.bySeverity as Record<string, number>).High);
    });

    it('does not blame the retired agent for a quiet week of software changes on a machine that reports', async () => {
        const servers = await run(source, 'GetServerMetadata', { monitoring_agent: ['legacy'], max_results: 1000 });
        assert.ok(servers.items.length > 0, 'the sample has machines on the retired agent only');
        let quiet = 0;
        for (const m of servers.items) {
            const name = String(m.name);
            const inventory = await run(source, 'GetSwConfig', { server_name: name });
            if (inventory.items.length === 0) {
                continue; // not reporting at all: a reason is due
            }
            const changes = await run(source, 'GetSwChangesList', { server_name: name });
            if (changes.items.length > 0) {
                continue;
            }
            quiet++;
            assert.deepEqual(
                (changes.warnings as string[]).filter((w) => w.startsWith(`${name} sent no`)),
                [],
                `${name} reports, with no change this week`,
            );
        }
        assert.ok(quiet > 0, 'some machine on the retired agent had a quiet week');
    });

    it('GetSwConfig names the machines whose latest inventory is more than 2 days old, oldest first', async () => {
        const all = await run(source, 'GetSwConfig', { timespan: '30d', include_updates: true, max_results: 50_000 });
        assert.equal(all.truncation.shown, all.truncation.total);
        const newest = new Map<string, string>();
        for (const i of all.items) {
            newest.set(String(i.computer), [newest.get(String(i.computer)) ?? '', String(i.lastSeen)].sort().at(-1) ?? '');
        }
        const twoDaysAgo = new Date(NOW.getTime() - 2 * 86_400_000).toISOString();
        const stale = [...newest].filter(([, at]) => at < twoDaysAgo).sort((a, b) => a[1].localeCompare(b[1]));
        assert.ok(stale.length > 0, 'the sample has a machine that stopped sending inventory');
        const warning = (all.warnings as string[]).find((w) => w.startsWith('The latest software inventory of'));
        assert.ok(warning);
        assert.ok(warning.includes(`of ${stale.length} machine${stale.length === 1 ? '' : 's'} listed is more than 2 days old`), warning);
        assert.ok(
            warning.includes(
                stale
                    .map(([name]) => name)
                    .slice(0, 5)
                    .join(' ('),
            ) || warning.includes(stale[0][0]),
            warning,
        );
        assert.ok(warning.indexOf(stale[0][0]) < (stale[1] ? warning.indexOf(stale[1][0]) : Infinity), 'oldest first');
        // One machine that still sends: no such warning.
        const fresh = [...newest].find(([, at]) => at >= twoDaysAgo);
        assert.ok(fresh);
        const one = await run(source, 'GetSwConfig', { timespan: '30d', server_name: fresh[0] });
        assert.ok(!(one.warnings as string[]).some((w) => w.startsWith('The latest software inventory of')));
    });

    it('GetWinBpAssessment filters by weight and sorts heaviest first', async () => {
        const out = await run(source, 'GetWinBpAssessment', { min_weight: 10, max_results: 50_000 });
        assert.ok(out.items.length > 0);
        assert.ok(out.items.every((f) => (f.weight as number) >= 10));
        const weights = out.items.map((f) => f.weight as number);
        assert.deepEqual(
            weights,
            [...weights].sort((a, b) => b - a),
        );
        // A threshold above every finding: the answer says the highest weight there is, so the next call can pick one.
        const all = await run(source, 'GetWinBpAssessment', { max_results: 50_000 });
        const highest = Math.max(...all.items.map((f) => f.weight as number));
        const above = await runTool('GetWinBpAssessment', { source }, { min_weight: Math.ceil(highest) + 1 });
        assert.ok(above.ok);
        assert.match(above.text, new RegExp(`The highest weight of the failed recommendations read is ${Math.round(highest * 10) / 10};`));
    });

    it('GetWinBpAssessment lists the latest weekly run of each machine by default, every run on request', async () => {
        const latest = await run(source, 'GetWinBpAssessment', { max_results: 50_000 });
        const every = await run(source, 'GetWinBpAssessment', { latest_run_only: false, max_results: 50_000 });
        const key = (f: Record<string, unknown>) => `${String(f.computer)}|${String(f.recommendationId)}|${String(f.affectedObjectName)}`;
        // One run per machine: no recommendation twice for the same object.
        assert.equal(new Set(latest.items.map(key)).size, latest.items.length);
        assert.ok(
            every.items.length > latest.items.length * 2,
            `${every.items.length} rows in every run, ${latest.items.length} in the latest`,
        );
        const newest = new Map<string, string>();
        for (const f of every.items) {
            const computer = String(f.computer);
            if (String(f.timeGenerated) > (newest.get(computer) ?? '')) {
                newest.set(computer, String(f.timeGenerated));
            }
        }
        assert.deepEqual(
            latest.items.map(key).sort(),
            every.items
                .filter((f) => f.timeGenerated === newest.get(String(f.computer)))
                .map(key)
                .sort(),
        );
        assert.equal(latest.summary.findings, latest.items.length);
        const text = await runTool('GetWinBpAssessment', { source }, {});
        assert.ok(
            text.ok &&
                text.text.includes(`${latest.items.length} failed Windows Server recommendations on `) &&
                text.text.includes(', latest run of each machine ('),
        );
    });

    it('GetSwConfig lists the agents and SQL Server releases the other tools report for each machine', async () => {
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const sql = await run(source, 'GetSqlMetadata', { max_results: 1000 });
        const scopes = await source.listScopes();
        const inventory: Record<string, unknown>[] = [];
        for (const w of scopes.workspaces) {
            inventory.push(...(await run(source, 'GetSwConfig', { workspace_id: w.customerId, max_results: 10_000 })).items);
        }
        const on = (machine: string, pattern: RegExp) =>
            inventory.filter((i) => i.computer === machine && pattern.test(String(i.name))).map((i) => String(i.version));
        let checked = 0;
        for (const m of servers.items) {
            const name = String(m.name);
            if (!inventory.some((i) => i.computer === name)) {
                continue; // sends no inventory (no agent, or gone quiet before the range)
            }
            checked++;
            assert.deepEqual(on(name, /^(Azure Connected Machine Agent|azcmagent)$/), m.kind === 'arc' ? [m.agentVersion] : [], name);
            const ama = m.monitoringAgent === 'ama' || m.monitoringAgent === 'both';
            assert.equal(
                on(name, /^(Azure Monitor Agent|azuremonitoragent)$/).length,
                ama ? 1 : 0,
                `${name}: ${String(m.monitoringAgent)}`,
            );
            const releases = sql.items
                .filter((i) => i.machineName === name)
                .map((i) => `${String(i.version).replace('SQL Server ', '')} ${String(i.currentVersion)}`);
            const listed = inventory
                .filter((i) => i.computer === name && /^Microsoft SQL Server \d{4} \(64-bit\)$/.test(String(i.name)))
                .map((i) => `${/\d{4}/.exec(String(i.name))?.[0]} ${String(i.version)}`);
            assert.deepEqual(listed.sort(), [...new Set(releases)].sort(), name);
        }
        assert.ok(checked > 30, `${checked} machines checked`);
    });

    it('GetSwConfig and GetSwChangesList show what the inventory holds, with previous versions of modified software', async () => {
        const scopes = await source.listScopes();
        const workspaceId = source.defaultWorkspaceId ?? scopes.workspaces[0].customerId;
        const changes = await source.getSoftwareChanges({ workspaceId, from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW });
        const modified = changes.rows.find((c) => c.changeCategory === 'Modified');
        assert.ok(modified, 'the sample has a modified package in the last 7 days');
        const out = await run(source, 'GetSwChangesList', {
            server_name: modified.computer,
            change_category: ['Modified'],
            max_results: 1000,
        });
        assert.ok(
            out.items.some(
                (c) =>
                    c.name === modified.name &&
                    c.previousVersion === modified.previousVersion &&
                    c.currentVersion === modified.currentVersion &&
                    c.timeGenerated === modified.timeGenerated,
            ),
        );
        const times = out.items.map((c) => c.timeGenerated as string);
        assert.deepEqual(times, [...times].sort().reverse(), 'newest first');

        const withUpdates = await run(source, 'GetSwConfig', { include_updates: true, max_results: 50_000 });
        const withoutUpdates = await run(source, 'GetSwConfig', { max_results: 50_000 });
        assert.ok(withoutUpdates.items.length > 0);
        assert.ok(withoutUpdates.items.every((s) => s.type !== 'Update'));
        assert.ok(withUpdates.items.length >= withoutUpdates.items.length);
    });

    it('GetAnomalies reports planted anomalies of the last 7 days on the right machine and metric', async () => {
        const workspace = (await source.listScopes()).workspaces.find((w) => w.customerId === source.defaultWorkspaceId);
        assert.ok(workspace);
        const machines = (
            await source.getMachines({ subscriptionIds: (await source.listScopes()).subscriptions.map((s) => s.subscriptionId) })
        ).rows;
        const inWorkspace = new Set(machines.filter((m) => m.workspaceId === workspace.customerId).map((m) => m.name));
        const weekAgo = NOW.getTime() - 7 * 86_400_000;
        const planted = source.groundTruth().filter((a) => inWorkspace.has(a.computer) && Date.parse(a.start) >= weekAgo);
        assert.ok(planted.length > 0, 'anomalies were planted in the last week');
        const out = await run(source, 'GetAnomalies', { max_results: 1000 });
        const found = planted.filter((a) =>
            out.items.some(
                (i) =>
                    i.computer === a.computer &&
                    i.metric === a.metric &&
                    Date.parse(i.start as string) <= Date.parse(a.end) + 3_600_000 &&
                    Date.parse(i.end as string) >= Date.parse(a.start) - 3_600_000,
            ),
        );
        assert.ok(found.length >= Math.ceil(planted.length * 0.8), `found ${found.length} of ${planted.length} planted anomalies`);
        const scores = out.items.map((i) => i.score as number);
        assert.deepEqual(
            scores,
            [...scores].sort((a, b) => b - a),
            'sorted by score',
        );
        assert.ok(scores.every((s) => s >= 0 && s <= 100));
        const charted = await run(source, 'GetAnomalies', { include_series: true, max_results: 3 });
        const series = charted.series as {
            computer: string;
            counter: string;
            values: (number | null)[];
            expected: (number | null)[];
            lower: (number | null)[];
            upper: (number | null)[];
        }[];
        // The series of the incidents shown and of the disks filling up or low on space that are listed, each once.
        const listed = [
            ...charted.items,
            ...(charted.filling as Record<string, unknown>[]),
            ...(charted.lowSpace as Record<string, unknown>[]),
        ].map((i) => `${String(i.computer)} ${String(i.counter)}`);
        assert.deepEqual(new Set(series.map((s) => `${s.computer} ${s.counter}`)), new Set(listed));
        assert.equal(series.length, new Set(listed).size);
        assert.ok((charted.filling as unknown[]).length > 0, 'a disk filling up is charted too');
        assert.ok((charted.lowSpace as unknown[]).length > 0, 'and a disk low on space');
        for (const s of series) {
            assert.equal(s.values.length, s.expected.length);
            assert.equal(s.values.length, s.upper.length);
            assert.equal(s.values.length, 7 * 24, 'the chart covers the timespan at the resolution');
        }
    });
});

describe('GetAnomalies when it reads little or nothing', () => {
    const source = sampleSource();

    it('says no series was read rather than "no anomalies", and where the data begins when it is short of the timespan', async () => {
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const scopes = await source.listScopes();
        const defaultWorkspace = source.defaultWorkspaceId ?? scopes.workspaces[0].customerId;
        const unmonitored = servers.items.find((m) => m.monitoringAgent === 'none' && m.status === 'Connected');
        assert.ok(unmonitored, 'a running machine without a monitoring agent');
        assert.ok(defaultWorkspace);
        const none = await runTool('GetAnomalies', { source }, { server_name: String(unmonitored.name), timespan: '1d' });
        assert.ok(none.ok, none.ok ? '' : none.message);
        assert.equal(
            none.text.split('\n')[1],
            'No CPU or disk series was read for the machines chosen in the last 1d, so nothing could be judged (see the warnings).',
        );
        assert.match(none.text, /it has no monitoring agent/);
        const long = await runTool('GetAnomalies', { source }, { timespan: '60d' });
        assert.ok(long.ok);
        assert.match(
            long.text.split('\n')[1],
            / The data read begins \d{4}-\d\d-\d\d \d\d:\d\dZ, not at the start of the 60d asked for\.$/,
        );
        const month = await runTool('GetAnomalies', { source }, { timespan: '30d' });
        assert.ok(month.ok && !month.text.includes('The data read begins'), 'thirty days are there');
    });
});

describe('GetAnomalies on disks that fill up', () => {
    const source = sampleSource({ machines: 300 });

    it('says how fast a planted leak still fills its disk and when it is full, and that one which stopped is flat', async () => {
        const result = await runTool('GetAnomalies', { source }, { timespan: '30d', metric: 'disk', max_results: 1000 });
        if (!result.ok) {
            assert.fail(result.message);
        }
        const out = result.structured as Structured;
        const now = NOW.getTime();
        const day = 86_400_000;
        const trendsOf = (computer: string, start: string, end: string) =>
            out.items.filter(
                (i) =>
                    i.computer === computer &&
                    i.metric === 'diskFree' &&
                    i.direction === 'trend' &&
                    Date.parse(i.start as string) <= Date.parse(end) + 3_600_000 &&
                    Date.parse(i.end as string) >= Date.parse(start) - 3_600_000,
            );
        const leaks = source.groundTruth().filter((a) => a.kind === 'trend');
        // Leaking through the last two days (the pace is read from them): at the planted 2.5–5 % a day, give or take noise.
        const ongoing = leaks.filter((a) => Date.parse(a.end) >= now && Date.parse(a.start) <= now - 2 * day);
        const stopped = leaks.filter((a) => Date.parse(a.end) <= now - 2 * day);
        let checkedOngoing = 0;
        for (const leak of ongoing) {
            for (const i of trendsOf(leak.computer, leak.start, leak.end)) {
                const rate = i.ratePerDay as number;
                assert.ok(rate < -2 && rate > -5.5, `${leak.computer}: ${rate} % a day`);
                assert.equal(typeof i.fullAt, 'string', `${leak.computer}: a full date`);
                assert.equal(i.ongoing, true, `${leak.computer}: still going on`);
                const daysLeft = (Date.parse(i.fullAt as string) - now) / day;
                const expectedDays = (i.latest as number) / -rate;
                assert.ok(
                    Math.abs(daysLeft - expectedDays) < 0.15 * expectedDays + 0.5,
                    `${leak.computer}: ${daysLeft} vs ${expectedDays} days`,
                );
                checkedOngoing++;
            }
        }
        let checkedStopped = 0;
        for (const leak of stopped) {
            for (const i of trendsOf(leak.computer, leak.start, leak.end)) {
                assert.ok(
                    Math.abs(i.ratePerDay as number) < 0.5,
                    `${leak.computer}: ${String(i.ratePerDay)} % a day after the leak stopped`,
                );
                assert.equal(i.fullAt, null, leak.computer);
                assert.equal(i.ongoing, false, leak.computer);
                checkedStopped++;
            }
        }
        assert.ok(checkedOngoing >= 2 && checkedStopped >= 2, `${checkedOngoing} ongoing and ${checkedStopped} stopped leaks checked`);
        assert.ok(
            out.items.filter((i) => i.direction !== 'trend').every((i) => i.ratePerDay === null && i.fullAt === null),
            'a pace only for trends',
        );
        assert.match(result.text, /\| trend -\d+(\.\d+)?%\/day, full ~2026-12-\d\d \d\d:\d\dZ \|/, 'the text table says it too');
        // Every incident with a full date is a disk on the filling list, at the same pace and date.
        const filling = out.filling as Record<string, unknown>[];
        for (const i of out.items.filter((i) => i.fullAt !== null)) {
            const disk = filling.find((d) => d.computer === i.computer && d.counter === i.counter);
            assert.deepEqual(
                disk && [disk.basis, disk.ratePerDay, disk.fullAt],
                ['trend', i.ratePerDay, i.fullAt],
                `${String(i.computer)} is on the filling list`,
            );
        }
    });

    it('lists every disk that fills up, soonest first: leaks going on, and disks that fill steadily without any anomaly', async () => {
        interface Filling {
            computer: string;
            counter: string;
            ratePerDay: number;
            fullAt: string;
            basis: string;
            latest: number;
        }
        // Each workspace in turn (what was planted on a machine is in the workspace it reports to); the default one first.
        const workspaces = ((await source.listScopes()).workspaces as { customerId: string }[]).map((w) => w.customerId);
        workspaces.sort((a, b) => Number(b === source.defaultWorkspaceId) - Number(a === source.defaultWorkspaceId));
        const runs = await Promise.all(
            workspaces.map((workspace_id) =>
                runTool('GetAnomalies', { source }, { workspace_id, timespan: '7d', metric: 'disk', max_results: 1000 }),
            ),
        );
        const [result] = runs;
        if (!runs.every((r) => r.ok) || !result.ok) {
            assert.fail(runs.map((r) => (r.ok ? '' : r.message)).join(' '));
        }
        const out = result.structured as Structured;
        const filling = out.filling as Filling[];
        const everywhere = runs.flatMap((r) => (r.ok ? ((r.structured as Structured).filling as Filling[]) : []));
        const now = NOW.getTime();
        const day = 86_400_000;
        const growing = source.growingDisks();
        assert.ok(growing.length >= 3, `${growing.length} steadily filling disks in the estate`);
        for (const g of growing) {
            const disk = everywhere.find((d) => d.computer === g.computer);
            assert.ok(disk, `${g.computer}, filling ${g.ratePerDay.toFixed(2)} % a day, is listed`);
            assert.equal(disk.basis, 'steady', g.computer);
            assert.ok(Math.abs(disk.ratePerDay + g.ratePerDay) < 0.1, `${g.computer}: ${disk.ratePerDay} vs -${g.ratePerDay} % a day`);
            const error = Math.abs(Date.parse(disk.fullAt) - Date.parse(g.fullAt)) / day;
            assert.ok(error < 0.1 * ((Date.parse(g.fullAt) - now) / day) + 1, `${g.computer}: full ${disk.fullAt}, planted ${g.fullAt}`);
        }
        // Leaks that go on are listed at their pace now (as an ongoing trend, or one the detector saw as a level shift so
        // far, at the pace of the last day); none that stopped two days or more ago is.
        const leaks = source.groundTruth().filter((a) => a.kind === 'trend');
        const going = leaks.filter((a) => Date.parse(a.end) >= now && Date.parse(a.start) <= now - 2 * day);
        assert.ok(going.length >= 3, `${going.length} leaks going on`);
        for (const a of going) {
            const disk = everywhere.find((d) => d.computer === a.computer);
            assert.ok(disk && disk.basis !== 'steady', `${a.computer}: ${disk?.basis}`);
            assert.ok(disk.ratePerDay < -2 && disk.ratePerDay > -5.5, `${a.computer}: ${disk.ratePerDay} % a day`);
        }
        assert.ok(everywhere.some((d) => d.basis === 'recent') && everywhere.some((d) => d.basis === 'trend'));
        // Stopped more than a day and six hours ago: the last six hours no longer fall against the same hours a day earlier.
        const stopped = leaks.filter((a) => Date.parse(a.end) <= now - 30 * 3_600_000);
        assert.ok(
            stopped.some((a) => Date.parse(a.end) > now - 2 * day),
            'a leak that stopped less than two days ago',
        );
        for (const a of stopped) {
            assert.ok(!everywhere.some((d) => d.computer === a.computer), `${a.computer}: its leak stopped on ${a.end}`);
        }
        assert.deepEqual(
            filling.map((d) => d.fullAt),
            filling.map((d) => d.fullAt).sort(),
            'soonest first',
        );
        assert.equal(out.summary.disksFilling, filling.length);
        assert.equal(out.summary.firstFullAt, filling[0].fullAt);
        const first = filling[0];
        const lines = result.text.split('\n');
        assert.ok(
            lines[1].includes(
                ` ${filling.length} disks filling up, the first full around ${first.fullAt.slice(0, 10)} ${first.fullAt.slice(11, 16)}Z at its present pace.`,
            ),
            lines[1],
        );
        assert.ok(
            lines[2].startsWith(
                `Disks filling up, soonest first: ${first.computer} ${first.counter}: ${first.latest}% free, ${first.ratePerDay}%/day`,
            ),
            lines[2],
        );
        const few = await run(source, 'GetAnomalies', { timespan: '7d', metric: 'disk', max_results: 2 });
        assert.deepEqual(few.filling, filling.slice(0, 2), 'max_results bounds the list');
        assert.equal(few.summary.disksFilling, filling.length, 'the summary counts them all');
    });
});

describe('GetAnomalies on disks low on space', () => {
    const source = sampleSource({ machines: 300 });
    interface Low {
        computer: string;
        counter: string;
        latest: number;
        latestAt: string;
        fullAt: string | null;
        freeGb: number | null;
    }

    it('lists every disk under 10 % free in every workspace, lowest first, flat or filling, and names them in its text', async () => {
        const scopes = await run(source, 'ListScopes');
        const workspaces = (scopes.workspaces as { customerId: string }[]).map((w) => w.customerId);
        assert.ok(workspaces.length >= 2);
        const low: Low[] = [];
        for (const workspace_id of workspaces) {
            const result = await runTool('GetAnomalies', { source }, { workspace_id, metric: 'disk', max_results: 1000 });
            if (!result.ok) {
                assert.fail(result.message);
            }
            const out = result.structured as Structured;
            const list = out.lowSpace as Low[];
            assert.equal(out.summary.disksLow, list.length);
            assert.equal(out.summary.lowFreeSpace, 10);
            assert.deepEqual(
                list.map((d) => d.latest),
                list.map((d) => d.latest).sort((a, b) => a - b),
                'lowest first',
            );
            const filling = out.filling as { computer: string; counter: string; fullAt: string }[];
            for (const d of list) {
                assert.ok(d.latest < 10 && d.latest >= 0, `${d.computer}: ${d.latest} %`);
                // The latest value of the window: the end of the series, not an old sample.
                assert.ok(NOW.getTime() - Date.parse(d.latestAt) <= 3_600_000, `${d.computer} measured at ${d.latestAt}`);
                const fills = filling.find((f) => f.computer === d.computer && f.counter === d.counter);
                assert.equal(d.fullAt, fills?.fullAt ?? null, `${d.computer}: full when its filling entry says`);
                // What is left in GB: that share of the machine's system disk (127–512 GB Windows, 30–128 GB Linux images).
                const sizeGb = d.freeGb === null ? NaN : (d.freeGb / d.latest) * 100;
                const sizes = d.counter.startsWith('C:') ? [127, 256, 512] : [30, 64, 128];
                assert.ok(
                    sizes.some((size) => Math.abs(sizeGb - size) < size * 0.05),
                    `${d.computer}: ${d.freeGb} GB at ${d.latest} % is a ${sizeGb} GB disk`,
                );
            }
            if (list.length > 0) {
                const first = list[0];
                const lines = result.text.split('\n');
                assert.ok(
                    lines[1].includes(
                        ` ${list.length === 1 ? '1 disk' : `${list.length} disks`} under 10% free, the lowest ${first.computer} ${first.counter} at ${first.latest}%.`,
                    ),
                    lines[1],
                );
                const line = lines.find((l) => l.startsWith('Disks under 10% free, lowest first: ')) ?? '';
                assert.ok(line.includes(`${first.computer} ${first.counter}: ${first.latest}% free (${first.freeGb} GB)`), line);
            }
            low.push(...list);
        }
        // Every disk the estate keeps nearly full all month is found, and it is flat: not filling.
        const planted = source.lowDisks();
        assert.ok(planted.length >= 5, `${planted.length} disks nearly full in the estate`);
        for (const p of planted) {
            const disk = low.find((d) => d.computer === p.computer);
            assert.ok(disk, `${p.computer}, ${p.freeAtEnd.toFixed(1)} % free, is listed`);
            assert.ok(Math.abs(disk.latest - p.freeAtEnd) < 1.5, `${p.computer}: ${disk.latest} vs ${p.freeAtEnd} %`);
            assert.equal(disk.fullAt, null, `${p.computer} is flat`);
        }
        // And nothing else: at the fixed clock no leak or steadily filling disk of this estate is under 10 % yet (filling disks
        // under the threshold, with their full date, are checked at 30 % below).
        assert.deepEqual(low.map((d) => d.computer).sort(), planted.map((p) => p.computer).sort());
    });

    it('takes the threshold from low_free_space, and refuses one that is not a percentage', async () => {
        const at10 = await run(source, 'GetAnomalies', { metric: 'disk', max_results: 1000 });
        const at30 = await run(source, 'GetAnomalies', { metric: 'disk', max_results: 1000, low_free_space: 30 });
        const low10 = at10.lowSpace as Low[];
        const low30 = at30.lowSpace as Low[];
        assert.equal(at30.summary.lowFreeSpace, 30);
        assert.ok(low30.length > low10.length, `${low30.length} under 30 %, ${low10.length} under 10 %`);
        assert.ok(low30.every((d) => d.latest < 30));
        assert.deepEqual(
            low30.filter((d) => d.latest < 10),
            low10,
            'the same disks under 10 %',
        );
        // Growing disks are planted to end at 10–35 % free: some of them are under 30 % and filling.
        assert.ok(low30.some((d) => d.fullAt !== null));
        const few = await run(source, 'GetAnomalies', { metric: 'disk', max_results: 2, low_free_space: 30 });
        assert.deepEqual(few.lowSpace, low30.slice(0, 2), 'max_results bounds the list');
        assert.equal(few.summary.disksLow, low30.length, 'the summary counts them all');
        for (const bad of [0, -5, 101, '20%']) {
            const result = await runTool('GetAnomalies', { source }, { low_free_space: bad });
            assert.ok(!result.ok && result.kind === 'input', JSON.stringify(bad));
            assert.match(result.message, /low_free_space/);
        }
        const cpu = await run(source, 'GetAnomalies', { metric: 'cpu' });
        assert.deepEqual(cpu.lowSpace, [], 'no disk series, no disk low on space');
    });
});

describe('GetAnomalies on machines that stopped reporting', () => {
    const source = sampleSource({ machines: 300 });

    it('lists every machine with no data for 3 hours, most recent first: agents gone quiet on connected machines, and machines off', async () => {
        const scopes = await run(source, 'ListScopes');
        const servers = await run(source, 'GetServerMetadata', { max_results: 1000 });
        const status = new Map(servers.items.map((m) => [m.name as string, m.status as string]));
        interface Silent {
            computer: string;
            lastData: string;
            hoursSilent: number;
            reason?: string;
        }
        const silent: Silent[] = [];
        for (const { customerId } of scopes.workspaces as { customerId: string }[]) {
            const result = await runTool('GetAnomalies', { source }, { workspace_id: customerId, max_results: 1000 });
            if (!result.ok) {
                assert.fail(result.message);
            }
            const out = result.structured as Structured;
            const list = out.silent as Silent[];
            assert.equal(out.summary.machinesSilent, list.length);
            assert.deepEqual(
                list.map((m) => m.hoursSilent),
                list.map((m) => m.hoursSilent).sort((a, b) => a - b),
                'most recent first',
            );
            for (const m of list) {
                assert.ok(m.hoursSilent >= 3, `${m.computer}: ${m.hoursSilent} h`);
                // Counted from the end of the last hourly bin with data: never more than it surely was.
                assert.equal(m.hoursSilent, Math.round(((NOW.getTime() - Date.parse(m.lastData) - 3_600_000) / 3_600_000) * 10) / 10);
            }
            if (list.length > 0) {
                const line = result.text
                    .split('\n')
                    .find((l) => l.startsWith('Stopped reporting (no data in the series read for 3 h or more), most recent first: '));
                const why = list[0].reason ? `; ${list[0].reason})` : ')';
                assert.ok(
                    line?.includes(
                        `${list[0].computer} (last data ${list[0].lastData.slice(0, 10)} ${list[0].lastData.slice(11, 16)}Z${why}`,
                    ),
                    line,
                );
                assert.match(
                    result.text.split('\n')[1],
                    new RegExp(
                        ` ${list.length === 1 ? '1 machine has' : `${list.length} machines have`} sent no data for 3 hours or more\\.`,
                    ),
                );
            }
            silent.push(...list);
        }
        // Every agent planted to fall silent is listed, at the hour of its last sample; Azure Arc still calls the machine connected.
        const planted = source.silentMachines();
        assert.ok(planted.length >= 2, `${planted.length} machines gone quiet`);
        for (const p of planted) {
            const m = silent.find((s) => s.computer === p.computer);
            assert.ok(m, `${p.computer}, quiet since ${p.lastSample}, is listed`);
            // Hourly bins are read from hourly samples: the last one is the last whole hour before the agent stopped.
            const behind = Date.parse(p.lastSample) - Date.parse(m.lastData);
            assert.ok(behind >= 0 && behind < 2 * 3_600_000, `${p.computer}: last data ${m.lastData}, last sample ${p.lastSample}`);
            assert.ok(['Connected', 'Running'].includes(status.get(p.computer) ?? ''), `${p.computer} is ${status.get(p.computer)}`);
            // Azure says why: the agent's update failed.
            assert.match(
                String(m.reason),
                /^its monitoring agent \(AzureMonitor(Windows|Linux)Agent\) is in the Failed state: .*no data has been sent since$/,
            );
        }
        // Any other machine listed is one Azure also reports as off or unreachable; none that reports is listed.
        const others = silent.filter((m) => !planted.some((p) => p.computer === m.computer));
        assert.ok(others.length > 0, 'the estate has disconnected and stopped machines');
        for (const m of others) {
            assert.ok(
                ['Disconnected', 'Expired', 'Stopped', 'Deallocated'].includes(status.get(m.computer) ?? ''),
                `${m.computer}: ${status.get(m.computer)}`,
            );
            assert.match(String(m.reason), new RegExp(`^it is ${status.get(m.computer)} since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ$`));
        }
        const few = await run(source, 'GetAnomalies', { max_results: 1 });
        assert.equal((few.silent as unknown[]).length, Math.min(1, Number(few.summary.machinesSilent)));
    });
});

describe('GetAnomalies: which machines stopped reporting', () => {
    const HOUR = 3_600_000;
    const end = Date.parse('2026-11-26T12:00:00Z');
    /** A 48-hour hourly CPU series under `computer` whose last value is `silentFor` hours before the end. */
    const series = (computer: string, silentFor: number) => {
        const values = new Float64Array(48).fill(NaN);
        values.fill(20, 0, 48 - silentFor);
        return {
            computer,
            metric: 'cpu' as const,
            counter: '% Processor Time',
            unit: '%' as const,
            start: end - 48 * HOUR,
            stepMs: HOUR,
            values,
        };
    };

    it('counts a machine whose agent changed its name as silent only when it is silent under every name', () => {
        const silent = silentMachines(
            [
                series('WEB01', 10), // the retired agent's name, gone 10 h ago …
                series('web01.contoso.local', 0), // … the new agent's name, reporting now
                series('DB01', 5),
                series('APP01', 12),
                series('app01.contoso.local', 8),
            ],
            end,
        );
        assert.deepEqual(
            silent.map((m) => [m.computer, m.hoursSilent]),
            [
                ['DB01', 5],
                ['app01.contoso.local', 8],
            ],
        );
    });
});

describe('GetAnomalies on a short timespan', () => {
    const source = sampleSource({ machines: 300 });

    it('still lists a disk that began filling before the timespan and fills on, and not one whose leak has stopped', async () => {
        const now = NOW.getTime();
        const day = 86_400_000;
        const result = await runTool('GetAnomalies', { source }, { timespan: '1d', metric: 'disk', max_results: 1000 });
        if (!result.ok) {
            assert.fail(result.message);
        }
        const out = result.structured as Structured;
        const windowStart = now - day;
        const leaks = source.groundTruth().filter((a) => a.kind === 'trend' && a.metric === 'diskFree');
        const listed = (computer: string) =>
            out.items.filter((i) => i.computer === computer && i.metric === 'diskFree' && i.direction === 'trend');
        // Began more than a day before the window (so their incident closed before it), leaking until now, and seen by the
        // detector as a trend over 30 days (a leak that starts slowly can be a level shift: one new level adopted, not two).
        const month = await run(source, 'GetAnomalies', { timespan: '30d', metric: 'disk', max_results: 1000 });
        const trends = new Set(month.items.filter((i) => i.direction === 'trend').map((i) => i.computer));
        const ongoing = leaks.filter((a) => Date.parse(a.start) < windowStart - day && Date.parse(a.end) >= now && trends.has(a.computer));
        assert.ok(ongoing.length >= 2, `${ongoing.length} leaks began before the window and go on`);
        for (const leak of ongoing) {
            const items = listed(leak.computer);
            assert.equal(items.length, 1, leak.computer);
            assert.ok(Date.parse(items[0].start as string) < windowStart, `${leak.computer} began before the window`);
            assert.equal(items[0].ongoing, true);
            assert.ok((items[0].ratePerDay as number) < -2);
        }
        const stopped = leaks.filter((a) => Date.parse(a.end) < windowStart - day);
        assert.ok(stopped.length >= 2);
        for (const leak of stopped) {
            assert.deepEqual(listed(leak.computer), [], `${leak.computer}: stopped before the window`);
        }
        const fromBefore = out.items.filter((i) => Date.parse(i.end as string) < windowStart);
        assert.ok(fromBefore.length >= ongoing.length && fromBefore.every((i) => i.ongoing === true));
        // Charted, such an incident's series starts where the incident does, not at the timespan's start.
        const charted = await run(source, 'GetAnomalies', { timespan: '1d', metric: 'disk', max_results: 1000, include_series: true });
        for (const i of charted.items.filter((item) => item.ongoing === true && Date.parse(String(item.start)) < windowStart)) {
            const s = (charted.series as { computer: string; counter: string; start: string }[]).find(
                (c) => c.computer === i.computer && c.counter === i.counter,
            );
            assert.ok(s && Date.parse(s.start) <= Date.parse(String(i.start)), `${String(i.computer)}: chart from ${s?.start}`);
        }
        assert.match(
            result.text,
            new RegExp(`in the last 1d \\(${fromBefore.length} of them trends that began earlier and still go on\\)`),
        );
    });
});

describe('GetAnomalies over timespans of different lengths', () => {
    const source = sampleSource({ machines: 300 });

    it('finds the same incidents in the last days whatever timespan was asked for: every scan learns from the same history', async () => {
        const month = await run(source, 'GetAnomalies', { timespan: '30d', max_results: 10_000 });
        const key = (i: Record<string, unknown>) =>
            `${String(i.computer)}|${String(i.counter)}|${String(i.start)}|${String(i.direction)}|${String(i.score)}`;
        let compared = 0;
        for (const days of [1, 2, 3, 7, 14]) {
            const windowStart = NOW.getTime() - days * 86_400_000;
            const out = await run(source, 'GetAnomalies', { timespan: `${days}d`, max_results: 10_000 });
            const expected = month.items.filter((i) => Date.parse(String(i.end)) >= windowStart || i.ongoing === true).map(key);
            assert.deepEqual(out.items.map(key).sort(), expected.sort(), `${days}d`);
            compared += expected.length;
        }
        assert.ok(compared > 20, `${compared} incidents compared`);
    });
});

describe('GetAnomalies: what an incident shows', () => {
    it('says of an incident on a disk that is filling up now that it is, with the pace and date the filling list gives', async () => {
        const answer = await runTool('GetAnomalies', { source: sampleSource({ machines: 300 }) }, { max_results: 1000 });
        assert.ok(answer.ok);
        const structured = answer.structured as { items: Record<string, unknown>[]; filling: Record<string, unknown>[] };
        const onFilling = structured.items.filter(
            (i) => i.direction !== 'trend' && structured.filling.some((f) => f.computer === i.computer && f.counter === i.counter),
        );
        assert.ok(onFilling.length > 0, 'the sample has a leak that began as a step');
        for (const i of onFilling) {
            const f = structured.filling.find((d) => d.computer === i.computer && d.counter === i.counter);
            const row = answer.text
                .split('\n')
                .find((line) => line.startsWith(`| ${String(i.score)} | ${String(i.computer)} | ${String(i.counter)} |`));
            assert.ok(row, String(i.computer));
            assert.ok(
                row.includes(`${String(i.direction)}; filling now ${String(f?.ratePerDay)}%/day, full ~${String(f?.fullAt).slice(0, 10)}`),
                row,
            );
        }
    });

    it('shows a spike above and a dip below what was expected, at the point furthest from it', async () => {
        const large = sampleSource({ machines: 300 });
        const shown = [];
        for (const timespan of ['7d', '30d']) {
            const answer = await run(large, 'GetAnomalies', { timespan, max_results: 1000 });
            shown.push(...answer.items.filter((i) => i.direction === 'spike' || i.direction === 'dip'));
        }
        assert.ok(shown.some((i) => i.direction === 'spike') && shown.some((i) => i.direction === 'dip'));
        for (const i of shown) {
            const above = (i.actual as number) > (i.expected as number);
            assert.equal(
                above,
                i.direction === 'spike',
                `${String(i.computer)} ${String(i.counter)} ${String(i.start)}: ${String(i.direction)} at ${String(i.actual)} vs ${String(i.expected)}`,
            );
        }
    });
});

describe('GetAnomalies on a large estate', () => {
    const source = sampleSource({ machines: 500 });

    it('names the first ten disks filling up in its text and says where the others are', async () => {
        const all = await runTool('GetAnomalies', { source }, { timespan: '7d', metric: 'disk', max_results: 1000 });
        assert.ok(all.ok);
        const filling = (all.structured as Structured).filling as { computer: string }[];
        assert.ok(filling.length > 10, `${filling.length} disks filling up`);
        const line = all.text.split('\n').find((l) => l.startsWith('Disks filling up, soonest first: ')) ?? '';
        assert.equal(line.split('; ').filter((part) => /% free, -[\d.]+%\/day/.test(part)).length, 10, line);
        assert.ok(line.endsWith(`; and ${filling.length - 10} more in structuredContent (filling).`), line);
        const cut = await runTool('GetAnomalies', { source }, { timespan: '7d', metric: 'disk', max_results: 3 });
        assert.ok(cut.ok);
        assert.ok(
            cut.text.includes(
                `; and ${filling.length - 10} more (structuredContent's filling list holds the first 3; raise max_results for more).`,
            ),
            cut.text,
        );
    });
    const threads = process.env.INFRA_INSIGHTS_DETECTION_THREADS;
    const useThreads = (n: number) => (process.env.INFRA_INSIGHTS_DETECTION_THREADS = String(n));
    afterEach(() => {
        if (threads === undefined) {
            delete process.env.INFRA_INSIGHTS_DETECTION_THREADS;
        } else {
            process.env.INFRA_INSIGHTS_DETECTION_THREADS = threads;
        }
    });

    /** Runs a 30-day whole-fleet scan (about a million points), aborted after 10 ms; counts the timer ticks seen meanwhile. */
    async function abortedScan(): Promise<{ result: ToolRun; ticks: number }> {
        const controller = new AbortController();
        // The timers can only fire if the scan leaves the event loop free; a scan that never does would finish first.
        let ticks = 0;
        const ticker = setInterval(() => ticks++, 1);
        setTimeout(() => controller.abort(), 10);
        const result = await runTool('GetAnomalies', { source, signal: controller.signal }, { timespan: '30d' });
        clearInterval(ticker);
        return { result, ticks };
    }

    it('on worker threads finds exactly what one thread finds', async () => {
        useThreads(0);
        const before = { ...detectionStats };
        const here = await run(source, 'GetAnomalies', { timespan: '30d', max_results: 1000 });
        assert.equal(detectionStats.onThisThread, before.onThisThread + 1);
        useThreads(2);
        const pooled = await run(source, 'GetAnomalies', { timespan: '30d', max_results: 1000 });
        assert.equal(detectionStats.onWorkers, before.onWorkers + 1, 'the scan ran on the workers (run `npm run build` first)');
        assert.equal(detectionStats.workerFailures, before.workerFailures);
        assert.ok(here.items.length > 10);
        // Run from sources, the workers load dist/detection-worker.js: a stale build answers differently.
        assert.deepEqual(pooled.items, here.items, 'worker and single-thread answers differ (is dist/ built from these sources?)');
        assert.deepEqual(pooled.summary, here.summary);
    });

    it('on worker threads finds the same in series fetched into ordinary memory as in shared ones', async () => {
        // The sample estate's series live in shared memory, which the workers read in place, and arrive in batches;
        // fetched series (Azure's) are copied to the workers instead, and here all arrive at the end.
        const fetched: typeof source = Object.create(source);
        fetched.getMetricSeries = async (query) => {
            const answer = await source.getMetricSeries({ ...query, onSeries: undefined });
            return { ...answer, rows: answer.rows.map((s) => ({ ...s, values: Float64Array.from(s.values) })) };
        };
        useThreads(2);
        const before = { ...detectionStats };
        const shared = await run(source, 'GetAnomalies', { timespan: '30d', max_results: 1000 });
        const copied = await run(fetched, 'GetAnomalies', { timespan: '30d', max_results: 1000 });
        assert.equal(detectionStats.onWorkers, before.onWorkers + 2, 'both scans ran on the workers (run `npm run build` first)');
        assert.equal(detectionStats.workerFailures, before.workerFailures);
        assert.ok(shared.items.length > 10);
        assert.deepEqual(copied.items, shared.items);
        assert.deepEqual(copied.summary, shared.summary);
    });

    it('on worker threads stops when cancelled, and the next scan answers', async () => {
        useThreads(2);
        const { result, ticks } = await abortedScan();
        assert.equal(result.ok, false, 'the scan was cancelled');
        assert.equal(!result.ok && result.kind, 'cancelled');
        assert.ok(ticks > 0, 'timers ran during the scan');
        const next = await runTool('GetAnomalies', { source }, { timespan: '30d', max_results: 5 });
        assert.ok(next.ok, 'the next scan answers normally');
    });

    it('on this thread hands the event loop back, so a cancellation stops it part way', async () => {
        useThreads(0);
        const { result, ticks } = await abortedScan();
        assert.equal(result.ok, false, 'the scan was cancelled');
        assert.equal(!result.ok && result.kind, 'cancelled');
        assert.ok(ticks > 0, 'timers ran during the scan');
        const next = await runTool('GetAnomalies', { source }, { timespan: '1d', max_results: 5 });
        assert.ok(next.ok, 'the next scan answers normally');
    });
});

describe('tools on the hostile sample variant', () => {
    const source = sampleSource({ hostile: true });

    it('carries every planted string byte-identical through the structured output', async () => {
        const outputs = await Promise.all(
            ['GetServerMetadata', 'GetSqlMetadata', 'GetSwConfig', 'GetSwChangesList', 'GetSqlBpAssessment', 'GetPatchingLevel'].map(
                (name) => runTool(name, { source }, { max_results: 50_000, ...(name === 'GetSwChangesList' ? { timespan: '30d' } : {}) }),
            ),
        );
        const json = outputs.map((o) => (o.ok ? JSON.stringify(o.structured) : assert.fail(o.message))).join('\n');
        for (const planted of HOSTILE_STRINGS) {
            assert.ok(json.includes(JSON.stringify(planted).slice(1, -1)), `planted ${JSON.stringify(planted.slice(0, 40))} comes back`);
        }
    });

    it('keeps the text block one row per line, whatever the values hold', async () => {
        const result = await runTool('GetServerMetadata', { source }, { max_results: 50_000 });
        assert.ok(result.ok);
        // What Azure says of a machine in the Error state comes back as it is, and is said on one line.
        const failing = (result.structured.items as { status: string; statusMessage?: string }[]).filter((m) => m.status === 'Error');
        assert.ok(failing.length > 0 && failing.every((m) => m.statusMessage === HOSTILE_STRINGS[6]));
        const summary = result.text.split('\n')[1];
        assert.ok(summary.includes('in the Error state') && summary.includes('first line\\nsecond line'), summary.slice(0, 200));
        const tableLines = result.text.split('\n').filter((line) => line.startsWith('| '));
        assert.ok(tableLines.length > 2);
        const columns = tableLines[0].split(' | ').length;
        for (const line of tableLines) {
            assert.equal(line.replace(/\\\|/g, '').split(' | ').length, columns, line.slice(0, 120));
        }
    });
});
