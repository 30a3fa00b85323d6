import type { LayerStats, Severity } from '../../domain/index.js';
import {
  createEarlyLevel,
  createSustain,
  createWindow,
  type EarlyLevel,
  earlySpan,
  fmt,
  pushEarly,
  pushSustain,
  pushWindow,
  type RingWindow,
  type Sustain,
  windowAt,
} from '../stats/index.js';
import type { WeightThresholds } from './weights-thresholds.js';

/** A layer's weight-norm series for `exploding_weights`. */
export interface GrowthSeries {
  early: EarlyLevel;
  /** Readings ≥ growthFactor × the early level. */
  grow: Sustain;
  /** The last trendReadings norms: the growth must still be going on when the rule first fires. */
  recent: RingWindow;
}

export const createGrowthSeries = (trendReadings: number): GrowthSeries => ({
  early: createEarlyLevel(),
  grow: createSustain(),
  recent: createWindow(trendReadings),
});

export interface WeightGrowth {
  key: string;
  firstStep: number;
  /** Growth over the early level. */
  factor: number;
  factorText: string;
  severity: Severity;
  confidence: number;
  line: string;
}

/** Growth of this size is reported as critical: three orders of magnitude (chosen here). */
const CRITICAL_FACTOR = 1e3;

/**
 * Feeds one reading of a layer's weight norm. Fires when the norm is ≥
 * growthFactor × its early level in most of the last readings (a steady
 * climb or a jump that stays, not a single odd reading) and, to open a
 * finding, has grown ≥ trendGrowth× over the last trendReadings readings (an
 * explosion under way, not a slow drift summed over a very long run). A
 * non-finite norm is skipped: it is no growth, and the gradients family
 * reports it as non_finite_tensors. `open` says a finding is already open.
 */
export function checkWeightGrowth(
  s: GrowthSeries,
  key: string,
  stats: LayerStats,
  step: number,
  t: WeightThresholds,
  open: boolean,
): WeightGrowth | null {
  const w = stats.weightNorm;
  if (w === undefined || !Number.isFinite(w)) return null;
  const known = pushEarly(s.early, w, step, t.earlyPoints);
  const factor = known ? w / s.early.level : Number.NaN;
  const n = pushSustain(s.grow, known && factor >= t.growthFactor, step, t.sustainWindow);
  const before = s.recent.size > 0 ? windowAt(s.recent, s.recent.size - 1)! : s.early.level;
  pushWindow(s.recent, step, w);
  if (n < t.sustainNeed || !(factor >= t.growthFactor)) return null;
  const trend = w / before;
  if (!open && !(trend >= t.trendGrowth)) return null;
  return {
    key,
    firstStep: s.grow.since,
    factor,
    factorText: `${fmt(factor)}×`,
    severity: factor >= CRITICAL_FACTOR ? 'critical' : 'warning',
    confidence: Math.min(0.9, 0.6 + 0.1 * Math.log10(factor / t.growthFactor)),
    line:
      `weightNorm of ${key} rose from its early level ${fmt(s.early.level)} (${earlySpan(s.early)}) to ${fmt(w)} (step ${step}), ` +
      `${fmt(factor)}×; ≥ ${fmt(t.growthFactor)}× in ${n} of the last ${t.sustainWindow} readings since step ${s.grow.since}, ` +
      `and ${fmt(trend)}× over the last ${s.recent.size} readings`,
  };
}
