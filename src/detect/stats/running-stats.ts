/**
 * Streaming statistics whose whole state is a small plain object, so a
 * detector's state serialises with JSON.stringify and resumes exactly.
 */

/** Welford's running mean and variance, with min and max. O(1) memory. */
export interface Running {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

export const createRunning = (): Running => ({ n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity });

export function pushRunning(s: Running, x: number): void {
  s.n++;
  const d = x - s.mean;
  s.mean += d / s.n;
  s.m2 += d * (x - s.mean);
  if (x < s.min) s.min = x;
  if (x > s.max) s.max = x;
}

export const runningVariance = (s: Running): number => (s.n > 1 ? s.m2 / (s.n - 1) : 0);
export const runningStd = (s: Running): number => Math.sqrt(runningVariance(s));

/** Exponential moving average with bias correction (Adam-style), so early values are not pulled to 0. */
export interface Ema {
  alpha: number;
  raw: number;
  n: number;
}

export const createEma = (alpha: number): Ema => ({ alpha, raw: 0, n: 0 });

export function pushEma(e: Ema, x: number): number {
  e.n++;
  e.raw = e.alpha * x + (1 - e.alpha) * e.raw;
  return emaValue(e);
}

export const emaValue = (e: Ema): number => (e.n === 0 ? Number.NaN : e.raw / (1 - (1 - e.alpha) ** e.n));
