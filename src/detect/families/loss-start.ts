import type { RunEvent } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import type { ModelView } from '../model-view.js';
import { fmt, reportFinding } from '../stats/index.js';
import { taskView } from './generalisation-task.js';
import { chanceLevelOf } from './loss-divergence.js';
import type { LossState } from './loss-state.js';
import type { LossThresholds } from './loss-thresholds.js';

/** What a model that learned nothing scores: the class shares' entropy (cross-entropy), the label variance (MSE). */
export function referenceLossOf(run: RunEvent, model: ModelView): { loss: number; text: string } | null {
  const chance = chanceLevelOf(run, model);
  if (chance) return chance;
  const mse = taskView(run, model).baselineMse;
  return Number.isFinite(mse) && mse > 0
    ? { loss: mse, text: 'predicting the label mean (its variance)' }
    : null;
}

/**
 * initial_loss_far_above_chance, on the first batch loss (at most step
 * `startMaxStep`, computed on the initial weights): `startLossRatio` times or
 * more what a model that learned nothing scores. A freshly initialised net
 * should start near that level (Karpathy's "verify loss @ init": -log(1/K)
 * for K balanced classes); starting orders of magnitude above it means its
 * outputs start huge, from weights (or inputs) far off their standard scale.
 */
export function checkStartLevel(
  state: LossState,
  th: LossThresholds,
  reference: { loss: number; text: string } | null,
  step: number,
  loss: number,
  emit: Emit,
): void {
  if (reference === null || step > th.startMaxStep || state.nan.firstFinite !== undefined) return;
  const ratio = loss / reference.loss;
  if (!(ratio >= th.startLossRatio)) return;
  state.nan.start = reportFinding(
    state.nan.start ?? null,
    {
      symptomId: 'initial_loss_far_above_chance',
      layer: null,
      firstStep: step,
      lastStep: step,
      severity: 'warning',
      confidence: 0.85,
      evidence: [
        `the first loss is ${fmt(loss)} at step ${step}, ${fmt(ratio)}× the ${fmt(reference.loss)} of ${reference.text}: the outputs start far off scale before any update; rule: at least ${fmt(th.startLossRatio)}× it within step ${th.startMaxStep}`,
      ],
      latest: null,
    },
    emit,
  );
}
