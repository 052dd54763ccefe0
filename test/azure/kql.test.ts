import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { hostName, UserError } from '../../src/core/source';
import { datetime, guid, oneOf, str, strList, timespan, wildcardRegex } from '../../src/sources/azure/kql';
import * as q from '../../src/sources/azure/queries';
import { analyze, structure } from './kusto';
import { allQueries } from './queryCatalog';

/** Values that have broken query builders elsewhere. */
const HOSTILE = [
    "' or 1==1 //",
    '" or 1==1 //',
    "srv'; .drop table Perf",
    'a\\',
    '\\"',
    'line1\nline2\r\n| take 1',
    '| where 1 == 1',
    '// comment',
    '```',
    '@"verbatim"',
    'h"e\'l\\l`o',
    'ünïcødé ✓ 🚀',
    '\ud800',
    '\u0000\u0007\u001b[31m',
    '',
    ' ',
    ')',
    '), (Perf',
    'x'.repeat(5000),
];

describe('KQL values (kql.ts)', () => {
    it('quotes strings so the literal decodes back to the input', () => {
        for (const value of HOSTILE) {
            const { literals } = structure(`print x = ${str(value)}`);
            assert.deepEqual(literals, [value], JSON.stringify(value));
        }
    });

    it('validates GUIDs, times, steps and enumerations', () => {
        assert.equal(guid(' 0000ABCD-0000-4000-8000-000000000001 ', 'Subscription id'), '0000abcd-0000-4000-8000-000000000001');
        assert.throws(() => guid("x' or 1==1", 'Subscription id'), UserError);
        assert.equal(datetime(new Date('2026-11-20T12:00:00Z')), 'datetime(2026-11-20T12:00:00.000Z)');
        assert.throws(() => datetime(new Date('nope')), UserError);
        assert.equal(timespan(3_600_000), '1h');
        assert.equal(timespan(15 * 60_000), '15m');
        assert.equal(timespan(1500), '1500ms');
        assert.throws(() => timespan(0), UserError);
        assert.throws(() => timespan(1.5), UserError);
        assert.equal(oneOf('cpu', ['cpu', 'diskFree'], 'Metric'), 'cpu');
        assert.throws(() => oneOf("cpu' | take 1", ['cpu'], 'Metric'), UserError);
        assert.throws(() => strList([]));
    });
});

