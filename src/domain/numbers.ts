import { z } from 'zod';

/**
 * A JSON number that may be NaN or ±Infinity. Trace files carry non-finite
 * values as the strings "NaN", "Infinity", "-Infinity" (spec/trace-format.md);
 * the trace reader turns them back into numbers before validation, so the
 * schema only has to accept any `number`. zod 4's `z.number()` rejects
 * non-finite values, which is exactly what a diverging run produces.
 */
export const AnyNumber = z.custom<number>((v) => typeof v === 'number', {
  message: 'expected a number (or "NaN", "Infinity", "-Infinity")',
});

/**
 * A magnitude (a norm, a standard deviation, a ratio of norms, a learning
 * rate): never negative, but NaN or +Infinity where the run blew up.
 */
export const Magnitude = z.custom<number>((v) => typeof v === 'number' && !(v < 0), {
  message: 'expected a number of 0 or more (a norm, spread or rate), or "NaN" / "Infinity"',
});

/** A share of something (dead units, saturated units, zero gradients): between 0 and 1, or NaN. */
export const Fraction = z.custom<number>((v) => typeof v === 'number' && !(v < 0 || v > 1), {
  message: 'expected a share between 0 and 1 (or "NaN")',
});

/** The layer statistics that are magnitudes or shares (read by the schema and by the trace reader's fast path). */
export const MAGNITUDE_STATS = [
  'gradNorm',
  'gradStd',
  'gradMaxAbs',
  'weightNorm',
  'weightStd',
  'weightMaxAbs',
  'biasStd',
  'updateRatio',
  'actStd',
  'attnLogitMax',
  'attnEntropy',
] as const;
export const FRACTION_STATS = ['deadFraction', 'saturatedFraction', 'zeroGradFraction'] as const;

/** A finite number of something that cannot be negative (sizes, counts). */
export const Count = z.number().int().nonnegative();

/** A map of metric name to value, e.g. `{ accuracy: 0.91, loss: 0.3 }`. */
export const Metrics = z.record(z.string(), AnyNumber);
export type Metrics = z.infer<typeof Metrics>;
