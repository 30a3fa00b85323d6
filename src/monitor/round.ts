// 10^k for k in -24..24, each the double nearest to it (as the literal `1e${k}` parses).
const POW10 = Array.from({ length: 49 }, (_, i) => Number(`1e${i - 24}`));
const pow10 = (k: number) => POW10[k + 24]!;

/**
 * Six significant digits: float32 statistics carry about seven, and a trace
 * of 10^6 steps with layer stats stays a third smaller than with full doubles.
 * Non-finite values pass through (the trace writes them as strings).
 *
 * The same numbers as `Number(v.toPrecision(6))`, without a string per value
 * (a sampled step rounds some 60): the six digits as an integer, then one
 * correctly rounded division or product by an exact power of ten, which is
 * what parsing those digits gives. Values next to a tie (where scaling may
 * have rounded across it) and magnitudes outside 1e-17..1e21 go through
 * `toPrecision`.
 *
 * @example round6(0.123456789) // 0.123457
 */
export function round6(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  let e = Math.floor(Math.log10(a));
  // log10 can land on the wrong side of a power of ten; the table says which side `a` is on.
  if (e > -24 && e < 23) {
    if (a < pow10(e)) e--;
    else if (a >= pow10(e + 1)) e++;
  }
  const k = 5 - e;
  if (k < -16 || k > 22) return Number(v.toPrecision(6));
  const scaled = k >= 0 ? a * pow10(k) : a / pow10(-k);
  const n = Math.round(scaled);
  if (Math.abs(n - scaled - 0.5) < 1e-6 || Math.abs(scaled - n - 0.5) < 1e-6) return Number(v.toPrecision(6));
  const r = k >= 0 ? n / pow10(k) : n * pow10(-k);
  return v < 0 ? -r : r;
}
