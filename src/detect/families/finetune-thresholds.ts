import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `finetune`),
// where each value carries its reason and source.
export const FinetuneThresholds = z.object({
  earlySteps: z.number().int().min(1).default(20),
  updateRatioMin: z.number().positive().default(0.01),
  lossRise: z.number().positive().default(2),
});
export type FinetuneThresholds = z.infer<typeof FinetuneThresholds>;
