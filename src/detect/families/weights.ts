import type { LayerStats, StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import type { LayerView } from '../model-view.js';
import { type Finding, isTrainableKey, reportFinding } from '../stats/index.js';
import {
  checkWeightGrowth,
  createGrowthSeries,
  type GrowthSeries,
  type WeightGrowth,
} from './weights-growth.js';
import { checkInitScale } from './weights-init-scale.js';
import { createScheduleTally, judgeSchedule, type ScheduleTally, tallySchedule } from './weights-schedule.js';
import { WeightThresholds } from './weights-thresholds.js';
import { checkUnchanged, createUnchangedSeries, type UnchangedSeries } from './weights-unchanged.js';
import {
  createUpdateScaleTally,
  judgeUpdateScale,
  tallyUpdateScale,
  type UpdateScaleTally,
} from './weights-update-scale.js';

export interface WeightLayerState extends UnchangedSeries, GrowthSeries {}

export interface WeightState {
  /** Largest learning rate seen so far (0 until one is written). */
  maxLr: number;
  layers: Record<string, WeightLayerState>;
  exploding: Finding | null;
  unchanged: Record<string, Finding>;
  /** Layers whose first reading was judged for its initial scale (absent in state saved before the check). */
  initJudged?: Record<string, true>;
  /** How long the learning rate sat at a sliver of its peak (absent in state saved before it). */
  schedule?: ScheduleTally;
  /** How many sampled updates the rate kept tiny (absent in state saved before it). */
  updateScale?: UpdateScaleTally;
}

/**
 * Weight health, per trainable layer: `unchanged_weights` (the update ratio
 * ‖Δw‖/‖w‖ is about 0, or the weight summary stats stay identical between
 * readings) and `exploding_weights` (the finite weight norm grows by a large
 * factor over its own early level and stays there; a non-finite norm is
 * `non_finite_tensors`, reported by the gradients family). Frozen
 * layers (`trainable: false`) are expected not to change and are skipped;
 * readings taken while a schedule has cut the learning rate to a sliver of
 * its peak are skipped too. Each layer's first reading is also held against
 * the scale standard initializers give (`init_scale_anomaly`, see checkInitScale),
 * and at the end, updates the rate kept tiny are `updates_too_small`
 * (see judgeUpdateScale).
 */
export const weightsFamily = defineFamily<WeightState, WeightThresholds>({
  name: 'weights',
  thresholds: WeightThresholds,
  signals: ['layers.weightNorm', 'layers.updateRatio'],
  initialState: () => ({
    maxLr: 0,
    layers: {},
    exploding: null,
    unchanged: {},
    initJudged: {},
    schedule: createScheduleTally(),
    updateScale: createUpdateScaleTally(),
  }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    // A layer's first reading shows the weights it started from: judged once.
    const judgeInitScale = (view: LayerView | undefined, s: LayerStats, step: number) => {
      state.initJudged ??= {};
      const judged = state.initJudged;
      if (view === undefined || view.name in judged) return;
      judged[view.name] = true;
      const f = checkInitScale(view, s, step, t);
      if (f !== null) reportFinding(null, f, emit);
    };
    return {
      onStep(e: StepEvent) {
        const lr = e.learningRate;
        const finite = lr !== undefined && Number.isFinite(lr);
        if (finite && lr > state.maxLr) state.maxLr = lr;
        // A schedule that has cut the LR below lrFloorShare of its peak means to stop the weights.
        const lrCut = lr !== undefined && state.maxLr > 0 && lr < t.lrFloorShare * state.maxLr;
        if (finite) {
          state.schedule ??= createScheduleTally();
          tallySchedule(state.schedule, lr, lrCut, e.step);
        }
        if (e.layers === undefined) return;
        // The rate this step's update was taken at (the run event's when steps do not record one).
        const stepLr = finite ? lr : ctx.run.optimizer?.learningRate;
        state.updateScale ??= createUpdateScaleTally();
        let grown: WeightGrowth[] | null = null;
        for (const key in e.layers) {
          if (!isTrainableKey(ctx.model, key)) continue;
          const s = e.layers[key]!;
          let layer = state.layers[key];
          if (layer === undefined) {
            layer = { ...createUnchangedSeries(), ...createGrowthSeries(t.trendReadings) };
            state.layers[key] = layer;
            judgeInitScale(ctx.model.ownerOf(key), s, e.step);
          }
          const g = checkWeightGrowth(layer, key, s, e.step, t, state.exploding !== null);
          if (g !== null) {
            grown ??= [];
            grown.push(g);
          }
          if (!lrCut) tallyUpdateScale(state.updateScale, s.updateRatio, stepLr, e.step, t);
          const still = checkUnchanged(layer, key, s, e.step, t, lrCut);
          if (still !== null) {
            const open = state.unchanged[key] ?? null;
            state.unchanged[key] = reportFinding(
              open,
              { ...still, firstStep: open?.firstStep ?? still.firstStep },
              emit,
            );
          }
        }
        if (grown !== null) {
          // Name the layer that grew most; the others go into the evidence.
          grown.sort((a, b) => b.factor - a.factor);
          const best = grown[0]!;
          const others = grown.slice(1).map((g) => `${g.key} (${g.factorText})`);
          const open = state.exploding;
          state.exploding = reportFinding(
            open,
            {
              symptomId: 'exploding_weights',
              layer: open?.layer ?? best.key,
              firstStep: open?.firstStep ?? best.firstStep,
              lastStep: e.step,
              severity: best.severity,
              confidence: best.confidence,
              evidence:
                others.length > 0 && open === null ? [best.line, `also: ${others.join(', ')}`] : [best.line],
              latest: null,
            },
            emit,
          );
        }
      },
      onEnd() {
        if (state.schedule) judgeSchedule(state.schedule, state.maxLr, t, emit);
        if (state.updateScale) judgeUpdateScale(state.updateScale, t, emit);
      },
    };
  },
});
