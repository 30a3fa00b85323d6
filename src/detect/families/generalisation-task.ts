import type { RunEvent } from '../../domain/index.js';
import { type ModelView, normaliseName } from '../model-view.js';
import { declaredClasses, lossKey } from './config-loss-kind.js';

/** What the task allows a model that learned nothing: chance-level loss and accuracy, or the variance of the labels. */
export interface TaskView {
  chanceLoss: number;
  chanceAcc: number;
  chanceText: string;
  baselineMse: number;
}

const CROSS_ENTROPY = /crossentropy|nll|logloss|bce|logistic|kldiv/;
const SQUARED_ERROR = /^(mse|meansquarederror|l2|squarederror)/;

/**
 * The chance level of a run: a classifier that predicts the class shares
 * scores loss = entropy of the shares (ln k when balanced, Karpathy's "loss at
 * init" check) and accuracy = the majority share; a regressor that predicts
 * the label mean scores MSE = label variance. NaN where the trace cannot tell.
 */
export function taskView(run: RunEvent, model: ModelView): TaskView {
  const view: TaskView = {
    chanceLoss: Number.NaN,
    chanceAcc: Number.NaN,
    chanceText: '',
    baselineMse: Number.NaN,
  };
  const losses = [run.loss, run.tags?.lossFn].map(lossKey);
  const task = normaliseName(run.task);
  const std = run.dataset?.labelStats?.std;
  if (
    losses.some((l) => SQUARED_ERROR.test(l)) &&
    !task.includes('classification') &&
    std !== undefined &&
    std > 0
  ) {
    view.baselineMse = std * std;
  }
  const counts = run.dataset?.classCounts;
  const out = model.output;
  const k =
    declaredClasses(run) ??
    (task === 'binaryclassification'
      ? 2
      : task === 'classification' && (out?.units ?? 0) >= 2
        ? out!.units
        : undefined);
  const multiLabel =
    losses.some((l) => /binary|bce/.test(l)) && out?.activation === 'sigmoid' && (out.units ?? 1) > 1;
  if (k === undefined || k < 2 || multiLabel || task.startsWith('regression')) return view;
  const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
  const shares =
    counts && counts.length === k && total > 0
      ? counts.map((c) => c / total)
      : new Array<number>(k).fill(1 / k);
  view.chanceAcc = Math.max(...shares);
  const crossEntropy =
    losses.some((l) => CROSS_ENTROPY.test(l)) ||
    (losses.every((l) => l === '') && task.includes('classification'));
  if (crossEntropy) view.chanceLoss = shares.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0);
  view.chanceText = counts && counts.length === k ? `the ${k} class shares` : `${k} balanced classes`;
  return view;
}
