import * as assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { progressReporter } from '../../src/server/createServer';
import { allTools } from '../../src/tools';
import { call, connectInMemory, textOf, TOOL_NAMES } from '../helpers/fixtures';

describe('MCP server in memory', () => {
    let client: Client;
    before(async () => {
        client = await connectInMemory();
    });
    after(async () => client.close());

    it('lists the nine tools, read-only, with titles and input and output schemas', async () => {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
        for (const tool of tools) {
            assert.ok(tool.title, `${tool.name} has a title`);
            assert.ok(tool.description && tool.description.length > 80, `${tool.name} explains itself to a model`);
            assert.equal(tool.annotations?.readOnlyHint, true);
            assert.equal(tool.annotations?.destructiveHint, false);
            assert.equal(tool.annotations?.idempotentHint, true);
            assert.equal(tool.outputSchema?.type, 'object');
            assert.equal(
                (tool.inputSchema as { additionalProperties?: boolean }).additionalProperties,
                false,
                `${tool.name} rejects unknown parameters`,
            );
        }
    });

    it('tells the model what the tools are for and that the data is sample data', () => {
        const instructions = client.getInstructions() ?? '';
        assert.match(instructions, /ListScopes/);
        assert.match(instructions, /SAMPLE DATA/);
    });

    for (const name of TOOL_NAMES) {
        it(`${name} answers with sample data marked as such`, async () => {
            const result = await call(client, name);
            assert.notEqual(result.isError, true, textOf(result));
            const structured = result.structuredContent as {
                source: string;
                truncation: { shown: number; total: number };
                generatedAt: string;
            };
            assert.equal(structured.source, 'sample');
            assert.match(
                (structured as { notice?: string }).notice ?? '',
                /^SAMPLE DATA/,
                'the JSON says so too: some clients show models only the JSON',
            );
            assert.equal(structured.generatedAt, '2026-11-26T12:00:00.000Z');
            assert.ok(structured.truncation.shown <= structured.truncation.total);
            const text = textOf(result);
            assert.match(text, /^SAMPLE DATA/);
            assert.ok(text.length <= 8000, `${name} text is ${text.length} characters`);
        });
    }

    it('returns a caller mistake as isError with what was wrong and what is valid, and keeps serving', async () => {
        const badTimespan = await call(client, 'GetSwChangesList', { timespan: 'last tuesday' });
        assert.equal(badTimespan.isError, true);
        assert.match(textOf(badTimespan), /"last tuesday" is not understood.*30d.*P7D/);

        const badWorkspace = await call(client, 'GetSqlBpAssessment', { workspace_id: 'no-such-workspace' });
        assert.equal(badWorkspace.isError, true);
        assert.match(textOf(badWorkspace), /not a known Log Analytics workspace\. Known workspaces: [0-9a-f-]{36} \(/);

        const badMachine = await call(client, 'GetPatchingLevel', { server_name: 'ctso-sql-ams-1' });
        assert.equal(badMachine.isError, true);
        assert.match(textOf(badMachine), /matches no machine\. Nearest names: ctso-sql-ams-01/);

        const wrongType = await call(client, 'GetServerMetadata', { max_results: 'ten' });
        assert.equal(wrongType.isError, true);
        assert.match(textOf(wrongType), /max_results/);

        const unknownParam = await call(client, 'GetServerMetadata', { server: 'x' });
        assert.equal(unknownParam.isError, true);
        assert.match(textOf(unknownParam), /server/);

        const badSubscription = await call(client, 'GetServerMetadata', { subscription_ids: ['not-a-guid'] });
        assert.equal(badSubscription.isError, true);
        assert.match(
            textOf(badSubscription),
            /is neither a subscription id \(a GUID\) nor the name of a visible subscription\. Visible subscriptions: /,
        );
        // A subscription by its exact name, or several as one text, reads the same as by their ids.
        const scopes = (await call(client, 'ListScopes')).structuredContent as {
            subscriptions: { subscriptionId: string; displayName: string }[];
        };
        const [first, second] = scopes.subscriptions;
        const readIds = async (args: Record<string, unknown>) => {
            const answer = await call(client, 'GetServerMetadata', args);
            assert.notEqual(answer.isError, true, `${JSON.stringify(args)}: ${textOf(answer)}`);
            return (answer.structuredContent as { scope: { subscriptionIds: string[] } }).scope.subscriptionIds;
        };
        assert.deepEqual(await readIds({ subscription_ids: [first.displayName.toUpperCase()] }), [first.subscriptionId]);
        assert.deepEqual(await readIds({ subscription_ids: `${first.subscriptionId}, ${second.subscriptionId}` }), [
            first.subscriptionId,
            second.subscriptionId,
        ]);

        const unknownTool = await call(client, 'GetEverything');
        assert.equal(unknownTool.isError, true);

        const fine = await call(client, 'ListScopes');
        assert.notEqual(fine.isError, true);
    });

    it('accepts ServerName as well as server_name', async () => {
        const a = await call(client, 'GetServerMetadata', { server_name: 'ctso-sql-ams-01' });
        const b = await call(client, 'GetServerMetadata', { ServerName: 'CTSO-SQL-AMS-01' });
        assert.deepEqual((a.structuredContent as { items: unknown[] }).items, (b.structuredContent as { items: unknown[] }).items);
        assert.equal((a.structuredContent as { items: unknown[] }).items.length, 1);
    });

    it('takes the listed values of a parameter in any case, as models write them, and still refuses others with the list', async () => {
        const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
            ['GetPatchingLevel', { classification: ['critical', 'SECURITY'] }, { classification: ['Critical', 'Security'] }],
            ['GetSqlBpAssessment', { severity: ['high'] }, { severity: ['High'] }],
            ['GetServerMetadata', { os: 'Linux', status: [' disconnected '] }, { os: 'linux', status: ['Disconnected'] }],
            ['GetAnomalies', { metric: 'CPU', sensitivity: 'High' }, { metric: 'cpu', sensitivity: 'high' }],
            // A list written as one text, as the CLI takes it.
            ['GetPatchingLevel', { classification: 'Critical,security' }, { classification: ['Critical', 'Security'] }],
            ['GetSqlBpAssessment', { severity: 'high, Medium' }, { severity: ['High', 'Medium'] }],
        ];
        for (const [tool, written, declared] of cases) {
            const a = await call(client, tool, written);
            const b = await call(client, tool, declared);
            assert.notEqual(a.isError, true, `${tool} ${JSON.stringify(written)}: ${textOf(a)}`);
            const structured = (r: typeof a): Record<string, unknown> => ({
                ...(r.structuredContent as Record<string, unknown>),
                generatedAt: undefined,
            });
            assert.deepEqual(structured(a), structured(b), tool);
            assert.ok((structured(b).items as unknown[]).length > 0, `${tool} ${JSON.stringify(declared)} found nothing to compare`);
        }
        const unknown = await call(client, 'GetPatchingLevel', { classification: ['urgent'] });
        assert.equal(unknown.isError, true);
        assert.match(textOf(unknown), /Expected 'Critical' \| 'Security'.*received 'urgent'/);
        // Split only when every part is a listed value: otherwise the whole is refused as written.
        const halfKnown = await call(client, 'GetPatchingLevel', { classification: 'Critical,urgent' });
        assert.equal(halfKnown.isError, true);
        assert.match(textOf(halfKnown), /received 'Critical,urgent'/);
    });

    it("forgives a model's usual slips — one value for a list, true and numbers as text — and names the parameter it meant", async () => {
        const slipped = await call(client, 'GetPatchingLevel', { classification: 'Security', reboot_pending: 'true', max_results: '5' });
        const exact = await call(client, 'GetPatchingLevel', { classification: ['Security'], reboot_pending: true, max_results: 5 });
        assert.notEqual(slipped.isError, true, textOf(slipped));
        const structured = (r: typeof exact): Record<string, unknown> => ({
            ...(r.structuredContent as Record<string, unknown>),
            generatedAt: undefined,
        });
        assert.deepEqual(structured(slipped), structured(exact));
        assert.equal((structured(exact).truncation as { shown: number }).shown, 5);

        const misnamed = await call(client, 'GetPatchingLevel', { serverName: 'ctso-sql-ams-01' });
        assert.equal(misnamed.isError, true);
        assert.match(textOf(misnamed), /unknown parameter "serverName" \(did you mean ServerName or server_name\?\)/);
        const notANumber = await call(client, 'GetServerMetadata', { max_results: 'ten' });
        assert.equal(notANumber.isError, true);
        assert.match(textOf(notANumber), /max_results/);
    });

    it('declares each tool once: the MCP list matches the tool table', async () => {
        const { tools } = await client.listTools();
        for (const tool of allTools) {
            assert.equal(tools.find((t) => t.name === tool.name)?.description, tool.description);
        }
    });
});

