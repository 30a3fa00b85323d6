import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `splits`),
// where each value carries its reason and source.
export const SplitsThresholds = z.object({
  overlapShare: z.number().positive().max(1).default(0.05),
  overlapMinShared: z.number().int().min(1).default(2),
  shiftSmd: z.number().positive().default(1),
});
export type SplitsThresholds = z.infer<typeof SplitsThresholds>;
