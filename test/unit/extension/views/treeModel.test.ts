import * as assert from 'node:assert/strict';
import { PATCH_CLASSIFICATIONS, type PatchClassification } from '../../../../src/core/model';
import { overviewAnomalies, overviewInputs, patchesNodes } from '../../../../src/extension/views/queries';
import {
    anomalyCheckRequest,
    buildAnomaliesTree,
    buildAssessmentsTree,
    buildOverview,
    buildPatchesTree,
    buildServersTree,
    remedies,
    type TreeNodeModel,
} from '../../../../src/extension/views/treeModel';
import { windowsSeverity } from '../../../../src/core/summaries';
import { tableFromResult, type TableRequest } from '../../../../src/extension/webviews/tableSpecs';
import { TableIndex } from '../../../../src/shared/tableModel';
import { runTool } from '../../../../src/tools';
import { sampleSource } from '../../../helpers/fixtures';

type Answer = Record<string, unknown> & { summary: Record<string, number>; items: Record<string, unknown>[] };

async function answer(source: ReturnType<typeof sampleSource>, tool: string, args: Record<string, unknown> = {}): Promise<Answer> {
    const run = await runTool(tool, { source }, { max_results: 50_000, ...args });
    assert.ok(run.ok, run.ok ? '' : run.message);
    return run.structured as Answer;
}

/** The rows a person sees when an item's table opens: the tool run with its arguments, then its starting filters. */
async function rowsOpened(source: ReturnType<typeof sampleSource>, request: TableRequest | undefined) {
    assert.ok(request, 'the item opens a table');
    const table = tableFromResult(request, await answer(source, request.tool, request.args));
    const rows = new TableIndex(table).rowsFor({ text: '', facets: {}, ...request.initial }).map((r) => table.rows[r]);
    return { table, rows, cell: (row: (typeof rows)[number], key: string) => row[table.columns.findIndex((c) => c.key === key)] };
}

const allNodes = (nodes: TreeNodeModel[]): TreeNodeModel[] => nodes.flatMap((n) => [n, ...allNodes(n.children ?? [])]);

const leaves = (nodes: TreeNodeModel[]): TreeNodeModel[] => nodes.flatMap((n) => (n.children?.length ? leaves(n.children) : [n]));
const find = (nodes: TreeNodeModel[], id: string) => nodes.find((n) => n.id === id);

