/**
 * Count, sum, sum of squares, sum of squared deviations from the mean (`m2`),
 * max, min, zeros and non-finite values of a set of numbers.
 */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
  m2: number;
  max: number;
  min: number;
  zeros: number;
  nonFinite: number;
}

export const EMPTY: Moments = {
  n: 0,
  sum: 0,
  sumSq: 0,
  m2: 0,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
  zeros: 0,
  nonFinite: 0,
};

/** Two sets as one; `m2` by Chan et al.'s pairwise update (no cancellation between the parts). */
export function merge(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.sum / b.n - a.sum / a.n;
  return {
    n,
    sum: a.sum + b.sum,
    sumSq: a.sumSq + b.sumSq,
    m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n,
    max: Math.max(a.max, b.max),
    min: Math.min(a.min, b.min),
    zeros: a.zeros + b.zeros,
    nonFinite: a.nonFinite + b.nonFinite,
  };
}

/**
 * Moments of raw values, in float64, in one pass. The spread is summed
 * around the first value (a shift that keeps it exact when the mean is far
 * from zero, like biases initialised to a constant). NaN and ±Inf go into
 * the sums as the backend's sums would take them; they are counted (a
 * second pass) only when the sums show there are some. Branch-free on the
 * values' signs (`Math.abs`, not `x < 0 ? -x : x`): mispredicted branches
 * made this loop 5× slower.
 */
export function momentsOf(v: ArrayLike<number>, at: number, size: number, countZeros: boolean): Moments {
  const shift = size > 0 ? v[at]! : 0;
  let sumSq = 0;
  let d1 = 0;
  let d2 = 0;
  let maxAbs = 0;
  let zeros = 0;
  const end = at + size;
  for (let i = at; i < end; i++) {
    const x = v[i]!;
    const d = x - shift;
    d1 += d;
    d2 += d * d;
    sumSq += x * x;
    const a = Math.abs(x);
    if (a > maxAbs) maxAbs = a;
  }
  if (countZeros) for (let i = at; i < end; i++) zeros += v[i] === 0 ? 1 : 0;
  let nonFinite = 0;
  if (!Number.isFinite(sumSq)) for (let i = at; i < end; i++) if (!Number.isFinite(v[i]!)) nonFinite++;
  const sum = shift * size + d1;
  return { n: size, sum, sumSq, m2: d2 - (d1 * d1) / size, max: maxAbs, min: -maxAbs, zeros, nonFinite };
}

/**
 * Mean, standard deviation, L2 norm and max |x| in float64. NaN and ±Inf
 * come through the sums as they are (the detectors look for them); a max
 * can skip a NaN, so with a NaN sum max |x| is NaN too.
 */
export function describe(m: Moments) {
  const mean = m.sum / m.n;
  const finite = Number.isFinite(m.sum) && Number.isFinite(m.sumSq);
  const std = finite ? Math.sqrt(Math.max(0, m.m2 / m.n)) : Number.NaN;
  const maxAbs =
    Number.isNaN(m.sum) || Number.isNaN(m.sumSq) ? Number.NaN : Math.max(Math.abs(m.max), Math.abs(m.min));
  return { mean, std, norm: Math.sqrt(m.sumSq), maxAbs };
}
