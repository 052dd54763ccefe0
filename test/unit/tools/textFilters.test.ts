import * as assert from 'node:assert/strict';
import type { InfraSource } from '../../../src/core/source';
import { runTool, type ToolRun } from '../../../src/tools';
import { extensionServiceDown } from '../../../src/tools/agents';
import { textFilter } from '../../../src/tools/textFilter';
import { startAzureFake, type AzureFake } from '../../azure/fake';
import { sourceFor } from '../../azure/helpers';
import { sampleSource } from '../../helpers/fixtures';

interface Answer {
    items: Record<string, unknown>[];
    truncation: { shown: number; total: number };
    summary: Record<string, unknown>;
}

async function answer(source: InfraSource, name: string, args: Record<string, unknown>): Promise<Answer & { text: string }> {
    const result: ToolRun = await runTool(name, { source }, args);
    if (!result.ok) {
        assert.fail(`${name} failed: ${result.message}`);
    }
    return { ...(result.structured as unknown as Answer), text: result.text };
}

/** The sample source, recording the query each of its methods was asked (the sample itself ignores the text filters). */
function recording(source: InfraSource): { source: InfraSource; asked: (method: string) => Record<string, unknown> | undefined } {
    const queries = new Map<string, Record<string, unknown>>();
    const proxy = new Proxy(source, {
        get(target, property, receiver) {
            const value: unknown = Reflect.get(target, property, receiver);
            if (typeof value !== 'function') {
                return value;
            }
            return (...args: unknown[]) => {
                queries.set(String(property), args[0] as Record<string, unknown>);
                return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
        },
    });
    return { source: proxy, asked: (method) => queries.get(method) };
}

const rowsOf = (a: Answer) => a.items.map((row) => JSON.stringify(row));

describe('text filters: * matches any characters', () => {
    it('takes leading and trailing stars as "contains", inner stars as parts in order, ignoring case', () => {
        const filter = textFilter('windows*2012');
        assert.ok(filter);
        assert.ok(filter.matches('Windows Server 2012 R2 Standard'));
        assert.ok(!filter.matches('2012 Windows'), 'the parts in order');
        assert.ok(!filter.matches('Windows Server 2016'));
        assert.equal(filter.sourceText, 'windows', 'the longest literal part, as written');
        for (const same of ['*openssl*', 'openssl*', '*OpenSSL', 'OPENSSL']) {
            const wild = textFilter(same);
            assert.ok(wild?.matches('openssl-libs') && wild.matches('libopenssl3') && !wild.matches('openssh'), same);
        }
        assert.equal(textFilter(' *open*ssl-li* ')?.sourceText, 'ssl-li');
        assert.ok(textFilter('a*a')?.matches('banana') && !textFilter('a*a')?.matches('bad'), 'a part is not matched twice');
        for (const none of [undefined, '', '  ', '*', '***', ' ** ']) {
            assert.equal(textFilter(none), undefined, `${JSON.stringify(none)} filters nothing`);
        }
    });

    it('GetSwConfig finds the same software with software_name "*openssl*", "openssl*" or "OpenSSL" as with "openssl", and sends the source only the literal', async () => {
        const { source, asked } = recording(sampleSource());
        const plain = await answer(source, 'GetSwConfig', { software_name: 'openssl', max_results: 1000 });
        assert.ok(plain.items.length > 0, 'the sample estate has openssl');
        for (const wild of ['*openssl*', 'openssl*', '*OpenSSL']) {
            const found = await answer(source, 'GetSwConfig', { software_name: wild, max_results: 1000 });
            assert.deepEqual(rowsOf(found), rowsOf(plain), wild);
            assert.deepEqual(found.summary, plain.summary, wild);
            assert.equal(asked('getSoftware')?.nameContains, wild.replace(/\*/g, ''), 'no star reaches the source');
        }
        const inner = await answer(source, 'GetSwConfig', { software_name: 'open*libs', max_results: 1000 });
        assert.ok(inner.items.length > 0);
        assert.ok(inner.items.every((s) => /open.*libs/i.test(s.name as string)));
        assert.equal(asked('getSoftware')?.nameContains, 'open');
        const reversed = await answer(source, 'GetSwConfig', { software_name: 'libs*open' });
        assert.equal(reversed.truncation.total, 0);
        assert.match(reversed.text, /No installed software matches software_name "libs\*open"/, 'the filter as given');
    });

    it('GetSwConfig takes publisher "Microsoft*" as "Microsoft", and a value of only stars as no filter', async () => {
        const { source, asked } = recording(sampleSource());
        const plain = await answer(source, 'GetSwConfig', { publisher: 'Microsoft', max_results: 5000 });
        const wild = await answer(source, 'GetSwConfig', { publisher: 'Microsoft*', max_results: 5000 });
        assert.ok(plain.items.length > 0);
        assert.deepEqual(rowsOf(wild), rowsOf(plain));
        assert.equal(asked('getSoftware')?.publisherContains, 'Microsoft');
        const everything = await answer(source, 'GetSwConfig', { max_results: 5000 });
        const stars = await answer(source, 'GetSwConfig', { software_name: '**', publisher: '*', max_results: 5000 });
        assert.deepEqual(stars.summary, everything.summary);
        assert.equal(asked('getSoftware')?.nameContains, undefined);
        assert.equal(asked('getSoftware')?.publisherContains, undefined);
    });

    it('GetSwConfig sorts software names of a machine ignoring case', async () => {
        const out = await answer(sampleSource(), 'GetSwConfig', { max_results: 5000 });
        const byMachine = new Map<string, string[]>();
        for (const s of out.items) {
            byMachine.set(s.computer as string, [...(byMachine.get(s.computer as string) ?? []), s.name as string]);
        }
        const mixed = [...byMachine.values()].filter((names) => names.some((n) => n !== n.toLowerCase()));
        assert.ok(mixed.length > 0, 'the sample has names in mixed case');
        for (const names of byMachine.values()) {
            const lower = names.map((n) => n.toLowerCase());
            assert.deepEqual(lower, [...lower].sort());
        }
    });

    it('GetSwChangesList and GetWinBpAssessment take the star forms as the plain text', async () => {
        const { source, asked } = recording(sampleSource());
        const changes = await answer(source, 'GetSwChangesList', { timespan: '30d', max_results: 1000 });
        const word = changes.items
            .flatMap((c) => (c.name as string).split(/[^A-Za-z]+/))
            .find((w) => w.length >= 5 && w !== w.toUpperCase());
        assert.ok(word, 'a change to look for');
        const plain = await answer(source, 'GetSwChangesList', { timespan: '30d', software_name: word, max_results: 1000 });
        assert.ok(plain.items.length > 0);
        for (const wild of [`*${word}*`, `${word.toUpperCase()}*`]) {
            assert.deepEqual(
                rowsOf(await answer(source, 'GetSwChangesList', { timespan: '30d', software_name: wild, max_results: 1000 })),
                rowsOf(plain),
            );
            assert.equal(asked('getSoftwareChanges')?.nameContains, wild.replace(/\*/g, ''));
        }
        const split = `${word.slice(0, 2)}*${word.slice(2)}`;
        const inner = await answer(source, 'GetSwChangesList', { timespan: '30d', software_name: split, max_results: 1000 });
        assert.equal(asked('getSoftwareChanges')?.nameContains, word.slice(2));
        const pattern = new RegExp(`${word.slice(0, 2)}.*${word.slice(2)}`, 'i');
        assert.ok(inner.items.every((c) => pattern.test(c.name as string)));
        assert.ok(
            rowsOf(plain).every((row) => rowsOf(inner).includes(row)),
            'what the plain text finds, and maybe more',
        );

        const security = await answer(source, 'GetWinBpAssessment', { focus_area: 'Security', max_results: 1000 });
        const securityStar = await answer(source, 'GetWinBpAssessment', { focus_area: 'Security*', max_results: 1000 });
        assert.ok(security.items.length > 0);
        assert.deepEqual(rowsOf(securityStar), rowsOf(security));
        assert.equal(asked('getWindowsFindings')?.focusAreaContains, 'Security');
        const inOrder = await answer(source, 'GetWinBpAssessment', { focus_area: 'security*compliance', max_results: 1000 });
        assert.deepEqual(
            rowsOf(inOrder),
            rowsOf({ ...security, items: security.items.filter((f) => /security.*compliance/i.test(f.focusArea as string)) }),
        );
        const all = await answer(source, 'GetWinBpAssessment', { max_results: 1000 });
        const stars = await answer(source, 'GetWinBpAssessment', { focus_area: '*', max_results: 1000 });
        assert.deepEqual(rowsOf(stars), rowsOf(all));
        assert.doesNotMatch(stars.text, /focus areas are/, 'only stars is no unknown focus area');
    });

    it('GetServerMetadata takes os_name "*2012*" as "2012", and "windows*2012" as both words in order', async () => {
        const source = sampleSource();
        const plain = await answer(source, 'GetServerMetadata', { os_name: '2012', max_results: 1000 });
        assert.ok(plain.items.length > 0);
        assert.deepEqual(rowsOf(await answer(source, 'GetServerMetadata', { os_name: '*2012*', max_results: 1000 })), rowsOf(plain));
        const inOrder = await answer(source, 'GetServerMetadata', { os_name: 'windows*2012', max_results: 1000 });
        assert.deepEqual(rowsOf(inOrder), rowsOf(plain));
        assert.ok(inOrder.items.every((m) => /^Windows Server 2012/.test(m.osName as string)));
        const reversed = await answer(source, 'GetServerMetadata', { os_name: '2012*windows' });
        assert.equal(reversed.items.length, 0);
        assert.match(reversed.text, /No machine matches os_name "2012\*windows"/);
    });
});

describe('GetServerMetadata: most important first', () => {
    const STATUS_RANK: Record<string, number> = { Error: 0, Expired: 1, Disconnected: 2, Unknown: 3, Stopped: 4, Deallocated: 5 };
    /** What a user must act on, from the listed machine's own fields: lower is more pressing, 6 is nothing. */
    function problemOf(m: Record<string, unknown>): number {
        const support = (m.support as { status: string } | null)?.status;
        const failed = (m.failedExtensions as unknown[]).length > 0;
        if (support === 'ended' || support === 'esu') {
            return 0;
        }
        if (m.monitoringAgent === 'none' || String(m.monitoringAgentState).toLowerCase() === 'failed') {
            return 1;
        }
        if (failed || extensionServiceDown(m as Parameters<typeof extensionServiceDown>[0])) {
            return 2;
        }
        if (m.monitoringAgent === 'legacy') {
            return 3;
        }
        if ((m.agentSupport as { status: string } | null)?.status === 'unsupported') {
            return 4;
        }
        return support === 'ending' ? 5 : 6;
    }

    it('lists, within a status, machines with a problem to act on before healthy ones, then by name', async () => {
        const source = sampleSource();
        const all = await answer(source, 'GetServerMetadata', { max_results: 1000 });
        const keys = all.items.map((m) => [STATUS_RANK[m.status as string] ?? 6, problemOf(m), m.name as string] as const);
        for (let i = 1; i < keys.length; i++) {
            const [a, b] = [keys[i - 1], keys[i]];
            assert.ok(
                a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2]))),
                `${a.join(' ')} before ${b.join(' ')}`,
            );
        }
        const healthy = all.items.filter((m) => STATUS_RANK[m.status as string] === undefined);
        const firstWell = healthy.findIndex((m) => problemOf(m) === 6);
        assert.ok(firstWell > 0, 'connected machines with problems, then well ones');
        // The machines the reviewer found missing from the top of the list: a failed monitoring agent, an OS past
        // support with a failed extension, no monitoring agent at all.
        const before = healthy.slice(0, firstWell).map((m) => m.name);
        for (const name of ['ctso-web-weu-01', 'ctso-web-fra-01', 'web-lnx-ams-02']) {
            assert.ok(before.includes(name), name);
        }
        const ten = await answer(source, 'GetServerMetadata', { max_results: 10 });
        assert.deepEqual(
            ten.items.map((m) => m.name),
            all.items.slice(0, 10).map((m) => m.name),
        );
        assert.ok(ten.items.every((m) => problemOf(m) < 6 || STATUS_RANK[m.status as string] !== undefined));
    });

    it('says "upgrade it" for one Arc-enabled server on an agent out of support, "upgrade them" for more', async () => {
        const source = sampleSource();
        const all = await answer(source, 'GetServerMetadata', { agent_out_of_support: true, max_results: 1000 });
        assert.ok(all.items.length > 1);
        assert.match(all.text, /Arc-enabled servers run a Connected Machine agent .* upgrade them /);
        const one = await answer(source, 'GetServerMetadata', { server_name: all.items[0].name as string });
        assert.match(one.text, /1 Arc-enabled server runs a Connected Machine agent .* upgrade it /);
        assert.doesNotMatch(one.text, /upgrade them/);
    });
});

