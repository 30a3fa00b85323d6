/**
 * The least share of saturated outputs that an activation's mean and std
 * allow. Outputs of sigmoid/tanh are bounded, so moments pin down how many
 * must sit near the bounds: rescale to Y in [-1, 1] (saturated when |Y| > c);
 * since E[Y²] ≤ s + (1 - s)c², the saturated share s ≥ (E[Y²] - c²)/(1 - c²);
 * and by Markov's inequality on the distance to the nearer bound,
 * s ≥ 1 - E[1 ∓ Y]/(1 - c). Both are lower bounds; the larger is returned.
 * Saturated means within 0.01 of a bound (spec/trace-format.md: sigmoid < 0.01
 * or > 0.99, tanh |x| > 0.99).
 */
const RANGES: Record<string, [number, number]> = {
  sigmoid: [0, 1],
  hardsigmoid: [0, 1],
  tanh: [-1, 1],
  hardtanh: [-1, 1],
};
const EPS = 0.01;
/** Moments further outside the range than this do not describe this activation's output (chosen here). */
const TOLERANCE = 0.01;

/**
 * Returns the bound in [0, 1], or undefined when the activation has no known
 * range or the moments cannot come from it.
 *
 * @example saturationBound('sigmoid', 0.998, 0.01) // ≈ 0.9
 */
export function saturationBound(
  activation: string,
  mean: number,
  std: number | undefined,
): number | undefined {
  const range = RANGES[activation];
  if (range === undefined || !Number.isFinite(mean)) return undefined;
  const half = (range[1] - range[0]) / 2;
  const mid = (range[1] + range[0]) / 2;
  const c = 1 - EPS / half;
  const m = (mean - mid) / half;
  const sd = std !== undefined && Number.isFinite(std) ? std / half : 0;
  const ey2 = m * m + sd * sd;
  if (Math.abs(m) > 1 + TOLERANCE || ey2 > 1 + TOLERANCE) return undefined;
  const second = (Math.min(ey2, 1) - c * c) / (1 - c * c);
  const markov = 1 - (1 - Math.min(Math.abs(m), 1)) / (1 - c);
  return Math.max(0, Math.min(1, Math.max(second, markov)));
}
