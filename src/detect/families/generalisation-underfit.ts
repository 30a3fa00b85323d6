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
 * error is `underfitBaselineFraction` of the label variance.
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
  if (found.length === 0) return;
  g.underfit = reportFinding(
    g.underfit,
    {
      symptomId: 'underfitting',
      layer: null,
      firstStep: step,
      lastStep: step,
      severity: 'warning',
      confidence: found.length > 1 ? 0.85 : 0.7,
      evidence: found,
      latest: null,
    },
    emit,
  );
}
