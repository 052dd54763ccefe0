/**
 * The sidebar and the tables inside a real VS Code (code-server), on the sample estate: the trees' top levels and a
 * drill-down through the same providers VS Code renders, "Run Tool…" with preselected answers opening a table with the
 * tool's row count, and CSV export writing the rows shown.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { note, productApi, setSetting, waitFor } from './helpers';

interface InspectedNode {
    label: string;
    description?: string;
    children: number;
}

const inspect = (view: string, path: string[] = []) =>
    vscode.commands.executeCommand<InspectedNode[] | undefined>('infraInsights.views.inspect', view, path);

/** "Run Tool…" with its answers given: opens the table and says what it opened. */
async function openTable(request: { tool: string; args: Record<string, unknown>; view?: string }) {
    const opened = await vscode.commands.executeCommand<{ ok: boolean; title: string; rows: number; message?: string }>(
        'infraInsights.runTool',
        request,
    );
    assert.ok(opened?.ok, opened?.message);
    return opened;
}

describe('Sidebar views and tables', function () {
    this.timeout(120_000);

    before(async () => {
        await productApi();
        await setSetting('dataSource', 'sample');
        // A settings change refreshes every tree; wait until the Overview reads from the sample estate.
        await waitFor(
            'the Overview on sample data',
            async () => (await inspect('infraInsights.overview'))?.[0]?.label === 'Sample data',
            60_000,
        );
    });

    it('shows the Overview: source, scope and headline figures', async () => {
        const labels = ((await inspect('infraInsights.overview')) ?? []).map((n) => n.label);
        note(`Overview: ${labels.join(' | ')}`);
        assert.equal(labels[0], 'Sample data');
        assert.ok(labels.includes('Scope'));
        for (const pattern of [
            /^Machines: \d+$/,
            /^Patch compliance: [\d.]+%$/,
            /^Reboot pending: \d+$/,
            /^Critical \/ security patches missing: \d+$/,
            /^High-severity SQL findings: \d+$/,
            /^High-severity Windows findings: \d+$/,
        ]) {
            assert.ok(
                labels.some((l) => pattern.test(l)),
                `a line like ${pattern}`,
            );
        }
        const machines = labels.find((l) => l.startsWith('Machines: ')) ?? '';
        const children = ((await inspect('infraInsights.overview', [machines])) ?? []).map((n) => n.label);
        note(`${machines}: ${children.join(' | ')}`);
        assert.ok(
            children.some((l) => /^Windows Server past extended support: [1-9]\d*$/.test(l)),
            'the sample runs Windows Server 2012 R2',
        );
        assert.ok(children.some((l) => /^Leaving extended support within 180 days: \d+$/.test(l)));
    });

    it('drills down the Patches tree: classification → machine → patch, and lists machines not assessed', async () => {
        const top = (await inspect('infraInsights.patches')) ?? [];
        note(`Patches: ${top.map((n) => `${n.label} (${n.description})`).join(' | ')}`);
        assert.equal(top[0]?.label, 'Critical');
        const machines = (await inspect('infraInsights.patches', ['Critical'])) ?? [];
        assert.ok(machines.length > 0 && machines.every((m) => m.children > 0));
        const patches = (await inspect('infraInsights.patches', ['Critical', machines[0].label])) ?? [];
        assert.equal(patches.length, machines[0].children);
        assert.match(patches[0].description ?? '', /^(Critical|Important|Moderate|Low|Unspecified) · /);
        const notAssessed = top.find((n) => n.label === 'Not assessed');
        assert.ok(notAssessed && notAssessed.children > 0, 'the sample estate has machines without a recent assessment');
        const assessments = ((await inspect('infraInsights.assessments')) ?? []).map((n) => n.label);
        assert.deepEqual(assessments, ['SQL Server', 'Windows Server']);
    });

    it('starts the Anomalies tree with the disks filling up, those low on space and the machines that stopped reporting, and drills down', async () => {
        const top = (await inspect('infraInsights.anomalies')) ?? [];
        note(`Anomalies: ${top.map((n) => `${n.label} (${n.description})`).join(' | ')}`);
        assert.equal(top[0]?.label, 'Disks filling up');
        const disks = (await inspect('infraInsights.anomalies', ['Disks filling up'])) ?? [];
        assert.equal(disks.length, top[0].children);
        assert.equal(top[0].description, `${disks.length}, first full ${/full (\S+)$/.exec(disks[0]?.description ?? '')?.[1]}`);
        for (const disk of disks) {
            assert.match(disk.description ?? '', /^[\d.]+% free · -[\d.]+% a day · full \d{4}-\d{2}-\d{2}$/, disk.label);
        }
        assert.equal(top[1]?.label, 'Disks under 10 % free');
        const low = (await inspect('infraInsights.anomalies', ['Disks under 10 % free'])) ?? [];
        assert.equal(low.length, top[1].children);
        assert.ok(low.length > 0);
        assert.equal(top[1].description, `${low.length}, lowest ${/^([\d.]+)% free/.exec(low[0]?.description ?? '')?.[1]} %`);
        for (const disk of low) {
            assert.match(disk.description ?? '', /^[\d.]+% free \([\d.]+ GB\)( · full \d{4}-\d{2}-\d{2})?$/, disk.label);
        }
        assert.equal(top[2]?.label, 'Not reporting');
        const silent = (await inspect('infraInsights.anomalies', ['Not reporting'])) ?? [];
        assert.ok(silent.length > 0 && silent.length === top[2].children);
        for (const machine of silent) {
            assert.match(
                machine.description ?? '',
                /^(last data \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · [\d.]+ h ago|no data in \d+ days · \w+( since \d{4}-\d{2}-\d{2})?)$/,
                machine.label,
            );
        }
        assert.ok(
            silent.some((m) => (m.description ?? '').startsWith('no data in ')),
            'with the machines that sent nothing in the range read',
        );
        assert.ok(
            top.slice(3).every((machine) => machine.children > 0),
            'then the machines with incidents',
        );
    });

    it('"Run Tool…" with preselected answers opens a table with the tool\'s rows, and Export writes them as CSV', async () => {
        const critical = ((await inspect('infraInsights.patches')) ?? []).find((n) => n.label === 'Critical');
        const expectedRows = Number(/^([\d,]+) patch/.exec(critical?.description ?? '')?.[1].replace(/,/g, ''));
        assert.ok(expectedRows > 0);
        const opened = await openTable({ tool: 'GetPatchingLevel', args: { classification: ['Critical'] } });
        assert.equal(opened.title, 'Missing patches');
        assert.equal(opened.rows, expectedRows);

        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        assert.ok(folder, 'the runner opens a workspace folder');
        const target = vscode.Uri.joinPath(folder, 'critical-patches.csv');
        const written = await vscode.commands.executeCommand<string | undefined>('infraInsights.exportTable', { uri: target });
        assert.equal(written, target.toString());
        const bytes = await vscode.workspace.fs.readFile(target);
        assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark, for Excel');
        const csv = new TextDecoder().decode(bytes);
        const lines = csv.split('\r\n').filter(Boolean);
        assert.equal(lines[0], 'Machine,Patch,KB / version,Classification,Severity,Published,Reboot,OS');
        assert.equal(lines.length, expectedRows + 1);
        assert.ok(lines.slice(1).every((l) => l.includes(',Critical,')));
    });

    // Before the filling table, so that the sidebar screenshot taken at the end shows that one.
    it('opens the disks low on space as their own table, with the rows the Anomalies tree lists', async () => {
        const low = ((await inspect('infraInsights.anomalies')) ?? []).find((n) => n.label === 'Disks under 10 % free');
        assert.ok(low && low.children > 0);
        const opened = await openTable({ tool: 'GetAnomalies', args: { metric: 'disk' }, view: 'lowSpace' });
        assert.equal(opened.title, 'Disks low on space');
        assert.equal(opened.rows, low.children);
    });

    it('opens the disks filling up as their own table, with the rows the Anomalies tree lists', async () => {
        const top = (await inspect('infraInsights.anomalies')) ?? [];
        const filling = top.find((n) => n.label === 'Disks filling up');
        assert.ok(filling && filling.children > 0);
        const opened = await openTable({ tool: 'GetAnomalies', args: { metric: 'disk' }, view: 'filling' });
        assert.equal(opened.title, 'Disks filling up');
        assert.equal(opened.rows, filling.children);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        assert.ok(folder);
        const target = vscode.Uri.joinPath(folder, 'disks-filling-up.csv');
        assert.equal(
            await vscode.commands.executeCommand<string | undefined>('infraInsights.exportTable', { uri: target }),
            target.toString(),
        );
        const lines = new TextDecoder()
            .decode(await vscode.workspace.fs.readFile(target))
            .split('\r\n')
            .filter(Boolean);
        assert.equal(lines[0], 'Machine,Counter,Free %,% a day,Full at,Pace from,Since');
        assert.equal(lines.length, filling.children + 1);
    });

    it('opens one tab for a table asked for twice (a second click on a tree item) and shows it again', async () => {
        const tableTabs = () =>
            vscode.window.tabGroups.all
                .flatMap((group) => group.tabs)
                .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('infraInsights.table'));
        const request = { tool: 'GetPatchingLevel', args: { classification: ['Security'] }, title: 'Missing Security patches' };
        const before = tableTabs().length;
        const first = await vscode.commands.executeCommand<{ ok: boolean; rows: number }>('infraInsights.openTable', request);
        assert.ok(first?.ok);
        // The extension host hears of tab changes a moment after they happen.
        await waitFor('the table tab', () => tableTabs().length === before + 1);
        const second = await vscode.commands.executeCommand('infraInsights.openTable', {
            ...request,
            args: { classification: ['Security'] },
        });
        assert.deepEqual(second, first);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.equal(tableTabs().length, before + 1, 'the open tab is shown again');
    });

    it('Run Tool rejects an unknown tool without opening anything', async () => {
        const opened = await vscode.commands.executeCommand('infraInsights.runTool', { tool: 'NoSuchTool', args: {} });
        assert.equal(opened, undefined);
    });
});
