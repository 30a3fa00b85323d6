import type { LayerStats } from '../domain/index.js';
import type { PackedPart, PackPlan } from './pack-stats.js';
import { round6 } from './round.js';

/** Count, sum, sum of squares, max, min, zeros and non-finite values of a set of numbers. */
interface Moments {
  n: number;
  sum: number;
  sumSq: number;
  max: number;
  min: number;
  zeros: number;
  nonFinite: number;
}

const EMPTY: Moments = {
  n: 0,
  sum: 0,
  sumSq: 0,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
  zeros: 0,
  nonFinite: 0,
};

const merge = (a: Moments, b: Moments): Moments => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSq: a.sumSq + b.sumSq,
  max: Math.max(a.max, b.max),
  min: Math.min(a.min, b.min),
  zeros: a.zeros + b.zeros,
  nonFinite: a.nonFinite + b.nonFinite,
});

/**
 * Moments of raw values, in float64, in one pass. NaN and ±Inf go into the
 * sums as the backend's sums would take them; they are counted (a second
 * pass) only when the sums show there are some.
 */
function momentsOf(v: ArrayLike<number>, at: number, size: number, countZeros: boolean): Moments {
  let sum = 0;
  let sumSq = 0;
  let maxAbs = 0;
  let zeros = 0;
  const end = at + size;
  for (let i = at; i < end; i++) {
    const x = v[i]!;
    sum += x;
    sumSq += x * x;
    const a = x < 0 ? -x : x;
    if (a > maxAbs) maxAbs = a;
  }
  if (countZeros) for (let i = at; i < end; i++) if (v[i] === 0) zeros++;
  let nonFinite = 0;
  if (!Number.isFinite(sumSq)) for (let i = at; i < end; i++) if (!Number.isFinite(v[i]!)) nonFinite++;
  return { n: size, sum, sumSq, max: maxAbs, min: -maxAbs, zeros, nonFinite };
}

/**
 * Mean, standard deviation, L2 norm and max |x| in float64. NaN and ±Inf
 * come through the sums as they are (the detectors look for them); a max
 * can skip a NaN, so with a NaN sum max |x| is NaN too.
 */
function describe(m: Moments) {
  const mean = m.sum / m.n;
  const finite = Number.isFinite(m.sum) && Number.isFinite(m.sumSq);
  const std = finite ? Math.sqrt(Math.max(0, m.sumSq / m.n - mean * mean)) : Number.NaN;
  const maxAbs =
    Number.isNaN(m.sum) || Number.isNaN(m.sumSq) ? Number.NaN : Math.max(Math.abs(m.max), Math.abs(m.min));
  return { mean, std, norm: Math.sqrt(m.sumSq), maxAbs };
}

export interface Reading {
  /** Stats by layer name; layers with nothing measured are left out. */
  layers: Record<string, LayerStats>;
  /** L2 norm of the whole gradient, when gradients were given. */
  gradNorm?: number;
  /** The caller's extra scalars, in the order given. */
  extras: number[];
}

/** Reduced parts whose backend sums came out NaN or Inf: they need an exact count. */
export function nonFiniteParts(plan: PackPlan, v: ArrayLike<number>): number[] {
  return plan.parts.flatMap((p, i) =>
    p.mode === 'reduced' && (!Number.isFinite(v[p.at]!) || !Number.isFinite(v[p.at + 1]!)) ? [i] : [],
  );
}

interface LayerAcc {
  weight: Moments;
  bias: Moments;
  grad: Moments;
  nonZero: number;
  zeroKnown: boolean;
  delta: number;
  hasDelta: boolean;
  act?: { mean: number; variance: number; dead?: number; saturated?: number; nonFinite: number };
}

