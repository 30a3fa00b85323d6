import { z } from 'zod';
import { refineSustain, SUSTAIN_THRESHOLDS } from '../stats/index.js';

// Every key has the default of graph-seed/profiles/default.yaml (section `weights`),
// where each value carries its reason and source.
export const WeightThresholds = refineSustain(
  z.object({
    updateRatioSmall: z.number().nonnegative().default(1e-8),
    vanishedGradNorm: z.number().nonnegative().default(1e-4),
    unchangedRtol: z.number().nonnegative().default(1e-6),
    lrFloorShare: z.number().nonnegative().default(0.01),
    growthFactor: z.number().positive().default(10),
    trendGrowth: z.number().positive().default(2),
    trendReadings: z.number().int().min(2).default(20),
    earlyPoints: z.number().int().min(1).default(5),
    initScaleHigh: z.number().positive().default(3),
    initScaleLow: z.number().positive().default(0.33),
    initMaxStep: z.number().int().min(0).default(10),
    lrVanishedShare: z.number().min(0).max(1).default(0.5),
    lrVanishedMinSteps: z.number().int().min(1).default(20),
    updateRatioTiny: z.number().positive().default(1e-5),
    updateRatioPerLrMin: z.number().nonnegative().default(0.01),
    tinyUpdateShare: z.number().min(0).max(1).default(0.5),
    tinyUpdateMinReadings: z.number().int().min(1).default(10),
    ...SUSTAIN_THRESHOLDS,
  }),
);
export type WeightThresholds = z.infer<typeof WeightThresholds>;