describe('progress of a long tool call', () => {
    it('reaches a client that asked for it, numbered upwards, for a fleet-wide anomaly scan', async () => {
        const client = await connectInMemory({ machines: 500 });
        try {
            const updates: { progress: number; total?: number; message?: string }[] = [];
            const result = await client.callTool({ name: 'GetAnomalies', arguments: { timespan: '30d' } }, undefined, {
                onprogress: (p) => updates.push(p),
            });
            assert.notEqual(result.isError, true);
            assert.ok(updates.length >= 1, 'at least one progress notification');
            assert.match(updates[0].message ?? '', /^Reading the CPU and disk series of the last 30d at 1h…$/);
            assert.deepEqual(
                updates.map((u) => u.progress),
                updates.map((_, i) => i + 1),
            );
            assert.ok(updates.every((u) => u.total === undefined && /series/.test(u.message ?? '')));
        } finally {
            await client.close();
        }
    });

    it('is sent at most every quarter second, never after a cancellation, and not at all unless asked for', () => {
        let now = 0;
        const sent: unknown[] = [];
        const controller = new AbortController();
        const extra = {
            signal: controller.signal,
            _meta: { progressToken: 'p1' },
            sendNotification: (n: unknown) => {
                sent.push(n);
                return Promise.resolve();
            },
        };
        const report = progressReporter(extra, () => now);
        assert.ok(report);
        for (const [at, message] of [
            [0, 'a'],
            [100, 'b'],
            [260, 'c'],
            [300, 'd'],
            [520, 'e'],
        ] as const) {
            now = at;
            report(message);
        }
        assert.deepEqual(sent, [
            { method: 'notifications/progress', params: { progressToken: 'p1', progress: 1, message: 'a' } },
            { method: 'notifications/progress', params: { progressToken: 'p1', progress: 2, message: 'c' } },
            { method: 'notifications/progress', params: { progressToken: 'p1', progress: 3, message: 'e' } },
        ]);
        controller.abort();
        now = 10_000;
        report('f');
        assert.equal(sent.length, 3);
        assert.equal(progressReporter({ ...extra, _meta: {} }), undefined);
    });
});
