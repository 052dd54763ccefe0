/** The Servers view: subscription → resource group → machine, with SQL Server instances under their machines. */
import type { InfraSource } from '../../core/source';
import { ModelTreeProvider } from './modelTree';
import { serversNodes } from './queries';
import type { TreeNodeModel } from './treeModel';

export class ServersTreeProvider extends ModelTreeProvider {
    protected compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        return serversNodes(source, signal);
    }
}
