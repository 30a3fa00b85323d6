import { scratchOf } from './scratch.js';

/** Median of a list. NaN for an empty list. The list is not changed. */
export function median(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const a = scratchOf(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    // A NaN has no place in an order: keep the sorted copy's answer for such a list.
    if (Number.isNaN(x)) return sortedMedian(xs);
    a[i] = x;
  }
  return selectMedian(a, n);
}

function sortedMedian(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// Theil–Sen fits take the median of n(n−1)/2 slopes each time the run history
// grows, which made sorting them a fifth of all detector time: a selection
// finds the same middle values in linear time, in the shared scratch buffer.

/** The median of a[0..n), NaN-free; reorders that part of `a`. */
function selectMedian(a: Float64Array, n: number): number {
  const mid = n >> 1;
  const upper = select(a, n, mid);
  if (n % 2) return upper;
  // After selection every value left of `mid` is ≤ a[mid]: the lower middle is their largest.
  let lower = a[0]!;
  for (let i = 1; i < mid; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/** The k-th smallest of a[0..n) (Hoare's selection, middle pivot); leaves a[0..k) ≤ a[k] ≤ a(k..n). */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/** Median absolute deviation, scaled to estimate the standard deviation of normal noise. */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - m)));
}

/**
 * Theil–Sen slope: the median of pairwise slopes, robust to up to ~29% outliers
 * (single spiky batches do not tilt it). O(n²); used on short windows only.
 */
export function theilSenSlope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const a = scratchOf((n * (n - 1)) >> 1);
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) {
        const slope = (ys[j]! - ys[i]!) / dx;
        if (Number.isNaN(slope)) return sortedMedian(pairwiseSlopes(xs, ys));
        a[m++] = slope;
      }
    }
  }
  return m === 0 ? Number.NaN : selectMedian(a, m);
}

function pairwiseSlopes(xs: readonly number[], ys: readonly number[]): number[] {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  return slopes;
}

/** Formats a number for evidence text: 3 significant digits, exponent when large or tiny. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2).replace('e+', 'e');
  return Number(x.toPrecision(3)).toString();
}

/** A share as a percentage for evidence text. */
export const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
