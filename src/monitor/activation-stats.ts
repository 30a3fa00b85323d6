import { columnCount, columnTotal } from './column-figures.js';
import type { PackedPart, Recount } from './pack-stats.js';

/** What a layer's output gives: mean, variance, dead and saturated shares, non-finite count. */
export interface ActivationStats {
  mean: number;
  variance: number;
  /** ReLU family: the share of units ≤ 0 for every example. */
  dead?: number;
  /** Sigmoid and tanh: the share of values outside the responsive range. */
  saturated?: number;
  nonFinite: number;
}

/**
 * Mean, variance, dead and saturated shares of an activation read as it is,
 * in one float64 pass (its spread summed around the first value, as in
 * `momentsOf`). Values run example by example, unit by unit: a unit is dead
 * when it is ≤ 0 for every example.
 */
export function rawActivation(p: PackedPart, v: ArrayLike<number>): ActivationStats {
  const end = p.at + p.size;
  const relu = p.family === 'relu';
  const saturating = p.family === 'sigmoid' || p.family === 'tanh';
  // Outside the responsive range (spec/trace-format.md): sigmoid < 0.01 or > 0.99, |tanh| > 0.99.
  const center = p.family === 'sigmoid' ? 0.5 : 0;
  const limit = p.family === 'sigmoid' ? 0.49 : 0.99;
  const units = p.units;
  const shift = p.size > 0 ? v[p.at]! : 0;
  const top = new Float64Array(relu ? units : 0);
  let d1 = 0;
  let d2 = 0;
  let saturated = 0;
  for (let row = p.at; row < end; row += units) {
    for (let u = 0; u < units; u++) {
      const x = v[row + u]!;
      const d = x - shift;
      d1 += d;
      d2 += d * d;
      // Each unit's largest value so far: rarely beaten, so the branch is predictable (NaN never beats it).
      if (relu && x > top[u]!) top[u] = x;
      if (saturating) saturated += Math.abs(x - center) > limit ? 1 : 0;
    }
  }
  const mean = shift + d1 / p.size;
  let nonFinite = 0;
  if (!Number.isFinite(d2)) for (let i = p.at; i < end; i++) if (!Number.isFinite(v[i]!)) nonFinite++;
  const act: ActivationStats = { mean, variance: d2 / p.size - (d1 / p.size) ** 2, nonFinite };
  if (relu) act.dead = top.reduce((n, t) => n + (t > 0 ? 0 : 1), 0) / units;
  if (saturating) act.saturated = saturated / p.size;
  return act;
}

/**
 * The same from column means: the mean from the means, the variance from the
 * squares centred on the backend's float32 mean (corrected to the float64
 * one), dead ReLU-family units where all their columns are 0 (their outputs
 * are never below 0), saturated shares from the counted columns. With
 * non-finite values the recount's plain sums stand in (NaN or Inf anyway).
 */
export function reducedActivation(
  p: PackedPart,
  v: ArrayLike<number>,
  re: Recount | undefined,
): ActivationStats {
  let act: ActivationStats;
  if (re) {
    const mean = re.sum / p.size;
    act = { mean, variance: re.sumSq / p.size - mean * mean, nonFinite: re.nonFinite };
  } else {
    const mean = columnTotal(p, v, p.at) / p.size;
    const shift = mean - v[p.centreAt!]!;
    act = { mean, variance: columnTotal(p, v, p.sumSqAt!) / p.size - shift * shift, nonFinite: 0 };
  }
  if (p.family === 'relu') {
    const { units, columns, at } = p;
    const fired = new Float64Array(units);
    for (let j = 0; j < columns; j++) fired[j % units] = fired[j % units]! + v[at + j]!;
    act.dead = fired.reduce((n, s) => n + (s > 0 ? 0 : 1), 0) / units;
  }
  if (p.saturatedAt !== undefined) act.saturated = columnCount(p, v, p.saturatedAt) / p.size;
  return act;
}
