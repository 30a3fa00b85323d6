import type { EpochEvent, RunEvent, Severity } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import {
  createWindow,
  fmt,
  pct,
  pushWindow,
  reportFinding,
  resolveFinding,
  windowMedian,
  windowValues,
} from '../stats/index.js';
import {
  advance,
  epochProgress,
  type GeneralisationState,
  type GeneralisationThresholds,
  VAL_LEVEL_EPOCHS,
  VAL_WIGGLE_EPOCHS,
} from './generalisation-state.js';
import type { TaskView } from './generalisation-task.js';

/** Fewest later batches whose mean stands in for the epoch's train loss (standard error ≤ 0.35 of one batch's spread). */
const MIN_LATE_BATCHES = 8;

/**
 * The train loss to hold against the val loss of the epoch ending at `step`:
 * the mean of the batch losses of the epoch's second half (as many as the
 * window holds), at least MIN_LATE_BATCHES of them; else the epoch's own value.
 * Val loss is measured after the epoch, so the epoch mean, inflated by its
 * first batches, understates the gap and overstates later falls.
 */
function comparableTrain(g: GeneralisationState, epochTrain: number, step: number): [number, string] {
  const from = g.prevEpochStep + (step - g.prevEpochStep) / 2;
  const w = g.stepLoss;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < w.size; i++) {
    const v = w.values[i]!;
    if (w.steps[i]! > from && w.steps[i]! <= step && Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n >= MIN_LATE_BATCHES
    ? [sum / n, `mean of the epoch's last ${n} batches`]
    : [epochTrain, 'epoch mean'];
}

/**
 * overfitting, on each epoch's train and val metrics; any of three arms that
 * holds for `overfitPatience` epochs in a row:
 * - the val level (median of the last 3 val losses) rises `overfitRise` above
 *   its minimum while train loss keeps falling (UMLAUT's "val loss up, train
 *   loss down or flat"; AUTOTRAINER's `test_turn_bad`), and val is then above
 *   train by a real gap: SageMaker Overfit's (val − train) / train >
 *   `overfitGapRatio`, and at least `overfitRiseScale` of the loss scale. Train
 *   is the mean of the epoch's later batches when the trace has them, since an
 *   epoch's mean carries its first, worse batches;
 * - val loss exceeds train loss by a gap that grew by `overfitGapWiden` of the
 *   loss scale (the chance-level or first loss). SageMaker Overfit divides the
 *   gap by the train loss instead, which flags healthy runs whose train loss
 *   nears 0 (a tanh net at train 0.007 / val 0.016 is fine);
 * - train accuracy exceeds val accuracy by AUTOTRAINER's 0.1 (0.07 above 90%
 *   train accuracy) and by `overfitAccSigmas` binomial standard errors of the
 *   val accuracy. This arm alone is `info` below `overfitAccWarnFactor` times
 *   that bound: healthy classifiers on noisy data level off with such gaps.
 * Every arm needs a model that learned: train loss `overfitLearnedDrop` below
 * the chance-level loss (or its first epoch's), else accuracy up 5 points.
 * The gap arms wait for `overfitMinEpochs` and AUTOTRAINER's 30% of the epochs.
 * See `resolveOverfit` for a finding the run has left behind by its end.
 */
export function checkOverfit(
  g: GeneralisationState,
  th: GeneralisationThresholds,
  run: RunEvent,
  task: TaskView,
  e: EpochEvent,
  step: number,
  emit: Emit,
): void {
  const train = e.train?.loss ?? Number.NaN;
  const val = e.val?.loss ?? Number.NaN;
  const tacc = e.train?.accuracy ?? Number.NaN;
  const vacc = e.val?.accuracy ?? Number.NaN;
  if (Number.isNaN(g.firstTrainAcc) && Number.isFinite(tacc)) g.firstTrainAcc = tacc;
  const losses = Number.isFinite(train) && Number.isFinite(val);
  if (losses && ++g.epochs === 1) {
    g.firstTrain = train;
    g.firstGap = val - train;
  }
  const f = epochProgress(run.epochs, e.epoch);
  const judged = g.epochs >= th.overfitMinEpochs && !(f < th.overfitJudgmentFraction);
  // The accuracy arm counts the epochs that carry both accuracies (generalisation-label-noise.ts
  // counts them): a script's own validation may count hits and compute no loss.
  const accJudged =
    Math.max(g.epochs, g.accEpochs ?? 0) >= th.overfitMinEpochs && !(f < th.overfitJudgmentFraction);
  const chance = Number.isNaN(task.chanceLoss) ? 0 : task.chanceLoss;
  const scale = Math.max(g.firstTrain, g.firstTrain + g.firstGap, chance);
  // A model that has not learned anything (train loss near chance, or its first epoch's) cannot overfit.
  const learnedFrom = chance > 0 ? chance : g.firstTrain;
  const learned = Number.isFinite(train)
    ? train <= learnedFrom * (1 - th.overfitLearnedDrop)
    : tacc >= g.firstTrainAcc + 0.05;
  const trainFell = (from: number) => learned && train <= from * (1 - th.overfitTrainFall);
  const report = (since: number, confidence: number, evidence: string, severity: Severity = 'warning') => {
    g.overfit = reportFinding(
      g.overfit,
      {
        symptomId: 'overfitting',
        layer: null,
        firstStep: since,
        lastStep: step,
        severity,
        confidence,
        evidence: [evidence],
        latest: null,
      },
      emit,
    );
  };

  if (Number.isFinite(val)) {
    pushWindow(g.valRecent, step, val);
    trackValNoise(g);
  }
  const level = windowMedian(g.valRecent);
  const valLossNoise = valNoise(g);
  const [trainNow, trainWhat] = losses ? comparableTrain(g, train, step) : [Number.NaN, ''];
  if (losses && level < g.valMin) {
    g.valMin = level;
    g.valMinStep = step;
    g.trainAtValMin = trainNow;
    advance(g.rise, false, step);
  } else if (losses) {
    const floor = th.overfitRiseScale * scale;
    const rising = risen(g, th, level, valLossNoise) && level - g.valMin >= floor;
    // A real generalisation gap now: val above train by SageMaker's ratio and by the same absolute floor.
    const gap = level - trainNow;
    const gapped = gap > th.overfitGapRatio * trainNow && gap >= floor;
    const fell = learned && trainNow <= g.trainAtValMin * (1 - th.overfitTrainFall);
    const n = advance(g.rise, rising && gapped && fell, step);
    if (n >= th.overfitPatience && g.epochs >= th.overfitMinEpochs) {
      const valText =
        g.valRecent.size === VAL_LEVEL_EPOCHS
          ? `val loss (median of the last ${VAL_LEVEL_EPOCHS} epochs)`
          : 'val loss';
      report(
        g.rise[1],
        n > th.overfitPatience ? 0.85 : 0.75,
        `${valText} rose ${pct(level / g.valMin - 1)} from its minimum ${fmt(g.valMin)} (epoch ending at step ${g.valMinStep}) to ${fmt(level)} at step ${step} while train loss fell ${pct(1 - trainNow / g.trainAtValMin)} (${fmt(g.trainAtValMin)} → ${fmt(trainNow)}, ${trainWhat}); val is ${pct(gap / trainNow)} above train; rule: val ${pct(th.overfitRise)} above its minimum for ${th.overfitPatience} epochs while train loss falls${valLossNoise > 0 ? `, and by ${th.overfitRiseSigmas} sigmas of the val loss's own epoch-to-epoch noise (${fmt(valLossNoise)})` : ''}, and val above train by more than ${pct(th.overfitGapRatio)} of it (SageMaker Overfit) and by ${pct(th.overfitRiseScale)} of the loss scale ${fmt(scale)}`,
      );
    }
  }

  // Only a gap with val above train counts, beyond whatever positive gap the first epoch had.
  const gap = val - train;
  const widening = gap - Math.max(0, g.firstGap);
  const widened = losses && widening >= th.overfitGapWiden * scale && trainFell(g.firstTrain);
  if (advance(g.gap, widened, step) >= th.overfitPatience && judged) {
    report(
      g.gap[1],
      0.75,
      `val loss ${fmt(val)} exceeds train loss ${fmt(train)} by ${fmt(gap)} at step ${step} (first epoch: ${fmt(g.firstGap)}), a widening of ${pct(widening / scale)} of the loss scale ${fmt(scale)}; rule: ${pct(th.overfitGapWiden)} of the scale for ${th.overfitPatience} epochs`,
    );
  }

  const accGap = tacc - vacc;
  const valSize = run.dataset?.valSize ?? 0;
  const noise = valSize > 0 ? th.overfitAccSigmas * Math.sqrt((vacc * (1 - vacc)) / valSize) : 0;
  const need = Math.max(tacc > th.overfitAccPivot ? th.overfitAccGapHigh : th.overfitAccGap, noise);
  // A gap while val loss still reaches new minima is a model still generalising
  // better each epoch (Prechelt's early-stopping view): it counts once val stalls.
  let valImproving = false;
  if (losses && val < (g.valBest ?? Number.POSITIVE_INFINITY)) {
    g.valBest = val;
    g.valBestStep = step;
    valImproving = true;
  }
  const accGapped = accGap >= need && learned && !valImproving;
  if (advance(g.accGap, accGapped, step) >= th.overfitPatience && accJudged) {
    const stalled =
      losses && g.valBest !== undefined
        ? ` while val loss has not improved on ${fmt(g.valBest)} (step ${g.valBestStep})`
        : '';
    // A gap is what every model on noisy data ends with; alone, it is a failure only when wide.
    const wide = accGap >= th.overfitAccWarnFactor * need;
    const grade = wide
      ? `, ${th.overfitAccWarnFactor}× that bound or more`
      : `, under ${th.overfitAccWarnFactor}× that bound (${fmt(th.overfitAccWarnFactor * need)}): a generalisation gap to narrow with regularisation or more data, not yet a failure`;
    report(
      g.accGap[1],
      0.7,
      `train accuracy ${pct(tacc)} against val accuracy ${pct(vacc)} at step ${step}: a gap of ${fmt(accGap)}, at least ${fmt(need)} for ${th.overfitPatience} epochs${stalled}${grade}; rule: AUTOTRAINER's gap (0.1, or 0.07 above 90% train accuracy) and ${th.overfitAccSigmas} standard errors of the val accuracy, once val loss stops improving`,
      wide ? 'warning' : 'info',
    );
  }

  // Where the run stands now, for the end of the run (see resolveOverfit).
  g.overfitClear = losses && !risen(g, th, level, valLossNoise) && !widened && !accGapped;
}

/**
 * The val level is up from its minimum by `overfitRise` of it and by
 * `overfitRiseSigmas` of the val loss's noise: near a low loss floor a 10%
 * rise can be one noisy val set's wobble (400 examples at loss 0.12 wobble
 * by about 0.01 epoch to epoch), which a second evaluation would not repeat.
 */
function risen(g: GeneralisationState, th: GeneralisationThresholds, level: number, noise: number): boolean {
  return level >= g.valMin * (1 + th.overfitRise) && level - g.valMin >= th.overfitRiseSigmas * noise;
}

/**
 * Records |v₃ − 2v₂ + v₁| of the last three val losses when the middle one is
 * a peak or a dip (a zigzag): a trend, however curved (the steep fall of the
 * first epochs), goes one way and is left out; noise zigzags two times in three.
 */
function trackValNoise(g: GeneralisationState): void {
  if (g.valRecent.size < VAL_LEVEL_EPOCHS) return;
  const [a, b, c] = windowValues(g.valRecent) as [number, number, number];
  if (!((b > a && b > c) || (b < a && b < c))) return;
  g.valWiggle ??= createWindow(VAL_WIGGLE_EPOCHS);
  pushWindow(g.valWiggle, g.lastStep, Math.abs(c - 2 * b + a));
}

/**
 * The standard deviation of one val loss around its trend: the median
 * |second difference| of the zigzags ÷ 2.31 (its value for Gaussian noise of
 * σ = 1, by simulation; a median, so the kink at the val minimum or one
 * outlier epoch barely moves it); 0 (no noise allowance) until three zigzags.
 */
export function valNoise(g: GeneralisationState): number {
  const w = g.valWiggle;
  return w && w.size >= 3 ? windowMedian(w) / ZIGZAG_MEDIAN : 0;
}

const ZIGZAG_MEDIAN = 2.31;

/**
 * At the end of the run: overfitting does not undo itself, so a finding whose
 * val level is back within `overfitRise` of its minimum at the last epoch,
 * with neither gap holding, was an excursion (batch-norm statistics catching
 * up, a noisy val set, a learning-rate bump). It stays on record as `info`.
 */
export function resolveOverfit(g: GeneralisationState, th: GeneralisationThresholds, emit: Emit): void {
  if (g.overfit === null || g.overfit.severity === 'info' || !g.overfitClear) return;
  const noise = valNoise(g);
  g.overfit = resolveFinding(
    g.overfit,
    `at the last epoch (step ${g.lastStep}) the val level ${fmt(windowMedian(g.valRecent))} is back within ${pct(th.overfitRise)} of its minimum ${fmt(g.valMin)}${noise > 0 ? ` or within ${th.overfitRiseSigmas} sigmas (${fmt(th.overfitRiseSigmas * noise)}) of its epoch-to-epoch noise` : ''} and train and val no longer part`,
    emit,
  );
}
