/** The Patches view: missing patches by classification → machine → patch, and machines not assessed. */
import type { InfraSource } from '../../core/source';
import { TABLE_MAX_RESULTS } from '../webviews/tableSpecs';
import { answer, ModelTreeProvider } from './modelTree';
import { buildPatchesTree, type TreeNodeModel } from './treeModel';

export class PatchesTreeProvider extends ModelTreeProvider {
    protected async compute(source: InfraSource, signal: AbortSignal): Promise<TreeNodeModel[]> {
        return buildPatchesTree(await answer(source, 'GetPatchingLevel', { max_results: TABLE_MAX_RESULTS }, signal));
    }
}
