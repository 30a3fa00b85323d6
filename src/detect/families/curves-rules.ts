import type { SymptomOccurrence } from '../../domain/index.js';
import { fmt } from '../stats/index.js';
import type { CurvesThresholds } from './curves-thresholds.js';

/** One epoch as the curve rules read it. */
export interface EpochPoint {
  step: number;
  trainLoss?: number;
  trainAcc?: number;
  valLoss?: number;
  valAcc?: number;
}

type Finding = Omit<SymptomOccurrence, 'lastStep'>;

const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
const finite = (xs: (number | undefined)[]): xs is number[] =>
  xs.every((x) => x !== undefined && Number.isFinite(x));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The longest run of final epochs whose values (`pick`) are all finite and
 * `close` to each other by their spread and mean (oldest first).
 */
function tailWhere(
  epochs: EpochPoint[],
  pick: (e: EpochPoint) => number | undefined,
  close: (spread: number, mean: number) => boolean,
): EpochPoint[] {
  let start = epochs.length;
  while (start > 0) {
    const values = epochs.slice(start - 1).map(pick);
    if (!finite(values) || !close(spread(values), mean(values))) break;
    start--;
  }
  return epochs.slice(start);
}

const within = (tolerance: number) => (s: number) => s <= tolerance;
const withinShare = (share: number) => (s: number, m: number) => s <= share * Math.abs(m);

/**
 * The train accuracy (and the validation accuracy, where logged) does not move
 * at all for the last epochs: a model whose predictions do not depend on its
 * input scores a constant accuracy, the share of the class it predicts.
 */
export function pinnedAccuracy(
  epochs: EpochPoint[],
  th: CurvesThresholds,
): (Finding & { acc: number }) | undefined {
  let tail = tailWhere(epochs, (e) => e.trainAcc, within(th.pinTolerance));
  if (tail.some((e) => e.valAcc !== undefined))
    tail = tailWhere(tail, (e) => e.valAcc, within(th.pinTolerance));
  if (tail.length < th.minEpochs) return undefined;
  const acc = tail.at(-1)!.trainAcc!;
  if (acc >= th.pinMaxAccuracy) return undefined;
  const val = tail.at(-1)!.valAcc;
  return {
    symptomId: 'prediction_collapse',
    firstStep: tail[0]!.step,
    severity: 'warning',
    confidence: 0.8,
    acc,
    evidence: [
      `train accuracy stays at ${fmt(acc)}${val !== undefined ? ` (val ${fmt(val)})` : ''} in each of the last ${tail.length} epochs (steps ${tail[0]!.step}–${tail.at(-1)!.step}): predictions that do not depend on the input score a constant accuracy, the share of the class predicted; rule: the same accuracy to ±${th.pinTolerance} for ${th.minEpochs} epochs or more, below ${th.pinMaxAccuracy}`,
    ],
  };
}

/** The final epochs whose train loss stays within `flatRelative` of its level (oldest first). */
const flatLossTail = (epochs: EpochPoint[], th: CurvesThresholds) =>
  tailWhere(epochs, (e) => e.trainLoss, withinShare(th.flatRelative));

/**
 * A classifier's train loss sits at ln K, what giving K classes equal
 * probability scores whatever the input (Karpathy's "loss at init" check,
 * read the other way: a trained model still there learned nothing), and does
 * not move; where accuracy is logged it is near 1/K. K is read from the loss
 * itself, the nearest whole number of classes.
 */
export function lossAtUniformChance(epochs: EpochPoint[], th: CurvesThresholds): Finding | undefined {
  const tail = flatLossTail(epochs, th);
  if (tail.length < th.minEpochs) return undefined;
  const level = mean(tail.map((e) => e.trainLoss!));
  const k = Math.round(Math.exp(level));
  if (k < 2 || k > th.uniformMaxClasses) return undefined;
  const chance = Math.log(k);
  if (Math.abs(level - chance) > th.uniformRelative * chance) return undefined;
  const accs = tail.map((e) => e.trainAcc);
  const acc = finite(accs) ? mean(accs) : undefined;
  if (acc !== undefined && acc > (th.uniformAccFactor * 1) / k) return undefined;
  return {
    symptomId: 'loss_at_uniform_chance',
    firstStep: tail[0]!.step,
    severity: 'warning',
    confidence: 0.75,
    evidence: [
      `train loss ${fmt(level)} in each of the last ${tail.length} epochs (steps ${tail[0]!.step}–${tail.at(-1)!.step}) is ln ${k} = ${fmt(chance)} to within ${fmt((100 * Math.abs(level - chance)) / chance)}%: what a classifier that gives ${k} classes equal probability scores, whatever its input${acc !== undefined ? `; accuracy ${fmt(acc)}, near 1/${k} = ${fmt(1 / k)}` : ''}; rule: flat within ${th.flatRelative * 100}% for ${th.minEpochs} epochs and within ${th.uniformRelative * 100}% of ln K`,
    ],
  };
}

