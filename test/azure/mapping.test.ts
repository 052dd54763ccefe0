import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { idSegment } from '../../src/sources/azure/mapping';

/** The plain reading of an ARM id: split on '/', names at odd positions, each followed by its value. */
function bySplitting(id: string, name: string): string {
    const parts = id.split('/');
    for (let i = 1; i < parts.length - 1; i += 2) {
        if (parts[i].toLowerCase() === name) {
            return parts[i + 1];
        }
    }
    return '';
}

describe('ARM id segments', () => {
    it('reads subscription and resource group from real-looking ids, whatever their case', () => {
        const id =
            '/subscriptions/72a5362e-7969-4811-ac3d-a75605874372/resourceGroups/RG-Arc-Dev/providers/Microsoft.HybridCompute/machines/app-01';
        assert.equal(idSegment(id, 'subscriptions'), '72a5362e-7969-4811-ac3d-a75605874372');
        assert.equal(idSegment(id, 'resourcegroups'), 'RG-Arc-Dev');
        assert.equal(idSegment(id.toUpperCase(), 'resourcegroups'), 'RG-ARC-DEV');
        assert.equal(idSegment('/subscriptions', 'subscriptions'), '');
        assert.equal(idSegment('', 'subscriptions'), '');
    });

    it('agrees with splitting the id for any arrangement of segments (fast-check)', () => {
        const segment = fc.constantFrom('', 'subscriptions', 'SUBSCRIPTIONS', 'resourceGroups', 'resourcegroups', 'rg', 'x', 'a/b');
        fc.assert(
            fc.property(
                fc.array(segment, { maxLength: 10 }),
                fc.constantFrom('subscriptions', 'resourcegroups'),
                fc.boolean(),
                (parts, name, rooted) => {
                    const id = (rooted ? '/' : '') + parts.join('/');
                    assert.equal(idSegment(id, name), bySplitting(id, name));
                },
            ),
            { numRuns: 2000 },
        );
    });
});
