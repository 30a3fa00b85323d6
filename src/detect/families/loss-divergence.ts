import type { RunEvent } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import type { ModelView } from '../model-view.js';
import { fmt, pushWindow, reportFinding } from '../stats/index.js';
import { lossInfo } from './config-loss-kind.js';
import { taskView } from './generalisation-task.js';
import {
  earlyNow,
  type LossSeries,
  type LossState,
  type Streak,
  spanText,
  windowSpan,
} from './loss-state.js';
import type { LossThresholds } from './loss-thresholds.js';

/** The loss a model that learned nothing scores, and what it is for (evidence text). */
export interface ChanceLevel {
  loss: number;
  text: string;
}

/**
 * The chance-level loss of a classification run whose loss the trace names as
 * a cross-entropy (categorical, NLL, or binary over at most two outputs) and
 * whose classes it knows: the entropy of the class shares (ln K for K
 * balanced classes), from `taskView`. Null otherwise.
 */
export function chanceLevelOf(run: RunEvent, model: ModelView): ChanceLevel | null {
  const kind = lossInfo(run)?.kind;
  // Binary cross-entropy over more than two outputs averages per-output losses: its chance level is not ln K.
  const binary = kind === 'binary' && (model.output?.units ?? 1) <= 2;
  if (kind !== 'categorical' && kind !== 'nll' && !binary) return null;
  const task = taskView(run, model);
  return task.chanceLoss > 0 ? { loss: task.chanceLoss, text: task.chanceText } : null;
}

/**
 * Extends or resets a streak of level checks; true once the condition has
 * held for the divergence patience (epochs, or steps for batch losses).
 */
function heldForPatience(streak: Streak, holds: boolean, s: LossSeries, th: LossThresholds): boolean {
  if (!holds) {
    streak.count = 0;
    streak.start = -1;
    return false;
  }
  if (streak.count++ === 0) streak.start = s.levelStep;
  return s.source === 'epoch'
    ? streak.count >= th.divergencePatienceEpochs
    : s.levelStep - streak.start >= th.divergencePatienceSteps;
}

/** What the level is, for evidence text. */
const smoothingOf = (s: LossSeries, th: LossThresholds): string =>
  s.source === 'epoch' ? 'train loss' : `smoothed loss (median of the last ${th.windowSteps} batches)`;

/**
 * loss_divergence, chance arm (cross-entropy classification): the smoothed
 * loss stays at `divergenceChanceFactor`× the chance-level loss or more, and
 * `divergenceRatio`× the first loss of the run or more (it rose there), for
 * `divergencePatience*`. A model that scores twice as badly as guessing is
 * confidently wrong, which a run that merely learns nothing never is. This
 * catches the blow-up the other arms miss when Keras/tfjs clip probabilities
 * at 1e-7: the loss jumps to at most 16.1 (−ln 1e-7) within a step or two,
 * before the early level is known, so it never reads as a rise from it.
 */
export function checkChance(
  state: LossState,
  th: LossThresholds,
  chance: ChanceLevel | null,
  emit: Emit,
): void {
  const s = state.series;
  const d = state.divergence;
  const start = s.early[0];
  if (chance === null || start === undefined) return;
  const bound = Math.max(th.divergenceChanceFactor * chance.loss, th.divergenceRatio * start);
  if (!heldForPatience(d.chance, s.level >= bound, s, th)) return;
  report(
    state,
    d.chance.start,
    s.levelStep,
    'critical',
    0.9,
    [
      `${smoothingOf(s, th)} is ${fmt(s.level)} at step ${s.levelStep}, ${fmt(s.level / chance.loss)}× the chance-level loss ${fmt(chance.loss)} for ${chance.text}, and has stayed at or above ${th.divergenceChanceFactor}× it since step ${d.chance.start}; it started at ${fmt(start)} (${spanText(s, s.earlyFrom, s.earlyFrom)}); rule: a cross-entropy ${th.divergenceChanceFactor}× what guessing scores, and ${th.divergenceRatio}× its start, is a confidently wrong model`,
    ],
    emit,
  );
}

/**
 * The loss a run started with, for the explosion arm: its early level, or the
 * chance-level loss of a cross-entropy classifier when that is higher (an
 * untrained classifier scores about chance; one that learns within its first
 * window has an early level far below where it started).
 */
export function startLoss(s: LossSeries, chance: ChanceLevel | null): number {
  const early = earlyNow(s);
  return chance !== null && chance.loss > early ? chance.loss : early;
}

/**
 * loss_divergence, explosion arm: single batches far above the loss the run
 * started with (`startLoss`). `spikeCount` of them within one window (or one
 * epoch whose mean is that far up) is the "jumps to 3.8e5, then sticks"
 * pattern of a learning rate far too high; a healthy batch never costs 10×
 * the initial loss.
 */
