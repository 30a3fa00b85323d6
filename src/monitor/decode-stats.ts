import type { LayerStats } from '../domain/index.js';
import { type ActivationStats, rawActivation, reducedActivation } from './activation-stats.js';
import { columnCount, columnMax, columnTotal } from './column-figures.js';
import { describe, EMPTY, type Moments, merge, momentsOf } from './moments.js';
import type { PackedPart, PackPlan, Recount } from './pack-stats.js';
import { round6 } from './round.js';
import { type ValueRange, valueHistogram } from './value-histogram.js';

export interface Reading {
  /** Stats by layer name; layers with nothing measured are left out. */
  layers: Record<string, LayerStats>;
  /** L2 norm of the whole gradient, when gradients were given. */
  gradNorm?: number;
  /** The caller's extra scalars, in the order given. */
  extras: number[];
}

// The smallest normal float32: a square below it has lost bits, so its root is not |x|.
const FLOAT32_MIN_NORMAL = 2 ** -126;

/**
 * Reduced parts whose column results cannot stand: NaN or Inf in the sums
 * (see `columnMeans`), or max |x| taken as √max(x²) where the squares
 * underflowed while the values were not all zero. They need a `recount`.
 */
export function recountParts(plan: PackPlan, v: ArrayLike<number>): number[] {
  return plan.parts.flatMap((p, i) => {
    if (p.mode !== 'reduced') return [];
    const sum = columnTotal(p, v, p.at);
    if (!Number.isFinite(sum + columnTotal(p, v, p.sumSqAt!))) return [i];
    if (!p.maxIsSquared) return [];
    const maxSq = columnMax(p, v, p.maxAbsAt!);
    return maxSq < FLOAT32_MIN_NORMAL && (maxSq > 0 || sum !== 0) ? [i] : [];
  });
}

interface LayerAcc {
  weight: Moments;
  bias: Moments;
  grad: Moments;
  nonZero: number;
  zeroKnown: boolean;
  delta: number;
  hasDelta: boolean;
  act?: ActivationStats;
  /** Where the layer's kernel (`weight`) and gradient values were read raw; null once one was reduced. */
  raw: Record<'weight' | 'grad', ValueRange[] | null>;
}

/** Moments of a reduced weight or gradient: from its columns, or from its recount (see `recountParts`). */
function reducedMoments(p: PackedPart, v: ArrayLike<number>, re: Recount | undefined): Moments {
  const max = columnMax(p, v, p.maxAbsAt!);
  const maxAbs = re ? re.maxAbs : p.maxIsSquared ? Math.sqrt(max) : max;
  const sum = re ? re.sum : columnTotal(p, v, p.at);
  const sumSq = re ? re.sumSq : columnTotal(p, v, p.sumSqAt!);
  return {
    ...EMPTY,
    n: p.size,
    sum,
    sumSq,
    m2: sumSq - (sum * sum) / p.size,
    max: maxAbs,
    min: -maxAbs,
    nonFinite: re?.nonFinite ?? 0,
  };
}

function accumulate(p: PackedPart, v: ArrayLike<number>, acc: LayerAcc, re: Recount | undefined) {
  if (p.kind === 'act') {
    acc.act = p.mode === 'raw' ? rawActivation(p, v) : reducedActivation(p, v, re);
    return;
  }
  const m: Moments =
    p.mode === 'raw'
      ? momentsOf(v, p.at, p.size, p.kind === 'grad' && p.family === 'relu')
      : reducedMoments(p, v, re);
  acc[p.kind] = merge(acc[p.kind], m);
  // A histogram only of all the layer's values of a kind: a reduced part (only column sums read) leaves it out.
  if (p.kind === 'weight' || p.kind === 'grad') {
    const raw = acc.raw[p.kind];
    if (p.mode === 'raw') raw?.push({ at: p.at, size: p.size });
    else acc.raw[p.kind] = null;
  }
  if (p.kind === 'grad' && p.family === 'relu') {
    acc.zeroKnown = true;
    acc.nonZero += p.mode === 'raw' ? p.size - m.zeros : columnCount(p, v, p.nonZeroAt!);
  }
  if (p.deltaAt !== undefined) {
    acc.delta += columnTotal(p, v, p.deltaAt);
    acc.hasDelta = true;
  } else if (p.beforeAt !== undefined) {
    const offset = p.beforeAt - p.at;
    const end = p.at + p.size;
    let d = 0;
    for (let i = p.at; i < end; i++) {
      const e = v[i]! - v[i + offset]!;
      d += e * e;
    }
    acc.delta += d;
    acc.hasDelta = true;
  }
}

