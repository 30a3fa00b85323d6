import { z } from 'zod';
import { Count } from '../domain/index.js';

/** The plain settings of a monitor (the model, sink and tensors travel beside them). */
export const MonitorSettings = z.object({
  /** Per-layer statistics every `every` steps (step 0 included); losses and metrics every step. */
  every: z.number().int().positive().default(10),
  /**
   * Buckets of the weight and gradient histograms (0: none). 30 are enough for the dashboard's
   * distributions (its store keeps up to 64) and cost two passes over values already read; only
   * layers small enough to be read whole (8,192 values a tensor) get them.
   */
  histogramBuckets: z.number().int().min(0).max(64).default(30),
  /**
   * Histograms on the sampled steps that are multiples of this; by default every tenth sampled
   * step and at most every 100 steps, as the Python client writes them: each adds some sixty
   * numbers a layer to the trace, and the store keeps 100 steps of them per layer anyway.
   */
  histogramEvery: z.number().int().positive().optional(),
  runId: z.string().min(1).optional(),
  name: z.string().optional(),
  /** `classification`, `binary-classification`, `regression`, `other`; inferred from the loss when absent. */
  task: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  parentRunId: z.string().optional(),
  appliedRemedies: z.array(z.string()).optional(),
  /** The loss of a custom loop (its closure hides it), e.g. `categoricalCrossentropy`. */
  loss: z.string().optional(),
  fromLogits: z.boolean().optional(),
  batchSize: Count.optional(),
  epochs: Count.optional(),
  /** How long `finish` waits for the sinks to deliver before giving up. */
  closeTimeoutMs: z.number().nonnegative().default(10_000),
  /**
   * How often a long training loop lets the event loop run, so sinks deliver and alerts arrive.
   * Each turn also lets V8 run its collector's tasks: every 50 ms that cost a busy loop about 3% of
   * its CPU time (bench:monitor's custom loop, no step sampled), every 250 ms about 1%.
   */
  yieldEveryMs: z.number().nonnegative().default(250),
});
export type MonitorSettings = z.infer<typeof MonitorSettings>;