describe('sidebar trees built from tool answers (sample estate, fixed clock)', () => {
    const source = sampleSource();

    it('Overview: source, scope and headline figures match the tools, each opening its table', async () => {
        const inputs = await overviewInputs(source);
        const anomalies24h = await overviewAnomalies(source);
        const nodes = buildOverview({ ...inputs, anomalies24h });
        const patches = await answer(source, 'GetPatchingLevel');
        const servers = await answer(source, 'GetServerMetadata');
        assert.equal(nodes[0].label, 'Sample data');
        assert.match(nodes[0].tooltip ?? '', /Sample estate \(60 machines, seed 42\)/);
        assert.equal(find(nodes, 'signIn')?.command?.id, 'infraInsights.signIn');
        assert.match(find(nodes, 'scope')?.description ?? '', /^3 subscriptions, workspace /);
        assert.equal(find(nodes, 'scope')?.children?.length, 3 + 2);
        assert.equal(find(nodes, 'machines')?.label, `Machines: ${servers.summary.machines}`);
        const byStatus = servers.summary.byStatus as unknown as Record<string, number>;
        const disconnected = (byStatus.Disconnected ?? 0) + (byStatus.Expired ?? 0) + (byStatus.Error ?? 0);
        assert.match(find(nodes, 'machines')?.description ?? '', new RegExp(`, ${disconnected} disconnected$`));
        const machineChildren = find(nodes, 'machines')?.children ?? [];
        const child = (id: string) => machineChildren.find((c) => c.id === id);
        assert.equal(child('machines/outOfSupport')?.label, `Windows Server past extended support: ${servers.summary.outOfSupport}`);
        assert.ok(Number(servers.summary.outOfSupport) > 0, 'the sample estate runs Windows Server 2012 R2');
        assert.deepEqual(child('machines/outOfSupport')?.table?.args, { support: ['ended', 'esu'] });
        assert.equal(child('machines/supportEnding')?.label, `Leaving extended support within 180 days: ${servers.summary.supportEnding}`);
        assert.deepEqual(child('machines/supportEnding')?.table?.args, { support: ['ending'] });
        assert.equal(child('machines/disconnectedLong')?.label, `Disconnected 30 days or more: ${servers.summary.disconnectedLong}`);
        assert.ok(Number(servers.summary.disconnectedLong) > 0);
        assert.deepEqual(child('machines/disconnectedLong')?.table?.args, { status: ['Disconnected'], kind: 'arc' });
        assert.equal(child('machines/withoutAma')?.label, `Without the Azure Monitor Agent: ${servers.summary.withoutAzureMonitorAgent}`);
        assert.deepEqual(child('machines/withoutAma')?.table?.args, { monitoring_agent: ['none', 'legacy'] });
        assert.equal(child('machines/extensionsFailed')?.label, `With a failed extension: ${servers.summary.extensionsFailed}`);
        assert.equal(child('machines/agentOutOfSupport')?.label, `Arc agent more than a year old: ${servers.summary.agentOutOfSupport}`);
        assert.ok(Number(servers.summary.agentOutOfSupport) > 0, 'the sample estate has Arc agents not upgraded for over a year');
        assert.deepEqual(child('machines/agentOutOfSupport')?.table?.args, { agent_out_of_support: true });
        assert.deepEqual(child('machines/extensionsFailed')?.table?.args, { failed_extensions: true });
        assert.equal(
            child('machines/stoppedNotDeallocated')?.label,
            `Azure VMs stopped, still billed: ${servers.summary.stoppedNotDeallocated}`,
        );
        assert.deepEqual(child('machines/stoppedNotDeallocated')?.table?.args, { kind: 'azure-vm', status: ['Stopped'] });
        assert.ok(Number(servers.summary.withoutAzureMonitorAgent) > 0 && Number(servers.summary.extensionsFailed) > 0);
        // Extensions that could not be read are unknown, not zero: no child claims a count.
        const unknown = buildOverview({
            ...inputs,
            servers: { ...servers, summary: { ...servers.summary, withoutAzureMonitorAgent: null, extensionsFailed: null } },
        });
        const machinesUnknown = find(unknown, 'machines')?.children ?? [];
        assert.ok(
            machinesUnknown.length > 0 &&
                !machinesUnknown.some((c) => c.id === 'machines/withoutAma' || c.id === 'machines/extensionsFailed'),
        );
        assert.equal(find(nodes, 'compliance')?.label, `Patch compliance: ${patches.summary.compliancePercent}%`);
        const runs = find(nodes, 'compliance')?.children ?? [];
        assert.deepEqual(
            runs.map((c) => [c.label, c.table?.initial?.facets]),
            [
                [`Latest patch run failed: ${patches.summary.lastInstallFailed}`, { lastRun: ['Failed'] }],
                [`Maintenance window too short: ${patches.summary.lastInstallOutOfWindow}`, { lastRun: ['window exceeded'] }],
            ],
        );
        assert.equal(find(nodes, 'reboot')?.label, `Reboot pending: ${patches.summary.rebootPending}`);
        assert.deepEqual(find(nodes, 'reboot')?.table, {
            tool: 'GetPatchingLevel',
            args: { reboot_pending: true },
            view: 'machines',
            title: 'Machines waiting for a reboot',
        });
        assert.equal(
            find(nodes, 'critical')?.label,
            `Critical / security patches missing: ${patches.summary.criticalMissing + patches.summary.securityMissing}`,
        );
        // The overdue item counts what it opens (patches), and says on how many machines.
        const overdue = find(nodes, 'critical')?.children?.find((c) => c.id === 'critical/overdue');
        assert.deepEqual(overdue?.table?.args, { classification: ['Critical', 'Security'], older_than_days: 30 });
        const overdueTable = tableFromResult(
            overdue?.table ?? { tool: '', args: {} },
            await answer(source, 'GetPatchingLevel', overdue?.table?.args),
        );
        assert.ok(overdueTable.rows.length > 0);
        assert.equal(overdue?.label, `Overdue, published over 30 days ago: ${overdueTable.rows.length}`);
        assert.equal(overdue?.description, `on ${patches.summary.machinesOverdue} machines`);
        assert.equal(new Set(overdueTable.rows.map((r) => r[0])).size, patches.summary.machinesOverdue);
        const sql = await answer(source, 'GetSqlBpAssessment');
        assert.equal(
            find(nodes, 'sqlHigh')?.label,
            `High-severity SQL findings: ${(sql.summary.bySeverity as unknown as Record<string, number>).High}`,
        );
        const windows = await answer(source, 'GetWinBpAssessment');
        const windowsHigh = windows.items.filter((f) => windowsSeverity(Number(f.weight)) === 'High').length;
        assert.equal(find(nodes, 'winHigh')?.label, `High-severity Windows findings: ${windowsHigh}`);
        assert.match(find(nodes, 'anomalies')?.label ?? '', /^Anomalies in the last 24 h: \d+$/);
        const day = await answer(source, 'GetAnomalies', { timespan: '24h' });
        assert.ok(Number(day.summary.disksFilling) > 0, 'the sample estate has a disk filling up now');
        assert.equal(find(nodes, 'disksFilling')?.label, `Disks filling up: ${day.summary.disksFilling}`);
        assert.match(find(nodes, 'disksFilling')?.description ?? '', /^first full around \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
        const low = (day.lowSpace as Record<string, unknown>[])[0];
        assert.ok(low, 'the sample estate has a disk under 10 % free');
        assert.equal(find(nodes, 'disksLow')?.label, `Disks under 10 % free: ${day.summary.disksLow}`);
        assert.equal(
            find(nodes, 'disksLow')?.description,
            `lowest ${String(low.latest)} % on ${String(low.computer)} ${String(low.counter)}`,
        );
        // SQL Server: the databases at risk, each kind opening the SQL table filtered to exactly those databases.
        const sqlMeta = await answer(source, 'GetSqlMetadata', { max_results: 1000 });
        const ss = sqlMeta.summary as unknown as Record<string, number>;
        assert.equal(find(nodes, 'sql')?.label, `SQL Server: ${ss.instances} instances, ${ss.databases} databases`);
        const sqlTable = tableFromResult({ tool: 'GetSqlMetadata', args: {} }, sqlMeta);
        const sqlIndex = new TableIndex(sqlTable);
        const expectedRows: Record<string, number> = {
            'sql/recovery': ss.databasesNeedingRecovery,
            'sql/fullBackup': ss.databasesNeverBackedUp + ss.databasesWithStaleBackup,
            'sql/logBackup': ss.databasesWithoutLogBackup,
        };
        assert.ok(expectedRows['sql/fullBackup'] > 0 && expectedRows['sql/logBackup'] > 0);
        for (const [id, count] of Object.entries(expectedRows)) {
            const node = find(nodes, 'sql')?.children?.find((c) => c.id === id);
            assert.ok(node?.label?.endsWith(`: ${count}`), `${id}: ${node?.label}`);
            const facets = node?.table?.initial?.facets ?? {};
            assert.equal(sqlIndex.rowsFor({ text: '', facets }).length, count, id);
        }
        // The Evaluation item counts instances, and opens one row per instance.
        const evaluation = find(nodes, 'sql')?.children?.find((c) => c.id === 'sql/evaluation');
        assert.equal(evaluation?.label, `Instances on the Evaluation edition: ${ss.evaluationEdition}`);
        assert.ok(ss.evaluationEdition > 0);
        assert.deepEqual(evaluation?.table?.initial?.facets, { edition: ['Evaluation'] });
        const instancesTable = tableFromResult(evaluation?.table ?? { tool: '', args: {} }, sqlMeta);
        assert.equal(instancesTable.rows.length, ss.instances, 'one row per instance');
        assert.equal(
            new TableIndex(instancesTable).rowsFor({ text: '', facets: { edition: ['Evaluation'] } }).length,
            ss.evaluationEdition,
        );
        // The long-disconnected item opens exactly the servers it counts.
        const long = child('machines/disconnectedLong')?.table;
        assert.ok(long?.initial);
        const longTable = tableFromResult(long, await answer(source, 'GetServerMetadata', long.args));
        assert.ok(longTable.rows.length > Number(servers.summary.disconnectedLong), 'the tool lists more disconnected servers');
        assert.equal(new TableIndex(longTable).rowsFor({ text: '', facets: {}, ...long.initial }).length, servers.summary.disconnectedLong);
        for (const id of [
            'machines',
            'sql',
            'compliance',
            'reboot',
            'critical',
            'sqlHigh',
            'winHigh',
            'anomalies',
            'disksFilling',
            'disksLow',
            'silent',
        ]) {
            assert.ok(find(nodes, id)?.table, `${id} opens a table`);
        }
        assert.equal(find(nodes, 'disksFilling')?.table?.view, 'filling', 'the disks, not the incidents');
        assert.equal(find(nodes, 'disksLow')?.table?.view, 'lowSpace');
        // Not reporting: the machines that stopped lately and those that sent nothing in the 30 days read, both counted.
        const notReporting = find(nodes, 'silent');
        assert.ok(day.summary.machinesSilent > 0 && day.summary.machinesWithoutData > 0);
        assert.equal(notReporting?.label, `Not reporting: ${day.summary.machinesSilent + day.summary.machinesWithoutData}`);
        const firstSilent = (day.silent as Record<string, unknown>[])[0];
        assert.equal(
            notReporting?.description,
            `${day.summary.machinesSilent} stopped, latest ${String(firstSilent.computer)} ${String(firstSilent.hoursSilent)} h ago · ${day.summary.machinesWithoutData} with no data in 30 days`,
        );
        assert.equal(notReporting?.table?.view, 'silent');
        const notReportingRows = await rowsOpened(source, notReporting?.table);
        assert.equal(notReportingRows.rows.length, day.summary.machinesSilent + day.summary.machinesWithoutData, 'it opens what it counts');
    });

    it('Overview: on Azure with no account signed in it offers the sign-in; a workspace it cannot tell, Pick Workspace', async () => {
        const signedOut = buildOverview({
            sourceKind: 'azure',
            sourceDescription: 'Azure (test)',
            servers: new Error('Not signed in to Azure in VS Code.'),
        });
        const signIn = find(signedOut, 'signIn');
        assert.equal(signIn?.label, 'Sign in to Azure: no account is signed in');
        assert.equal(signIn?.command?.id, 'infraInsights.signIn');
        assert.equal(find(signedOut, 'pickWorkspace'), undefined);
        // The tools' own answer when several workspaces are visible and none is the default.
        const noDefault = sampleSource({ defaultWorkspaceId: '' });
        const anomalies24h = await overviewAnomalies(noDefault);
        assert.ok(anomalies24h instanceof Error);
        const nodes = buildOverview({ ...(await overviewInputs(noDefault, undefined, 'someone@contoso.example')), anomalies24h });
        const pick = find(nodes, 'pickWorkspace');
        assert.equal(pick?.command?.id, 'infraInsights.pickWorkspace');
        assert.equal(pick?.tooltip, anomalies24h.message);
        assert.equal(find(nodes, 'anomalies')?.error, true);
        // A whole tree that failed offers the same, beside its Retry item.
        assert.deepEqual(
            remedies([anomalies24h.message], { sourceKind: 'azure', account: 'someone@contoso.example' }).map((n) => n.command?.id),
            ['infraInsights.pickWorkspace'],
        );
        assert.deepEqual(
            remedies(['Resource Graph is throttling requests.'], { sourceKind: 'azure' }).map((n) => n.command?.id),
            ['infraInsights.signIn'],
        );
        assert.deepEqual(remedies(['Resource Graph is throttling requests.'], { sourceKind: 'azure', account: 'someone' }), []);
    });

    it('Overview: a figure still computing says so, a failed one says why, and the rest still show', () => {
        const nodes = buildOverview({
            sourceKind: 'azure',
            sourceDescription: 'Azure (test)',
            account: 'someone@contoso.example',
            servers: new Error('Resource Graph is throttling requests.'),
        });
        assert.equal(nodes[0].label, 'Azure');
        assert.equal(nodes[0].description, 'someone@contoso.example');
        assert.equal(find(nodes, 'signIn'), undefined);
        assert.equal(find(nodes, 'machines')?.error, true);
        assert.equal(find(nodes, 'machines')?.tooltip, 'Resource Graph is throttling requests.');
        assert.equal(find(nodes, 'anomalies')?.loading, true);
        assert.equal(find(nodes, 'anomalies')?.description, 'computing…');
    });

    it('Patches: classifications → machines → patches add up to the tool summary; not-assessed machines shown as such', async () => {
        const patches = await answer(source, 'GetPatchingLevel');
        const nodes = buildPatchesTree(patches);
        const classes = nodes.filter((n) => n.id.startsWith('class/'));
        assert.deepEqual(
            classes.map((n) => n.label),
            Object.keys(patches.summary.byClassification).sort(
                (a, b) => PATCH_CLASSIFICATIONS.indexOf(a as PatchClassification) - PATCH_CLASSIFICATIONS.indexOf(b as PatchClassification),
            ),
        );
        assert.equal(classes[0].label, 'Critical');
        assert.equal(leaves(classes).length, patches.summary.missingPatches);
        const critical = classes[0];
        const firstMachine = critical.children?.[0];
        assert.ok(firstMachine?.machine);
        const firstPatch = firstMachine?.children?.[0];
        assert.match(firstPatch?.label ?? '', /^KB\d+|\S/);
        assert.match(
            firstPatch?.description ?? '',
            /^(Critical|Important|Moderate|Low|Unspecified) · (published \d{4}-\d{2}-\d{2}|no publish date) · /,
        );
        const notAssessed = find(nodes, 'notAssessed');
        assert.equal(notAssessed?.label, 'Not assessed');
        assert.deepEqual(notAssessed?.children?.map((n) => n.label).sort(), [...source.machinesNotAssessed()].sort());
        assert.ok(notAssessed?.children?.every((n) => n.description?.startsWith('not assessed — ')));
    });

    it('Assessments: SQL and Windows by severity → finding → targets, remediation in the tooltip, help link kept', async () => {
        const sql = await answer(source, 'GetSqlBpAssessment');
        const windows = await answer(source, 'GetWinBpAssessment');
        const nodes = buildAssessmentsTree(sql, windows);
        assert.deepEqual(
            nodes.map((n) => n.label),
            ['SQL Server', 'Windows Server'],
        );
        const sqlNode = nodes[0];
        assert.deepEqual(
            sqlNode.children?.map((n) => n.label),
            ['High', 'Medium', 'Low', 'Information'].filter((s) => (sql.summary.bySeverity as unknown as Record<string, number>)[s]),
        );
        for (const severity of sqlNode.children ?? []) {
            assert.equal(leaves([severity]).length, (sql.summary.bySeverity as unknown as Record<string, number>)[severity.label]);
        }
        const finding = sqlNode.children?.[0].children?.[0];
        assert.match(finding?.tooltip ?? '', /Remediation: /);
        assert.match(finding?.helpLink ?? '', /^https:\/\/learn\.microsoft\.com\//);
        assert.equal(leaves([nodes[1]]).length, windows.summary.findings);
    });

    it('Assessments: one failing half shows its error, the other its findings', async () => {
        const windows = await answer(source, 'GetWinBpAssessment');
        const nodes = buildAssessmentsTree(new Error('SqlAssessment_CL is not in this workspace.'), windows);
        assert.equal(nodes[0].error, true);
        assert.equal(nodes[0].tooltip, 'SqlAssessment_CL is not in this workspace.');
        assert.ok((nodes[1].children?.length ?? 0) > 0);
    });

    it('Anomalies: machine → counter → incident with when, actual vs expected and score', async () => {
        const anomalies = await answer(source, 'GetAnomalies');
        assert.ok(anomalies.items.length > 0, 'the sample estate has planted anomalies in the last 7 days');
        const all = buildAnomaliesTree(anomalies);
        // Disks filling up come first, soonest full first; then the machines with incidents.
        const filling = anomalies.filling as Record<string, unknown>[];
        assert.ok(filling.length > 0, 'the sample estate has disks filling up');
        assert.equal(all[0].label, 'Disks filling up');
        assert.match(all[0].description ?? '', new RegExp(`^${filling.length}, first full \\d{4}-\\d{2}-\\d{2}$`));
        assert.deepEqual(
            all[0].children?.map((c) => c.label),
            filling.map((d) => `${String(d.computer)} ${String(d.counter)}`),
        );
        for (const disk of all[0].children ?? []) {
            assert.match(disk.description ?? '', /^[\d.]+% free · -[\d.]+% a day · full \d{4}-\d{2}-\d{2}$/);
            assert.equal(disk.table?.view, 'filling');
        }
        // Then the disks low on space, lowest first, each saying whether it is filling up too.
        const low = anomalies.lowSpace as Record<string, unknown>[];
        assert.ok(low.length > 0, 'the sample estate has a disk under 10 % free');
        assert.equal(all[1].label, 'Disks under 10 % free');
        assert.equal(all[1].description, `${low.length}, lowest ${String(low[0].latest)} %`);
        assert.deepEqual(
            all[1].children?.map((c) => [c.label, c.description]),
            low.map((d) => [
                `${String(d.computer)} ${String(d.counter)}`,
                `${String(d.latest)}% free (${String(d.freeGb)} GB)${typeof d.fullAt === 'string' ? ` · full ${d.fullAt.slice(0, 10)}` : ''}`,
            ]),
        );
        assert.ok(low.every((d) => typeof d.freeGb === 'number'));
        assert.match(
            all[1].children?.[0].tooltip ?? '',
            /^[\d.]+% free \([\d.]+ GB\) at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; not filling up\.$/,
        );
        assert.equal(all[1].table?.view, 'lowSpace');
        // Then the machines not reporting: those that stopped, most recently silent first, then those that sent nothing
        // in the 30 days read (off for weeks), each with its status in Azure and since when.
        const silent = anomalies.silent as Record<string, unknown>[];
        const withoutData = anomalies.withoutData as Record<string, unknown>[];
        assert.ok(silent.length > 0, 'the sample estate has machines that stopped reporting');
        assert.deepEqual(
            withoutData.map((m) => [m.computer, m.status]),
            [
                ['ctso-fs-ams-02', 'Disconnected'],
                ['ctso-dc-fra-01', 'Expired'],
                ['web-lnx-fra-02', 'Expired'],
            ],
            'the default estate has machines off for over a month',
        );
        assert.equal(all[2].label, 'Not reporting');
        assert.equal(
            all[2].description,
            `${silent.length + withoutData.length}: ${silent.length} stopped, latest ${String(silent[0].hoursSilent)} h ago · ${withoutData.length} with no data in 30 days`,
        );
        assert.deepEqual(
            all[2].children?.map((c) => c.label),
            [...silent, ...withoutData].map((m) => m.computer),
        );
        assert.equal(anomalies.summary.machinesSilent + anomalies.summary.machinesWithoutData, all[2].children?.length, 'counts add up');
        assert.match(all[2].children?.[0].description ?? '', /^last data \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · [\d.]+ h ago$/);
        const quiet = all[2].children?.slice(silent.length) ?? [];
        assert.deepEqual(
            quiet.map((c) => c.description),
            withoutData.map((m) => `no data in 30 days · ${String(m.status)} since ${String(m.statusSince).slice(0, 10)}`),
        );
        assert.equal(quiet[0].description, 'no data in 30 days · Disconnected since 2026-10-19');
        quiet.forEach((child, i) => {
            assert.equal(
                child.tooltip,
                `No data at all in the 30 days read, though Azure lists it as reporting to this workspace: ${String(withoutData[i].reason)}.`,
            );
            assert.equal(child.machine, withoutData[i].computer);
        });
        // One whose status Azure sees nothing wrong with says so, and where to look.
        const connected = buildAnomaliesTree({
            ...anomalies,
            silent: [],
            withoutData: [{ computer: 'web-01', status: 'Connected', statusSince: '2026-11-01T08:00:00.000Z' }],
        });
        assert.deepEqual(
            [connected[2].description, connected[2].children?.[0].description, connected[2].children?.[0].tooltip],
            [
                '1 with no data in 30 days',
                'no data in 30 days · Connected since 2026-11-01',
                'No data at all in the 30 days read, though Azure lists it as reporting to this workspace. It is Connected since 2026-11-01 08:00 UTC, and Azure sees nothing wrong with it or its agent: look at its data collection rule and its network.',
            ],
        );
        // Each that stopped says what Azure knows of why, or that Azure sees nothing wrong.
        all[2].children?.slice(0, silent.length).forEach((child, i) => {
            const reason = silent[i].reason;
            assert.ok(
                typeof reason === 'string'
                    ? (child.tooltip ?? '').endsWith(`: ${reason}.`)
                    : (child.tooltip ?? '').includes('Azure sees nothing wrong with the machine or its agent'),
                child.tooltip,
            );
        });
        assert.ok(silent.some((m) => typeof m.reason === 'string'));
        assert.equal(all[2].table?.view, 'silent');
        const nodes = all.slice(3);
        assert.equal(nodes.length, anomalies.summary.machinesWithIncidents);
        assert.equal(leaves(nodes).length, anomalies.items.length);
        for (const incident of leaves(nodes)) {
            assert.match(incident.label, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · (spike|dip|level-shift|trend)$/);
            assert.match(
                incident.description ?? '',
                incident.label.endsWith('· trend')
                    ? /^([+-]?[\d.]+% a day( · full \d{4}-\d{2}-\d{2})?|ended \d{4}-\d{2}-\d{2} · -[\d.]+ pts in [\d.]+ [hd] \(-[\d.]+% a day\)) · score [\d.]+$/
                    : /^[\d.]+(%|\/s) vs [\d.]+(%|\/s) expected · score [\d.]+$/,
            );
        }
        // A leak that stopped (mon-lnx-fra-01's, from 21 to 25 November) says it ended, how far and how fast it went and
        // when; never the recent two-day difference, which reads as a pace now.
        const stopped = anomalies.items.find((i) => i.direction === 'trend' && i.ongoing === false);
        const course = stopped?.trend as { start: string; end: string; days: number; change: number; perDay: number } | undefined;
        assert.ok(stopped && course, 'the default estate has a leak that ended');
        const stoppedNode = find(leaves(nodes), `m/${String(stopped.computer)}/${String(stopped.counter)}/0`);
        assert.equal(
            stoppedNode?.description,
            `ended ${course.end.slice(0, 10)} · ${course.change} pts in ${Math.round(course.days * 10) / 10} d (${course.perDay}% a day) · score ${String(stopped.score)}`,
        );
        assert.equal(stoppedNode?.description, 'ended 2026-11-25 · -12.16 pts in 4.1 d (-2.98% a day) · score 92.93');
        assert.ok(typeof stopped.ratePerDay === 'number');
        assert.ok(
            !`${stoppedNode.description}\n${stoppedNode.tooltip}`.includes(`${stopped.ratePerDay}% a day`),
            'the two-day difference is not shown',
        );
        assert.match(
            stoppedNode.tooltip ?? '',
            /^trend from 2026-11-21 04:00 UTC to 2026-11-25 06:00 UTC \(4\.1 d\), ended: -12\.16 pts at -2\.98% a day while it lasted\n/,
        );
        assert.match(stoppedNode.tooltip ?? '', /\nNow [\d.]+%: the trend has ended, the series no longer moves that way$/);
        assert.doesNotMatch(stoppedNode.tooltip ?? '', /moving|full around/);
        // A trend going on says where it stands now in its tooltip — the pace and full date the disks-filling list shows —
        // and how far it has gone since it began; an ended one, that it ended; other kinds neither.
        // (A larger estate, for leaks still going on at the fixed clock.)
        const large = await answer(sampleSource({ machines: 300 }), 'GetAnomalies');
        const machineNodes = buildAnomaliesTree(large).filter((n) => n.id.startsWith('m/'));
        const leaking = leaves(machineNodes);
        const trends = machineNodes.flatMap((m) =>
            (m.children ?? []).flatMap((c) =>
                (c.children ?? []).map((node, k) => ({
                    node,
                    machine: String(m.machine),
                    counter: c.label,
                    item: large.items.filter((i) => i.computer === m.machine && i.counter === c.label)[k],
                })),
            ),
        );
        const largeFilling = large.filling as Record<string, unknown>[];
        let going = 0;
        let ended = 0;
        for (const { node: trend, machine, counter, item } of trends.filter((t) => t.node.label.endsWith('· trend'))) {
            const itemCourse = item.trend as { ended: boolean; change: number } | null;
            if (item.ongoing === true) {
                going++;
                const listed = largeFilling.find((d) => d.computer === machine && d.counter === counter);
                assert.ok(listed, `${machine} ${counter} fills, and is on the filling list`);
                assert.ok(
                    trend.description?.startsWith(`${String(listed.ratePerDay)}% a day · full ${String(listed.fullAt).slice(0, 10)} · `),
                );
                assert.match(
                    trend.tooltip ?? '',
                    new RegExp(`\\nNow [\\d.]+%, moving ${String(listed.ratePerDay)}% a day; full around .* at this pace$`),
                );
                assert.match(trend.tooltip ?? '', /^trend since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: -[\d.]+ pts in [\d.]+ [hd] so far\n/);
            } else {
                ended++;
                assert.ok(itemCourse?.ended, trend.id);
                assert.match(trend.description ?? '', /^ended \d{4}-\d{2}-\d{2} · /, trend.id);
                assert.match(trend.tooltip ?? '', /, ended: -[\d.]+ pts at -[\d.]+% a day while it lasted\n/, trend.id);
                assert.doesNotMatch(trend.tooltip ?? '', /moving/, trend.id);
            }
        }
        assert.ok(going >= 2 && ended >= 2, `${going} trends going on, ${ended} ended`);
        assert.ok(leaking.filter((n) => !n.label.endsWith('· trend')).every((n) => !(n.tooltip ?? '').includes('\nNow ')));
        assert.deepEqual(
            buildAnomaliesTree({ summary: { machines: 3 }, items: [] }).map((n) => n.label),
            ['No anomalies'],
        );
        assert.deepEqual(
            buildAnomaliesTree({ summary: { machines: 3 }, items: [], filling: filling.slice(0, 1) }).map((n) => n.label),
            ['Disks filling up', 'No anomalies'],
        );
        assert.deepEqual(
            buildAnomaliesTree({ summary: { machines: 3, lowFreeSpace: 20 }, items: [], lowSpace: low.slice(0, 1) }).map((n) => n.label),
            ['Disks under 20 % free', 'No anomalies'],
        );
    });

    it('items open tables that show what their labels count', async () => {
        // Patches › classification › machine: that machine's patches of that classification.
        const patchNodes = buildPatchesTree(await answer(source, 'GetPatchingLevel'));
        for (const classification of patchNodes.filter((n) => n.id.startsWith('class/'))) {
            const machine = classification.children?.[0];
            const { rows, cell } = await rowsOpened(source, machine?.table);
            assert.equal(machine?.description, `${rows.length} ${rows.length === 1 ? 'patch' : 'patches'}`, machine?.id);
            assert.ok(rows.every((r) => cell(r, 'classification') === classification.label && cell(r, 'machineName') === machine?.label));
        }
        // Anomalies › disks filling up, low on space, not reporting › machine: the list, filtered to that machine.
        const anomalyAnswer = await answer(source, 'GetAnomalies');
        const anomalies = buildAnomaliesTree(anomalyAnswer);
        for (const list of ['filling', 'lowSpace', 'silent']) {
            const parent = find(anomalies, list);
            const item = parent?.children?.[0];
            assert.ok(item?.machine, list);
            const { table, rows, cell } = await rowsOpened(source, item.table);
            assert.equal(table.title, parent?.table?.title, 'the list, with its machine filter set');
            assert.ok(rows.length > 0 && rows.every((r) => cell(r, 'computer') === item.machine), list);
            assert.equal(rows.length, parent?.children?.filter((c) => c.machine === item.machine).length, list);
        }
        // A machine that sent nothing in the range read opens its row of the same table, which says which list and its status.
        const quiet = find(anomalies, 'silent')?.children?.find((c) => c.id.startsWith('silent/withoutData/'));
        const quietMachine = (anomalyAnswer.withoutData as Record<string, unknown>[])[0];
        assert.equal(quiet?.machine, quietMachine.computer);
        const opened = await rowsOpened(source, quiet?.table);
        assert.deepEqual(
            opened.rows.map((r) => [
                opened.cell(r, 'computer'),
                opened.cell(r, 'list'),
                opened.cell(r, 'status'),
                opened.cell(r, 'statusSince'),
            ]),
            [[quietMachine.computer, 'no data in 30 days', quietMachine.status, quietMachine.statusSince]],
        );
        // Servers › machine › SQL instance: that instance's databases.
        const servers = buildServersTree(await answer(source, 'GetServerMetadata'), await answer(source, 'GetSqlMetadata'), undefined);
        const withSql = allNodes(servers).filter((n) => n.children?.some((c) => c.table?.tool === 'GetSqlMetadata'));
        const several = withSql.find((m) => (m.children?.length ?? 0) > 1) ?? withSql[0];
        for (const instance of several.children ?? []) {
            const { rows, cell } = await rowsOpened(source, instance.table);
            const databases = Number(/ · (\d+) databases?/.exec(instance.description ?? '')?.[1]);
            assert.equal(rows.length, Math.max(databases, 1), instance.label);
            assert.ok(rows.every((r) => cell(r, 'instance') === instance.label));
        }
    });

    it('"Check Anomalies on This Machine" says in its title that it looks at high sensitivity', async () => {
        const machineNode = buildAnomaliesTree(await answer(source, 'GetAnomalies')).find((n) => n.id.startsWith('m/'));
        assert.ok(machineNode?.machine && machineNode.table);
        const check = anomalyCheckRequest(machineNode.machine);
        assert.equal(check.args.sensitivity, 'high');
        assert.equal(check.title, `Anomalies on ${machineNode.machine}, high sensitivity`);
        assert.equal(machineNode.table.args.sensitivity, undefined, 'the click opens the default sensitivity…');
        assert.equal(machineNode.table.title, `Anomalies on ${machineNode.machine}`, '…under a title without one');
    });

    it('Servers: an Arc-enabled server and an Azure VM of one name in one resource group are two items, each with its own SQL', async () => {
        const servers = await answer(source, 'GetServerMetadata');
        const sql = await answer(source, 'GetSqlMetadata');
        const items = servers.items as Record<string, string>[];
        const instances = sql.items as Record<string, string>[];
        const arc = items.find((m) => m.kind === 'arc' && instances.some((i) => i.machineId === m.id));
        assert.ok(arc, 'an Arc-enabled server with SQL Server');
        const vm = {
            ...arc,
            kind: 'azure-vm',
            id: `/subscriptions/${arc.subscriptionId}/resourceGroups/${arc.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${arc.name}`,
        };
        const nodes = allNodes(buildServersTree({ ...servers, items: [...items, vm] }, sql, undefined));
        const ids = nodes.map((n) => n.id);
        assert.equal(new Set(ids).size, ids.length, 'ids are unique');
        const twins = nodes.filter((n) => n.machine === arc.name);
        assert.deepEqual(twins.map((n) => n.resourceId).sort(), [arc.id, vm.id].sort());
        const arcInstances = instances.filter((i) => i.machineId === arc.id).map((i) => i.name);
        assert.deepEqual(
            twins.find((n) => n.resourceId === arc.id)?.children?.map((c) => c.label),
            arcInstances,
        );
        assert.equal(twins.find((n) => n.resourceId === vm.id)?.children, undefined, 'the VM runs none of them');

        // An instance Azure knows only by its host's name (no machine id) shows under both machines of that name, under two ids.
        const twin = instances.find((i) => i.machineId === arc.id) as Record<string, string>;
        const byName = { ...twin, id: `${twin.id}-2`, name: `${arc.name}\\SECOND`, machineId: undefined };
        const named = allNodes(
            buildServersTree({ ...servers, items: [...items, vm] }, { ...sql, items: [...instances, byName] }, undefined),
        );
        const namedIds = named.map((n) => n.id);
        assert.equal(new Set(namedIds).size, namedIds.length, 'ids are unique, an instance under two machines too');
    });

    it('Servers: subscription → resource group → machine, SQL instances under their machines', async () => {
        const servers = await answer(source, 'GetServerMetadata');
        const sql = await answer(source, 'GetSqlMetadata');
        const scopes = await answer(source, 'ListScopes');
        const nodes = buildServersTree(servers, sql, scopes);
        const machines = nodes.flatMap((s) => (s.children ?? []).flatMap((g) => g.children ?? []));
        assert.equal(machines.length, servers.summary.machines);
        const withSql = machines.filter((m) => m.children?.length);
        assert.equal(
            withSql.reduce((sum, m) => sum + (m.children?.length ?? 0), 0),
            sql.summary.instances,
        );
        const names = new Map((scopes.subscriptions as Record<string, string>[]).map((s) => [s.subscriptionId, s.displayName]));
        assert.ok(nodes.every((n) => [...names.values()].includes(n.label)));
        // A Windows machine's tooltip says where its release stands; a Linux machine's says nothing of it.
        for (const m of machines) {
            const os = /\n(.*) \S+\nStatus /.exec(m.tooltip ?? '')?.[1] ?? '';
            const line = (m.tooltip ?? '').split('\n').at(-1) ?? '';
            if (os.includes('2012 R2')) {
                assert.equal(line, 'Windows Server 2012 R2: extended support ended 2023-10-10, Extended Security Updates ended 2026-10-13');
                assert.ok(m.description?.endsWith(' · out of support'), m.description);
            } else if (os.startsWith('Windows Server 2016')) {
                assert.equal(line, 'Windows Server 2016: extended support ends 2027-01-12');
                assert.ok(m.description?.endsWith(' · support ends 2027-01-12'), m.description);
            } else {
                assert.ok(!(m.description ?? '').includes('support'), `${m.label}: ${m.description}`);
                if (!os.startsWith('Windows')) {
                    assert.ok(!line.includes('support'), `${m.label}: ${line}`);
                }
            }
        }
        assert.ok(machines.some((m) => (m.tooltip ?? '').endsWith('Extended Security Updates ended 2026-10-13')));
        // A VM whose OS calls itself otherwise shows that host name, the one Log Analytics lists it under.
        const [first, ...rest] = servers.items as Record<string, unknown>[];
        const renamed = buildServersTree({ ...servers, items: [{ ...first, computerName: 'APP01' }, ...rest] }, sql, scopes)
            .flatMap((s) => (s.children ?? []).flatMap((g) => g.children ?? []))
            .find((m) => m.label === first.name);
        assert.match(renamed?.tooltip ?? '', /^\S+ \((Arc-enabled server|Azure VM)\)\nHost name APP01\n/);
        assert.ok(machines.every((m) => !(m.tooltip ?? '').includes('Host name')));
        // Each tooltip says which agent sends the machine's data; a failed one is named.
        const agentLines = machines.map((m) => /\nMonitoring agent: ([^\n]*)/.exec(m.tooltip ?? '')?.[1]);
        assert.ok(
            agentLines.every((l) => l !== undefined),
            'every machine says',
        );
        for (const state of ['Azure Monitor Agent', 'Log Analytics agent only (retired)', 'none', 'Azure Monitor Agent (Failed)']) {
            assert.ok(agentLines.includes(state), `some machine has ${state}`);
        }
        assert.ok(
            machines.some((m) => /\nFailed extensions: (AzureMonitor\w+Agent|MDE\.\w+|WindowsAgent\.SqlServer)/.test(m.tooltip ?? '')),
        );
        // The description marks a machine without an agent, with only the retired one, or whose agent failed.
        const notes: Record<string, string> = {
            none: ' · no monitoring agent',
            'Log Analytics agent only (retired)': ' · retired agent only',
            'Azure Monitor Agent (Failed)': ' · agent failed',
        };
        for (const [line, note] of Object.entries(notes)) {
            const marked = machines.filter((_, i) => agentLines[i] === line);
            assert.ok(marked.length > 0 && marked.every((m) => (m.description ?? '').includes(note)), `${line}: ${note}`);
        }
        assert.ok(machines.filter((_, i) => agentLines[i] === 'Azure Monitor Agent').every((m) => !/agent/.test(m.description ?? '')));
        // A SQL Server instance says the same of its release (the larger estate runs 2014 and 2016, both out of support).
        const large = sampleSource({ machines: 300 });
        const largeTree = buildServersTree(
            await answer(large, 'GetServerMetadata', { max_results: 1000 }),
            await answer(large, 'GetSqlMetadata', { max_results: 1000 }),
            await answer(large, 'ListScopes'),
        );
        const instances = largeTree.flatMap((s) => (s.children ?? []).flatMap((g) => (g.children ?? []).flatMap((m) => m.children ?? [])));
        const old = instances.filter((i) => /^SQL Server 201[46] /.test(i.description ?? ''));
        assert.ok(old.length > 0 && old.every((i) => i.description?.endsWith(' · out of support')));
        assert.ok(
            old.every((i) =>
                /\nSQL Server 2016: extended support ended 2026-07-14, security updates only with Extended Security Updates until 2029-07-10$|\nSQL Server 2014: extended support ended 2024-07-09, security updates only with Extended Security Updates until 2027-07-12$/.test(
                    i.tooltip ?? '',
                ),
            ),
        );
        assert.ok(instances.filter((i) => !old.includes(i)).every((i) => !(i.description ?? '').includes('support')));
        // An instance on the Evaluation edition is marked, and says why.
        const evaluation = instances.filter((i) => / Evaluation · /.test(i.description ?? ''));
        assert.ok(evaluation.length > 0);
        for (const i of instances) {
            const marked = evaluation.includes(i);
            assert.equal(i.icon?.color, marked ? 'list.warningForeground' : undefined, i.label);
            assert.equal(
                (i.tooltip ?? '').includes('\nEvaluation edition: the engine stops 180 days after installation unless licensed'),
                marked,
            );
        }
    });
});

describe('sidebar trees from answers cut at the row limit', () => {
    const source = sampleSource();
    const labelCount = (text: string | undefined) => Number(/^([\d,]+) /.exec(text ?? '')?.[1]?.replace(/,/g, ''));

    it('Patches on a 20,000-machine estate: every classification counted in full, a cut one says so and opens its table', async function () {
        this.timeout(60_000);
        const large = sampleSource({ machines: 20_000 });
        const patches = await answer(large, 'GetPatchingLevel');
        const cut = patches.truncation as unknown as { shown: number; total: number };
        assert.ok(cut.shown < cut.total, 'the estate has more missing patches than the row limit');
        const nodes = await patchesNodes(large);
        const byClassification = patches.summary.byClassification as unknown as Record<string, number>;
        const classes = nodes.filter((n) => n.id.startsWith('class/'));
        // What the Overview counts, classification by classification ("Other" and "Definition" are past the cut).
        assert.deepEqual(
            Object.fromEntries(classes.map((n) => [n.label, labelCount(n.description)])),
            Object.fromEntries(Object.entries(byClassification).filter(([, n]) => n > 0)),
        );
        assert.ok(find(classes, 'class/Other'), 'Other is listed');
        let partial = 0;
        for (const node of classes) {
            const listed = leaves((node.children ?? []).filter((c) => c.machine)).length;
            const note = node.children?.find((c) => c.id === `${node.id}/shownOf`);
            if (listed < byClassification[node.label]) {
                partial++;
                const total = byClassification[node.label].toLocaleString('en');
                assert.equal(note?.label, `Showing ${listed.toLocaleString('en')} of ${total} — open the table`, node.id);
                assert.equal(node.children?.[0], note, 'the note comes first');
                assert.match(node.description ?? '', new RegExp(`^${total} patches, ${listed.toLocaleString('en')} listed$`));
                assert.deepEqual(note?.table?.args, { classification: [node.label] }, 'the tool lists the classification in full');
            } else {
                assert.equal(note, undefined, node.id);
            }
        }
        assert.ok(partial >= 2, 'at least the classification cut through and one wholly past the cut');
    });

    it('Assessments: severities counted in full when the answers were cut, each cut one saying so', async () => {
        const sql = await answer(source, 'GetSqlBpAssessment', { max_results: 40 });
        const windows = await answer(source, 'GetWinBpAssessment', { max_results: 40 });
        const full = await answer(source, 'GetWinBpAssessment');
        // The tool counts every finding's severity band in its summary, cut or not.
        const windowsTotals = windows.summary.bySeverity as unknown as Record<string, number>;
        const expected: Record<string, number> = {};
        for (const f of full.items) {
            const severity = windowsSeverity(Number(f.weight));
            expected[severity] = (expected[severity] ?? 0) + 1;
        }
        assert.ok(full.items.length < 100, 'the answer it is checked against is whole');
        assert.deepEqual(windowsTotals, expected);
        const [sqlNode, windowsNode] = buildAssessmentsTree(sql, windows);
        assert.equal(labelCount(sqlNode.description), sql.summary.findings);
        assert.equal(labelCount(windowsNode.description), windows.summary.findings);
        const sqlTotals = sql.summary.bySeverity as unknown as Record<string, number>;
        for (const [node, totals] of [
            [sqlNode, sqlTotals],
            [windowsNode, (windowsTotals ?? {}) as Record<string, number>],
        ] as const) {
            assert.deepEqual(
                node.children?.map((n) => n.label),
                ['High', 'Medium', 'Low', 'Information'].filter((s) => (totals[s] ?? 0) > 0),
            );
            for (const severity of node.children ?? []) {
                const listed = leaves((severity.children ?? []).filter((c) => !c.id.endsWith('/shownOf'))).length;
                const note = severity.children?.find((c) => c.id.endsWith('/shownOf'));
                assert.equal(
                    note?.label,
                    listed < totals[severity.label]
                        ? `Showing ${listed} of ${totals[severity.label].toLocaleString('en')} — open the table`
                        : undefined,
                    severity.id,
                );
                // Only a table that asks for the group alone is said to: the Windows tool has no upper weight bound for Low.
                if (note) {
                    const alone = severity.id !== 'windows/Low';
                    assert.equal(/asks for this group alone/.test(String(note.tooltip)), alone, severity.id);
                }
            }
        }
        // The SQL note's table lists that severity's findings in full.
        const medium = find(sqlNode.children ?? [], 'sql/Medium')?.children?.[0];
        const { rows } = await rowsOpened(source, medium?.table);
        assert.equal(rows.length, sqlTotals.Medium);
    });

    it('Anomalies and Servers: a cut answer says how much it shows', async () => {
        const anomalies = buildAnomaliesTree(await answer(source, 'GetAnomalies', { max_results: 2 }));
        const incidents = (await answer(source, 'GetAnomalies')).summary.incidents;
        assert.ok(incidents > 2, `${incidents} incidents`);
        assert.equal(find(anomalies, 'incidents/shownOf')?.label, `Showing 2 of ${incidents} — open the table`);
        const servers = buildServersTree(await answer(source, 'GetServerMetadata', { max_results: 5 }), undefined, undefined);
        assert.equal(servers[0].label, 'Showing 5 of 60 — open the table');
        assert.deepEqual(servers[0].table, { tool: 'GetServerMetadata', args: {} });
        // Its table is the same cut answer: the tooltip does not promise the rest.
        assert.match(String(servers[0].tooltip), /The table holds the same rows, to sort and filter; ask about fewer machines/);
        assert.doesNotMatch(String(servers[0].tooltip), /alone/);
    });
});
