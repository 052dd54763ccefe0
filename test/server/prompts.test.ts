import * as assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { HOSTILE_STRINGS } from '../../src/sources/sample';
import { completeMachine } from '../../src/server/prompts';
import { call, connectInMemory, sampleSource, textOf } from '../helpers/fixtures';

async function machineNames(options: Parameters<typeof sampleSource>[0] = {}): Promise<string[]> {
    const source = sampleSource(options);
    const scopes = await source.listScopes();
    return (await source.getMachines({ subscriptionIds: scopes.subscriptions.map((s) => s.subscriptionId) })).rows.map((m) => m.name);
}

async function promptText(client: Client, name: string, args: Record<string, string> = {}): Promise<string> {
    const prompt = await client.getPrompt({ name, arguments: args });
    assert.equal(prompt.messages.length, 1);
    assert.equal(prompt.messages[0].role, 'user');
    const content = prompt.messages[0].content;
    assert.equal(content.type, 'text');
    return content.type === 'text' ? content.text : '';
}

async function rejection(promise: Promise<unknown>): Promise<McpError> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof McpError, String(error));
        return error;
    }
    assert.fail('expected an error');
}

describe('MCP prompts: ready-made reviews a client offers by name', () => {
    let client: Client;
    let names: string[];
    before(async () => {
        client = await connectInMemory();
        names = await machineNames();
    });
    after(async () => {
        await client.close();
    });

    it('lists the five reviews with titles and their arguments', async () => {
        const { prompts } = await client.listPrompts();
        assert.deepEqual(prompts.map((p) => p.name).sort(), [
            'estate-review',
            'investigate-server',
            'monitoring-coverage',
            'patch-plan',
            'sql-health',
        ]);
        assert.ok(prompts.every((p) => p.title && p.description && p.description.length > 40));
        const review = prompts.find((p) => p.name === 'estate-review');
        assert.deepEqual(
            review?.arguments?.map((a) => [a.name, a.required === true]),
            [
                ['timespan', false],
                ['tags', false],
            ],
        );
        const investigate = prompts.find((p) => p.name === 'investigate-server');
        assert.deepEqual(
            investigate?.arguments?.map((a) => [a.name, a.required === true]),
            [
                ['server_name', true],
                ['timespan', false],
            ],
        );
    });

    it('asks for every tool a review needs, with arguments the tools accept, and says the data is sample data', async () => {
        const text = await promptText(client, 'estate-review', { timespan: '14d' });
        for (const tool of [
            'ListScopes',
            'GetServerMetadata',
            'GetPatchingLevel',
            'GetAnomalies',
            'GetSqlMetadata',
            'GetSqlBpAssessment',
            'GetWinBpAssessment',
        ]) {
            assert.ok(text.includes(tool), tool);
        }
        assert.match(text, /timespan "14d"/);
        assert.match(text, /SAMPLE DATA/);
        // The arguments a review names are ones the tools take: calling them so succeeds.
        for (const [tool, args] of [
            ['GetPatchingLevel', { classification: ['Critical', 'Security'] }],
            ['GetSqlBpAssessment', { severity: ['High'] }],
            ['GetAnomalies', { timespan: '14d', metric: 'cpu' }],
        ] as const) {
            assert.notEqual((await call(client, tool, args)).isError, true, tool);
        }
        assert.match(await promptText(client, 'patch-plan'), /GetPatchingLevel/);
        // The coverage check's filters are ones GetServerMetadata takes, and on the sample they find machines.
        const coverage = await promptText(client, 'monitoring-coverage');
        for (const args of [
            { monitoring_agent: ['none', 'legacy'] },
            { failed_extensions: true },
            { monitoring_agent: ['both'] },
            { status: ['Disconnected', 'Expired', 'Error', 'Stopped', 'Deallocated'] },
        ]) {
            const text = JSON.stringify(args)
                .slice(1, -1)
                .replace(':', ' ')
                .replace(/"(\w+)"/, '$1');
            assert.ok(coverage.includes(`GetServerMetadata with ${text}`), text);
            const result = await call(client, 'GetServerMetadata', args);
            assert.notEqual(result.isError, true);
            assert.ok((result.structuredContent?.items as unknown[]).length > 0, text);
        }
        assert.match(await promptText(client, 'sql-health'), /GetSqlMetadata/);
    });

    it('narrows the estate review and the patch plan to machines with given tags, and refuses a tag no machine has', async () => {
        const text = await promptText(client, 'estate-review', { tags: 'environment=Production, site=ams' });
        const tags = JSON.stringify(['environment=Production', 'site=ams']);
        for (const step of [
            `GetServerMetadata with tags ${tags}`,
            `GetPatchingLevel with classification ["Critical","Security"], tags ${tags}`,
            `GetAnomalies with timespan "7d", tags ${tags}`,
            `GetSqlMetadata with tags ${tags}`,
            `GetSqlBpAssessment with severity ["High"], tags ${tags}`,
            `GetWinBpAssessment with tags ${tags}`,
        ]) {
            assert.ok(text.includes(step), step);
        }
        // The arguments it names are ones the tools take.
        const patches = await call(client, 'GetPatchingLevel', {
            classification: ['Critical', 'Security'],
            tags: ['environment=Production', 'site=ams'],
        });
        assert.notEqual(patches.isError, true);
        const plan = await promptText(client, 'patch-plan', { tags: 'environment=Test' });
        assert.ok(plan.includes('GetPatchingLevel with tags ["environment=Test"]'), plan);
        assert.ok(!(await promptText(client, 'patch-plan')).includes('tags ['), 'no tags: the whole estate');
        const guessed = await rejection(client.getPrompt({ name: 'patch-plan', arguments: { tags: 'env=prod' } }));
        assert.equal(guessed.code, ErrorCode.InvalidParams);
        assert.match(
            guessed.message,
            /No machine matches tags \["env=prod"\]\. No machine carries a tag of that name; tag names in use: .*environment/,
        );
    });

    it('investigates a known machine by its name, quoted as data, and runs each step the prompt names', async () => {
        const name = names[3];
        const text = await promptText(client, 'investigate-server', { server_name: name.toUpperCase() });
        const quoted = JSON.stringify(name.toUpperCase());
        for (const tool of ['GetServerMetadata', 'GetAnomalies', 'GetSwChangesList', 'GetPatchingLevel', 'GetWinBpAssessment']) {
            assert.ok(text.includes(`${tool} with server_name ${quoted}`), tool);
        }
        assert.match(text, /timespan "7d"/, 'the default timespan');
        assert.notEqual((await call(client, 'GetSwChangesList', { server_name: name.toUpperCase(), timespan: '7d' })).isError, true);
    });

    it('refuses an unknown machine or a bad timespan with what would be valid, and keeps serving', async () => {
        const unknown = await rejection(client.getPrompt({ name: 'investigate-server', arguments: { server_name: `${names[0]}x` } }));
        assert.equal(unknown.code, ErrorCode.InvalidParams);
        assert.match(unknown.message, /matches no machine\. Nearest names: /);
        assert.match(unknown.message, /^MCP error -32602: server_name /, 'the code said once');
        // A pattern for several machines is not one server to investigate.
        const several = await rejection(client.getPrompt({ name: 'investigate-server', arguments: { server_name: 'ctso-sql-*' } }));
        assert.equal(several.code, ErrorCode.InvalidParams);
        assert.match(
            several.message,
            /^MCP error -32602: server_name "ctso-sql-\*" matches \d+ machines \(ctso-sql-[^)]*\): this review is of one machine, so name one\.$/,
        );
        assert.ok(unknown.message.includes(names[0]), unknown.message);
        const badSpan = await rejection(client.getPrompt({ name: 'estate-review', arguments: { timespan: 'yesterday' } }));
        assert.equal(badSpan.code, ErrorCode.InvalidParams);
        assert.match(badSpan.message, /yesterday/);
        const missing = await rejection(client.getPrompt({ name: 'investigate-server', arguments: {} }));
        assert.equal(missing.code, ErrorCode.InvalidParams);
        assert.match(await promptText(client, 'patch-plan'), /GetPatchingLevel/);
    });

    it('completes a machine name from the machines the source knows, those starting with the text first', async () => {
        const typed = names[5].slice(0, 4);
        const { completion } = await client.complete({
            ref: { type: 'ref/prompt', name: 'investigate-server' },
            argument: { name: 'server_name', value: typed },
        });
        const expected = names.filter((n) => n.toLowerCase().startsWith(typed.toLowerCase()));
        assert.ok(expected.length > 0);
        assert.deepEqual(completion.values.slice(0, expected.length).sort(), [...expected].sort());
        assert.ok(completion.values.every((v) => names.includes(v) && v.toLowerCase().includes(typed.toLowerCase())));
        assert.deepEqual(completeMachine(['b-web', 'a-web', 'web-1'], 'WEB'), ['web-1', 'b-web', 'a-web']);
    });

    it('completes from a large estate with 100 names at most, and says how many match and that more exist', async () => {
        const bigClient = await connectInMemory({ machines: 300 });
        try {
            const bigNames = [...new Set(await machineNames({ machines: 300 }))];
            assert.ok(bigNames.length > 100, `${bigNames.length} machines`);
            const complete = async (value: string) =>
                (
                    await bigClient.complete({
                        ref: { type: 'ref/prompt', name: 'investigate-server' },
                        argument: { name: 'server_name', value },
                    })
                ).completion;
            const all = await complete('');
            assert.equal(all.values.length, 100, 'at most 100, as MCP allows');
            assert.equal(all.total, bigNames.length);
            assert.equal(all.hasMore, true);
            // A narrow prefix: every match is sent, and nothing more is promised.
            const one = bigNames[7];
            const few = await complete(one);
            const expected = bigNames.filter((n) => n.toLowerCase().includes(one.toLowerCase()));
            assert.deepEqual(few.values.slice().sort(), expected.slice().sort());
            assert.equal(few.total, expected.length);
            assert.equal(few.hasMore, false);
        } finally {
            await bigClient.close();
        }
    });

    it('has every estate-wide review list the workspaces and run each Log Analytics tool it names once per workspace', async () => {
        const { tools } = await client.listTools();
        const logAnalyticsTools = tools.filter((t) => 'workspace_id' in (t.inputSchema.properties ?? {})).map((t) => t.name);
        assert.ok(logAnalyticsTools.includes('GetSqlBpAssessment') && logAnalyticsTools.includes('GetAnomalies'));
        const perWorkspace =
            /^1\. ListScopes, to know the subscriptions and the workspaces\. The Log Analytics tools below \(([^)]*)\) read one workspace: when there are several, run each of them once per workspace with workspace_id\.$/m;
        for (const name of ['estate-review', 'sql-health', 'monitoring-coverage']) {
            const text = await promptText(client, name);
            const step = perWorkspace.exec(text);
            assert.ok(step, `${name} starts with the ListScopes step:\n${text}`);
            assert.equal(text.split('\n')[1], step[0], `${name}: ListScopes comes first`);
            const listed = step[1].split(', ');
            const named = logAnalyticsTools.filter((tool) => text.includes(tool));
            assert.deepEqual(listed.slice().sort(), named.slice().sort(), `${name}: the Log Analytics tools it names`);
        }
        // Followed on the sample, the SQL review reads findings that the workspace read by default does not hold.
        const scopes = await call(client, 'ListScopes');
        const workspaces = (scopes.structuredContent?.workspaces as { customerId: string }[]).map((w) => w.customerId);
        assert.ok(workspaces.length > 1);
        const highFindings = async (args: Record<string, unknown>) => {
            const result = await call(client, 'GetSqlBpAssessment', { severity: ['High'], ...args });
            assert.notEqual(result.isError, true);
            return (result.structuredContent?.summary as { findings: number }).findings;
        };
        const perWorkspaceCounts = await Promise.all(workspaces.map((id) => highFindings({ workspace_id: id })));
        const byDefault = await highFindings({});
        assert.ok(
            perWorkspaceCounts.every((n) => n > 0),
            `High findings per workspace: ${perWorkspaceCounts.join(', ')}`,
        );
        assert.ok(
            perWorkspaceCounts.reduce((a, b) => a + b, 0) > byDefault,
            `${perWorkspaceCounts.join(' + ')} High findings across the workspaces, ${byDefault} in the one read by default`,
        );
    });

    it('sends the model to the lists and fields where the tools put what it asks for, and to every row', async () => {
        const { tools } = await client.listTools();
        const outputOf = (tool: string) => tools.find((t) => t.name === tool)?.outputSchema?.properties ?? {};
        const itemFields = (tool: string) =>
            Object.keys((outputOf(tool).items as { items: { properties: Record<string, unknown> } }).items.properties);
        // The anomaly lists a review names are lists GetAnomalies returns; machines silent and machines without data are both asked for.
        for (const name of ['estate-review', 'monitoring-coverage']) {
            const text = await promptText(client, name);
            const lists = [...text.matchAll(/its (\w+) list/g)].map((m) => m[1]);
            assert.ok(lists.includes('silent') && lists.includes('withoutData'), `${name}: ${lists.join(', ')}`);
            for (const list of lists) {
                assert.ok(list in outputOf('GetAnomalies'), `${name}: GetAnomalies returns ${list}`);
            }
        }
        const anomalies = await call(client, 'GetAnomalies', { timespan: '30d' });
        assert.ok((anomalies.structuredContent?.withoutData as unknown[]).length > 0, 'the sample has machines without data');
        // Facts the text tables leave out are asked for where they are: the structured result's items.
        for (const [name, tool, field] of [
            ['patch-plan', 'GetServerMetadata', 'tags'],
            ['sql-health', 'GetSqlBpAssessment', 'helpLink'],
            ['estate-review', 'GetSqlBpAssessment', 'helpLink'],
        ] as const) {
            const text = await promptText(client, name);
            assert.ok(text.includes(`items[].${field}`), `${name} says where ${field} is`);
            assert.ok(itemFields(tool).includes(field), `${tool} items have ${field}`);
        }
        const findings = await call(client, 'GetSqlBpAssessment', { severity: ['High'] });
        const helpLink = (findings.structuredContent?.items as { helpLink: string }[])[0].helpLink;
        assert.match(helpLink, /^https:\/\//);
        assert.ok(!textOf(findings).includes(helpLink), 'the text table does not show help links');
        // "Call it again with max_results truncation.total" gives every machine and its tags.
        const plan = await promptText(client, 'patch-plan');
        assert.ok(plan.includes('If its truncation.shown is below truncation.total, call it again with max_results truncation.total.'));
        const firstRows = await call(client, 'GetServerMetadata', { max_results: 10 });
        const truncation = firstRows.structuredContent?.truncation as { shown: number; total: number };
        assert.deepEqual(truncation, { shown: 10, total: names.length });
        const everyRow = await call(client, 'GetServerMetadata', { max_results: truncation.total });
        const machines = everyRow.structuredContent?.items as { name: string; tags: Record<string, string> }[];
        assert.deepEqual(machines.map((m) => m.name).sort(), [...names].sort());
        assert.ok(machines.some((m) => 'environment' in m.tags));
        assert.ok(!/\| ?Tags ?\|/i.test(textOf(everyRow)), 'the text table has no tags column');
    });

    it('carries a hostile machine name as one quoted string: no line, quote or markup of it escapes into the prompt', async () => {
        const hostileClient = await connectInMemory({ hostile: true });
        try {
            const hostileNames = await machineNames({ hostile: true });
            const planted = hostileNames.filter((n) => HOSTILE_STRINGS.some((h) => n.includes(h)));
            assert.ok(planted.length > 0, 'the hostile estate plants strings in machine names');
            const benign = await promptText(hostileClient, 'investigate-server', {
                server_name: hostileNames.find((n) => !planted.includes(n)) ?? '',
            });
            for (const name of planted) {
                const { completion } = await hostileClient.complete({
                    ref: { type: 'ref/prompt', name: 'investigate-server' },
                    argument: { name: 'server_name', value: name.slice(0, 3) },
                });
                assert.ok(completion.values.includes(name), `${JSON.stringify(name)} completed byte-identical`);
                const text = await promptText(hostileClient, 'investigate-server', { server_name: name });
                assert.equal(text.split('\n').length, benign.split('\n').length, 'no line added');
                assert.ok(text.includes(JSON.stringify(name.trim())));
            }
        } finally {
            await hostileClient.close();
        }
    });
});
