import * as assert from 'node:assert/strict';
import { UserError } from '../../../src/core/source';
import { formatTimespan, parseTimespan } from '../../../src/core/timespan';

const H = 3_600_000;

describe('parseTimespan', () => {
    const cases: [string, number][] = [
        ['30d', 30 * 24 * H],
        ['12h', 12 * H],
        ['90m', 1.5 * H],
        ['45s', 45_000],
        ['1.5h', 1.5 * H],
        [' 7D ', 7 * 24 * H],
        ['P7D', 7 * 24 * H],
        ['PT12H', 12 * H],
        ['P1DT6H', 30 * H],
        ['PT90M', 1.5 * H],
        ['P2W', 14 * 24 * H],
        ['pt30m', 0.5 * H],
    ];
    for (const [text, ms] of cases) {
        it(`reads ${JSON.stringify(text)}`, () => assert.equal(parseTimespan(text), ms));
    }

    for (const text of ['', 'P', 'PT', '7', 'seven days', 'P1M', 'P1Y', '-1d', '1w', '0d', 'PT0S', '1d; drop', '800d', '1M']) {
        it(`rejects ${JSON.stringify(text)} with the accepted forms`, () => {
            assert.throws(
                () => parseTimespan(text),
                (error: unknown) => error instanceof UserError && /30d|positive|730d/.test(error.message),
            );
        });
    }

    it('refuses an upper-case M, which a person may mean as a month, instead of reading it as minutes', () => {
        assert.throws(
            () => parseTimespan('1M'),
            (error: unknown) => error instanceof UserError && /write 1m for minutes.*30d/.test(error.message),
        );
        assert.equal(parseTimespan('90m'), 90 * 60_000);
    });

    it('does not echo a huge argument back', () => {
        assert.throws(
            () => parseTimespan('x'.repeat(100_000)),
            (error: unknown) => error instanceof UserError && error.message.length < 300,
        );
    });

    it('formats the shortest KQL form', () => {
        assert.equal(formatTimespan(7 * 24 * H), '7d');
        assert.equal(formatTimespan(36 * H), '36h');
        assert.equal(formatTimespan(90 * 60_000), '90m');
    });
});
