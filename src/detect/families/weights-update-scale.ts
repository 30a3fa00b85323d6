import type { Emit } from '../detector.js';
import { fmt, pct, reportFinding } from '../stats/index.js';

/**
 * Counts of the sampled updates whose size the learning rate, not the
 * gradient, keeps small. Counts and log sums only, so the state stays bounded.
 */
export interface UpdateScaleTally {
  /** Readings of trainable layers with a finite update ratio, taken at a known rate not cut by a schedule. */
  readings: number;
  /** Of them, tiny updates (≤ updateRatioTiny) whose ratio per unit of rate is ordinary (≥ updateRatioPerLrMin). */
  tiny: number;
  /** Sums of log10 of the tiny readings' ratio and ratio per unit of rate, for the evidence's geometric means. */
  logRatio: number;
  logPerLr: number;
  firstStep: number;
  lastStep: number;
}

export const createUpdateScaleTally = (): UpdateScaleTally => ({
  readings: 0,
  tiny: 0,
  logRatio: 0,
  logPerLr: 0,
  firstStep: -1,
  lastStep: -1,
});

interface UpdateScaleThresholds {
  updateRatioTiny: number;
  updateRatioPerLrMin: number;
  tinyUpdateShare: number;
  tinyUpdateMinReadings: number;
}

/** Counts one layer reading's update ratio at learning rate `lr`. */
export function tallyUpdateScale(
  s: UpdateScaleTally,
  ratio: number | undefined,
  lr: number | undefined,
  step: number,
  t: UpdateScaleThresholds,
): void {
  if (ratio === undefined || !Number.isFinite(ratio) || lr === undefined || !(lr > 0)) return;
  s.readings++;
  const perLr = ratio / lr;
  if (ratio <= 0 || ratio > t.updateRatioTiny || perLr < t.updateRatioPerLrMin) return;
  s.tiny++;
  s.logRatio += Math.log10(ratio);
  s.logPerLr += Math.log10(perLr);
  if (s.firstStep < 0) s.firstStep = step;
  s.lastStep = step;
}

/**
 * updates_too_small, at the end of the run: more than `tinyUpdateShare` of
 * the sampled updates moved their layer by at most `updateRatioTiny` of its
 * weights (CS231n: about 1e-3 is healthy, much lower means a rate too low)
 * while the update per unit of learning rate was ordinary. The update is the
 * rate times a step direction (SGD: the gradient; Adam: about one per
 * weight), so an ordinary direction under a tiny update leaves the rate as
 * what keeps it small; vanishing gradients, dead or saturated units shrink
 * the direction instead (the ratio per unit of rate falls with them) and are
 * not counted. Zero updates are `unchanged_weights`.
 */
export function judgeUpdateScale(s: UpdateScaleTally, t: UpdateScaleThresholds, emit: Emit): void {
  if (s.readings < t.tinyUpdateMinReadings || s.tiny <= t.tinyUpdateShare * s.readings) return;
  const share = s.tiny / s.readings;
  reportFinding(
    null,
    {
      symptomId: 'updates_too_small',
      layer: null,
      firstStep: s.firstStep,
      lastStep: s.lastStep,
      severity: 'warning',
      confidence: share > 0.8 ? 0.8 : 0.65,
      evidence: [
        `${s.tiny} of ${s.readings} sampled layer updates (${pct(share)}) moved the weights by at most ${fmt(t.updateRatioTiny)} of their norm ` +
          `(geometric mean ${fmt(10 ** (s.logRatio / s.tiny))}; healthy is about 1e-3, CS231n) while the update per unit of learning rate was ` +
          `${fmt(10 ** (s.logPerLr / s.tiny))} (at least ${fmt(t.updateRatioPerLrMin)}): the rate, not the gradient, keeps the steps small; ` +
          `rule: more than ${pct(t.tinyUpdateShare)} of the readings`,
      ],
      latest: null,
    },
    emit,
  );
}
