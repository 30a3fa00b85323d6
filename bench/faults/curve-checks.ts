import { finalValAccuracy, finite, lastEpochMetric, median, type TraceFacts } from './trace-facts.js';
import { fmt, type Verdict, verdict } from './verdict.js';

// These criteria are this benchmark's own reading of spec/vocabulary.md,
// written from the symptom definitions, deliberately simple and independent
// of src/detect: they confirm that a planted fault really shows in the run.

/** Median loss of the first 5% of steps (at least 5). */
function earlyLoss(f: TraceFacts): number {
  const xs = finite(f.losses);
  return median(xs.slice(0, Math.max(5, Math.ceil(xs.length * 0.05))));
}

/** Median loss of the last quarter of the finite losses. */
function lateLoss(f: TraceFacts): number {
  const xs = finite(f.losses);
  return median(xs.slice(Math.floor(xs.length * 0.75)));
}

/** A non-finite loss in a step or an epoch. */
export const lossNan = (f: TraceFacts): Verdict => {
  const step = f.steps.find((s) => s.loss !== undefined && !Number.isFinite(s.loss));
  const epoch = f.epochs.find((e) =>
    [e.train?.loss, e.val?.loss].some((v) => typeof v === 'number' && !Number.isFinite(v)),
  );
  if (step) return verdict(true, `loss ${step.loss} at step ${step.step}`);
  if (epoch) return verdict(true, `non-finite epoch loss at epoch ${epoch.epoch}`);
  return verdict(false, 'every loss is finite');
};

/** A finite loss ≥ 10× the early level, or the late level ≥ 1.5× the best rolling median and above the start. */
export const lossDivergence = (f: TraceFacts): Verdict => {
  const xs = finite(f.losses);
  const early = earlyLoss(f);
  const peak = Math.max(...xs);
  if (peak >= 10 * early)
    return verdict(true, `loss peaked at ${fmt(peak)}, ${fmt(peak / early)}× its early ${fmt(early)}`);
  const w = 16;
  let best = Number.POSITIVE_INFINITY;
  for (let i = w; i <= xs.length; i += w / 2) best = Math.min(best, median(xs.slice(i - w, i)));
  const late = lateLoss(f);
  const ok = late >= 1.5 * best && late >= early;
  return verdict(
    ok,
    `late loss ${fmt(late)} vs best ${fmt(best)} and early ${fmt(early)}; peak ${fmt(peak)}`,
  );
};

/** After ≥ 100 steps the late loss is still ≥ 95% of the early loss. */
export const lossNotDecreasing = (f: TraceFacts): Verdict => {
  const xs = finite(f.losses);
  if (xs.length < 100) return verdict(false, `only ${xs.length} finite losses`);
  const early = earlyLoss(f);
  const late = lateLoss(f);
  return verdict(late >= 0.95 * early, `late loss ${fmt(late)} vs early ${fmt(early)}`);
};

/** The loss fell by only 5–40% over the budget and was still falling clearly (≥ 2%) near the end. */
export const slowConvergence = (f: TraceFacts): Verdict => {
  const xs = finite(f.losses);
  if (xs.length < 100) return verdict(false, `only ${xs.length} finite losses`);
  const early = earlyLoss(f);
  const late = median(xs.slice(Math.floor(xs.length * 0.9)));
  const before = median(xs.slice(Math.floor(xs.length * 0.6), Math.floor(xs.length * 0.7)));
  const drop = 1 - late / early;
  return verdict(
    drop >= 0.05 && drop <= 0.4 && late <= 0.98 * before,
    `dropped ${fmt(drop * 100)}% (last tenth ${fmt(late)} vs ${fmt(before)} earlier)`,
  );
};

/** 16-step medians swing by ≥ 25% of their level at least 3 times, without halving overall. */
export const lossOscillation = (f: TraceFacts): Verdict => {
  const xs = finite(f.losses);
  const w = 16;
  const m: number[] = [];
  for (let i = w; i <= xs.length; i += w) m.push(median(xs.slice(i - w, i)));
  let swings = 0;
  for (let i = 1; i < m.length - 1; i++) {
    const up = m[i]! - m[i - 1]!;
    const down = m[i]! - m[i + 1]!;
    if (up > 0 && down > 0 && Math.min(up, down) >= 0.25 * m[i]!) swings++;
  }
  const trend = m.length > 1 ? m.at(-1)! / m[0]! : 1;
  return verdict(
    swings >= 3 && trend > 0.5,
    `${swings} swings ≥ 25% of the level; last/first window ${fmt(trend)}`,
  );
};

