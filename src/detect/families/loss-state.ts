import type { RunEvent } from '../../domain/index.js';
import {
  type CompactSeries,
  createSeries,
  createWindow,
  type Finding,
  median,
  offerSeries,
  pushWindow,
  type RingWindow,
  recentMedian,
  windowMad,
  windowMedian,
} from '../stats/index.js';
import type { LossThresholds } from './loss-thresholds.js';

/** Levels are re-measured every CHECK_EVERY batches (a median of the window), not on every batch. */
export const CHECK_EVERY = 8;
/** Blocks in the smoothed "best so far" level: a median over 5 windows does not chase one lucky window. */
const BEST_BLOCKS = 5;
const HISTORY_CAP = 64;

/**
 * The loss series the family watches: batch losses when the trace has them,
 * else the epochs' train loss. Step units: a level is the median of the last
 * `windowSteps` batches, a block is `windowSteps` batches. Epoch units: a
 * level and a block are one epoch's loss. All fields are plain JSON.
 */
export interface LossSeries {
  source: 'none' | 'step' | 'epoch';
  points: number;
  /** Step of the latest event of any kind. */
  lastStep: number;
  /** Epoch index of the latest point (epoch source). */
  lastEpoch: number;
  stepsPerEpoch: number;
  /** Epoch field of the previous step event (-1 before any), to infer stepsPerEpoch without epoch events. */
  prevStepEpoch: number;
  prevLr: number;
  /** Last step at which the learning rate went up (warm-up, restarts): flatness is judged after it. */
  lrRiseStep: number;
  early: number[];
  earlyLevel: number;
  earlyFrom: number;
  earlyTo: number;
  window: RingWindow;
  sinceBlock: number;
  level: number;
  levelStep: number;
  /** The last blocks' values (their steps alongside), newest last. */
  blocks: RingWindow;
  /** Relative standard error of each of those block values (mini-batch noise; 0 for epoch losses). */
  blockNoise: RingWindow;
  best: number;
  bestStep: number;
  history: CompactSeries;
}

export interface LossState {
  series: LossSeries;
  nan: {
    count: number;
    reported: number;
    firstStep: number;
    lastStep: number;
    what: string;
    lastFinite: number;
    lastFiniteStep: number;
    /** The first and the highest finite loss before the first non-finite one (optional: older saved states). */
    firstFinite?: number;
    maxFinite?: number;
    finding: Finding | null;
    /** loss_non_finite_without_growth, judged once at the first non-finite value. */
    sudden?: Finding | null;
    /** initial_loss_far_above_chance, judged once on the first batch loss. */
    start?: Finding | null;
  };
  divergence: {
    /** Level checks in a row at which the loss sat far above its best, and the step they began. */
    rise: Streak;
    /** Point index (values) and step (steps) of the latest spikes. */
    spikes: RingWindow;
    spikeTotal: number;
    spikeMax: number;
    spikeMaxStep: number;
    /** Level checks in a row at which the loss sat far above chance and above its start. */
    chance: Streak;
    finding: Finding | null;
  };
  flat: { retired: boolean; finding: Finding | null };
  slow: { finding: Finding | null };
  oscillation: { finding: Finding | null };
}

/** A run of consecutive level checks at which a condition held, and the step it began (-1: none). */
export interface Streak {
  count: number;
  start: number;
}

export function initialLossState(th: LossThresholds): LossState {
  return {
    series: {
      source: 'none',
      points: 0,
      lastStep: -1,
      lastEpoch: -1,
      stepsPerEpoch: 0,
      prevStepEpoch: -1,
      prevLr: Number.NaN,
      lrRiseStep: -1,
      early: [],
      earlyLevel: Number.NaN,
      earlyFrom: -1,
      earlyTo: -1,
      window: createWindow(th.windowSteps),
      sinceBlock: 0,
      level: Number.NaN,
      levelStep: -1,
      blocks: createWindow(th.oscillationWindow),
      blockNoise: createWindow(th.oscillationWindow),
      best: Number.POSITIVE_INFINITY,
      bestStep: -1,
      history: createSeries(HISTORY_CAP),
    },
    nan: {
      count: 0,
      reported: 0,
      firstStep: -1,
      lastStep: -1,
      what: '',
      lastFinite: Number.NaN,
      lastFiniteStep: -1,
      finding: null,
    },
    divergence: {
      rise: { count: 0, start: -1 },
      spikes: createWindow(th.spikeCount),
      spikeTotal: 0,
      spikeMax: 0,
      spikeMaxStep: -1,
      chance: { count: 0, start: -1 },
      finding: null,
    },
    flat: { retired: false, finding: null },
    slow: { finding: null },
    oscillation: { finding: null },
  };
}

