import type { RunEvent } from '../../domain/index.js';
import type { Emit } from '../detector.js';
import { fmt, median, pct, reportFinding, resolveFinding, theilSenSlope } from '../stats/index.js';
import { type ChanceLevel, startLoss } from './loss-divergence.js';
import { type LossState, progressOf, spanText, windowSpan } from './loss-state.js';
import type { LossThresholds } from './loss-thresholds.js';

/** The run history in log scale, with the current level as its newest point. */
function logHistory(state: LossState): { xs: number[]; ys: number[] } {
  const s = state.series;
  const xs = s.history.x.slice();
  const ys = s.history.v.map(Math.log);
  if (xs.at(-1) !== s.levelStep) {
    xs.push(s.levelStep);
    ys.push(Math.log(s.level));
  }
  return { xs, ys };
}

/** The level over the last quarter of the history (median of its points): less noisy than one window. */
function recentLevel(xs: number[], ys: number[]): number {
  const from = xs.at(-1)! - (xs.at(-1)! - xs[0]!) / 4;
  const recent = ys.filter((_, i) => xs[i]! >= from);
  return Math.exp(median(recent));
}

/** Relative drop along the robust (Theil–Sen) trend of log loss between the first and last x. */
function trendDrop(xs: number[], ys: number[]): number {
  if (xs.length < 3) return Number.NaN;
  return 1 - Math.exp(theilSenSlope(xs, ys) * (xs.at(-1)! - xs[0]!));
}

/**
 * Where the loss started: its early level (the median of the first window),
 * or the chance-level loss of a cross-entropy classifier when that is higher.
 * A model that learns within its first window (an easy task, a fast
 * optimizer) already sits far below what guessing scores there, so its early
 * level hides the fall. A classifier that guesses the class shares scores
 * chance; one that starts above it (large initial weights) keeps its early level.
 */
interface Start {
  level: number;
  text: string;
}

function startOf(state: LossState, chance: ChanceLevel | null): Start {
  const level = startLoss(state.series, chance);
  if (chance !== null && level === chance.loss && level !== state.series.earlyLevel)
    return {
      level,
      text: `the chance-level loss ${fmt(level)} for ${chance.text} (the early level, ${earlyText(state)}, was already below it)`,
    };
  return { level, text: earlyText(state) };
}

/** How far the loss has come down from its start: over the last quarter of the run, and along its trend. */
interface Progress {
  xs: number[];
  ys: number[];
  /** The level over the last quarter of the history. */
  level: number;
  drop: number;
  trend: number;
}

function progressMade(state: LossState, start: Start): Progress {
  const { xs, ys } = logHistory(state);
  const level = recentLevel(xs, ys);
  return { xs, ys, level, drop: 1 - level / start.level, trend: trendDrop(xs, ys) };
}

/**
 * The one line between the two progress symptoms: the loss has fallen once
 * both its recent level and its robust trend are `flatDrop` below the start.
 * Short of that it has not learned (loss_not_decreasing); from it on
 * slow_convergence judges its pace, so no run falls between the two.
 */
const hasFallen = (p: Progress, th: LossThresholds): boolean =>
  p.drop >= th.flatDrop && !(p.trend < th.flatDrop); // no trend yet (under 3 points): the level decides

function levelText(state: LossState, th: LossThresholds): string {
  const s = state.series;
  if (s.source === 'epoch') return `${fmt(s.level)} (${spanText(s, s.levelStep, s.levelStep)})`;
  const [from, to] = windowSpan(s.window);
  return `${fmt(s.level)} (median of ${spanText(s, from, to)}, ${th.windowSteps} batches)`;
}

function earlyText(state: LossState): string {
  const s = state.series;
  if (s.source === 'epoch') return `${fmt(s.earlyLevel)} (${spanText(s, s.earlyFrom, s.earlyFrom)})`;
  return `${fmt(s.earlyLevel)} (median of ${spanText(s, s.earlyFrom, s.earlyTo)})`;
}

