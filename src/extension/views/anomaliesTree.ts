/** The Anomalies view: CPU and disk incidents of the last 7 days by machine → counter → incident. */
import type { InfraSource } from '../../core/source';
import { TABLE_MAX_RESULTS } from '../webviews/tableSpecs';
import { answer, ModelTreeProvider } from './modelTree';
import { buildAnomaliesTree, type TreeNodeModel } from './treeModel';

export class AnomaliesTreeProvider extends ModelTreeProvider {
    protected async compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        return buildAnomaliesTree(await answer(source, 'GetAnomalies', { max_results: TABLE_MAX_RESULTS }, signal));
    }
}
