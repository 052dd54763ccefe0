/** The Assessments view: SQL Server and Windows Server best-practice findings by severity → finding → targets. */
import type { InfraSource } from '../../core/source';
import { TABLE_MAX_RESULTS } from '../webviews/tableSpecs';
import { answerOrError, ModelTreeProvider } from './modelTree';
import { buildAssessmentsTree, type TreeNodeModel } from './treeModel';

export class AssessmentsTreeProvider extends ModelTreeProvider {
    protected async compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        // Each half fails on its own: an estate without SQL assessment still shows its Windows findings.
        const [sql, windows] = await Promise.all([
            answerOrError(source, 'GetSqlBpAssessment', { max_results: TABLE_MAX_RESULTS }, signal),
            answerOrError(source, 'GetWinBpAssessment', { max_results: TABLE_MAX_RESULTS }, signal),
        ]);
        return buildAssessmentsTree(sql, windows);
    }
}
