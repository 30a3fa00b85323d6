import type { RecommendedRemedy, RunEvent, StructureEdit } from '../domain/index.js';
import { resolveEdit } from '../reason/index.js';
import type { TrainingTemplate } from '../train/index.js';
import type { Edit } from './apply-edits.js';
import { editsForRemedy } from './template-remedies.js';

/**
 * The edits that carry out a remedy on a template, read with the remedy's
 * graph entry where it says more than one edit resolved against the run:
 * - `byOptimizer`: a value per optimizer (each optimizer's documented
 *   default learning rate: SGD's 0.01 is ten times Adam's 0.001), the one for
 *   the optimizer the template trains with;
 * - `with`: companion edits applied together with the remedy's own (dropout
 *   with early stopping that keeps the best epoch), only where the remedy's
 *   own edit applies.
 * Otherwise the edits the diagnosis resolved (or the template's own, for
 * graphs seeded before data and process remedies carried edits).
 *
 * @example remedyEdits(diagnosis.remedies[0], graphEditOf(remedyId), runEvent, template)
 */
export function remedyEdits(
  remedy: Pick<RecommendedRemedy, 'id' | 'edits'>,
  graphEdit: StructureEdit | undefined,
  run: RunEvent,
  template: TrainingTemplate,
): Edit[] {
  const own =
    graphEdit && isValueTable(graphEdit.byOptimizer)
      ? resolveEdit(editForOptimizer(graphEdit, template.optimizer.name), run)
      : editsForRemedy(remedy, template);
  if (own.length === 0) return [];
  const companions = Array.isArray(graphEdit?.with) ? (graphEdit.with as unknown[]) : [];
  return [
    ...own,
    ...companions
      .filter(isEdit)
      .flatMap((e) => resolveEdit(editForOptimizer(e, template.optimizer.name), run)),
  ];
}

/**
 * A graph edit for the optimizer a template will train with: the value its
 * `byOptimizer` table gives for that optimizer (the one the edit switches
 * to, else the template's own) replaces `value`; an optimizer the table does
 * not name, or an edit without a table, keeps `value`.
 *
 * @example editForOptimizer({ op: 'set_hyperparameter', param: 'learningRate', value: 0.001, byOptimizer: { sgd: 0.01 } }, 'sgd') // value 0.01
 */
export function editForOptimizer(edit: StructureEdit, optimizer: string): StructureEdit {
  const table = edit.byOptimizer;
  if (!isValueTable(table)) return edit;
  const target = typeof edit.optimizer === 'string' ? edit.optimizer : optimizer;
  const value = table[target];
  return value === undefined ? edit : { ...edit, value };
}

function isValueTable(v: unknown): v is Record<string, number> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x))
  );
}

const isEdit = (v: unknown): v is StructureEdit =>
  typeof v === 'object' && v !== null && typeof (v as { op?: unknown }).op === 'string';
