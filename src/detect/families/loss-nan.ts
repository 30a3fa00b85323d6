import type { Metrics } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import { fmt, reportFinding } from '../stats/index.js';
import type { LossState } from './loss-state.js';

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
export function noteNonFinite(state: LossState, what: string, step: number, emit: Emit): void {
  const nan = state.nan;
  nan.count++;
  nan.lastStep = step;
  if (nan.count === 1) {
    nan.firstStep = step;
    nan.what = what;
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
