/** The Assessments view: SQL Server and Windows Server best-practice findings by severity → finding → targets. */
import type { InfraSource } from '../../core/source';
import { ModelTreeProvider } from './modelTree';
import { assessmentsNodes } from './queries';
import type { TreeNodeModel } from './treeModel';

export class AssessmentsTreeProvider extends ModelTreeProvider {
    protected compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        return assessmentsNodes(source, signal);
    }
}
