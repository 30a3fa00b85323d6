import { z } from 'zod';
import type { StepEvent } from '../../domain/index.js';
import { defineFamily, type Emit } from '../detector.js';
import type { ModelView } from '../model-view.js';
import {
  createEarlyLevel,
  createEma,
  createSustain,
  type EarlyLevel,
  type Ema,
  emaValue,
  type Finding,
  forwardWeightedKeys,
  paramsByLayer,
  pushEarly,
  pushEma,
  refineSustain,
  SUSTAIN_THRESHOLDS,
} from '../stats/index.js';
import { checkExploding, type ExplodeSeries } from './gradients-exploding.js';
import { checkNonFinite, createNonFiniteState, type NonFiniteState } from './gradients-non-finite.js';
import { checkVanishing, type VanishSeries } from './gradients-vanishing.js';

/**
 * Gradient health: `exploding_gradients` (a finite norm grows by orders of
 * magnitude over the run's own early level or passes a bound) and
 * `vanishing_gradients` (early layers' norms orders of magnitude below later
 * layers', or mean |g| below 1e-7 while the loss has not fallen). Every rule
 * must hold in most of the last few readings, so one noisy batch never fires.
 * The family also owns `non_finite_tensors` (NaN or ±Infinity in any
 * gradient, weight or activation stat, or nanCount > 0, at once): one owner
 * keeps the symptom from being reported twice for the same layer and step;
 * non-finite readings feed none of the growth rules.
 */
export const GradientThresholds = refineSustain(
  z.object({
    explodeGrowth: z.number().positive().default(100),
    explodeSpike: z.number().positive().default(1e4),
    explodeBound: z.number().positive().default(1e3),
    explodeMinNorm: z.number().nonnegative().default(1),
    explodeLayerRatio: z.number().positive().default(70),
    vanishRatio: z.number().positive().default(1e-3),
    vanishNorm: z.number().positive().default(1e-4),
    vanishMeanAbs: z.number().positive().default(1e-7),
    vanishLossShare: z.number().positive().default(0.5),
    earlyPoints: z.number().int().min(1).default(5),
    ...SUSTAIN_THRESHOLDS,
  }),
);
export type GradientThresholds = z.infer<typeof GradientThresholds>;

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

/** Chosen here: the early loss is the median of the first 10 losses; the current one an EMA over ~20 steps. */
const LOSS_EARLY_STEPS = 10;
const LOSS_EMA_ALPHA = 0.05;

export const createGradSeries = (): GradLayerState => ({
  early: createEarlyLevel(),
  grow: createSustain(),
  ratio: createSustain(),
  vanish: createSustain(),
  tiny: createSustain(),
  last: Number.NaN,
  lastStep: -1,
});

export const gradientsFamily = defineFamily<GradientState, GradientThresholds>({
  name: 'gradients',
  thresholds: GradientThresholds,
  signals: ['gradNorm', 'layers.gradNorm', 'layers.nanCount', 'layers.weightNorm', 'loss'],
  initialState: () => ({
    global: createGradSeries(),
    layers: {},
    lossEarly: createEarlyLevel(),
    lossEma: createEma(LOSS_EMA_ALPHA),
    exploding: null,
    vanishing: null,
    nonFinite: createNonFiniteState(),
  }),
  create(ctx, state, emit) {
    const params = paramsByLayer(ctx.run);
    const series = (key: string): GradLayerState => {
      let s = state.layers[key];
      if (s === undefined) {
        s = createGradSeries();
        state.layers[key] = s;
      }
      return s;
    };
    const lossHasNotFallen = (): boolean => {
      const early = state.lossEarly.level;
      return (
        Number.isFinite(early) &&
        state.lossEma.n > 0 &&
        emaValue(state.lossEma) >= ctx.thresholds.vanishLossShare * early
      );
    };
    const env = { ctx, state, emit, series, params, lossHasNotFallen };
    return {
      onStep(e: StepEvent) {
        if (e.loss !== undefined && Number.isFinite(e.loss)) {
          pushEarly(state.lossEarly, e.loss, e.step, LOSS_EARLY_STEPS);
          pushEma(state.lossEma, e.loss);
        }
        if (e.gradNorm !== undefined || e.layers !== undefined) checkNonFinite(env, e);
        if (e.gradNorm !== undefined) {
          checkExploding(env, e, null);
          checkVanishing(env, e, null);
        }
        if (e.layers !== undefined) {
          const keys = forwardWeightedKeys(ctx.model, e.layers);
          checkExploding(env, e, keys);
          checkVanishing(env, e, keys);
        }
      },
    };
  },
});

/** What the rule modules get from the family. */
export interface GradientEnv {
  ctx: { thresholds: GradientThresholds; model: ModelView };
  state: GradientState;
  emit: Emit;
  series(key: string): GradLayerState;
  params: Record<string, number>;
  lossHasNotFallen(): boolean;
}
