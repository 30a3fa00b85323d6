import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `attention`),
// where each value carries its reason and source.
export const AttentionThresholds = z.object({
  baselinePoints: z.number().int().min(1).default(3),
  logitGrowth: z.number().positive().default(5),
  logitFloor: z.number().positive().default(30),
  entropyShare: z.number().positive().max(1).default(0.3),
});
export type AttentionThresholds = z.infer<typeof AttentionThresholds>;
