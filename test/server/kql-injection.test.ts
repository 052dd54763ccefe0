/**
 * KQL injection through the MCP layer: a real MCP client calls every Resource Graph and Log Analytics tool on a server
 * whose Azure source (the real SDK clients) talks to the local HTTPS fake. fast-check puts hostile strings in every
 * string parameter; for `server_name` the fake estate also gets a machine of that name, so the value really reaches
 * the `Computer in~ (...)` filter. Every query the fake receives is parsed by Kusto's own parser and must have the
 * shape of a query sent with benign values, with the hostile value only ever as a string literal decoding to exactly
 * that value — or the call is refused with a short error.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';
import { hostName } from '../../src/core/source';
import { createServer } from '../../src/server/createServer';
import * as q from '../../src/sources/azure/queries';
import { allTools } from '../../src/tools';
import { startAzureFake, type AzureFake, type FakeRequest } from '../azure/fake';
import { sourceFor } from '../azure/helpers';
import { structure } from '../azure/kusto';
import { call, textOf } from '../helpers/fixtures';

/** The name machine 0 has in benign runs. */
const BENIGN_HOST = 'benign-host-00';
/** A name no machine has. */
const BENIGN_UNKNOWN = 'benign-host-99';
/** A benign text filter (software name, focus area): where a query carries it, a hostile value may stand, trimmed, as exactly that literal. */
const BENIGN_TEXT = 'benign-text';

const HOSTILE = [
    "' or 1==1 //",
    '" or 1==1 //',
    "srv'; .drop table Perf",
    'srv") | union (Perf',
    'a\\',
    '\\"',
    'line1\nline2\r\n| take 1',
    '| where 1 == 1',
    '// comment',
    '/* open',
    '```',
    '@"verbatim"',
    'h"e\'l\\l`o',
    'ünïcødé ✓ 🚀',
    '\ud800',
    '\u0000\u0007\u001b[31m',
    '\u2028\u2029\u202e',
    ')',
    '), (Perf',
    'x'.repeat(290),
];

const FRAGMENTS = ["'", '"', '\\', '\n', '\r', '|', '//', ' or 1==1', ';', ')', '(', 'ü', '🚀', '\u2028', '\ud83d', 'take 1', ' '];

const hostileValue = fc.oneof(
    fc.constantFrom(...HOSTILE),
    fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ maxLength: 40 }),
);

type ParamKind = 'string' | 'string[]';

/** Every parameter of a tool that takes a string or a list of strings, from its input schema. */
function stringParams(tool: (typeof allTools)[number]): [string, ParamKind][] {
    const shape = (tool.input as z.ZodObject<z.ZodRawShape>).shape;
    const out: [string, ParamKind][] = [];
    for (const [name, schema] of Object.entries(shape)) {
        let inner: z.ZodTypeAny = schema;
        while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
            inner = inner instanceof z.ZodOptional ? inner.unwrap() : inner.removeDefault();
        }
        if (inner instanceof z.ZodString) {
            out.push([name, 'string']);
        } else if (inner instanceof z.ZodArray && inner.element instanceof z.ZodString) {
            out.push([name, 'string[]']);
        }
    }
    return out;
}

const isServerName = (param: string) => param === 'server_name' || param === 'ServerName';

interface Shape {
    kinds: number[];
    literals: string[];
}

