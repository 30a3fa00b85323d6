import type { EndEvent, RunEvent } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import { fmt, pct, reportFinding, windowMedian } from '../stats/index.js';
import {
  epochProgress,
  type GeneralisationState,
  type GeneralisationThresholds,
} from './generalisation-state.js';
import type { TaskView } from './generalisation-task.js';

/**
 * underfitting, once at the end of a run that used at least
 * `underfitMinFraction` of its planned epochs (a run stopped early, crashed or
 * diverged is not judged): the final train loss is still `underfitChanceFraction`
 * of the chance-level loss, or train accuracy closed at most
 * `underfitAccuracyGain` of the way from chance to 100%, or (MSE) the train
 * error is `underfitBaselineFraction` of the label variance. Short of those
 * bounds, a run that learned only part of its task (the `partialFit*` bounds)
 * is noted at `info`: not a failure by itself, but an outcome that does not
 * contradict what the run's other findings say (see reason/judge-by-outcome.ts).
 */
export function checkUnderfit(
  g: GeneralisationState,
  th: GeneralisationThresholds,
  run: RunEvent,
  task: TaskView,
  e: EndEvent | undefined,
  scratch: number[],
  emit: Emit,
): void {
  if (e?.status === 'diverged' || e?.status === 'crashed') return;
  if (g.lastEpoch >= 0 && epochProgress(run.epochs, g.lastEpoch) < th.underfitMinFraction) return;
  const step = e?.step ?? g.lastStep;
  const loss = g.epochLoss ? g.trainLoss : windowMedian(g.stepLoss, scratch);
  const acc = Number.isFinite(g.trainAcc) ? g.trainAcc : windowMedian(g.stepAcc, scratch);
  const where = g.epochLoss ? 'the last epoch' : `the median of the last ${g.stepLoss.size} batches`;
  const found: string[] = [];
  if (loss >= th.underfitChanceFraction * task.chanceLoss) {
    found.push(
      `train loss at the end is ${fmt(loss)} (${where}), ${pct(loss / task.chanceLoss)} of the chance-level loss ${fmt(task.chanceLoss)} for ${task.chanceText}; rule: at least ${pct(th.underfitChanceFraction)} of it`,
    );
  }
  const accBound = task.chanceAcc + th.underfitAccuracyGain * (1 - task.chanceAcc);
  if (acc <= accBound) {
    found.push(
      `train accuracy at the end is ${pct(acc)}, against ${pct(task.chanceAcc)} by chance (${task.chanceText}); rule: at most ${pct(th.underfitAccuracyGain)} of the way from chance to 100% (${pct(accBound)})`,
    );
  }
  if (loss >= th.underfitBaselineFraction * task.baselineMse) {
    found.push(
      `train MSE at the end is ${fmt(loss)} (${where}), ${pct(loss / task.baselineMse)} of the label variance ${fmt(task.baselineMse)} that predicting the mean scores; rule: at least ${pct(th.underfitBaselineFraction)} of it`,
    );
  }
  const partial = found.length === 0 ? partialFit(loss, acc, th, task, where) : [];
  if (found.length === 0 && partial.length === 0) return;
  g.underfit = reportFinding(
    g.underfit,
    {
      symptomId: 'underfitting',
      layer: null,
      firstStep: step,
      lastStep: step,
      severity: found.length > 0 ? 'warning' : 'info',
      confidence: found.length > 1 ? 0.85 : found.length > 0 ? 0.7 : 0.5,
      evidence: found.length > 0 ? found : partial,
      latest: null,
    },
    emit,
  );
}

/** The notes of a run that learned only part of its task (the `partialFit*` bounds), or none. */
function partialFit(
  loss: number,
  acc: number,
  th: GeneralisationThresholds,
  task: TaskView,
  where: string,
): string[] {
  const out: string[] = [];
  if (loss >= th.partialFitChanceFraction * task.chanceLoss)
    out.push(
      `train loss at the end is ${fmt(loss)} (${where}), ${pct(loss / task.chanceLoss)} of the chance-level loss ${fmt(task.chanceLoss)} for ${task.chanceText}: the run learned part of its task; note from ${pct(th.partialFitChanceFraction)} of it`,
    );
  const accBound = task.chanceAcc + th.partialFitAccuracyGain * (1 - task.chanceAcc);
  if (acc <= accBound)
    out.push(
      `train accuracy at the end is ${pct(acc)}, against ${pct(task.chanceAcc)} by chance (${task.chanceText}): the run learned part of its task; note up to ${pct(th.partialFitAccuracyGain)} of the way from chance to 100% (${pct(accBound)})`,
    );
  if (loss >= th.partialFitBaselineFraction * task.baselineMse)
    out.push(
      `train MSE at the end is ${fmt(loss)} (${where}), ${pct(loss / task.baselineMse)} of the label variance ${fmt(task.baselineMse)}: the run learned part of its task; note from ${pct(th.partialFitBaselineFraction)} of it`,
    );
  return out;
}
