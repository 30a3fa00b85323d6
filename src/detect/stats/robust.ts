/** Median of a list (copy-sorted). NaN for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
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
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  return median(slopes);
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