export function checkSpike(
  state: LossState,
  th: LossThresholds,
  chance: ChanceLevel | null,
  step: number,
  v: number,
  emit: Emit,
): void {
  const s = state.series;
  const d = state.divergence;
  const ref = startLoss(s, chance);
  if (!(v > th.spikeFactor * ref)) return;
  d.spikeTotal++;
  if (v > d.spikeMax) {
    d.spikeMax = v;
    d.spikeMaxStep = step;
  }
  pushWindow(d.spikes, step, s.points);
  const oldestPoint = d.spikes.values[d.spikes.size === d.spikes.cap ? d.spikes.head : 0]!;
  const sustained =
    s.source === 'epoch' || (d.spikes.size === d.spikes.cap && s.points - oldestPoint < th.windowSteps);
  if (!sustained) return;
  const first = d.spikes.steps[d.spikes.size === d.spikes.cap ? d.spikes.head : 0]!;
  const fromChance = ref !== earlyNow(s);
  const refText = fromChance
    ? `the chance-level loss ${fmt(ref)} for ${chance!.text} (above the early level)`
    : s.source === 'epoch'
      ? `the first epoch's ${fmt(ref)}`
      : `the early loss ${fmt(ref)}`;
  const what =
    s.source === 'epoch'
      ? `train loss ${fmt(v)} in ${spanText(s, step, step)}, ${fmt(v / ref)}× ${refText}`
      : `${d.spikes.size} batch losses above ${th.spikeFactor}× ${refText} within ${th.windowSteps} batches (steps ${first}–${step}); largest ${fmt(d.spikeMax)} at step ${d.spikeMaxStep}, ${d.spikeTotal} so far`;
  report(
    state,
    first,
    step,
    'critical',
    0.95,
    [`${what}; rule: loss above ${th.spikeFactor}× where it started`],
    emit,
  );
}

/**
 * loss_divergence, rise arm: the smoothed loss stays far above its best level
 * (ratio `divergenceRatio`) and has given back a share of the progress made,
 * in log scale (so a loss that fell to 0.01 wobbling to 0.02 is not a rise)
 * and in the loss's own units (so a loss that fell from 2.7 to 0.004, a
 * memorised training set, wobbling to 0.03 is not one either: it gave back 1%),
 * for `divergencePatience*` in a row. Runs on every level check.
 */
export function checkRise(state: LossState, th: LossThresholds, emit: Emit): void {
  const s = state.series;
  const d = state.divergence;
  const level = s.level;
  const best = s.best;
  const early = earlyNow(s);
  if (!(Number.isFinite(best) && best > 0 && level > 0)) return;
  const gain = Math.log(Math.max(early, best) / best);
  const rising =
    level >= th.divergenceRatio * best &&
    Math.log(level / best) >= th.divergenceGiveBack * gain &&
    level - best >= th.divergenceGiveBack * (Math.max(early, best) - best) &&
    level > oscillationCeiling(state);
  if (!heldForPatience(d.rise, rising, s, th)) return;
  const aboveStart = level >= early;
  report(
    state,
    d.rise.start,
    s.levelStep,
    aboveStart ? 'critical' : 'warning',
    aboveStart ? 0.9 : 0.75,
    [
      `${smoothingOf(s, th)} rose to ${fmt(level)} at step ${s.levelStep}, ${fmt(level / best)}× its best ${fmt(best)} (step ${s.bestStep}), and stayed above ${th.divergenceRatio}× since step ${d.rise.start}; it started at ${fmt(early)}`,
    ],
    emit,
  );
}

/**
 * While the loss is oscillating (reported within the coarse window), an
 * up-swing is not divergence: the level must rise above the window's peaks.
 */
function oscillationCeiling(state: LossState): number {
  const f = state.oscillation.finding;
  const blocks = state.series.blocks;
  if (f === null || blocks.size === 0) return 0;
  const [oldest] = windowSpan(blocks);
  if (f.lastStep < oldest) return 0;
  let peak = 0;
  for (let i = 0; i < blocks.size; i++) peak = Math.max(peak, blocks.values[i]!);
  return peak;
}

function report(
  state: LossState,
  firstStep: number,
  lastStep: number,
  severity: 'warning' | 'critical',
  confidence: number,
  evidence: string[],
  emit: Emit,
): void {
  const d = state.divergence;
  d.finding = reportFinding(
    d.finding,
    {
      symptomId: 'loss_divergence',
      layer: null,
      firstStep,
      lastStep,
      severity,
      confidence,
      evidence,
      latest: null,
    },
    emit,
  );
}