describe('every query the Azure source can send', () => {
    const catalog = allQueries();

    it(`passes Kusto's analyzer against the declared table schemas (${catalog.length} queries)`, function () {
        this.timeout(120_000);
        const problems: string[] = [];
        for (const entry of catalog) {
            for (const d of analyze(entry.text)) {
                problems.push(`${entry.name}: ${d}`);
            }
        }
        assert.deepEqual(problems, []);
    });

    it('is caught by the analyzer when it reads a column the schema lacks (the check can fail)', () => {
        assert.notDeepEqual(analyze('Perf | where NoSuchColumn == 1'), []);
        assert.notDeepEqual(analyze("resources | project kind, foo = properties.x | where bar == 'x'"), []);
    });

    it('keeps its shape for any computer name, and the literal decodes back to the name (or its host part)', function () {
        this.timeout(300_000);
        const benign = 'benign-computer';
        // One representative query per builder that takes strings; the catalog test covers the option matrix.
        const builders: ((name: string) => string)[] = [
            (name) => q.sqlFindingsQuery({ from: new Date(0), to: new Date(1e12), computers: [name, 'other'], latestRunOnly: true }).text,
            (name) => q.windowsFindingsQuery({ from: new Date(0), to: new Date(1e12), computers: [name], latestRunOnly: true }).text,
            (name) => q.softwareQuery({ from: new Date(0), to: new Date(1e12), computers: ['other', name], includeUpdates: true }).text,
            (name) => q.softwareChangesQuery({ from: new Date(0), to: new Date(1e12), computers: [name] }).text,
            (name) =>
                q.metricComputersQuery({ from: new Date(0), to: new Date(1e12), computers: [name], table: 'Perf', metrics: ['cpu'] }).text,
            (name) => q.diskFreeSpaceQuery({ from: new Date(0), to: new Date(1e12), computers: [name] }).text,
            (name) => q.reportingComputersQuery({ from: new Date(0), to: new Date(1e12), computers: [name] }).text,
            (name) =>
                q.metricSeriesQuery({
                    from: new Date(0),
                    to: new Date(1e12),
                    computers: [name],
                    table: 'Perf',
                    metrics: ['cpu', 'diskFree'],
                    stepMs: 3_600_000,
                }).text,
            (name) =>
                q.metricSeriesQuery({
                    from: new Date(0),
                    to: new Date(1e12),
                    computers: [name],
                    table: 'InsightsMetrics',
                    metrics: ['diskTransfers'],
                    stepMs: 900_000,
                }).text,
            (name) =>
                q.metricSeriesQuery({
                    from: new Date(0),
                    to: new Date(1e12),
                    computers: [name],
                    exactComputers: true,
                    table: 'Perf',
                    metrics: ['cpu'],
                    stepMs: 3_600_000,
                }).text,
        ];
        // Names are matched by host part (the source's own list of a workspace's computers exactly, the last builder).
        const literalOf = (name: string, which: number) => (which === builders.length - 1 ? name : hostName(name));
        const expected = builders.map((build) => {
            const shape = structure(build(benign));
            return {
                kinds: shape.kinds,
                benignAt: shape.literals.map((l, i) => (l === benign ? i : -1)).filter((i) => i >= 0),
                literals: shape.literals,
            };
        });
        const value = fc.oneof(
            fc.constantFrom(...HOSTILE),
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc.string({ unit: 'grapheme', maxLength: 20 }),
            fc.string(),
        );
        fc.assert(
            fc.property(value, fc.nat(builders.length - 1), (name, which) => {
                fc.pre(hostName(name) !== 'other');
                const shape = structure(builders[which](name));
                const want = expected[which];
                assert.deepEqual(shape.kinds, want.kinds, 'same syntax tree');
                for (const i of want.benignAt) {
                    assert.equal(shape.literals[i], literalOf(name, which), 'literal decodes to the input');
                }
                assert.equal(shape.literals.length, want.literals.length);
            }),
            { numRuns: 400, seed: 20261127 },
        );
    });

    it('turns a server_name pattern into a regex in which only its stars are syntax, whatever the pattern holds', () => {
        assert.equal(wildcardRegex('Web-0*'), '(?i)^Web\\x{2d}0.*$');
        assert.equal(wildcardRegex('a.b(c)|d'), '(?i)^a\\x{2e}b\\x{28}c\\x{29}\\x{7c}d$');
        const benign = structure(q.reportingComputersQuery({ from: new Date(0), to: new Date(1e12), namePattern: 'web-*' }).text);
        // Whole pattern: (?i)^ then letters, digits, code-point escapes and .* only, then $.
        const onlyLiterals = /^\(\?i\)\^(?:[A-Za-z0-9]|\\x\{[0-9a-f]+\}|\.\*)*\$$/;
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.constantFrom(...HOSTILE),
                    fc.string({ unit: 'binary', maxLength: 60 }),
                    fc.string({ unit: 'grapheme', maxLength: 20 }),
                ),
                (pattern) => {
                    const regex = wildcardRegex(pattern);
                    assert.match(regex, onlyLiterals);
                    const shape = structure(
                        q.reportingComputersQuery({ from: new Date(0), to: new Date(1e12), namePattern: pattern }).text,
                    );
                    assert.deepEqual(shape.kinds, benign.kinds, 'same syntax tree');
                    assert.equal(shape.literals.filter((l) => l === regex).length, 2, 'the regex, twice, decoded back');
                    // As a regex (RE2's \x{…} read as JavaScript's \u{…}), it matches the pattern's own text with each star
                    // standing for something.
                    const js = new RegExp(regex.slice(4).replace(/\\x\{([0-9a-f]+)\}/g, '\\u{$1}'), 'iu');
                    assert.ok(js.test(pattern.replace(/\*/g, 'x')), pattern);
                },
            ),
            { numRuns: 300, seed: 20261127 },
        );
    });

    it('rejects any metric or table name outside the fixed lists instead of putting it in a query', () => {
        fc.assert(
            fc.property(fc.string({ unit: 'binary' }), (name) => {
                fc.pre(!['Perf', 'InsightsMetrics', 'cpu', 'diskFree', 'diskTransfers'].includes(name));
                const window = { from: new Date(0), to: new Date(1e12) };
                assert.throws(
                    () => q.metricSeriesQuery({ ...window, table: name as q.MetricTable, metrics: ['cpu'], stepMs: 3_600_000 }),
                    UserError,
                );
                assert.throws(
                    () => q.metricSeriesQuery({ ...window, table: 'Perf', metrics: [name as 'cpu'], stepMs: 3_600_000 }),
                    UserError,
                );
            }),
            { numRuns: 200, seed: 7 },
        );
    });
});
