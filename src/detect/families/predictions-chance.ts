import type { EpochEvent, EvalEvent, StepEvent } from '../../domain/index.js';
import { fmt } from '../stats/index.js';
import { accuracyOf, chanceBound, distribution, type LabelView } from './predictions-labels.js';
import { createStretch, type EpochStretch, endStretch, openStretch } from './predictions-stretch.js';

/** Thresholds the chance rules read (see the `predictions` profile section). */
export interface ChanceThresholds {
  chanceWindowSteps: number;
  chanceBandOfRemaining: number;
  chanceBandOfChance: number;
  chanceZ: number;
  chanceMinEpochs: number;
  chanceMinSteps: number;
  chanceMaxSteps: number;
}

/** A source's verdict: `hit` = at chance long enough (with its stretch start), `clear` = clearly above chance. */
export type Verdict =
  | { kind: 'hit'; start: number; step: number; evidence: string }
  | { kind: 'clear' }
  | undefined;

/** All state of the chance rules: plain numbers and one fixed-size array. */
export interface ChanceState {
  percent: boolean;
  /** Ring of the last batch accuracies. */
  win: number[];
  head: number;
  size: number;
  sum: number;
  sumSq: number;
  /** First step of the window where the batch accuracy first sat at chance (-1: not at chance). */
  stepStart: number;
  /** Consecutive steps with the window mean above the bound (a whole window of them ends a stretch). */
  above: number;
  /** Window mean and bound at the step source's latest hit (evidence is written from them). */
  hitMean: number;
  hitBound: number;
  hitStep: number;
  hitStart: number;
  lastStep: number;
  maxLr: number;
  lrRiseStep: number;
  epochNow: number;
  epochStartStep: number;
  /** Steps per epoch as observed (0 = unknown). */
  observedSpe: number;
  prevEpochEnd: number;
  epochsSeen: number;
  train: EpochStretch;
  val: EpochStretch;
}

export const createChanceState = (window: number): ChanceState => ({
  percent: false,
  win: new Array<number>(window).fill(0),
  head: 0,
  size: 0,
  sum: 0,
  sumSq: 0,
  stepStart: -1,
  above: 0,
  hitMean: 0,
  hitBound: 0,
  hitStep: -1,
  hitStart: -1,
  lastStep: -1,
  maxLr: -1,
  lrRiseStep: -1,
  epochNow: -1,
  epochStartStep: -1,
  observedSpe: 0,
  prevEpochEnd: -1,
  epochsSeen: 0,
  train: createStretch(),
  val: createStretch(),
});

/** What the chance rules know about the run (fixed for the run). */
export interface ChanceEnv {
  labels: LabelView;
  t: ChanceThresholds;
  batchSize: number | undefined;
  /** Steps per epoch from trainSize/batchSize (0 = unknown). */
  declaredSpe: number;
}

/**
 * Steps a stretch at chance must last before it counts: `chanceMinEpochs`
 * epochs, at least `chanceMinSteps`, at most `chanceMaxSteps` (all of them
 * when the epoch length is unknown).
 */
export function requiredSteps(s: ChanceState, env: ChanceEnv): number {
  const spe = env.declaredSpe || s.observedSpe;
  const { chanceMinEpochs, chanceMinSteps, chanceMaxSteps } = env.t;
  return spe > 0 ? Math.max(chanceMinSteps, Math.min(chanceMinEpochs * spe, chanceMaxSteps)) : chanceMaxSteps;
}

/** Whether the run has trained long enough by `step` for an accuracy at chance to mean something. */
export function trainedEnough(s: ChanceState, env: ChanceEnv, step: number): boolean {
  if (step < 0) return s.epochsSeen >= env.t.chanceMinEpochs;
  return step + 1 >= requiredSteps(s, env);
}

function readAccuracy(s: ChanceState, metrics: Record<string, number> | undefined): number | undefined {
  const a = accuracyOf(metrics);
  if (a === undefined) return undefined;
  // Some recorders log accuracy in percent; once a value above 1 appears, all are.
  if (a > 1) s.percent = true;
  return s.percent ? a / 100 : a;
}

/** Tracks epoch length and learning-rate warm-up from a step; O(1). */
export function trackStep(s: ChanceState, e: StepEvent): void {
  s.lastStep = e.step;
  if (e.epoch !== undefined && e.epoch !== s.epochNow) {
    if (s.epochNow >= 0 && e.epoch === s.epochNow + 1)
      s.observedSpe = Math.max(s.observedSpe, e.step - s.epochStartStep);
    s.epochNow = e.epoch;
    s.epochStartStep = e.step;
  }
  const lr = e.learningRate;
  if (lr !== undefined && Number.isFinite(lr)) {
    // A rising learning rate is warm-up: accuracy may sit at chance until it ends.
    if (s.maxLr < 0) s.maxLr = lr;
    else if (lr > s.maxLr * (1 + 1e-6)) {
      s.maxLr = lr;
      s.lrRiseStep = e.step;
    }
  }
}

/**
 * Batch accuracy, smoothed over a window of steps: at chance when the
 * window mean is within the noise-aware bound, for `requiredSteps` after any
 * warm-up. O(1) per step.
 */
