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

/** A finite number of something that cannot be negative (sizes, counts). */
export const Count = z.number().int().nonnegative();

/** A map of metric name to value, e.g. `{ accuracy: 0.91, loss: 0.3 }`. */
export const Metrics = z.record(z.string(), AnyNumber);
export type Metrics = z.infer<typeof Metrics>;
