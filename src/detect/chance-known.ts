import type { RunEvent } from '../domain/index.js';
import { taskView } from './families/generalisation-task.js';
import { labelView } from './families/predictions-labels.js';
import type { ModelView } from './model-view.js';

/** Which chance levels a run's description lets the detectors compare with. */
export interface ChanceFacts {
  /** The accuracy a guess scores (the class count or shares are known): accuracy_at_chance can be judged. */
  classes: boolean;
  /** A loss, accuracy or MSE that a model that learned nothing scores: underfitting can be judged. */
  baseline: boolean;
}

/**
 * What "learned nothing" means for this run, as far as its description says:
 * a log of curves alone (no class count, no model, no label statistics) has
 * none, so symptoms judged against chance cannot be absent there, only unseen.
 *
 * @example chanceFacts({ type: 'run', formatVersion: 1, id: 'r', task: 'classification' }, createModelView(run)) // { classes: false, baseline: false }
 */
export function chanceFacts(run: RunEvent, model: ModelView): ChanceFacts {
  const task = taskView(run, model);
  return {
    classes: labelView(run, model) !== undefined,
    baseline: [task.chanceLoss, task.chanceAcc, task.baselineMse].some(Number.isFinite),
  };
}
