import { defineFamily } from '../detector.js';
import { pushWindow } from '../stats/index.js';
import { checkValAboveTrain } from './generalisation-label-noise.js';
import { checkOverfit, resolveOverfit } from './generalisation-overfit.js';
import {
  type GeneralisationState,
  GeneralisationThresholds,
  initialGeneralisationState,
} from './generalisation-state.js';
import { taskView } from './generalisation-task.js';
import { checkUnderfit } from './generalisation-underfit.js';

/**
 * overfitting (each epoch, from train and val loss and accuracy; resolved at
 * the end when the run left it behind) and
 * underfitting (at the end, from the final train loss and accuracy against
 * what a model that learned nothing scores), and
 * train_accuracy_below_val (each epoch: held-out accuracy well above the
 * training accuracy, the mark of noisy training labels). Runs without epoch metrics still
 * get underfitting from the last batches.
 *
 * @example createDetectorSet({ run, profile, families: [generalisationFamily] })
 */
export const generalisationFamily = defineFamily<GeneralisationState, GeneralisationThresholds>({
  name: 'generalisation',
  thresholds: GeneralisationThresholds,
  signals: ['epoch.train.loss', 'epoch.val.loss', 'epoch.train.accuracy', 'epoch.val.accuracy'],
  initialState: (ctx) => initialGeneralisationState(ctx.thresholds),
  create(ctx, g, emit) {
    const th = ctx.thresholds;
    const task = taskView(ctx.run, ctx.model);
    // Sorting space for the end-of-run medians; holds no run data between calls.
    const scratch: number[] = [];
    return {
      onStep(e) {
        g.lastStep = e.step;
        if (e.loss !== undefined) pushWindow(g.stepLoss, e.step, e.loss);
        const acc = e.metrics?.accuracy;
        if (acc !== undefined) pushWindow(g.stepAcc, e.step, acc);
      },
      onEpoch(e) {
        const step = e.step ?? (g.lastStep >= 0 ? g.lastStep : e.epoch);
        g.lastStep = Math.max(g.lastStep, step);
        g.lastEpoch = e.epoch;
        if (e.train?.loss !== undefined) {
          g.epochLoss = true;
          g.trainLoss = e.train.loss;
        }
        if (e.train?.accuracy !== undefined) g.trainAcc = e.train.accuracy;
        checkOverfit(g, th, ctx.run, task, e, step, emit);
        checkValAboveTrain(g, th, ctx.model, e, step, emit);
        g.prevEpochStep = step;
      },
      onEnd(e) {
        resolveOverfit(g, th, emit);
        checkUnderfit(g, th, ctx.run, task, e, scratch, emit);
      },
    };
  },
});
