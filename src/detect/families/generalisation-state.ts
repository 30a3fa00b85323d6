import { z } from 'zod';
import { createWindow, type Finding, type RingWindow } from '../stats/index.js';

// Defaults equal graph-seed/profiles/default.yaml (section `generalisation`), where each has its reason.
export const GeneralisationThresholds = z.object({
  overfitRise: z.number().positive().default(0.1),
  overfitRiseScale: z.number().min(0).default(0.02),
  /** The rise arm also needs val above train by this share of train (SageMaker Overfit ratio_threshold). */
  overfitGapRatio: z.number().min(0).default(0.1),
  overfitPatience: z.number().int().positive().default(2),
  overfitTrainFall: z.number().min(0).max(1).default(0.05),
  overfitLearnedDrop: z.number().min(0).max(1).default(0.2),
  overfitGapWiden: z.number().positive().default(0.25),
  overfitMinEpochs: z.number().int().positive().default(3),
  overfitJudgmentFraction: z.number().min(0).max(1).default(0.3),
  overfitAccGap: z.number().positive().default(0.1),
  overfitAccGapHigh: z.number().positive().default(0.07),
  overfitAccPivot: z.number().min(0).max(1).default(0.9),
  overfitAccSigmas: z.number().min(0).default(2),
  /** An accuracy gap alone is a warning from this multiple of its bound; below it, with val loss flat, a note. */
  overfitAccWarnFactor: z.number().min(1).default(2),
  /** The rise arm's val level must also stand this many noise sigmas (the val curve's own wiggle) above its minimum. */
  overfitRiseSigmas: z.number().min(0).default(2),
  underfitChanceFraction: z.number().positive().default(0.8),
  underfitAccuracyGain: z.number().min(0).max(1).default(0.25),
  underfitBaselineFraction: z.number().positive().default(0.8),
  underfitMinFraction: z.number().min(0).max(1).default(0.5),
  valAboveTrainGap: z.number().positive().default(0.1),
  valAboveTrainEpochs: z.number().int().positive().default(3),
  /** ... of the last this many epochs (after the first): a gap that holds, not one noise reached now and then. */
  valAboveTrainWindow: z.number().int().positive().default(5),
  /** Below the underfitting bounds, a run that learned only part of its task is noted (info). */
  partialFitChanceFraction: z.number().positive().default(0.5),
  partialFitAccuracyGain: z.number().min(0).max(1).default(0.6),
  partialFitBaselineFraction: z.number().positive().default(0.4),
  windowSteps: z.number().int().min(4).default(32),
});
export type GeneralisationThresholds = z.infer<typeof GeneralisationThresholds>;

/** Epochs in the val level (a median of 3, Tukey's running median: one lucky or unlucky val epoch moves it not at all). */
export const VAL_LEVEL_EPOCHS = 3;

/** Epochs of second differences behind the val noise estimate. */
export const VAL_WIGGLE_EPOCHS = 32;

/** Consecutive epochs a rule held, and the step where the streak began. */
export type Streak = [count: number, since: number];

export interface GeneralisationState {
  lastStep: number;
  lastEpoch: number;
  /** Epochs with finite train and val loss. */
  epochs: number;
  firstTrain: number;
  firstGap: number;
  firstTrainAcc: number;
  /** Step of the previous epoch's end (-1 before any): bounds the batches of the current epoch. */
  prevEpochStep: number;
  /** The last three val losses, whose median is the val level the rise arm watches. */
  valRecent: RingWindow;
  /**
   * |second difference| of the val loss over the last epochs: a trend-free
   * reading of its epoch-to-epoch noise (see valNoise). Optional: detector
   * state saved before it existed has none.
   */
  valWiggle?: RingWindow;
  /** Minimum of that val level, its step, and the train loss then (the later-batches estimate when there is one). */
  valMin: number;
  valMinStep: number;
  trainAtValMin: number;
  /** The lowest raw val loss so far and the step it was seen (no window lag: "still improving"). */
  valBest?: number;
  valBestStep?: number;
  rise: Streak;
  gap: Streak;
  accGap: Streak;
  /** Whether epochs carried a train loss (then the end-of-run loss is the last epoch's). */
  epochLoss: boolean;
  /** The latest epoch's train loss and accuracy (NaN until one). */
  trainLoss: number;
  trainAcc: number;
  /** The last batches' loss and accuracy, for runs without epoch metrics. */
  stepLoss: RingWindow;
  stepAcc: RingWindow;
  overfit: Finding | null;
  /** At the latest epoch: val level within overfitRise of its minimum and no gap arm holding. */
  overfitClear?: boolean;
  underfit: Finding | null;
  /** Epochs with train and val accuracy; optional: state saved before it existed has none. */
  accEpochs?: number;
  /**
   * The last valAboveTrainWindow epochs after the first: the step of each where val accuracy
   * was above train by valAboveTrainGap, -1 for each where it was not (oldest first).
   */
  valAboveRecent?: number[];
  valAboveFinding?: Finding | null;
}

export const initialGeneralisationState = (th: GeneralisationThresholds): GeneralisationState => ({
  lastStep: -1,
  lastEpoch: -1,
  epochs: 0,
  firstTrain: Number.NaN,
  firstGap: Number.NaN,
  firstTrainAcc: Number.NaN,
  prevEpochStep: -1,
  valRecent: createWindow(VAL_LEVEL_EPOCHS),
  valWiggle: createWindow(VAL_WIGGLE_EPOCHS),
  valMin: Number.POSITIVE_INFINITY,
  valMinStep: -1,
  trainAtValMin: Number.NaN,
  rise: [0, -1],
  gap: [0, -1],
  accGap: [0, -1],
  epochLoss: false,
  trainLoss: Number.NaN,
  trainAcc: Number.NaN,
  stepLoss: createWindow(th.windowSteps),
  stepAcc: createWindow(th.windowSteps),
  overfit: null,
  underfit: null,
});

/** Advances a streak and returns its length. */
export function advance(s: Streak, held: boolean, step: number): number {
  if (!held) {
    s[0] = 0;
    return 0;
  }
  if (s[0]++ === 0) s[1] = step;
  return s[0];
}

/** Share of the planned epochs done after `epoch` (0-based); NaN when the plan is unknown. */
export const epochProgress = (epochs: number | undefined, epoch: number): number =>
  epochs ? (epoch + 1) / epochs : Number.NaN;