/**
 * The accuracy is pinned and the loss flat far above ln(1/accuracy), what a
 * constant prediction that spreads its belief scores: the model is
 * confidently wrong, its outputs saturated by exploded logits (the mark of a
 * step size, an input scale or an initialisation too large).
 */
export function confidentlyWrong(
  epochs: EpochPoint[],
  pinned: { acc: number; firstStep: number } | undefined,
  th: CurvesThresholds,
): Finding | undefined {
  if (!pinned || pinned.acc <= 0) return undefined;
  const tail = flatLossTail(epochs, th);
  if (tail.length < th.minEpochs) return undefined;
  const level = mean(tail.map((e) => e.trainLoss!));
  const guess = Math.log(1 / pinned.acc);
  const bound = th.confidentFactor * guess + th.confidentMargin;
  if (level <= bound) return undefined;
  return {
    symptomId: 'loss_divergence',
    firstStep: Math.max(tail[0]!.step, pinned.firstStep),
    severity: 'warning',
    confidence: 0.7,
    evidence: [
      `train loss stays at ${fmt(level)} while the accuracy is pinned at ${fmt(pinned.acc)}: a constant prediction that spreads its belief scores about ln(1/${fmt(pinned.acc)}) = ${fmt(guess)}, and this is ${fmt(level / guess)}× that, a confidently wrong model (saturated outputs); rule: above ${th.confidentFactor}× ln(1/accuracy) + ${th.confidentMargin}`,
    ],
  };
}

/**
 * The wrong answers cost what a saturated output costs: train loss over the
 * error rate, the least the average wrong example can cost (right ones cost
 * ≥ 0), stays at `saturatedNatsPerError` nats or more for the last epochs,
 * while the model is still wrong often enough for the ratio to mean
 * something. A wrong example at p(true class) = e^-10 is an output pinned to
 * 0 or 1 near the 1e-7 clip (16.1 nats) that Keras and TF.js apply: logits
 * exploded (a step size, an input scale or an initialisation too large), as
 * in the pinned case of `confidentlyWrong`, but with accuracy still moving.
 */
export function saturatedErrors(epochs: EpochPoint[], th: CurvesThresholds): Finding | undefined {
  const costOf = (e: EpochPoint) =>
    e.trainLoss !== undefined &&
    e.trainAcc !== undefined &&
    Number.isFinite(e.trainLoss) &&
    e.trainAcc >= 0 &&
    e.trainAcc <= th.saturatedMaxAccuracy
      ? e.trainLoss / (1 - e.trainAcc)
      : undefined;
  let start = epochs.length;
  while (start > 0 && (costOf(epochs[start - 1]!) ?? 0) >= th.saturatedNatsPerError) start--;
  const tail = epochs.slice(start);
  if (tail.length < th.minEpochs) return undefined;
  const last = tail.at(-1)!;
  const least = Math.min(...tail.map((e) => costOf(e)!));
  return {
    symptomId: 'loss_divergence',
    firstStep: tail[0]!.step,
    severity: 'warning',
    confidence: 0.7,
    evidence: [
      `train loss ${fmt(last.trainLoss!)} at train accuracy ${fmt(last.trainAcc!)}: each wrong example costs at least ${fmt(last.trainLoss! / (1 - last.trainAcc!))} nats (loss over error rate), ${fmt(least)} or more in each of the last ${tail.length} epochs (steps ${tail[0]!.step}–${last.step}), a probability of e^-${fmt(least)} or less on the true class: outputs saturated at 0 or 1 (exploded logits), a confidently wrong model; rule: ${th.saturatedNatsPerError} nats per error or more for ${th.minEpochs} epochs, accuracy at most ${th.saturatedMaxAccuracy}`,
    ],
  };
}

/**
 * The loss is too low for the accuracy logged beside it. A cross-entropy L
 * (categorical or binary) bounds the error rate: an example whose top class
 * is wrong gives its true class at most 1/2, so costs at least ln 2, and the
 * error rate is at most L / ln 2. Accuracy far below 1 − L / ln 2, epoch
 * after epoch, says the loss does not score the predictions the accuracy
 * counts: a loss that does not fit the output (a softmax over one unit, whose
 * output is always 1, scores 0 whatever the label) or a loss that is not a
 * likelihood at all (mean absolute error on one-hot labels). A regularised or
 * smoothed loss is only higher, so it never trips this.
 */