function accumulate(p: PackedPart, v: ArrayLike<number>, acc: LayerAcc, counted: number | undefined) {
  if (p.kind === 'act') {
    acc.act = p.mode === 'raw' ? rawActivation(p, v) : reducedActivation(p, v, counted ?? 0);
    return;
  }
  const m: Moments =
    p.mode === 'raw'
      ? momentsOf(v, p.at, p.size, p.kind === 'grad' && p.family === 'relu')
      : {
          ...EMPTY,
          n: p.size,
          sum: v[p.at]!,
          sumSq: v[p.at + 1]!,
          max: v[p.at + 2]!,
          min: -v[p.at + 2]!,
          nonFinite: counted ?? 0,
        };
  acc[p.kind] = merge(acc[p.kind], m);
  if (p.kind === 'grad' && p.family === 'relu') {
    acc.zeroKnown = true;
    acc.nonZero += p.mode === 'raw' ? p.size - m.zeros : v[p.nonZeroAt!]!;
  }
  if (p.deltaAt !== undefined) {
    acc.delta += v[p.deltaAt]!;
    acc.hasDelta = true;
  } else if (p.beforeAt !== undefined) {
    const offset = p.beforeAt - p.at;
    let d = 0;
    for (let i = p.at; i < p.at + p.size; i++) {
      const e = v[i]! - v[i + offset]!;
      d += e * e;
    }
    acc.delta += d;
    acc.hasDelta = true;
  }
}

/**
 * Mean, variance, dead and saturated shares of an activation read back as it
 * is, in one float64 pass (float64 sums keep the spread of values far from
 * zero, so no centring pass is needed). Values run example by example, unit
 * by unit: a unit is dead when it is ≤ 0 for every example.
 */
function rawActivation(p: PackedPart, v: ArrayLike<number>): NonNullable<LayerAcc['act']> {
  const end = p.at + p.size;
  const relu = p.family === 'relu';
  const saturating = p.family === 'sigmoid' || p.family === 'tanh';
  // Outside the responsive range (spec/trace-format.md): sigmoid < 0.01 or > 0.99, |tanh| > 0.99.
  const center = p.family === 'sigmoid' ? 0.5 : 0;
  const limit = p.family === 'sigmoid' ? 0.49 : 0.99;
  const alive = new Uint8Array(relu ? p.units : 0);
  let sum = 0;
  let sumSq = 0;
  let saturated = 0;
  for (let i = p.at, u = 0; i < end; i++) {
    const x = v[i]!;
    sum += x;
    sumSq += x * x;
    if (relu && x > 0) alive[u] = 1;
    if (saturating && Math.abs(x - center) > limit) saturated++;
    u = u + 1 === p.units ? 0 : u + 1;
  }
  const mean = sum / p.size;
  let nonFinite = 0;
  if (!Number.isFinite(sumSq)) for (let i = p.at; i < end; i++) if (!Number.isFinite(v[i]!)) nonFinite++;
  const act: NonNullable<LayerAcc['act']> = { mean, variance: sumSq / p.size - mean * mean, nonFinite };
  if (relu) act.dead = alive.reduce((n, a) => n + (a === 0 ? 1 : 0), 0) / p.units;
  if (saturating) act.saturated = saturated / p.size;
  return act;
}

function reducedActivation(
  p: PackedPart,
  v: ArrayLike<number>,
  nonFinite: number,
): NonNullable<LayerAcc['act']> {
  const act: NonNullable<LayerAcc['act']> = { mean: v[p.at]!, variance: v[p.at + 1]!, nonFinite };
  if (p.maxAt !== undefined) {
    let dead = 0;
    for (let u = 0; u < p.units; u++) if (v[p.maxAt + u]! <= 0) dead++;
    act.dead = dead / p.units;
  }
  if (p.saturatedAt !== undefined) act.saturated = v[p.saturatedAt]! / p.size;
  return act;
}

/**
 * Turns the read-back vector into the trace's LayerStats per layer (the
 * field names of spec/trace-format.md). `counted` holds the exact NaN/Inf
 * counts of reduced parts (by part index), when a reading had any.
 *
 * @example decodeStats(plan, await packed.data(), ['dense', 'dense_1'], new Map())
 */
export function decodeStats(
  plan: PackPlan,
  v: ArrayLike<number>,
  layerNames: string[],
  counted: Map<number, number>,
): Reading {
  const per: LayerAcc[] = layerNames.map(() => ({
    weight: EMPTY,
    bias: EMPTY,
    grad: EMPTY,
    nonZero: 0,
    zeroKnown: false,
    delta: 0,
    hasDelta: false,
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
      if (p.zeroKnown) s.zeroGradFraction = 1 - p.nonZero / p.grad.n;
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
    layers[layerNames[i]!] = s;
  });
  const extras = Array.from({ length: plan.extras }, (_, k) => v[plan.extrasAt + k]!);
  const hasGrads = plan.parts.some((p) => p.kind === 'grad');
  return { layers, ...(hasGrads ? { gradNorm: round6(Math.sqrt(gradSq)) } : {}), extras };
}
