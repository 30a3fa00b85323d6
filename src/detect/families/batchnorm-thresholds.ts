import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `batchnorm`),
// where each value carries its reason and source.
export const BatchNormThresholds = z.object({
  tinyBatchMax: z.number().int().min(1).default(4),
});
export type BatchNormThresholds = z.infer<typeof BatchNormThresholds>;
