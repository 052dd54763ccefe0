/** The Patches view: missing patches by classification → machine → patch, and machines not assessed. */
import type { InfraSource } from '../../core/source';
import { ModelTreeProvider } from './modelTree';
import { patchesNodes } from './queries';
import type { TreeNodeModel } from './treeModel';

export class PatchesTreeProvider extends ModelTreeProvider {
    protected compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        return patchesNodes(source, signal);
    }
}
