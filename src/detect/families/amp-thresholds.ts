import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `amp`),
// where each value carries its reason and source.
export const AmpThresholds = z.object({
  collapseScale: z.number().positive().default(1),
  collapseCriticalScale: z.number().positive().default(6.1e-5),
  skipFraction: z.number().min(0).max(1).default(0.05),
  skipMin: z.number().int().min(1).default(5),
});
export type AmpThresholds = z.infer<typeof AmpThresholds>;