describe('text filters over Log Analytics (real SDK against the HTTPS fake)', () => {
    let fake: AzureFake | undefined;
    afterEach(async () => fake?.close());

    it('puts only the longest literal part in the query, and filters the rows by the whole pattern', async () => {
        fake = await startAzureFake({ estate: { machines: 4 } });
        const source = sourceFor(fake);
        const workspace_id = fake.estate.workspaces[0].customerId;
        const requests = fake.requests;
        const lastQuery = (table: string) => [...requests].reverse().find((r) => r.query.includes(table))?.query ?? '';
        const plain = await answer(source, 'GetSwConfig', { workspace_id, software_name: '7-Zip' });
        const wild = await answer(source, 'GetSwConfig', { workspace_id, software_name: '*7*zip*', publisher: 'igor*' });
        assert.equal(plain.items.length, 4);
        assert.deepEqual(rowsOf(wild), rowsOf(plain));
        assert.match(lastQuery('ConfigurationData'), /\| where SoftwareName contains "zip"\n\| where Publisher contains "igor"/);
        assert.doesNotMatch(lastQuery('ConfigurationData'), /\*/);
        // The fake answers every row whatever the query: the tool keeps only what the whole pattern matches.
        const reversed = await answer(source, 'GetSwConfig', { workspace_id, software_name: 'zip*7' });
        assert.equal(reversed.items.length, 0);
        await answer(source, 'GetSwChangesList', { workspace_id, software_name: 'Micro*Edge*' });
        assert.match(lastQuery('ConfigurationChange'), /\| where SoftwareName contains "Micro"\n/);
        await answer(source, 'GetWinBpAssessment', { workspace_id, focus_area: '*' });
        assert.doesNotMatch(lastQuery('WindowsServerAssessmentRecommendation'), /FocusArea contains/);
    });
});
