import type { EpochEvent, StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { chanceLevelOf, checkChance, checkRise, checkSpike } from './loss-divergence.js';
import { flushNan, nonFiniteIn, noteFinite, noteNonFinite } from './loss-nan.js';
import { checkOscillation } from './loss-oscillation.js';
import { checkFlat, checkSlow } from './loss-progress.js';
import { checkStartLevel, referenceLossOf } from './loss-start.js';
import { addPoint, initialLossState, type LossState, settlePoint } from './loss-state.js';
import { LossThresholds } from './loss-thresholds.js';

/**
 * The health of the training loss: loss_nan, loss_divergence,
 * loss_not_decreasing, slow_convergence and loss_oscillation. Reads batch
 * losses when the trace has them and the epochs' train loss otherwise, so a
 * trace with nothing but epoch metrics still gets every loss symptom.
 * Per batch: O(1) work; a median of one window every 8 batches; trend fits
 * (Theil–Sen) only when the compacted run history gains a point.
 *
 * @example createDetectorSet({ run, profile, families: [lossFamily] })
 */
export const lossFamily = defineFamily<LossState, LossThresholds>({
  name: 'loss',
  thresholds: LossThresholds,
  signals: ['loss', 'epoch.train.loss'],
  initialState: (ctx) => initialLossState(ctx.thresholds),
  create(ctx, state, emit) {
    const th = ctx.thresholds;
    const run = ctx.run;
    const s = state.series;
    const chance = chanceLevelOf(run, ctx.model);
    const reference = referenceLossOf(run, ctx.model);
    // Sorting space for window medians; holds no run data between calls.
    const scratch: number[] = [];

    const onPoint = (step: number, v: number) => {
      // A batch is compared with the early level before it joins it; an epoch after the rise check,
      // so a rise that began epochs earlier gives the occurrence its first step.
      if (s.source === 'step') checkSpike(state, th, chance, step, v, emit);
      const ticks = addPoint(s, th, step, v, scratch);
      if (ticks.check) {
        checkRise(state, th, emit);
        checkChance(state, th, chance, emit);
      }
      if (s.source === 'epoch') checkSpike(state, th, chance, step, v, emit);
      const historyGrew = settlePoint(s, ticks, scratch);
      if (ticks.block) checkOscillation(state, th, chance, emit);
      if (historyGrew) {
        checkFlat(state, th, run, chance, false, emit);
        checkSlow(state, th, run, chance, false, emit);
      }
    };

    const noteStep = (e: StepEvent) => {
      s.lastStep = e.step;
      const lr = e.learningRate;
      if (lr !== undefined && Number.isFinite(lr)) {
        if (!(lr <= s.prevLr)) s.lrRiseStep = e.step;
        s.prevLr = lr;
      }
      if (e.epoch !== undefined) {
        // At the first step of epoch k (steps and epochs counted from 0), step = k × stepsPerEpoch.
        if (s.stepsPerEpoch === 0 && e.epoch > 0 && e.epoch !== s.prevStepEpoch && s.prevStepEpoch >= 0) {
          s.stepsPerEpoch = Math.max(1, Math.round(e.step / e.epoch));
        }
        s.prevStepEpoch = e.epoch;
      }
    };

    const epochStep = (e: EpochEvent) => e.step ?? (s.lastStep >= 0 ? s.lastStep : e.epoch);

    return {
      onStep(e) {
        noteStep(e);
        const bad = nonFiniteIn(e.loss, e.metrics, '');
        // A loss scaler skipped the step: its weights kept their values (the amp family reports it).
        if (bad && e.stepSkipped !== true) noteNonFinite(state, th, bad, e.step, emit);
        const loss = e.loss;
        if (loss === undefined || !Number.isFinite(loss)) return;
        state.nan.lastFinite = loss;
        state.nan.lastFiniteStep = e.step;
        checkStartLevel(state, th, reference, e.step, loss, emit);
        noteFinite(state, loss);
        if (s.source === 'none') s.source = 'step';
        // Ratio rules need a positive loss; other objectives are left alone.
        if (s.source === 'step' && loss > 0) onPoint(e.step, loss);
      },
      onEpoch(e) {
        const step = epochStep(e);
        s.lastStep = Math.max(s.lastStep, step);
        if (s.stepsPerEpoch === 0 && e.step !== undefined)
          s.stepsPerEpoch = Math.max(1, Math.round((e.step + 1) / (e.epoch + 1)));
        const bad = nonFiniteIn(undefined, e.train, 'train ') ?? nonFiniteIn(undefined, e.val, 'val ');
        // Before any step was seen, an epoch past step 0 summarises steps whose losses nobody saw.
        if (bad) noteNonFinite(state, th, bad, step, emit, s.source === 'none' && step > 0);
        const loss = e.train?.loss;
        if (loss === undefined || !Number.isFinite(loss)) return;
        if (s.source === 'none') s.source = 'epoch';
        if (s.source === 'epoch') noteFinite(state, loss);
        if (s.source !== 'epoch' || !(loss > 0)) return;
        s.lastEpoch = e.epoch;
        onPoint(step, loss);
      },
      onEval(e) {
        const bad = nonFiniteIn(undefined, e.metrics, `${e.split} `);
        if (bad) noteNonFinite(state, th, bad, e.step ?? s.lastStep, emit);
      },
      onEnd(e) {
        flushNan(state, emit);
        if (e?.status === 'diverged' || e?.status === 'crashed') return;
        checkFlat(state, th, run, chance, true, emit);
        checkSlow(state, th, run, chance, true, emit);
      },
    };
  },
});
