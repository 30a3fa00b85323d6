import type { Emit } from '../detector.js';
import { fmt, pct, reportFinding } from '../stats/index.js';

/** How much of the run the learning rate spent cut to a sliver of its peak. */
export interface ScheduleTally {
  /** Steps that wrote a finite learning rate. */
  lrSteps: number;
  /** Of them, steps whose rate was below `lrFloorShare` of the peak so far. */
  cutSteps: number;
  /** First step of the latest stretch of cut steps (-1: not in one). */
  cutFrom: number;
  lastLr: number;
  lastStep: number;
}

export const createScheduleTally = (): ScheduleTally => ({
  lrSteps: 0,
  cutSteps: 0,
  cutFrom: -1,
  lastLr: Number.NaN,
  lastStep: 0,
});

/** Counts a step that wrote learning rate `lr`, `cut` when it is below `lrFloorShare` of the peak so far. */
export function tallySchedule(s: ScheduleTally, lr: number, cut: boolean, step: number): void {
  s.lrSteps++;
  s.lastLr = lr;
  s.lastStep = step;
  if (cut) {
    s.cutSteps++;
    if (s.cutFrom < 0) s.cutFrom = step;
  } else s.cutFrom = -1;
}

/**
 * learning_rate_vanished, at the end of the run: the rate was below
 * `lrFloorShare` of its peak for more than `lrVanishedShare` of the steps
 * that wrote it. Schedules decay to a sliver only near their end (cosine: the
 * last 6% of steps, step decay ×0.1 twice: the last quarter); most of a run
 * at ~0 is a decay applied per step instead of per epoch, or a rate mistyped
 * by decades. The weights stop where they are, whether or not they were done.
 */
export function judgeSchedule(
  s: ScheduleTally,
  maxLr: number,
  t: { lrFloorShare: number; lrVanishedShare: number; lrVanishedMinSteps: number },
  emit: Emit,
): void {
  if (s.lrSteps < t.lrVanishedMinSteps || s.cutSteps <= t.lrVanishedShare * s.lrSteps) return;
  const since = s.cutFrom >= 0 ? ` (without a break since step ${s.cutFrom})` : '';
  reportFinding(
    null,
    {
      symptomId: 'learning_rate_vanished',
      layer: null,
      firstStep: Math.max(s.cutFrom, 0),
      lastStep: Math.max(s.lastStep, s.cutFrom, 0),
      severity: 'warning',
      confidence: s.cutSteps > 0.8 * s.lrSteps ? 0.85 : 0.7,
      evidence: [
        `the learning rate was below ${pct(t.lrFloorShare)} of its peak ${fmt(maxLr)} for ${s.cutSteps} of ${s.lrSteps} steps (${pct(s.cutSteps / s.lrSteps)})${since}, ending at ${fmt(s.lastLr)}; rule: more than ${pct(t.lrVanishedShare)} of the run at a sliver of the peak rate`,
      ],
      latest: null,
    },
    emit,
  );
}
