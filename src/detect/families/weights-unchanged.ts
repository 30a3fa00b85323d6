import type { LayerStats } from '../../domain/index.js';
import { createSustain, type Finding, fmt, pushSustain, type Sustain } from '../stats/index.js';
import type { WeightThresholds } from './weights-thresholds.js';

/** A layer's series for `unchanged_weights`. */
export interface UnchangedSeries {
  /** Readings where the weights did not change. */
  still: Sustain;
  /** The previous reading's weight summary [weightNorm, weightMean, weightStd, weightMaxAbs] (NaN = absent). */
  prev: number[] | null;
}

export const createUnchangedSeries = (): UnchangedSeries => ({ still: createSustain(), prev: null });

const SUMMARY = ['weightNorm', 'weightMean', 'weightStd', 'weightMaxAbs'] as const;

/**
 * Feeds one reading of a trainable layer. With `updateRatio` written, a
 * reading counts when ‖Δw‖/‖w‖ ≤ updateRatioSmall (SageMaker
 * WeightUpdateRatio; float32 cannot even represent most updates that small).
 * Without it, when every weight summary stat equals the previous reading's
 * within unchangedRtol: a norm alone can stay put while weights rotate, the
 * mean and max rarely do. Readings under a learning-rate cut are not counted.
 */
export function checkUnchanged(
  s: UnchangedSeries,
  key: string,
  stats: LayerStats,
  step: number,
  t: WeightThresholds,
  lrCut: boolean,
): Finding | null {
  const same = compareWithPrevious(s, stats, t.unchangedRtol);
  const ratio = stats.updateRatio;
  const useRatio = ratio !== undefined && Number.isFinite(ratio);
  if (!useRatio && same.compared === 0) return null;
  // A tiny but non-zero gradient explains tiny updates: that is vanishing
  // gradients (reported by the gradients family), not an optimizer that does
  // not step. An exactly-zero gradient (detached graph, dead path) still counts.
  const g = stats.gradNorm;
  const vanished = g !== undefined && g > 0 && g <= t.vanishedGradNorm;
  const hit = !vanished && (useRatio ? ratio <= t.updateRatioSmall : same.equal);
  const exact = useRatio ? ratio === 0 : same.exact;
  if (lrCut) return null;
  const n = pushSustain(s.still, hit, step, t.sustainWindow);
  if (n < t.sustainNeed || !hit) return null;
  let what: string;
  if (useRatio) {
    what = exact
      ? `updateRatio of ${key} is exactly 0 at step ${step}`
      : `updateRatio of ${key} is ${fmt(ratio)} at step ${step}, ≤ ${fmt(t.updateRatioSmall)} (SageMaker WeightUpdateRatio small; healthy is about 1e-3, CS231n)`;
  } else {
    const names = SUMMARY.filter((k) => stats[k] !== undefined).join(', ');
    what = `${names} of ${key} unchanged since the previous reading (step ${step}, weightNorm ${fmt(s.prev![0]!)}, relative tolerance ${fmt(t.unchangedRtol)})`;
  }
  const grad = stats.gradNorm !== undefined ? `; its gradNorm is ${fmt(stats.gradNorm)}` : '';
  return {
    symptomId: 'unchanged_weights',
    layer: key,
    firstStep: s.still.since,
    lastStep: step,
    severity: 'warning',
    confidence: exact ? 0.85 : 0.7,
    evidence: [
      `${what}; in ${n} of the last ${t.sustainWindow} readings since step ${s.still.since}; the layer is trainable${grad}`,
    ],
    latest: null,
  };
}

/** Compares this reading's weight summary with the previous one and keeps this one (in place: no allocation). */
function compareWithPrevious(s: UnchangedSeries, stats: LayerStats, rtol: number) {
  let compared = 0;
  let equal = true;
  let exact = true;
  const hadPrev = s.prev !== null;
  s.prev ??= [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  for (let i = 0; i < SUMMARY.length; i++) {
    const a = s.prev[i]!;
    const b = stats[SUMMARY[i]!] ?? Number.NaN;
    s.prev[i] = b;
    if (!hadPrev || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    compared++;
    if (a !== b) exact = false;
    if (Math.abs(a - b) > rtol * Math.abs(b)) equal = false;
  }
  return { compared, equal: compared > 0 && equal, exact: compared > 0 && exact };
}