export function chanceOnStep(s: ChanceState, env: ChanceEnv, e: StepEvent): Verdict {
  const a = readAccuracy(s, e.metrics);
  if (a === undefined) return undefined;
  const w = s.win.length;
  const old = s.size === w ? s.win[s.head]! : 0;
  s.win[s.head] = a;
  s.head = (s.head + 1) % w;
  if (s.size < w) s.size++;
  s.sum += a - old;
  s.sumSq += a * a - old * old;
  if (s.size < w) return undefined;
  const mean = s.sum / w;
  const { chance } = env.labels;
  let bound: number;
  if (env.batchSize !== undefined && env.batchSize > 0) bound = chanceBound(chance, env.batchSize * w, env.t);
  else {
    // No batch size: the window's own spread estimates the noise of its mean.
    const variance = Math.max(0, (s.sumSq - (s.sum * s.sum) / w) / (w - 1));
    bound = Math.max(chanceBound(chance, undefined, env.t), chance + env.t.chanceZ * Math.sqrt(variance / w));
  }
  if (mean > bound) {
    s.above++;
    if (s.above >= w && s.stepStart >= 0) {
      s.stepStart = -1;
      return { kind: 'clear' };
    }
    return undefined;
  }
  s.above = 0;
  if (s.stepStart < 0) s.stepStart = e.step - w + 1;
  const from = Math.max(s.stepStart, s.lrRiseStep + 1);
  if (e.step - from + 1 < requiredSteps(s, env)) return undefined;
  s.hitMean = mean;
  s.hitBound = bound;
  s.hitStep = e.step;
  s.hitStart = s.stepStart;
  return { kind: 'hit', start: s.stepStart, step: e.step, evidence: '' };
}

/** Evidence of the step source's latest hit. */
export const stepEvidence = (s: ChanceState, env: ChanceEnv): string =>
  `batch accuracy averaged over the last ${s.win.length} steps is ${fmt(s.hitMean)} at step ${s.hitStep}, ` +
  `within the chance bound ${fmt(s.hitBound)} since step ${s.hitStart} (chance: ${env.labels.chanceText})`;

/** Epoch train and val accuracy: at chance for `chanceMinEpochs` epochs in a row after enough training. */
export function chanceOnEpoch(
  s: ChanceState,
  env: ChanceEnv,
  e: EpochEvent,
): Record<'train' | 'val', Verdict> {
  const end = e.step ?? s.lastStep;
  const first = s.prevEpochEnd + 1;
  s.epochsSeen++;
  if (env.declaredSpe === 0 && e.step !== undefined && s.prevEpochEnd >= 0) {
    s.observedSpe = Math.max(s.observedSpe, e.step - s.prevEpochEnd);
  }
  const out = {
    train: epochVerdict(
      s,
      env,
      s.train,
      'train',
      readAccuracy(s, e.train),
      env.labels.trainSize,
      e.epoch,
      first,
      end,
    ),
    val: epochVerdict(s, env, s.val, 'val', readAccuracy(s, e.val), env.labels.valSize, e.epoch, first, end),
  };
  if (end >= 0) s.prevEpochEnd = end;
  return out;
}

function epochVerdict(
  s: ChanceState,
  env: ChanceEnv,
  st: EpochStretch,
  split: string,
  a: number | undefined,
  n: number | undefined,
  epoch: number,
  first: number,
  end: number,
): Verdict {
  if (a === undefined) return undefined;
  const bound = chanceBound(env.labels.chance, n, env.t);
  if (a > bound) return endStretch(st);
  openStretch(st, first, epoch);
  if (end < 0 || end > s.lrRiseStep) st.count++;
  if (st.count < env.t.chanceMinEpochs || !trainedEnough(s, env, end)) return undefined;
  const span = st.firstEpoch === epoch ? `epoch ${epoch}` : `epochs ${st.firstEpoch}–${epoch}`;
  return {
    kind: 'hit',
    start: st.start,
    step: Math.max(end, st.start),
    evidence:
      `${split} accuracy ${fmt(a)} at epoch ${epoch}; within the chance bound ${fmt(bound)} in ${span} ` +
      `(chance: ${env.labels.chanceText}${n ? `, ${n} examples` : ''})`,
  };
}

/** A held-out evaluation at chance after enough training (chance from its own confusion rows when given). */
export function chanceOnEval(s: ChanceState, env: ChanceEnv, e: EvalEvent): Verdict {
  const step = e.step ?? s.lastStep;
  let a = readAccuracy(s, e.metrics);
  const rows = e.confusion?.map((r) => r.reduce((x, y) => x + y, 0));
  const total = rows?.reduce((x, y) => x + y, 0) ?? e.predictedClassCounts?.reduce((x, y) => x + y, 0);
  if (a === undefined && e.confusion && total)
    a = e.confusion.reduce((x, r, i) => x + (r[i] ?? 0), 0) / total;
  if (a === undefined) return undefined;
  const dist =
    rows && total && rows.length >= 2
      ? distribution(
          rows.map((r) => r / total),
          rows.length,
          'the eval confusion rows',
        )
      : env.labels;
  const bound = chanceBound(dist.chance, total || undefined, env.t);
  if (a > bound) return { kind: 'clear' };
  if (!trainedEnough(s, env, step)) return undefined;
  return {
    kind: 'hit',
    start: Math.max(step, 0),
    step: Math.max(step, 0),
    evidence:
      `eval (${e.split}) accuracy ${fmt(a)} at step ${step}, within the chance bound ${fmt(bound)} ` +
      `(chance: ${dist.chanceText}${total ? `, ${total} examples` : ''})`,
  };
}
