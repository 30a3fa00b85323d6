import { z } from 'zod';
import { Count } from './numbers.js';
import { Histogram } from './trace-events.js';

/** Which values a histogram counts: a layer's weights, or their gradients at the step. */
export const HistogramKind = z.enum(['weight', 'grad']);
export type HistogramKind = z.infer<typeof HistogramKind>;

/** One histogram a step event carried (`layers.<layer>.weightHistogram` / `gradHistogram`). */
export const HistogramPoint = z.object({
  layer: z.string().min(1),
  kind: HistogramKind,
  step: Count,
  edges: z.array(z.number()).min(2),
  counts: z.array(z.number().nonnegative()),
});
export type HistogramPoint = z.infer<typeof HistogramPoint>;

/**
 * One layer's histograms of one kind over the run, as the store keeps them:
 * `histograms[i]` was read at `steps[i]`, steps ascending. Bounded in steps
 * and buckets (store/histogram-bounds.ts), so older steps are thinned out.
 */
export const HistogramSeries = z.object({
  layer: z.string().min(1),
  kind: HistogramKind,
  steps: z.array(Count),
  histograms: z.array(Histogram),
});
export type HistogramSeries = z.infer<typeof HistogramSeries>;
