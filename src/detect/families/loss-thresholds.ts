import { z } from 'zod';

// Every key has the default of graph-seed/profiles/default.yaml (section `loss`),
// where each value carries its reason and source.
export const LossThresholds = z.object({
  /** Batches per smoothing window (median) and per block of the coarse series. */
  windowSteps: z.number().int().min(4).default(32),
  /**
   * Below this relative drop from the early level the loss counts as flat
   * (loss_not_decreasing); from it on, as falling (slow_convergence's lower bound).
   */
  flatDrop: z.number().min(0).max(1).default(0.05),
  flatMinSteps: z.number().int().positive().default(200),
  flatMinEpochs: z.number().int().positive().default(3),
  flatMinFraction: z.number().min(0).max(1).default(0.25),
  /** Once the loss fell this much below its early level the run has learned: no "flat from the start". */
  learnedDrop: z.number().min(0).max(1).default(0.3),
  /** A loss that turns non-finite with no finite value above this multiple of its first did not run away first. */
  nonFiniteGrowth: z.number().gt(1).default(10),
  /** The first batch loss this many times what a model that learned nothing scores starts off scale. */
  startLossRatio: z.number().gt(1).default(100),
  startMaxStep: z.number().int().nonnegative().default(1),
  divergenceRatio: z.number().gt(1).default(1.5),
  divergenceGiveBack: z.number().min(0).max(1).default(0.25),
  divergencePatienceSteps: z.number().int().nonnegative().default(64),
  divergencePatienceEpochs: z.number().int().positive().default(2),
  /** Cross-entropy classification: a smoothed loss this many times the chance-level loss (and risen from its start) has diverged. */
  divergenceChanceFactor: z.number().gt(1).default(2),
  spikeFactor: z.number().gt(1).default(10),
  spikeCount: z.number().int().positive().default(3),
  slowJudgmentFraction: z.number().min(0).max(1).default(0.5),
  slowMaxDrop: z.number().min(0).max(1).default(0.3),
  slowLinearity: z.number().min(0).default(0.5),
  oscillationSwing: z.number().positive().default(0.25),
  /** A swing must also exceed this many standard errors of a block median, so mini-batch noise never counts. */
  oscillationNoiseSigmas: z.number().min(0).default(6),
  oscillationRate: z.number().min(0).max(1).default(0.2),
  oscillationWindow: z.number().int().min(6).max(64).default(12),
  oscillationMinPoints: z.number().int().min(4).default(6),
});
export type LossThresholds = z.infer<typeof LossThresholds>;
