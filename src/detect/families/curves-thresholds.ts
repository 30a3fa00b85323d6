import { z } from 'zod';

/** Thresholds of the curve-shape rules (the `curves` profile section; reasons in graph-seed/profiles/default.yaml). */
export const CurvesThresholds = z.object({
  /** Epochs a shape must hold before it is read (one or two epochs are noise or warm-up). */
  minEpochs: z.number().int().positive().default(3),
  /** Two accuracies are "the same" within this (a changing prediction moves it by at least 1/N of N examples). */
  pinTolerance: z.number().positive().default(0.0005),
  /** An accuracy this high that stays put is a model that has converged, not a collapsed one. */
  pinMaxAccuracy: z.number().positive().max(1).default(0.99),
  /** A loss is flat when its epochs stay within this share of its level. */
  flatRelative: z.number().positive().default(0.01),
  /** A loss on fixed examples this close across epochs means outputs that did not change. */
  frozenRelative: z.number().positive().default(0.0001),
  /** A flat loss is at uniform chance when within this share of ln K. */
  uniformRelative: z.number().positive().default(0.01),
  /** Largest class count K tried (ln K values crowd together above it). */
  uniformMaxClasses: z.number().int().positive().default(100),
  /** Accuracy, as a multiple of 1/K, that still reads as chance. */
  uniformAccFactor: z.number().positive().default(1.5),
  /** Loss over ln(1/accuracy) of a pinned model that marks it confidently wrong. */
  confidentFactor: z.number().positive().default(3),
  /** ... and by at least this many nats. */
  confidentMargin: z.number().min(0).default(1),
  /** Accuracy this far below what a cross-entropy of the logged loss allows (1 − loss/ln 2) means a loss that does not score the predictions. */
  lossBoundMargin: z.number().positive().max(1).default(0.2),
  /** Train loss over error rate (the least a wrong example costs) that marks saturated outputs. */
  saturatedNatsPerError: z.number().positive().default(10),
  /** Accuracy above which too few errors remain for that ratio to be read. */
  saturatedMaxAccuracy: z.number().positive().max(1).default(0.9),
  /** Epochs of uninterrupted decline before a slow decline is read. */
  creepEpochs: z.number().int().positive().default(5),
  /** A decline this small over the whole run (relative) is slow. */
  creepMaxDrop: z.number().positive().max(1).default(0.1),
  /** The later half of the run must fall at least this share of the earlier half's fall (steady, not converging). */
  creepSteadiness: z.number().min(0).default(0.5),
  /** Accuracy at or above this is a run that learned, however slowly its loss still moves. */
  creepMaxAccuracy: z.number().positive().max(1).default(0.9),
});
export type CurvesThresholds = z.infer<typeof CurvesThresholds>;