describe('KQL injection through the MCP layer (real MCP client → server → real Azure SDK → HTTPS fake)', function () {
    this.timeout(600_000);
    let fake: AzureFake;
    let client: Client;
    /** Every Resource Graph query the source can send: none takes a parameter, so each must arrive verbatim. */
    const graphTexts = new Set(
        [
            q.machinesQuery,
            q.sqlInstancesQuery,
            q.sqlDatabasesQuery,
            q.sqlVirtualMachinesQuery,
            q.patchAssessmentsQuery,
            q.patchInstallationsQuery,
            q.missingPatchesQuery,
            q.vmAddressesQuery,
            q.machineExtensionsQuery,
            q.subscriptionsQuery,
            q.workspacesQuery,
        ].map((build) => build().text),
    );
    const inputsPerParam = new Map<string, number>();
    const reachedQuery = new Map<string, number>();

    before(async () => {
        fake = await startAzureFake({ estate: { machines: 6 } });
        const server = createServer(sourceFor(fake));
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await server.connect(serverSide);
        client = new Client({ name: 'kql-injection', version: '1.0.0' });
        await client.connect(clientSide);
    });
    after(async () => {
        await client?.close();
        await fake?.close();
        const total = [...inputsPerParam.values()].reduce((a, b) => a + b, 0);
        const sum = (names: (param: string) => boolean) =>
            [...reachedQuery.entries()].filter(([key]) => names(key.split('.')[1])).reduce((a, [, n]) => a + n, 0);
        process.stdout.write(
            `      ${total} hostile values over ${inputsPerParam.size} string parameters; ${sum(isServerName)} Log Analytics queries carried one as a machine name, ${sum((p) => !isServerName(p))} as a text filter\n`,
        );
    });

    /** Renames machine 0 (its resource id ends in its name, as Azure's do). */
    function nameMachine(name: string): void {
        const machine = fake.estate.machines[0];
        machine.id = `${machine.id.slice(0, machine.id.lastIndexOf('/') + 1)}${name}`;
        machine.name = name;
        machine.computer = name;
        fake.resetCache();
    }

    /** Runs a call and returns the requests the fake received during it. */
    async function captured(tool: string, args: Record<string, unknown>) {
        const from = fake.requests.length;
        const result = await call(client, tool, args);
        return { result, requests: fake.requests.slice(from) };
    }

    /** Graph queries must be one of the fixed texts, and subscriptions GUIDs; returns the Log Analytics queries' shapes. */
    function check(requests: FakeRequest[]): Shape[] {
        const shapes: Shape[] = [];
        for (const request of requests) {
            if (request.service === 'graph') {
                assert.ok(
                    graphTexts.has(request.query),
                    `an unexpected Resource Graph query: ${JSON.stringify(request.query.slice(0, 200))}`,
                );
                for (const id of request.subscriptions ?? []) {
                    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
                }
            } else {
                shapes.push(structure(request.query));
            }
        }
        return shapes;
    }

    for (const tool of allTools) {
        const params = stringParams(tool);
        if (params.length === 0) {
            continue;
        }
        describe(tool.name, () => {
            /** Shapes of the Log Analytics queries benign calls send: without and with a machine filter. */
            let benign: Shape[] = [];
            before(async () => {
                nameMachine(BENIGN_HOST);
                benign = [];
                for (const args of [{}, { server_name: BENIGN_HOST }]) {
                    const { result, requests } = await captured(tool.name, args);
                    assert.notEqual(result.isError, true, textOf(result));
                    benign.push(...check(requests));
                }
                // A name Resource Graph does not know is looked up in the workspace (then refused): that query's shape
                // too, with the name in the place of the benign one.
                const { requests } = await captured(tool.name, { server_name: BENIGN_UNKNOWN });
                for (const shape of check(requests)) {
                    benign.push({ ...shape, literals: shape.literals.map((l) => (l === BENIGN_UNKNOWN ? BENIGN_HOST : l)) });
                }
                // A text filter the source applies in the query: that query's shape with the benign text in its place.
                for (const [name, kind] of params) {
                    if (isServerName(name) || kind !== 'string') {
                        continue;
                    }
                    const { result: filtered, requests: filteredRequests } = await captured(tool.name, { [name]: BENIGN_TEXT });
                    if (filtered.isError !== true) {
                        benign.push(...check(filteredRequests));
                    }
                }
                if (params.some(([name]) => name === 'workspace_id')) {
                    assert.ok(
                        benign.some((s) => s.literals.includes(BENIGN_HOST)),
                        'the benign filter reaches a Log Analytics query',
                    );
                }
            });

            for (const [param, kind] of params) {
                it(`${param}: any string keeps every query's shape and appears only as an exact literal (a machine name as its host name), or is refused`, async () => {
                    const runs = tool.name === 'GetAnomalies' ? 30 : 50;
                    await fc.assert(
                        fc.asyncProperty(hostileValue, async (value) => {
                            // `*` is a wildcard for server_name: it selects other machines, a different (benign) query shape.
                            fc.pre(!isServerName(param) || !value.includes('*'));
                            inputsPerParam.set(`${tool.name}.${param}`, (inputsPerParam.get(`${tool.name}.${param}`) ?? 0) + 1);
                            // A blank server_name means "no filter"; a machine with a blank name is not one the fake should serve.
                            const machineName = isServerName(param) && value.trim() !== '' ? value : BENIGN_HOST;
                            nameMachine(machineName);
                            // Log Analytics is asked by host name (the part before the first dot, in lower case), and
                            // the series then by the name the workspace itself reported, which the fake makes the value.
                            const literal = hostName(machineName);
                            const asLiteral = (text: string) =>
                                text === literal || text === machineName || text === hostName(machineName.trim());
                            const { result, requests } = await captured(tool.name, { [param]: kind === 'string' ? value : [value] });
                            for (const shape of check(requests)) {
                                const match = benign.find(
                                    (b) =>
                                        b.kinds.length === shape.kinds.length &&
                                        b.kinds.every((k, i) => k === shape.kinds[i]) &&
                                        b.literals.length === shape.literals.length &&
                                        b.literals.every((l, i) =>
                                            l === BENIGN_HOST
                                                ? asLiteral(shape.literals[i])
                                                : l === BENIGN_TEXT
                                                  ? shape.literals[i] === value.trim()
                                                  : shape.literals[i] === l,
                                        ),
                                );
                                assert.ok(
                                    match,
                                    `a query of another shape, or the value outside an exact literal: ${JSON.stringify(shape.literals)}`,
                                );
                                if (match.literals.includes(BENIGN_TEXT)) {
                                    reachedQuery.set(`${tool.name}.${param}`, (reachedQuery.get(`${tool.name}.${param}`) ?? 0) + 1);
                                }
                                if (isServerName(param) && shape.literals.some(asLiteral)) {
                                    reachedQuery.set(`${tool.name}.${param}`, (reachedQuery.get(`${tool.name}.${param}`) ?? 0) + 1);
                                }
                            }
                            if (result.isError) {
                                const text = textOf(result);
                                assert.ok(text.length > 10 && text.length < 2000, `a short explanation, got ${text.length} characters`);
                                assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, 'no stack trace');
                            }
                        }),
                        { numRuns: runs, seed: 20261127 },
                    );
                    if (isServerName(param) && params.some(([name]) => name === 'workspace_id')) {
                        assert.ok((reachedQuery.get(`${tool.name}.${param}`) ?? 0) > 0, 'hostile machine names reached a query');
                    }
                    if (['software_name', 'focus_area'].includes(param)) {
                        assert.ok((reachedQuery.get(`${tool.name}.${param}`) ?? 0) > 0, 'hostile text filters reached a query');
                    }
                });
            }
        });
    }
});
