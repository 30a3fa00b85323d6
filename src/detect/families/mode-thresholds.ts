import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `mode`),
// where each value carries its reason and source.
export const ModeThresholds = z.object({
  evalReadings: z.number().int().min(1).default(3),
  noGradEpochs: z.number().int().min(1).default(2),
});
export type ModeThresholds = z.infer<typeof ModeThresholds>;
