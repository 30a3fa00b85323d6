import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `loop`),
// where each value carries its reason and source.
export const LoopThresholds = z.object({
  accumulateReadings: z.number().int().min(4).default(24),
  accumulateMinReadings: z.number().int().min(4).default(12),
  accumulateTrend: z.number().min(-1).max(1).default(0.7),
  accumulateGrowth: z.number().positive().default(4),
  accumulateEnds: z.number().int().min(1).default(3),
  accumulateFirstRise: z.number().positive().default(1.3),
});
export type LoopThresholds = z.infer<typeof LoopThresholds>;
