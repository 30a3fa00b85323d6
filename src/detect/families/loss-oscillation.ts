import type { Emit } from '../detector.js';
import { fmt, median, pct, reportFinding, theilSenSlope, windowSteps, windowValues } from '../stats/index.js';
import { type ChanceLevel, startLoss } from './loss-divergence.js';
import type { LossState } from './loss-state.js';
import type { LossThresholds } from './loss-thresholds.js';

/**
 * Alternating extremes of a series (local maxima and minima, inner points
 * only, as AUTOTRAINER's `ol_judge`); a run of equal-kind extremes keeps the
 * most extreme one. Returns their indices.
 */
export function turningPoints(ys: readonly number[]): number[] {
  const out: number[] = [];
  let lastKind = 0;
  for (let i = 1; i < ys.length - 1; i++) {
    const y = ys[i]!;
    const kind = y >= ys[i - 1]! && y >= ys[i + 1]! ? 1 : y <= ys[i - 1]! && y <= ys[i + 1]! ? -1 : 0;
    if (kind === 0 || (y === ys[i - 1] && y === ys[i + 1])) continue;
    if (kind === lastKind) {
      const j = out[out.length - 1]!;
      if (kind * (y - ys[j]!) > 0) out[out.length - 1] = i;
      continue;
    }
    out.push(i);
    lastKind = kind;
  }
  return out;
}

/**
 * loss_oscillation: on the coarse series (block medians of `windowSteps`
 * batches, or epoch losses), where mini-batch noise is averaged out, count
 * swings between consecutive extremes larger than `oscillationSwing`
 * (relative). AUTOTRAINER fires when such swings number at least η = 20% of
 * the points (ζ = 0.03 on accuracy, ICSE'21 §V-D); here the same count on the
 * loss (at least 3 swings), each swing also `oscillationNoiseSigmas` standard
 * errors of a block median (from the blocks' own spread), and only when the
 * robust trend over the window falls by less than one swing, so neither
 * mini-batch noise nor a falling curve with bumps is oscillation.
 */
export function checkOscillation(
  state: LossState,
  th: LossThresholds,
  chance: ChanceLevel | null,
  emit: Emit,
): void {
  const blocks = state.series.blocks;
  if (blocks.size < th.oscillationMinPoints) return;
  const xs = windowSteps(blocks);
  const ys = windowValues(blocks);
  if (!ys.every((y) => y > 0)) return;
  // A burst of exploding batches is loss_divergence's, not a swing.
  if (ys.some((y) => y > th.spikeFactor * startLoss(state.series, chance))) return;
  const logs = ys.map(Math.log);
  const turns = turningPoints(logs);
  const noise = median(windowValues(state.series.blockNoise));
  const bound = Math.max(Math.log(1 + th.oscillationSwing), th.oscillationNoiseSigmas * noise);
  let swings = 0;
  let largest = 0;
  let largestAt = 0;
  for (let k = 1; k < turns.length; k++) {
    const size = Math.abs(logs[turns[k]!]! - logs[turns[k - 1]!]!);
    if (size >= bound) swings++;
    if (size > largest) {
      largest = size;
      largestAt = k;
    }
  }
  const needed = Math.max(3, Math.ceil(th.oscillationRate * ys.length));
  if (swings < needed) return;
  const trend = theilSenSlope(xs, logs) * (xs.at(-1)! - xs[0]!);
  if (trend <= -bound) return;
  const a = ys[turns[largestAt - 1]!]!;
  const b = ys[turns[largestAt]!]!;
  const unit =
    state.series.source === 'epoch' ? 'epoch train loss' : `loss (medians of ${th.windowSteps}-batch blocks)`;
  state.oscillation.finding = reportFinding(
    state.oscillation.finding,
    {
      symptomId: 'loss_oscillation',
      layer: null,
      firstStep: xs[turns[0]!]!,
      lastStep: xs.at(-1)!,
      severity: 'warning',
      confidence: swings >= 2 * needed ? 0.85 : 0.7,
      evidence: [
        `${unit} swung ${swings} times by more than ${pct(th.oscillationSwing)} over steps ${xs[0]}–${xs.at(-1)} (largest ${fmt(a)} ↔ ${fmt(b)}), with a trend of ${pct(Math.exp(trend) - 1)} over those ${ys.length} points; rule: at least ${needed} such swings (${pct(th.oscillationRate)} of the points) without a downward trend`,
      ],
      latest: null,
    },
    emit,
  );
}
