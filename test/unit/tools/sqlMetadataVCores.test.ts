import * as assert from 'node:assert/strict';
import type { SqlInstance } from '../../../src/core/model';
import type { InfraSource } from '../../../src/core/source';
import { runTool } from '../../../src/tools';
import { sampleSource } from '../../helpers/fixtures';

/** GetSqlMetadata's summary over a source: what licensing by core reads. */
async function summaryOf(source: InfraSource): Promise<{ instances: number; totalVCores: number }> {
    const result = await runTool('GetSqlMetadata', { source }, { max_results: 1 });
    assert.ok(result.ok, result.ok ? '' : result.message);
    return (result.structured as { summary: { instances: number; totalVCores: number } }).summary;
}

/** The source with its SQL instances rewritten. */
function withInstances(source: InfraSource, rewrite: (instances: SqlInstance[]) => SqlInstance[]): InfraSource {
    const rewritten: InfraSource = Object.create(source);
    rewritten.getSql = async (query) => {
        const result = await source.getSql(query);
        return { ...result, rows: result.rows.map((estate) => ({ ...estate, instances: rewrite(estate.instances) })) };
    };
    return rewritten;
}

describe('GetSqlMetadata totalVCores', () => {
    const source = sampleSource();

    it('counts the vCores of each host once, however many instances it runs', async () => {
        const instances = (await source.getSql({ subscriptionIds: (await source.listScopes()).subscriptions.map((s) => s.subscriptionId) }))
            .rows[0].instances;
        const perHost = new Map(instances.map((i) => [i.machineId, i.vCores ?? 0]));
        assert.ok(perHost.size < instances.length, 'some host of the sample runs several instances');
        const summary = await summaryOf(source);
        assert.equal(summary.instances, instances.length);
        assert.equal(
            summary.totalVCores,
            [...perHost.values()].reduce((sum, n) => sum + n, 0),
        );
        assert.ok(summary.totalVCores < instances.reduce((sum, i) => sum + (i.vCores ?? 0), 0));
    });

    it('knows a host by its name when Azure gives no machine id, in any case and with or without its domain', async () => {
        const withIds = await summaryOf(source);
        let n = 0;
        const anonymous = withInstances(source, (instances) =>
            instances.map(({ machineId: _machineId, ...i }) => ({
                ...i,
                // The same host written as Azure might: upper case, or with its domain.
                machineName: n++ % 2 ? i.machineName.toUpperCase() : `${i.machineName}.corp.contoso.com`,
            })),
        );
        assert.equal((await summaryOf(anonymous)).totalVCores, withIds.totalVCores);
        // Instances without vCores add nothing; SQL virtual machines have none.
        const unknown = withInstances(source, (instances) => instances.map(({ vCores: _vCores, ...i }) => i));
        assert.equal((await summaryOf(unknown)).totalVCores, 0);
    });
});
