/**
 * A whole-run series in bounded memory: it keeps every sample until `cap`
 * are held, then drops every other one and keeps only every 2nd (4th, ...)
 * later sample, so it always spans the run from its first sample with between
 * cap/2 and cap evenly spaced points. Plain arrays: it serialises as it is.
 * Rules that compare "the start", "half-way" and "now" of a run read it.
 */
export interface CompactSeries {
  cap: number;
  /** Keep one offered sample in `stride`. */
  stride: number;
  /** Samples offered so far. */
  offered: number;
  /** x of each kept sample (a step, or an epoch's step). */
  x: number[];
  v: number[];
}

export const createSeries = (cap: number): CompactSeries => ({
  cap: Math.max(4, cap - (cap % 2)),
  stride: 1,
  offered: 0,
  x: [],
  v: [],
});

/**
 * Offers the next sample; returns true when it was kept (the series changed).
 *
 * @example if (offerSeries(state.history, step, level)) recheckTrend();
 */
export function offerSeries(s: CompactSeries, x: number, v: number): boolean {
  const keep = s.offered % s.stride === 0;
  s.offered++;
  if (!keep) return false;
  s.x.push(x);
  s.v.push(v);
  if (s.x.length >= s.cap) {
    let j = 0;
    for (let i = 0; i < s.x.length; i += 2, j++) {
      s.x[j] = s.x[i]!;
      s.v[j] = s.v[i]!;
    }
    s.x.length = j;
    s.v.length = j;
    s.stride *= 2;
  }
  return true;
}
