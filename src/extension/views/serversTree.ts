/** The Servers view: subscription → resource group → machine, with SQL Server instances under their machines. */
import type { InfraSource } from '../../core/source';
import { TABLE_MAX_RESULTS } from '../webviews/tableSpecs';
import { answer, answerOrError, ModelTreeProvider } from './modelTree';
import { buildServersTree, type TreeNodeModel } from './treeModel';

export class ServersTreeProvider extends ModelTreeProvider {
    protected async compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        const [servers, sql, scopes] = await Promise.all([
            answer(source, 'GetServerMetadata', { max_results: TABLE_MAX_RESULTS }, signal),
            answerOrError(source, 'GetSqlMetadata', { max_results: TABLE_MAX_RESULTS }, signal),
            answerOrError(source, 'ListScopes', {}, signal),
        ]);
        return buildServersTree(servers, sql instanceof Error ? undefined : sql, scopes instanceof Error ? undefined : scopes);
    }
}
