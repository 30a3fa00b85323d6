import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `sequence`),
// where each value carries its reason and source.
export const SequenceThresholds = z.object({
  spikeHistory: z.number().int().min(3).default(16),
  spikeMinHistory: z.number().int().min(1).default(3),
  spikeFactor: z.number().positive().default(8),
  spikeLossWindow: z.number().int().min(1).default(16),
  spikeLossJump: z.number().positive().default(3),
  warmupHorizon: z.number().int().min(4).default(200),
  warmupShare: z.number().positive().max(1).default(0.5),
  warmupLossRise: z.number().positive().default(1.2),
  warmupEarlyPoints: z.number().int().min(1).default(3),
});
export type SequenceThresholds = z.infer<typeof SequenceThresholds>;
