import { z } from 'zod';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case run id');
const SnakeId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case id');

/**
 * The ground truth of one benchmark run: the cause that was planted (or
 * `healthy`), causes an expert would accept as well, the symptoms its trace
 * shows (each confirmed from the trace's own numbers by checks.ts), which
 * split it belongs to, and the variant it is a run of (splits go by variant).
 */
export const Label = z.strictObject({
  id: Id,
  primaryCause: z.union([SnakeId, z.literal('healthy')]),
  acceptableCauses: z.array(SnakeId),
  expectedSymptoms: z.array(SnakeId),
  split: z.enum(['tune', 'test']),
  variantOf: Id,
  notes: z.string().min(1),
});
export type Label = z.infer<typeof Label>;

/** bench/faults/labels.json: the labels, and how each trace was produced. */
export const LabelsFile = z.strictObject({
  formatVersion: z.literal(1),
  tfjs: z.string(),
  backend: z.string(),
  labels: z.array(Label),
  /** The seed each run was trained with (a retry after a failed label check takes the next one). */
  seeds: z.record(z.string(), z.number().int()),
});
export type LabelsFile = z.infer<typeof LabelsFile>;
