import { z } from 'zod';
import { refineSustain, SUSTAIN_THRESHOLDS } from '../stats/index.js';

// Every key has the default of graph-seed/profiles/default.yaml (section `gradients`),
// where each value carries its reason and source.
export const GradientThresholds = refineSustain(
  z.object({
    explodeGrowth: z.number().positive().default(100),
    explodeSpike: z.number().positive().default(1e4),
    explodeBound: z.number().positive().default(1e3),
    explodeMinNorm: z.number().nonnegative().default(1),
    explodeLayerRatio: z.number().positive().default(70),
    vanishRatio: z.number().positive().default(1e-3),
    vanishNorm: z.number().positive().default(1e-4),
    vanishMeanAbs: z.number().positive().default(1e-7),
    vanishLossShare: z.number().positive().default(0.5),
    earlyPoints: z.number().int().min(1).default(5),
    ...SUSTAIN_THRESHOLDS,
  }),
);
export type GradientThresholds = z.infer<typeof GradientThresholds>;
