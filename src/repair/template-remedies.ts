import type { RecommendedRemedy } from '../domain/index.js';
import type { TrainingTemplate } from '../train/index.js';
import type { Edit } from './apply-edits.js';

/**
 * Fallback edits for remedies whose graph entry has no machine-applicable
 * `edit`, where a template can still express them: its preprocessing, its
 * layers' `trainable`, its schedule. The shipped graph now carries these four
 * edits itself (graph-seed/remedies.yaml), so this table only serves graphs
 * seeded before them; a remedy in neither place is inapplicable.
 */
const TEMPLATE_EDITS: Record<string, (t: TrainingTemplate) => Edit[]> = {
  // Standardisation with training-split statistics (prepare-data.ts).
  standardize_inputs: () => [{ op: 'set', at: 'training', field: 'standardize', value: true }],
  scale_inputs_to_unit_range: () => [{ op: 'set', at: 'training', field: 'scaleToUnit', value: true }],
  unfreeze_layers: (t) =>
    (t.model.layers ?? [])
      .filter((l) => 'trainable' in l && l.trainable === false)
      .map((l) => ({ op: 'set', at: l.name!, field: 'trainable', value: true })),
  // Keras' EarlyStopping with restore_best_weights; patience 5 epochs, a common choice for short runs.
  early_stopping: () => [{ op: 'set', at: 'training', field: 'earlyStoppingPatience', value: 5 }],
};

/**
 * The edits that carry out a remedy on a template: those the reasoner
 * resolved from the graph against the run, else the template's own.
 *
 * @example editsForRemedy(diagnosis.remedies[0], template)
 */
export function editsForRemedy(remedy: Pick<RecommendedRemedy, 'id' | 'edits'>, t: TrainingTemplate): Edit[] {
  if (remedy.edits.length > 0) return remedy.edits;
  return TEMPLATE_EDITS[remedy.id]?.(t) ?? [];
}

/** Remedies a template can carry out without a graph edit. */
export const TEMPLATE_REMEDIES = Object.keys(TEMPLATE_EDITS);
