import type { EpochEvent } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import type { ModelView } from '../model-view.js';
import { fmt, pct, reportFinding } from '../stats/index.js';
import type { GeneralisationState, GeneralisationThresholds } from './generalisation-state.js';

// Layers that lower the accuracy a model scores in training mode by themselves (off at validation).
const TRAIN_ONLY_NOISE = /dropout|noise/i;

/**
 * train_accuracy_below_val, each epoch: validation accuracy at least
 * `valAboveTrainGap` above the epoch's train accuracy in `valAboveTrainEpochs`
 * of the last `valAboveTrainWindow` epochs after the first. Within a window,
 * not anywhere in the run: a healthy model whose train-mode accuracy runs a
 * few points under its eval-mode one (batch normalisation on small batches,
 * an epoch's accuracy averaging batches of a net still learning) crosses the
 * gap in an epoch now and then, and a long run collects such epochs; noisy
 * labels hold the gap epoch after epoch. A model scores better on data it has not seen than
 * on the data it trains on only when the training labels disagree with the
 * inputs more than the validation ones do (labels flipped or shuffled in the
 * training set: the net fits the clean majority first, so held-out accuracy
 * runs above a training accuracy capped near 1 − the noise share; Arpit et
 * al. 2017, "A Closer Look at Memorization in Deep Networks"). The first
 * epoch is left out (its train accuracy averages batches from before the net
 * learned), and so is a model with dropout or noise layers, whose train-mode
 * accuracy is lowered by design. Where both losses are known, the validation
 * loss must not be above the training loss either: held-out labels that are
 * cleaner are fitted better by both measures, while a validation accuracy
 * above a still-rising training accuracy with the validation loss above the
 * training loss is a lag (an epoch's train accuracy averages its batches) or
 * a quirk of the split, not noise in the training labels.
 */
export function checkValAboveTrain(
  g: GeneralisationState,
  th: GeneralisationThresholds,
  model: ModelView,
  e: EpochEvent,
  step: number,
  emit: Emit,
): void {
  const train = e.train?.accuracy;
  const val = e.val?.accuracy;
  if (train === undefined || val === undefined || !Number.isFinite(train) || !Number.isFinite(val)) return;
  g.accEpochs = (g.accEpochs ?? 0) + 1;
  if (g.accEpochs === 1 || model.layers.some((l) => TRAIN_ONLY_NOISE.test(l.type))) return;
  const trainLoss = e.train?.loss;
  const valLoss = e.val?.loss;
  const lossAgrees = !(Number.isFinite(trainLoss) && Number.isFinite(valLoss) && valLoss! > trainLoss!);
  const held = val - train >= th.valAboveTrainGap && lossAgrees;
  const recent = g.valAboveRecent ?? [];
  recent.push(held ? step : -1);
  if (recent.length > th.valAboveTrainWindow) recent.shift();
  g.valAboveRecent = recent;
  const steps = recent.filter((s) => s >= 0);
  if (!held || steps.length < th.valAboveTrainEpochs) return;
  g.valAboveFinding = reportFinding(
    g.valAboveFinding ?? null,
    {
      symptomId: 'train_accuracy_below_val',
      layer: null,
      firstStep: steps[0]!,
      lastStep: step,
      severity: 'warning',
      confidence: Math.min(0.9, 0.6 + (val - train)),
      evidence: [
        `val accuracy ${pct(val)} against train accuracy ${pct(train)} at step ${step} (epoch ${e.epoch}): ${fmt(val - train)} above it, in ${steps.length} of the last ${recent.length} epochs (since step ${steps[0]}); rule: val at least ${fmt(th.valAboveTrainGap)} above train in ${th.valAboveTrainEpochs} of ${th.valAboveTrainWindow} consecutive epochs after the first, in a model without dropout or noise layers`,
      ],
      latest: null,
    },
    emit,
  );
}
