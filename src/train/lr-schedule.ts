import type { Schedule } from './template.js';

export interface LrSchedule {
  /** The rate for global step `step` of `totalSteps`. */
  at(step: number): number;
  /** After an epoch: the validation loss; lowers the rate on a plateau. Returns whether to stop early. */
  endEpoch(valLoss: number): { stop: boolean; improved: boolean };
}

/**
 * The learning rate over training: the base rate, ramped up linearly over
 * the first `warmupFraction` of the steps, cosine-annealed to 0 with
 * `lrSchedule: cosine`, and multiplied by `reduceLrOnPlateauFactor` after
 * `plateauPatience` epochs without a better validation loss (Keras'
 * ReduceLROnPlateau); early stopping after `earlyStoppingPatience` such epochs.
 *
 * @example const s = createLrSchedule(0.1, template.schedule, 300); s.at(10)
 */
export function createLrSchedule(base: number, s: Schedule | undefined, totalSteps: number): LrSchedule {
  const warmup = Math.round((s?.warmupFraction ?? 0) * totalSteps);
  let factor = 1;
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;
  let staleSinceCut = 0;
  return {
    at(step) {
      let lr = base * factor;
      if (warmup > 0 && step < warmup) lr *= (step + 1) / warmup;
      if (s?.lrSchedule === 'cosine') lr *= 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, totalSteps)));
      return lr;
    },
    endEpoch(valLoss) {
      // Keras' min_delta 1e-4, relative here so it does not depend on the loss' scale.
      const improved = Number.isFinite(valLoss) && valLoss < best * (1 - 1e-4);
      if (improved) {
        best = valLoss;
        stale = 0;
        staleSinceCut = 0;
      } else {
        stale++;
        staleSinceCut++;
      }
      if (s?.reduceLrOnPlateauFactor && staleSinceCut >= s.plateauPatience) {
        factor *= s.reduceLrOnPlateauFactor;
        staleSinceCut = 0;
      }
      return { stop: s?.earlyStoppingPatience !== undefined && stale >= s.earlyStoppingPatience, improved };
    },
  };
}
