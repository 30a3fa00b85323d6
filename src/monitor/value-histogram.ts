import type { Histogram } from '../domain/index.js';
import { round6 } from './round.js';

/** Where a tensor's values sit in the read-back vector: `size` values from `at`. */
export interface ValueRange {
  at: number;
  size: number;
}

/**
 * A histogram of `buckets` equal buckets from the lowest to the highest
 * finite value of the ranges (the trace format's `weightHistogram` /
 * `gradHistogram`): two passes over values the monitor has read already, no
 * tensor op. Non-finite values are left out (the layer's `nanCount` counts
 * them); all values equal give one bucket of no width. Undefined when no
 * value is finite.
 *
 * @example valueHistogram(new Float32Array([0, 1, 1, 2]), [{ at: 0, size: 4 }], 2) // { edges: [0, 1, 2], counts: [1, 3] }
 */
export function valueHistogram(
  v: ArrayLike<number>,
  ranges: readonly ValueRange[],
  buckets: number,
): Histogram | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const { at, size } of ranges) {
    for (let i = at; i < at + size; i++) {
      const x = v[i]!;
      // NaN fails both tests; ±Infinity is filtered by the finite check.
      if (x < lo && x > Number.NEGATIVE_INFINITY) lo = x;
      if (x > hi && x < Number.POSITIVE_INFINITY) hi = x;
    }
  }
  if (!(hi >= lo)) return undefined;
  if (hi === lo) {
    let n = 0;
    for (const { at, size } of ranges) for (let i = at; i < at + size; i++) n += v[i] === lo ? 1 : 0;
    return { edges: [round6(lo), round6(lo)], counts: [n] };
  }
  const counts = new Array<number>(buckets).fill(0);
  const scale = buckets / (hi - lo);
  for (const { at, size } of ranges) {
    for (let i = at; i < at + size; i++) {
      const x = v[i]!;
      if (!(x >= lo && x <= hi)) continue;
      // The top value falls in the last bucket, closed on the right (the format's rule).
      counts[Math.min(buckets - 1, Math.floor((x - lo) * scale))]!++;
    }
  }
  const width = (hi - lo) / buckets;
  // Six digits, as the other statistics (round.ts): the edges are for drawing, the counts stay exact.
  const edges = Array.from({ length: buckets + 1 }, (_, i) => round6(i === buckets ? hi : lo + i * width));
  return { edges, counts };
}
