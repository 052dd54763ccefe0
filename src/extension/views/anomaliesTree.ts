/** The Anomalies view: CPU and disk incidents of the last 7 days by machine → counter → incident. */
import type { InfraSource } from '../../core/source';
import { ModelTreeProvider } from './modelTree';
import { anomaliesNodes } from './queries';
import type { TreeNodeModel } from './treeModel';

export class AnomaliesTreeProvider extends ModelTreeProvider {
    protected compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        return anomaliesNodes(source, signal);
    }
}
