import type { RecommendedRemedy, RunEvent, StructureEdit } from '../domain/index.js';
import { companionEdits, resolveRemedyEdit } from '../reason/index.js';
import type { TrainingTemplate } from '../train/index.js';
import type { Edit } from './apply-edits.js';
import { editsForRemedy } from './template-remedies.js';

/**
 * The edits that carry out a remedy on a template: the remedy's graph entry
 * resolved as the diagnosis resolves it (reason/resolveRemedyEdit: the
 * `byOptimizer` value, the `with` companions), but for the optimizer the
 * template trains with. Where the graph edit finds nothing to change in the
 * run, the diagnosis' edits or the template's own table (for graphs seeded
 * before data and process remedies carried edits), with the companions.
 *
 * @example remedyEdits(diagnosis.remedies[0], graphEditOf(remedyId), runEvent, template)
 */
export function remedyEdits(
  remedy: Pick<RecommendedRemedy, 'id' | 'edits'>,
  graphEdit: StructureEdit | undefined,
  run: RunEvent,
  template: TrainingTemplate,
): Edit[] {
  const optimizer = template.optimizer.name;
  if (graphEdit) {
    const edits = resolveRemedyEdit(graphEdit, run, optimizer);
    if (edits.length > 0) return edits;
  }
  const own = editsForRemedy(remedy, template);
  return own.length > 0 && graphEdit ? [...own, ...companionEdits(graphEdit, run, optimizer)] : own;
}
