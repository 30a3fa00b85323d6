import type { Emit } from '../detector.js';
import type { ModelView } from '../model-view.js';
import type { EarlyLevel, Ema, Finding, Sustain } from '../stats/index.js';
import type { GradientThresholds } from './gradients-thresholds.js';

// The gradients family's state (all plain data: it is saved as JSON) and what its
// rule modules get from it, here so that the family and its rules import them
// from one side and not from each other.

/** The exploding-gradient part of a gradient series. */
export interface ExplodeSeries {
  /** The norm's own early level (median of its first readings). */
  early: EarlyLevel;
  /** Readings ≥ explodeGrowth × early level, or above explodeBound. */
  grow: Sustain;
  /** Readings ≥ explodeLayerRatio × the last layer's norm (layers only). */
  ratio: Sustain;
  last: number;
  lastStep: number;
}

/** The vanishing-gradient part of a gradient series. */
export interface VanishSeries {
  /** Readings ≤ vanishRatio × a later layer's norm and ≤ vanishNorm (AUTOTRAINER). */
  vanish: Sustain;
  /** Readings with mean |g| < vanishMeanAbs while the loss has not fallen (SageMaker). */
  tiny: Sustain;
}

/** The first and last finite readings of one norm: what the evidence says grew before a turn to NaN. */
export interface FiniteSpan {
  first: number;
  firstStep: number;
  last: number;
  lastStep: number;
}

export interface LayerSpans {
  /** Stats entries of this layer seen so far. */
  n: number;
  grad: FiniteSpan;
  weight: FiniteSpan;
}

/** `non_finite_tensors`: one finding per run, named after the first non-finite reading. */
export interface NonFiniteState {
  /** Step of the run's first step event (-1 before it). */
  runFirstStep: number;
  /** Global gradNorm readings seen so far, and its finite span. */
  globalN: number;
  global: FiniteSpan;
  layers: Record<string, LayerSpans>;
  finding: Finding | null;
}

/** One layer's gradient series (all plain data: the state is saved as JSON). */
export interface GradLayerState extends ExplodeSeries, VanishSeries {}

export interface GradientState {
  global: GradLayerState;
  layers: Record<string, GradLayerState>;
  /** The loss's early level and its smoothed value: the absolute vanishing rule needs a loss that has not fallen. */
  lossEarly: EarlyLevel;
  lossEma: Ema;
  exploding: Finding | null;
  vanishing: Finding | null;
  nonFinite: NonFiniteState;
}

/** What the rule modules get from the family. */
export interface GradientEnv {
  ctx: { thresholds: GradientThresholds; model: ModelView };
  state: GradientState;
  emit: Emit;
  series(key: string): GradLayerState;
  params: Record<string, number>;
  lossHasNotFallen(): boolean;
}
