import { z } from 'zod';
import { AnyNumber, Count } from './numbers.js';

/**
 * A slice of one time series of a run (`loss`, `layers.dense.gradNorm`,
 * `val.loss`, ...): the steps and the values read at them, index by index.
 * Values may be NaN or ±Infinity: a diverging run writes them.
 */
export const SeriesChunk = z.object({
  key: z.string().min(1),
  steps: z.array(Count),
  values: z.array(AnyNumber),
});
export type SeriesChunk = z.infer<typeof SeriesChunk>;