/** Steps per epoch: seen in the trace, else trainSize / batchSize from the run event, else 0. */
function epochStepsOf(s: LossState['series'], run: RunEvent): number {
  if (s.stepsPerEpoch > 0) return s.stepsPerEpoch;
  const n = run.dataset?.trainSize;
  const b = run.batchSize;
  return n && b ? Math.ceil(n / b) : 0;
}

/** A progress rule: judges the loss so far (`atEnd`: the run is over) and reports through `emit`. */
type ProgressCheck = (
  state: LossState,
  th: LossThresholds,
  run: RunEvent,
  chance: ChanceLevel | null,
  atEnd: boolean,
  emit: Emit,
) => void;

/**
 * Whether the loss's progress can be judged at all: it has not diverged nor
 * turned NaN (those rules own the run then), and both its early and its
 * current level are known.
 */
function canJudgeProgress(state: LossState): boolean {
  const s = state.series;
  // A loss sitting far above chance and above its start (the chance arm's streak) is not "flat" nor "slow".
  if (state.divergence.finding || state.divergence.chance.count > 0 || state.nan.count > 0) return false;
  return !Number.isNaN(s.earlyLevel) && s.level > 0;
}

/**
 * loss_not_decreasing: after enough training (flatMinSteps, and at least one
 * epoch, since the last learning-rate rise, or flatMinFraction of the budget; flatMinEpochs of epoch
 * losses), the level over the last quarter of the run or the robust trend
 * over the whole run is less than `flatDrop` below the early level (it has
 * fallen only when both are, see `hasFallen`). SageMaker LossNotDecreasing and
 * DeepDiagnosis compare the loss with itself some steps earlier; comparing
 * with the run's own start keeps a slow start from passing as learning.
 * Retired for good once the loss fell `learnedDrop` below its start (see
 * `startOf`: at most the chance-level loss of a cross-entropy classifier);
 * a finding it made before then is resolved to `info`: the run learned.
 */
export const checkFlat: ProgressCheck = (state, th, run, chance, atEnd, emit) => {
  const s = state.series;
  if (state.flat.retired || !canJudgeProgress(state)) return;
  const start = startOf(state, chance);
  if (s.level < (1 - th.learnedDrop) * start.level) {
    state.flat.retired = true;
    // Flat for a while, then it learned after all (a slow start, a plateau before symmetry breaks).
    if (state.flat.finding)
      resolveFinding(
        state.flat.finding,
        `the loss is ${levelText(state, th)} at step ${s.levelStep}, ${pct(1 - s.level / start.level)} below ${start.text}: the run learned after all`,
        emit,
      );
    return;
  }
  let enough: boolean;
  if (s.source === 'epoch') {
    enough = s.points >= th.flatMinEpochs;
  } else {
    const settled = s.levelStep - s.lrRiseStep;
    const f = progressOf(s, run);
    // Never judge "no learning" inside the first epoch: with long epochs
    // (1000+ batches) a healthy run may fall only a few % in 200 steps.
    const minSteps = Math.max(th.flatMinSteps, epochStepsOf(s, run));
    enough =
      s.points >= 2 * th.windowSteps &&
      settled >= th.windowSteps &&
      (atEnd || settled + 1 >= minSteps || f >= th.flatMinFraction);
  }
  if (!enough) return;
  const p = progressMade(state, start);
  if (hasFallen(p, th)) return;
  const { level, drop, trend } = p;
  const units = s.source === 'epoch' ? `${s.points} epochs` : `${s.levelStep - s.earlyFrom + 1} steps`;
  state.flat.finding = reportFinding(
    state.flat.finding,
    {
      symptomId: 'loss_not_decreasing',
      layer: null,
      firstStep: s.earlyFrom,
      lastStep: s.levelStep,
      severity: 'warning',
      confidence: drop < th.flatDrop / 2 && trend < th.flatDrop / 2 ? 0.85 : 0.7,
      evidence: [
        `loss is ${levelText(state, th)} after ${units} (${fmt(level)} over the last quarter of the run) against ${start.text} at the start: ${pct(drop)} lower, trend over the run ${pct(trend)} lower; rule: less than ${pct(th.flatDrop)} drop, by the last quarter's level or by the trend, counts as no learning`,
      ],
      latest: null,
    },
    emit,
  );
};

