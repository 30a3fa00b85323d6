import type { LayerStats } from '../../domain/index.js';

/**
 * Which layer stats say a tensor holds NaN or ±Infinity. A norm, mean or max
 * of a tensor is non-finite only when one of its values is. A standard
 * deviation counts only when infinite: the unbiased std of a single value is
 * NaN (PyTorch `std()` of a 1-element tensor) without any NaN in the tensor.
 * Derived ratios (updateRatio, deadFraction, ...) are left out: 0/0 is no
 * tensor value.
 */
const FORWARD_STATS = ['weightNorm', 'weightMean', 'weightMaxAbs', 'biasMean', 'actMean'] as const;
const FORWARD_SPREADS = ['weightStd', 'biasStd', 'actStd'] as const;
const GRADIENT_STATS = ['gradNorm', 'gradMean', 'gradMaxAbs'] as const;
const GRADIENT_SPREADS = ['gradStd'] as const;

type StatName =
  | (typeof FORWARD_STATS)[number]
  | (typeof FORWARD_SPREADS)[number]
  | (typeof GRADIENT_STATS)[number]
  | (typeof GRADIENT_SPREADS)[number];

/** Forward stats first (weights, then activations), then gradients: the order evidence names them in. */
export const NON_FINITE_ORDER: readonly StatName[] = [
  ...FORWARD_STATS,
  ...FORWARD_SPREADS,
  ...GRADIENT_STATS,
  ...GRADIENT_SPREADS,
];

const isInfinite = (x: number | undefined): boolean =>
  x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;

// NaN - NaN and Inf - Inf are NaN, finite x - x is 0; undefined (not written) is no evidence.
const bad = (x: number | undefined): boolean => x !== undefined && x - x !== 0;

// These run on every layer of every stats step, so they read the fields
// directly (a loop over key names is ~5x slower in V8 on these objects).
const forwardStatsBad = (s: LayerStats): boolean =>
  bad(s.weightNorm) ||
  bad(s.weightMean) ||
  bad(s.weightMaxAbs) ||
  bad(s.biasMean) ||
  bad(s.actMean) ||
  isInfinite(s.weightStd) ||
  isInfinite(s.biasStd) ||
  isInfinite(s.actStd);

const gradientStatsBad = (s: LayerStats): boolean =>
  bad(s.gradNorm) || bad(s.gradMean) || bad(s.gradMaxAbs) || isInfinite(s.gradStd);

/**
 * True when the layer's weights, biases or outputs hold a non-finite value,
 * or its recorder counted some (`nanCount` mixes weights, gradients and
 * outputs, so it counts here). Fractions such as deadFraction computed over
 * such outputs are no evidence: NaN is neither > 0 nor saturated.
 *
 * @example if (forwardNonFinite(layers.dense_0)) return; // skip this reading
 */
export function forwardNonFinite(s: LayerStats): boolean {
  return (s.nanCount !== undefined && s.nanCount > 0) || forwardStatsBad(s);
}

/**
 * True when any tensor stat of the layer (weights, biases, outputs,
 * gradients) is non-finite or `nanCount` > 0: SageMaker ExplodingTensor's
 * condition on the stats a recorder writes.
 *
 * @example if (holdsNonFinite(e.layers.dense_0)) report();
 */
export function holdsNonFinite(s: LayerStats): boolean {
  return forwardNonFinite(s) || gradientStatsBad(s);
}

/** The names of the non-finite stats of a layer, in NON_FINITE_ORDER (for evidence; allocates). */
export function nonFiniteStats(s: LayerStats): StatName[] {
  return NON_FINITE_ORDER.filter((k) => {
    const x = s[k];
    if (x === undefined) return false;
    return k.endsWith('Std') ? isInfinite(x) : !Number.isFinite(x);
  });
}
