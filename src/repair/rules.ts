import { z } from 'zod';
import type { ProfileValues } from '../detect/index.js';

const Threshold = z.object({
  value: z.number(),
  reason: z.string().min(1, 'every threshold needs a one-line reason'),
});

/**
 * Thresholds of the repair verdicts and of the structure suggestions, each
 * with its reason, in the shape of a profile section (graph-seed/profiles).
 * A profile may override them under `thresholds.repair` / `thresholds.suggest`.
 */
export const RepairThresholds = z.object({
  repair: z.object({
    accuracyGain: Threshold,
    lossGain: Threshold,
    improveSigmas: Threshold,
    improveLossGain: Threshold,
    persistFraction: Threshold,
  }),
  suggest: z.object({
    underfitTrainAccuracy: Threshold,
    underfitGap: Threshold,
    underfitRelativeLoss: Threshold,
    stillLearningGain: Threshold,
    stillLearningEpochs: Threshold,
    widenFactor: Threshold,
    maxUnits: Threshold,
    narrowLayerUnits: Threshold,
    overfitTrainAccuracy: Threshold,
    overfitGap: Threshold,
    overfitLossRatio: Threshold,
    dropoutRate: Threshold,
    l2: Threshold,
    paramsPerExample: Threshold,
    valLossRise: Threshold,
    deepStackLayers: Threshold,
  }),
});
export type RepairThresholds = z.infer<typeof RepairThresholds>;
/** Resolved values: section → key → number. */
export type RuleValues = { [S in keyof RepairThresholds]: { [K in keyof RepairThresholds[S]]: number } };

const DEFAULTS: RepairThresholds = RepairThresholds.parse({
  repair: {
    accuracyGain: {
      value: 0.005,
      reason:
        'chosen here: any validation example more classified right counts (one example of 200 is 0.005)',
    },
    lossGain: {
      value: 0.02,
      reason:
        'chosen here: a regression is better when its validation loss is 2% lower, beyond seed-to-seed noise of these small runs',
    },
    improveSigmas: {
      value: 1,
      reason:
        'chosen here: with failures left, a gain counts only beyond one binomial standard error of the validation accuracy (±0.045 at 0.8 on 80 examples)',
    },
    improveLossGain: {
      value: 0.1,
      reason:
        'chosen here: with failures left, a regression counts as improved only with 10% less validation error',
    },
    persistFraction: {
      value: 0.5,
      reason:
        'chosen here: a dynamic symptom last seen in the first half of a run (chance accuracy for the first epochs of a slow start) has passed by its end',
    },
  },
  suggest: {
    underfitTrainAccuracy: {
      value: 0.9,
      reason:
        'chosen here: a model that cannot reach 90% on its own training data of these small sets is limited, not unlucky',
    },
    underfitGap: {
      value: 0.05,
      reason:
        'chosen here: train and validation within 5 points means the limit is fitting, not generalising (Goodfellow et al., Deep Learning 11.3)',
    },
    underfitRelativeLoss: {
      value: 0.1,
      reason:
        'chosen here: a regression whose training MSE is still 10% of the label variance explains only 90% of it',
    },
    stillLearningGain: {
      value: 0.02,
      reason:
        'chosen here: training accuracy still rising 2 points over the last epochs means more epochs, not more units',
    },
    stillLearningEpochs: { value: 3, reason: 'chosen here: the last 3 epochs show the trend' },
    widenFactor: {
      value: 4,
      reason: 'chosen here: widening by 4x moves a small MLP clearly (8 to 32 units)',
    },
    maxUnits: { value: 256, reason: 'chosen here: the widest layer these templates need' },
    narrowLayerUnits: {
      value: 16,
      reason: 'chosen here: with at most one hidden layer of up to 16 units, also add a second hidden layer',
    },
    overfitTrainAccuracy: {
      value: 0.95,
      reason: 'chosen here: the training set is (almost) memorised',
    },
    overfitGap: {
      value: 0.08,
      reason: 'AUTOTRAINER counts an accuracy gap of 0.1 as overfitting (0.07 above 0.9); 0.08 sits between',
    },
    overfitLossRatio: {
      value: 2,
      reason: 'chosen here: a validation loss twice the training loss at the end is a generalisation gap',
    },
    dropoutRate: {
      value: 0.3,
      reason: 'Srivastava et al. 2014 use 0.5 for hidden units; 0.3 for these small layers',
    },
    l2: {
      value: 0.001,
      reason: 'chosen here: a common starting L2 weight (Keras examples use 1e-4 to 1e-3)',
    },
    paramsPerExample: {
      value: 10,
      reason: 'chosen here: ten or more weights per training example can memorise the set',
    },
    valLossRise: {
      value: 0.2,
      reason:
        'chosen here: validation loss 20% above its best epoch at the end: stopping at the best epoch would have kept it',
    },
    deepStackLayers: {
      value: 6,
      reason:
        'the small-tabular profile flags 6 weighted layers without normalisation (normMinWeightedLayers)',
    },
  },
});

/**
 * The thresholds in force: the defaults above, each overridden by the
 * profile's `repair` / `suggest` section where it has the key.
 *
 * @example ruleValues(profile.values).suggest.overfitGap // 0.08
 */
export function ruleValues(profile?: ProfileValues): RuleValues {
  const out = {} as Record<string, Record<string, number>>;
  for (const [section, entries] of Object.entries(DEFAULTS)) {
    out[section] = {};
    for (const [key, t] of Object.entries(entries as Record<string, { value: number }>))
      out[section]![key] = profile?.[section]?.[key] ?? t.value;
  }
  return out as RuleValues;
}

/** Why a threshold is what it is (for explanations). */
export const ruleReason = <S extends keyof RepairThresholds>(
  section: S,
  key: keyof RepairThresholds[S],
): string => (DEFAULTS[section][key] as { reason: string }).reason;