export function lossBelowAccuracyBound(epochs: EpochPoint[], th: CurvesThresholds): Finding | undefined {
  const gapOf = (e: EpochPoint) =>
    e.trainLoss !== undefined &&
    e.trainAcc !== undefined &&
    e.trainLoss >= 0 &&
    e.trainAcc >= 0 &&
    e.trainAcc <= 1
      ? 1 - e.trainLoss / Math.LN2 - e.trainAcc
      : undefined;
  let start = epochs.length;
  while (start > 0 && (gapOf(epochs[start - 1]!) ?? 0) > th.lossBoundMargin) start--;
  const tail = epochs.slice(start);
  if (tail.length < th.minEpochs) return undefined;
  const last = tail.at(-1)!;
  const floor = 1 - last.trainLoss! / Math.LN2;
  return {
    symptomId: 'output_loss_mismatch',
    firstStep: tail[0]!.step,
    severity: 'warning',
    confidence: 0.75,
    evidence: [
      `train loss ${fmt(last.trainLoss!)} with train accuracy ${fmt(last.trainAcc!)} in each of the last ${tail.length} epochs (steps ${tail[0]!.step}–${last.step}) is too low for that accuracy: a cross-entropy of ${fmt(last.trainLoss!)} allows at most ${fmt(100 * (1 - floor))}% errors (each costs ln 2 or more), so accuracy would be at least ${fmt(floor)}; the loss does not score the predictions the accuracy counts; rule: accuracy below 1 − loss/ln 2 by more than ${th.lossBoundMargin} for ${th.minEpochs} epochs`,
    ],
  };
}

/**
 * The loss on a fixed set of examples (validation, else training) is the same
 * to a hundredth of a percent epoch after epoch: the model's outputs did not
 * change, so neither did its weights, or no gradient reaches them any more.
 */
export function frozenModel(epochs: EpochPoint[], th: CurvesThresholds): Finding | undefined {
  const hasVal = epochs.some((e) => e.valLoss !== undefined);
  const pick = (e: EpochPoint) => (hasVal ? e.valLoss : e.trainLoss);
  const tail = tailWhere(epochs, pick, withinShare(th.frozenRelative));
  if (tail.length < th.minEpochs) return undefined;
  const level = pick(tail.at(-1)!)!;
  const which = hasVal ? 'val' : 'train';
  return {
    symptomId: 'model_frozen',
    firstStep: tail[0]!.step,
    severity: 'warning',
    confidence: 0.8,
    evidence: [
      `${which} loss ${fmt(level)} is the same to ${th.frozenRelative * 100}% in each of the last ${tail.length} epochs (steps ${tail[0]!.step}–${tail.at(-1)!.step}): the model's outputs on ${hasVal ? 'a fixed validation set' : 'its training set'} did not change, so its weights did not either (or no gradient reaches them); rule: ${th.minEpochs} epochs or more within ${th.frozenRelative * 100}%`,
    ],
  };
}

/**
 * The train loss fell in every epoch, steadily (the later half about as much
 * as the earlier half, not levelling off as a converging run does), yet only
 * a little over the whole run, and accuracy is still low: training that works,
 * at a pace far too slow for its budget.
 */
export function steadyCreep(epochs: EpochPoint[], th: CurvesThresholds): Finding | undefined {
  const losses = epochs.map((e) => e.trainLoss);
  if (epochs.length < th.creepEpochs || !finite(losses)) return undefined;
  for (let i = 1; i < losses.length; i++) if (!(losses[i]! < losses[i - 1]!)) return undefined;
  const first = losses[0]!;
  const last = losses.at(-1)!;
  const drop = (first - last) / Math.abs(first);
  if (drop >= th.creepMaxDrop) return undefined;
  const mid = Math.floor(losses.length / 2);
  const early = first - losses[mid]!;
  const late = losses[mid]! - last;
  if (late < th.creepSteadiness * early) return undefined;
  const acc = epochs.at(-1)!.trainAcc;
  if (acc !== undefined && acc >= th.creepMaxAccuracy) return undefined;
  return {
    symptomId: 'slow_convergence',
    firstStep: epochs[0]!.step,
    severity: 'warning',
    confidence: 0.7,
    evidence: [
      `train loss fell in each of its ${epochs.length} epochs, as much in the later half (${fmt(late)}) as in the earlier (${fmt(early)}), but only ${fmt(drop * 100)}% in all (${fmt(first)} → ${fmt(last)})${acc !== undefined ? `, accuracy ${fmt(acc)}` : ''}: learning, at a pace its budget cannot finish; rule: ${th.creepEpochs}+ epochs of steady decline, under ${th.creepMaxDrop * 100}% in all`,
    ],
  };
}
