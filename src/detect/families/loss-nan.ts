import type { Metrics } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import { fmt, reportFinding } from '../stats/index.js';
import type { LossState } from './loss-state.js';
import type { LossThresholds } from './loss-thresholds.js';

/** The first non-finite value of an event (loss or any metric), described for evidence; undefined if all are finite. */
export function nonFiniteIn(
  loss: number | undefined,
  metrics: Metrics | undefined,
  prefix: string,
): string | undefined {
  if (loss !== undefined && !Number.isFinite(loss)) return `${prefix}loss is ${loss}`;
  if (metrics) {
    for (const key in metrics) {
      const v = metrics[key]!;
      if (!Number.isFinite(v)) return `${prefix}${key} is ${v}`;
    }
  }
  return undefined;
}

/**
 * loss_nan: a loss or metric is NaN or ±Infinity. Fires on the first one,
 * critical (Keras TerminateOnNaN and AUTOTRAINER's `nan_loss` stop there too);
 * later ones extend the occurrence, re-reported at 1, 2, 4, 8, ... hits and at
 * the end so a run that stays NaN does not emit on every step.
 */
export function noteNonFinite(
  state: LossState,
  th: LossThresholds,
  what: string,
  step: number,
  emit: Emit,
  stepsHidden = false,
): void {
  const nan = state.nan;
  nan.count++;
  nan.lastStep = step;
  if (nan.count === 1) {
    nan.firstStep = step;
    nan.what = what;
    checkWithoutGrowth(state, th, emit, stepsHidden);
  }
  if ((nan.count & (nan.count - 1)) === 0) reportNan(state, emit);
}

/** Brings the occurrence up to date (at the end of the run). */
export function flushNan(state: LossState, emit: Emit): void {
  if (state.nan.count > 0 && state.nan.count !== state.nan.reported) reportNan(state, emit);
}

function reportNan(state: LossState, emit: Emit): void {
  const nan = state.nan;
  nan.reported = nan.count;
  const before =
    nan.lastFiniteStep >= 0 && nan.lastFiniteStep < nan.firstStep
      ? `; the last finite loss was ${fmt(nan.lastFinite)} at step ${nan.lastFiniteStep}`
      : '';
  const evidence = [`${nan.what} at step ${nan.firstStep}${before}; rule: any non-finite loss or metric`];
  if (nan.count > 1)
    evidence.unshift(`${nan.count} events with non-finite values through step ${nan.lastStep}`);
  nan.finding = reportFinding(
    nan.finding,
    {
      symptomId: 'loss_nan',
      layer: null,
      firstStep: nan.firstStep,
      lastStep: nan.lastStep,
      severity: 'critical',
      confidence: 1,
      evidence: nan.finding === null ? evidence.slice(-1) : evidence,
      latest: null,
    },
    emit,
  );
}

/** Notes a finite training loss seen before any non-finite value (the first and the highest). */
export function noteFinite(state: LossState, loss: number): void {
  const nan = state.nan;
  if (nan.count > 0) return;
  if (nan.firstFinite === undefined) nan.firstFinite = loss;
  nan.maxFinite = Math.max(nan.maxFinite ?? loss, loss);
}

/**
 * loss_non_finite_without_growth, at the first non-finite value: no finite
 * loss before it rose above `nonFiniteGrowth` times the first (or there was
 * none). A run that blows up (a rate too high, weights too large) climbs
 * through huge finite losses before Inf/NaN; a loss that turns non-finite
 * from an ordinary or falling value came from one operation that overflowed
 * or took the log of 0 (Goodfellow et al. 4.1: a softmax or sigmoid output
 * rounded to exactly 0 or 1, then log), or from non-finite inputs.
 * Not judged when no finite loss came before and `stepsHidden` (the value is
 * an epoch's summary of steps nobody saw, as in a CSV or TensorBoard log
 * whose first row is already Inf): those steps may have climbed.
 */
function checkWithoutGrowth(state: LossState, th: LossThresholds, emit: Emit, stepsHidden: boolean): void {
  const nan = state.nan;
  const first = nan.firstFinite;
  const max = nan.maxFinite;
  if (first === undefined && stepsHidden) return;
  if (first !== undefined && max !== undefined && !(first > 0 && max <= th.nonFiniteGrowth * first)) return;
  const before =
    first === undefined || max === undefined
      ? 'with no finite loss before it'
      : `straight from ${fmt(nan.lastFinite)} (step ${nan.lastFiniteStep}); no finite loss before it rose above ${fmt(max)}, ${fmt(max / first)}× the first ${fmt(first)}`;
  nan.sudden = reportFinding(
    nan.sudden ?? null,
    {
      symptomId: 'loss_non_finite_without_growth',
      layer: null,
      firstStep: nan.firstStep,
      lastStep: nan.firstStep,
      severity: 'warning',
      confidence: 0.8,
      evidence: [
        `${nan.what} at step ${nan.firstStep} ${before}: nothing ran away first; rule: no finite loss above ${fmt(th.nonFiniteGrowth)}× the first before it`,
      ],
      latest: null,
    },
    emit,
  );
}
