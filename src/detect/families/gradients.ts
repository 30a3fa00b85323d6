import type { StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import {
  createEarlyLevel,
  createEma,
  createSustain,
  emaValue,
  forwardWeightedKeys,
  paramsByLayer,
  pushEarly,
  pushEma,
} from '../stats/index.js';
import type { GradientState, GradLayerState } from './gradients-env.js';
import { checkExploding } from './gradients-exploding.js';
import { checkNonFinite, createNonFiniteState } from './gradients-non-finite.js';
import { GradientThresholds } from './gradients-thresholds.js';
import { checkVanishing } from './gradients-vanishing.js';

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