/**
 * Turns the read-back vector into the trace's LayerStats per layer (the
 * field names of spec/trace-format.md). `counted` holds the recounts of
 * reduced parts (by part index) whose column results were not finite. With
 * `histogramBuckets`, a layer whose kernels (or gradients) were all read raw
 * also gets `weightHistogram` (`gradHistogram`) of that many buckets.
 *
 * @example decodeStats(plan, await packed.data(), ['dense', 'dense_1'], new Map())
 */
export function decodeStats(
  plan: PackPlan,
  v: ArrayLike<number>,
  layerNames: string[],
  counted: Map<number, Recount>,
  histogramBuckets = 0,
): Reading {
  const per: LayerAcc[] = layerNames.map(() => ({
    weight: EMPTY,
    bias: EMPTY,
    grad: EMPTY,
    nonZero: 0,
    zeroKnown: false,
    delta: 0,
    hasDelta: false,
    raw: { weight: [], grad: [] },
  }));
  plan.parts.forEach((p, i) => {
    accumulate(p, v, per[p.owner]!, counted.get(i));
  });
  const layers: Record<string, LayerStats> = {};
  let gradSq = 0;
  per.forEach((p, i) => {
    const s: LayerStats = {};
    if (p.grad.n > 0) {
      const g = describe(p.grad);
      Object.assign(s, { gradNorm: g.norm, gradMean: g.mean, gradStd: g.std, gradMaxAbs: g.maxAbs });
      // A non-finite gradient counts as non-zero but not among the finite values `grad.n` counts, so
      // the share could fall below 0 once NaN spreads: a share is kept within [0, 1] (NaN stays NaN).
      if (p.zeroKnown) s.zeroGradFraction = Math.min(1, Math.max(0, 1 - p.nonZero / p.grad.n));
      gradSq += p.grad.sumSq;
    }
    if (p.weight.n > 0) {
      const w = describe(p.weight);
      Object.assign(s, { weightNorm: w.norm, weightMean: w.mean, weightStd: w.std, weightMaxAbs: w.maxAbs });
      if (p.hasDelta && w.norm !== 0) s.updateRatio = Math.sqrt(p.delta) / w.norm;
    }
    if (p.bias.n > 0) {
      const b = describe(p.bias);
      Object.assign(s, { biasMean: b.mean, biasStd: b.std });
    }
    if (p.act) {
      s.actMean = p.act.mean;
      s.actStd = Math.sqrt(Math.max(0, p.act.variance));
      if (p.act.dead !== undefined) s.deadFraction = p.act.dead;
      if (p.act.saturated !== undefined) s.saturatedFraction = p.act.saturated;
    }
    if (Object.keys(s).length === 0) return;
    for (const k of Object.keys(s) as (keyof LayerStats)[]) s[k] = round6(s[k] as number);
    s.nanCount = p.weight.nonFinite + p.bias.nonFinite + p.grad.nonFinite + (p.act?.nonFinite ?? 0);
    if (histogramBuckets > 0) {
      const weights =
        p.weight.n > 0 && p.raw.weight ? valueHistogram(v, p.raw.weight, histogramBuckets) : undefined;
      const grads = p.grad.n > 0 && p.raw.grad ? valueHistogram(v, p.raw.grad, histogramBuckets) : undefined;
      if (weights) s.weightHistogram = weights;
      if (grads) s.gradHistogram = grads;
    }
    layers[layerNames[i]!] = s;
  });
  const extras = Array.from({ length: plan.extras }, (_, k) => v[plan.extrasAt + k]!);
  const hasGrads = plan.parts.some((p) => p.kind === 'grad');
  return { layers, ...(hasGrads ? { gradNorm: round6(Math.sqrt(gradSq)) } : {}), extras };
}