/**
 * slow_convergence: past `slowJudgmentFraction` of the planned budget (or at
 * the end), the loss has fallen (at least `flatDrop` below its start, over
 * the last quarter of the run and along its trend: exactly where
 * loss_not_decreasing stops), but less than `slowMaxDrop` (from its start,
 * see `startOf`), and it is still
 * falling at a steady pace: the second half alone fell `flatDrop`/2, and its
 * robust slope is at least `slowLinearity` of the faster of the first half's
 * and the whole run's. A healthy run that has converged on a hard task flattens out
 * instead (its second half is much slower).
 * AUTOTRAINER judges slow convergence after 30% of the epochs on accuracy
 * gains ≤ 0.01; this is the same idea on the loss, relative to its own start.
 */
export const checkSlow: ProgressCheck = (state, th, run, chance, atEnd, emit) => {
  const s = state.series;
  if (!canJudgeProgress(state)) return;
  const f = progressOf(s, run);
  if (Number.isNaN(f) ? !atEnd : f < th.slowJudgmentFraction) return;
  const start = startOf(state, chance);
  const drop = 1 - s.level / start.level;
  if (drop >= th.slowMaxDrop) return;
  const p = progressMade(state, start);
  if (!hasFallen(p, th)) return;
  const { xs, ys } = p;
  if (xs.length < 4) return;
  const mid = (xs[0]! + xs.at(-1)!) / 2;
  const firstHalf = xs.findIndex((x) => x > mid);
  const cut = Math.max(2, Math.min(xs.length - 2, firstHalf));
  const slope1 = theilSenSlope(xs.slice(0, cut), ys.slice(0, cut));
  const slope2 = theilSenSlope(xs.slice(cut - 1), ys.slice(cut - 1));
  // Still falling in its second half, at a pace like the first half's.
  const secondHalfDrop = 1 - Math.exp(slope2 * (xs.at(-1)! - xs[cut - 1]!));
  if (!(secondHalfDrop >= th.flatDrop / 2)) return;
  // At least `slowLinearity` of the faster pace of the first half and the whole run: a first half
  // whose fall is lost in noise (or that waited out a warm-up) does not make a steady fall "flattened".
  const pace = Math.min(slope1, theilSenSlope(xs, ys));
  if (!(pace < 0 && slope2 < 0 && slope2 / pace >= th.slowLinearity)) return;
  const budget = Number.isNaN(f) ? 'the run' : `${pct(f)} of the planned ${run.epochs} epochs`;
  const perTenth = 1 - Math.exp(slope2 * ((xs.at(-1)! - xs[0]!) / 10));
  state.slow.finding = reportFinding(
    state.slow.finding,
    {
      symptomId: 'slow_convergence',
      layer: null,
      firstStep: s.earlyFrom,
      lastStep: s.levelStep,
      severity: 'warning',
      confidence: slope2 / pace >= 0.8 ? 0.8 : 0.65,
      evidence: [
        `loss fell only ${pct(drop)} in ${budget}, from ${start.text} to ${levelText(state, th)} (${pct(p.drop)} over the last quarter of the run, trend ${pct(p.trend)}), and is still falling about ${pct(perTenth)} per tenth of the run so far (second half ${fmt(slope2 / pace)}× as fast as ${pace === slope1 ? 'the first' : 'the run as a whole'}); rule: at least ${pct(th.flatDrop)} down (less is no learning) but less than ${pct(th.slowMaxDrop)} after ${pct(th.slowJudgmentFraction)} of the budget while still falling`,
      ],
      latest: null,
    },
    emit,
  );
};