/** What a new point triggers: a level re-measure (check) and/or the end of a block. */
export interface PointTicks {
  check: boolean;
  block: boolean;
}

/**
 * Adds one finite loss value to the series and re-measures the level when due.
 * The caller runs its rules on the ticks, then calls `settlePoint`.
 */
export function addPoint(
  s: LossSeries,
  th: LossThresholds,
  step: number,
  v: number,
  scratch: number[],
): PointTicks {
  s.points++;
  if (s.source === 'epoch') {
    if (s.early.length === 0) {
      s.early.push(v);
      s.earlyLevel = v;
      s.earlyFrom = s.earlyTo = step;
    }
    s.level = v;
    s.levelStep = step;
    return { check: true, block: true };
  }
  pushWindow(s.window, step, v);
  if (s.early.length < th.windowSteps) {
    if (s.early.length === 0) s.earlyFrom = step;
    s.early.push(v);
    s.earlyTo = step;
    if (s.early.length === th.windowSteps) s.earlyLevel = median(s.early);
  }
  const block = ++s.sinceBlock === th.windowSteps;
  const check = block || s.points % CHECK_EVERY === 0;
  if (check) {
    s.level = windowMedian(s.window, scratch);
    s.levelStep = step;
  }
  if (block) s.sinceBlock = 0;
  return { check, block };
}

/** Closes a point: a finished block joins the coarse series, the smoothed best and the run history. */
export function settlePoint(s: LossSeries, ticks: PointTicks, scratch: number[]): boolean {
  if (!ticks.block) return false;
  pushWindow(s.blocks, s.levelStep, s.level);
  // Standard error of a median of n normal values: 1.2533 σ / √n.
  const noise =
    s.source === 'epoch'
      ? 0
      : (1.2533 * windowMad(s.window, s.level, scratch)) / (s.level * Math.sqrt(s.window.size));
  pushWindow(s.blockNoise, s.levelStep, noise);
  const smooth = s.source === 'epoch' ? s.level : recentMedian(s.blocks, BEST_BLOCKS, scratch);
  if (smooth < s.best) {
    s.best = smooth;
    s.bestStep = s.levelStep;
  }
  return offerSeries(s.history, s.levelStep, s.level);
}

/** The early level, or a provisional median of the values seen so far (NaN before any). */
export const earlyNow = (s: LossSeries): number =>
  Number.isNaN(s.earlyLevel) ? (s.early.length > 0 ? median(s.early) : Number.NaN) : s.earlyLevel;

/** Planned length of the run in the series' units (steps or epochs); 0 when unknown. */
export function budgetOf(s: LossSeries, run: RunEvent): number {
  const epochs = run.epochs ?? 0;
  if (epochs <= 0) return 0;
  if (s.source === 'epoch') return epochs;
  return s.stepsPerEpoch > 0 ? epochs * s.stepsPerEpoch : 0;
}

/** Share of the planned budget used by the latest point; NaN when the budget is unknown. */
export function progressOf(s: LossSeries, run: RunEvent): number {
  const budget = budgetOf(s, run);
  if (budget === 0) return Number.NaN;
  const used = s.source === 'epoch' ? s.lastEpoch + 1 : s.levelStep + 1;
  return used / budget;
}

/** "steps 0–31" or "epoch 3" for evidence text. */
export function spanText(s: LossSeries, from: number, to: number): string {
  if (s.source === 'epoch')
    return from === to ? `the epoch ending at step ${to}` : `the epochs ending at steps ${from}–${to}`;
  return from === to ? `step ${from}` : `steps ${from}–${to}`;
}

/** Steps of the oldest and newest values in a ring window. */
export function windowSpan(w: RingWindow): [number, number] {
  if (w.size === 0) return [-1, -1];
  return [w.steps[(w.head - w.size + w.cap) % w.cap]!, w.steps[(w.head - 1 + w.cap) % w.cap]!];
}
