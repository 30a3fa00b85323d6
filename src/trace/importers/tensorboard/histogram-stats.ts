import type { LayerStats, Histogram as TraceHistogram } from '../../../domain/index.js';
import type { Histogram } from './summary.js';

// Buckets this narrow around 0 hold zeros (and values within 1e-10 of it): TensorBoard's default
// legacy bins (torch's bins='tensorflow') have (-1e-12, 0] and (0, 1e-12]. Wider buckets cannot say.
const ZERO_BUCKET = 1e-10;

/**
 * Per-layer statistics of a histogram of weights, biases or gradients.
 * Exact from a legacy histogram (its min, max, count, sum and sum of squares
 * are the values'): norm = √(sum of squares), max |value|, mean, std.
 * Approximate from a TF2 histogram tensor (buckets only): norm, mean and std
 * from bucket centres; max |value| is exact (the outer bucket edges are the
 * min and max). The share of zeros is approximate in both (an upper bound,
 * from buckets within 1e-10 of 0, left out when no bucket is that narrow).
 *
 * @example histogramStats(h, 'gradients') // { gradNorm, gradMaxAbs, gradMean, gradStd, zeroGradFraction }
 */
export function histogramStats(h: Histogram, kind: 'weights' | 'biases' | 'gradients'): LayerStats {
  let num: number;
  let sum: number;
  let sumSquares: number;
  let maxAbs: number;
  if (h.moments) {
    ({ num, sum, sumSquares } = h.moments);
    maxAbs = Math.max(Math.abs(h.moments.min), Math.abs(h.moments.max));
  } else {
    num = sum = sumSquares = maxAbs = 0;
    for (let i = 0; i < h.counts.length; i++) {
      const c = h.counts[i]!;
      if (c <= 0) continue;
      const centre = (h.lefts[i]! + h.rights[i]!) / 2;
      num += c;
      sum += c * centre;
      sumSquares += c * centre * centre;
      maxAbs = Math.max(maxAbs, Math.abs(h.lefts[i]!), Math.abs(h.rights[i]!));
    }
  }
  if (num <= 0) return {};
  const mean = sum / num;
  const std = Math.sqrt(Math.max(0, sumSquares / num - mean * mean));
  const norm = Math.sqrt(sumSquares);
  if (kind === 'biases') return { biasMean: mean, biasStd: std };
  if (kind === 'weights') return { weightNorm: norm, weightMaxAbs: maxAbs, weightMean: mean, weightStd: std };
  const zeros = zeroCount(h);
  return {
    gradNorm: norm,
    gradMaxAbs: maxAbs,
    gradMean: mean,
    gradStd: std,
    ...(zeros === undefined ? {} : { zeroGradFraction: zeros / num }),
  };
}

function zeroCount(h: Histogram): number | undefined {
  let count: number | undefined;
  for (let i = 0; i < h.counts.length; i++) {
    const left = h.lefts[i]!;
    const right = h.rights[i]!;
    if (left <= 0 && right >= 0 && right - left <= 2 * ZERO_BUCKET) count = (count ?? 0) + h.counts[i]!;
    else if (Math.abs(left) <= ZERO_BUCKET && Math.abs(right) <= ZERO_BUCKET)
      count = (count ?? 0) + h.counts[i]!;
  }
  return count;
}

/**
 * The buckets of a histogram as the trace format holds them (`edges`, one
 * more than `counts`): the first bucket's left edge, then every bucket's right
 * edge. TensorBoard's buckets are contiguous (legacy: bucket i covers
 * (limit[i-1], limit[i]]; TF2: each row's right edge is the next row's left).
 * Undefined when there is no bucket or a value the format cannot hold (a
 * non-finite edge, a negative or non-finite count: a histogram of NaN weights).
 *
 * @example histogramBuckets({ lefts: [0, 1], rights: [1, 2], counts: [3, 4] }) // { edges: [0, 1, 2], counts: [3, 4] }
 */
export function histogramBuckets(h: Histogram): TraceHistogram | undefined {
  const n = h.counts.length;
  if (n === 0 || h.lefts.length !== n || h.rights.length !== n) return undefined;
  const edges = new Array<number>(n + 1);
  edges[0] = h.lefts[0]!;
  for (let i = 0; i < n; i++) edges[i + 1] = h.rights[i]!;
  for (const e of edges) if (!Number.isFinite(e)) return undefined;
  for (let i = 1; i <= n; i++) if (edges[i]! < edges[i - 1]!) return undefined;
  for (const c of h.counts) if (!(c >= 0) || !Number.isFinite(c)) return undefined;
  return { edges, counts: h.counts.slice() };
}