/** Final training accuracy within 5 points of max(1/K, majority share). */
export const accuracyAtChance = (f: TraceFacts): Verdict => {
  const acc = lastEpochMetric(f, 'train', 'accuracy') ?? finalValAccuracy(f);
  if (acc === undefined || f.numClasses === undefined) return verdict(false, 'no accuracy or classes');
  return verdict(acc <= f.chance + 0.05, `final accuracy ${fmt(acc)}, chance ${fmt(f.chance)}`);
};

/** One class takes ≥ 90% of the final predictions and ≥ 75% of the room above its true share. */
export const predictionCollapse = (f: TraceFacts): Verdict => {
  const ev = f.evals.at(-1);
  const counts = ev?.predictedClassCounts;
  if (!counts || !ev.confusion) return verdict(false, 'no predicted class counts');
  const total = counts.reduce((a, b) => a + b, 0);
  const top = counts.indexOf(Math.max(...counts));
  const share = counts[top]! / total;
  const truth = ev.confusion[top]!.reduce((a, b) => a + b, 0) / total;
  return verdict(
    share >= 0.9 && share >= truth + 0.75 * (1 - truth),
    `class ${top} gets ${fmt(share * 100)}% of predictions (true share ${fmt(truth * 100)}%)`,
  );
};

/**
 * The model learned its training set (final train loss ≤ 70% of the first epoch's) and either the
 * validation loss ends ≥ 10% above its minimum while the training loss kept falling (≤ 90% of its
 * value at that minimum), or train accuracy ≥ 0.8 leads validation accuracy by ≥ 0.15.
 */
export const overfitting = (f: TraceFacts): Verdict => {
  const ep = f.epochs.filter((e) => Number.isFinite(e.val?.loss) && Number.isFinite(e.train?.loss));
  if (ep.length < 4) return verdict(false, `${ep.length} epochs with losses`);
  let best = 0;
  ep.forEach((e, i) => {
    if (e.val!.loss! < ep[best]!.val!.loss!) best = i;
  });
  const tail = ep.slice(-3);
  const valEnd = median(tail.map((e) => e.val!.loss!));
  const trainEnd = median(tail.map((e) => e.train!.loss!));
  const rise = valEnd / ep[best]!.val!.loss!;
  const trainFall = trainEnd / ep[best]!.train!.loss!;
  const trainAcc = lastEpochMetric(f, 'train', 'accuracy');
  const valAcc = lastEpochMetric(f, 'val', 'accuracy');
  const gap = trainAcc !== undefined && valAcc !== undefined ? trainAcc - valAcc : 0;
  const learned = trainEnd <= 0.7 * ep[0]!.train!.loss!;
  const diverging = best < ep.length - 2 && rise >= 1.1 && trainFall <= 0.9;
  const ok = learned && (diverging || (gap >= 0.15 && (trainAcc ?? 0) >= 0.8));
  return verdict(
    ok,
    `val loss ${fmt(rise)}× its minimum (epoch ${best}) while train loss went ×${fmt(trainFall)}; accuracy gap ${fmt(gap)}; train loss ${fmt(ep[0]!.train!.loss)} → ${fmt(trainEnd)}`,
  );
};

/** Final training accuracy below halfway from chance to perfect; regression: MSE ≥ half the label variance. */
export const underfitting = (f: TraceFacts): Verdict => {
  const acc = lastEpochMetric(f, 'train', 'accuracy');
  if (f.numClasses !== undefined && acc !== undefined)
    return verdict(
      acc <= f.chance + 0.5 * (1 - f.chance),
      `final train accuracy ${fmt(acc)}, chance ${fmt(f.chance)}`,
    );
  const loss = lastEpochMetric(f, 'train', 'loss');
  const std = f.run.dataset?.labelStats?.std;
  if (loss === undefined || std === undefined) return verdict(false, 'no final loss or label spread');
  return verdict(
    !Number.isFinite(loss) || loss >= 0.5 * std * std,
    `final train MSE ${fmt(loss)}, label variance ${fmt(std * std)}`,
  );
};
