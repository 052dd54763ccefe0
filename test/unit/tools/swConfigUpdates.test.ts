import * as assert from 'node:assert/strict';
import type { InfraSource } from '../../../src/core/source';
import { runTool, type ToolRun } from '../../../src/tools';
import { startAzureFake, type AzureFake } from '../../azure/fake';
import { sourceFor } from '../../azure/helpers';
import { sampleSource } from '../../helpers/fixtures';

interface Answer {
    items: { computer: string; name: string; type: string }[];
    truncation: { shown: number; total: number };
    summary: {
        items: number;
        machines: number;
        byType: Record<string, number>;
        updatesLeftOut: number | null;
        updatesLeftOutMachines: number | null;
    };
    warnings?: string[];
    text: string;
}

async function answer(source: InfraSource, args: Record<string, unknown>): Promise<Answer> {
    const result: ToolRun = await runTool('GetSwConfig', { source }, args);
    if (!result.ok) {
        assert.fail(`GetSwConfig failed: ${result.message}`);
    }
    return { ...(result.structured as unknown as Omit<Answer, 'text'>), text: result.text };
}

const LEFT_OUT = 'left out unless include_updates is true: ask again with include_updates: true to list them.';

describe('GetSwConfig says how many installed updates a name or publisher filter leaves out', () => {
    const source = sampleSource();

    for (const filter of [
        { software_name: 'Defender' },
        { software_name: 'Update' },
        { publisher: 'Microsoft' },
        { software_name: 'KB5' },
    ]) {
        it(`counts the updates ${JSON.stringify(filter)} finds with include_updates true`, async () => {
            const without = await answer(source, { ...filter, max_results: 50_000 });
            const withUpdates = await answer(source, { ...filter, include_updates: true, max_results: 50_000 });
            const updates = withUpdates.items.filter((s) => s.type === 'Update');
            assert.ok(updates.length > 0, 'the sample estate has matching updates');
            assert.equal(without.summary.updatesLeftOut, updates.length);
            assert.equal(without.summary.items, withUpdates.summary.items - updates.length, 'the rest are listed as before');
            assert.ok(without.items.every((s) => s.type !== 'Update'));
            const machines = new Set(updates.map((s) => s.computer)).size;
            assert.equal(without.summary.updatesLeftOutMachines, machines, 'the machines the sentence names are in the result too');
            const counted = `${updates.length} installed updates on ${machines} machine${machines === 1 ? '' : 's'}`;
            assert.ok(without.text.includes(`${counted} ${without.summary.items === 0 ? 'do' : 'also match'}, ${LEFT_OUT}`), without.text);
            // One message: the count, not also a warning about updates.
            assert.ok(!(without.warnings ?? []).some((w) => w.includes('include_updates')), without.text);
        });
    }

    it('answers a search for updates alone that no application matches with the updates it found', async () => {
        const defender = await answer(source, { software_name: 'Defender' });
        assert.equal(defender.summary.items, 0, 'Defender is in the sample inventory only as updates');
        const summaryLine = defender.text.split('\n').find((line) => line.startsWith('No '));
        assert.match(
            summaryLine ?? '',
            /^No application or package matches software_name "Defender" in the inventory of the last 7d, but \d+ installed updates on \d+ machines do, left out unless include_updates is true/,
        );
    });

    it('counts nothing without a name or publisher filter, or with include_updates true', async () => {
        const machine = (await answer(source, { max_results: 1 })).items[0].computer;
        for (const args of [{}, { server_name: machine }, { software_name: '*' }]) {
            const out = await answer(source, args);
            assert.equal(out.summary.updatesLeftOut, null, JSON.stringify(args));
            assert.doesNotMatch(out.text, /left out unless include_updates/, JSON.stringify(args));
        }
        const listed = await answer(source, { software_name: 'Update', include_updates: true });
        assert.equal(listed.summary.updatesLeftOut, null);
        assert.ok(listed.summary.byType.Update > 0);
        assert.doesNotMatch(listed.text, /left out|include_updates/);
    });

    it('says nothing more when the filter matches no update either', async () => {
        const none = await answer(source, { software_name: 'zzz' });
        assert.equal(none.summary.updatesLeftOut, 0);
        assert.ok(none.text.includes('No installed software matches software_name "zzz" in the inventory of the last 7d.'), none.text);
        assert.doesNotMatch(none.text, /include_updates/);
    });
});

describe('GetSwConfig over Log Analytics asks for updates only under a name or publisher filter (real SDK against the HTTPS fake)', () => {
    let fake: AzureFake;
    afterEach(async () => fake?.close());

    it('sends the update type only when a filter keeps the answer small, and counts what it leaves out', async () => {
        fake = await startAzureFake({ estate: { machines: 4 } });
        const source = sourceFor(fake);
        const workspace_id = fake.estate.workspaces[0].customerId;
        const inventoryQuery = async (args: Record<string, unknown>) => {
            const before = fake.requests.length;
            const out = await answer(source, { workspace_id, ...args });
            const sent = fake.requests.slice(before).filter((r) => r.query.startsWith('let software = ConfigurationData'));
            assert.equal(sent.length, 1, `one inventory query for ${JSON.stringify(args)}`);
            return { out, query: sent[0].query };
        };
        const asksForUpdates = /\| where SoftwareType in \('Application', 'Package', 'Update'\)/;
        const appsOnly = /\| where SoftwareType in \('Application', 'Package'\)\n/;

        const whole = await inventoryQuery({});
        assert.match(whole.query, appsOnly, 'no filter: the fleet’s updates are not read');
        assert.equal(whole.out.summary.updatesLeftOut, null);
        const byMachine = await inventoryQuery({ server_name: fake.estate.machines[0].name });
        assert.match(byMachine.query, appsOnly);
        assert.equal(byMachine.out.summary.updatesLeftOut, null);

        // The fake has KB5040000 (publisher Microsoft Corporation) on each of the 4 machines when updates are asked for.
        const kb = await inventoryQuery({ software_name: 'KB5040' });
        assert.match(kb.query, asksForUpdates);
        assert.match(kb.query, /\| where SoftwareName contains "KB5040"/);
        assert.equal(kb.out.summary.updatesLeftOut, 4);
        assert.equal(kb.out.items.length, 0);
        assert.match(kb.out.text, /but 4 installed updates on 4 machines do, left out unless include_updates is true/);

        const byPublisher = await inventoryQuery({ publisher: 'Microsoft' });
        assert.match(byPublisher.query, asksForUpdates);
        assert.equal(byPublisher.out.summary.updatesLeftOut, 4);
        assert.deepEqual(new Set(byPublisher.out.items.map((s) => s.name)), new Set(['Microsoft Edge']));
        assert.match(byPublisher.out.text, /^4 installed items .*\. 4 installed updates on 4 machines also match, left out/m);

        const sevenZip = await inventoryQuery({ software_name: '7-Zip' });
        assert.match(sevenZip.query, asksForUpdates);
        assert.equal(sevenZip.out.summary.updatesLeftOut, 0);
        assert.equal(sevenZip.out.items.length, 4);

        const listed = await inventoryQuery({ software_name: 'KB5040', include_updates: true });
        assert.match(listed.query, asksForUpdates);
        assert.equal(listed.out.summary.updatesLeftOut, null);
        assert.equal(listed.out.items.length, 4);
        assert.doesNotMatch(listed.out.text, /left out/);
    });
});
