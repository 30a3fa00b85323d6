import { defineFamily } from '../detector.js';
import {
  confidentlyWrong,
  type EpochPoint,
  frozenModel,
  lossAtUniformChance,
  lossBelowAccuracyBound,
  pinnedAccuracy,
  saturatedErrors,
  steadyCreep,
} from './curves-rules.js';
import { CurvesThresholds } from './curves-thresholds.js';

/** Epochs kept (the most recent): the rules read the shape of the run's end, and a long run's last few hundred. */
const MAX_EPOCHS = 256;

interface CurvesState {
  /** The run carries no model or class facts: the other families' chance and config rules cannot speak. */
  curvesOnly: boolean;
  epochs: EpochPoint[];
  lastStep: number;
}

/**
 * Reads the shape of the epoch curves of a run that carries nothing else (an
 * imported log of curves: no model, no optimizer, no data facts), at its end:
 * accuracy pinned to one value (predictions collapse), loss flat at ln K
 * (uniform chance), loss flat far above what its accuracy allows (confidently
 * wrong), a loss on fixed examples that does not change at all (a frozen
 * model), a slow steady decline (slow convergence), a loss lower than any
 * cross-entropy of the logged accuracy allows (a loss that does not fit the output). A run with model or class
 * facts is left to the families that read those: this one stays silent.
 *
 * @example createDetectorSet({ run: { type: 'run', formatVersion: 1, id: 'r' }, profile, families: [curvesFamily] })
 */
export const curvesFamily = defineFamily<CurvesState, CurvesThresholds>({
  name: 'curves',
  thresholds: CurvesThresholds,
  signals: [],
  initialState: (ctx) => ({
    curvesOnly:
      !ctx.run.model?.layers?.length &&
      ctx.run.dataset?.classCounts === undefined &&
      ctx.run.dataset?.numClasses === undefined,
    epochs: [],
    lastStep: -1,
  }),
  create(ctx, s, emit) {
    const th = ctx.thresholds;
    return {
      onStep(e) {
        s.lastStep = e.step;
      },
      onEpoch(e) {
        if (!s.curvesOnly) return;
        const step = e.step ?? Math.max(s.lastStep, e.epoch);
        s.lastStep = Math.max(s.lastStep, step);
        s.epochs.push({
          step,
          trainLoss: e.train?.loss,
          trainAcc: e.train?.accuracy,
          valLoss: e.val?.loss,
          valAcc: e.val?.accuracy,
        });
        if (s.epochs.length > MAX_EPOCHS) s.epochs.shift();
      },
      onEnd(e) {
        if (!s.curvesOnly || s.epochs.length === 0) return;
        const lastStep = Math.max(e?.step ?? -1, s.epochs.at(-1)!.step);
        const pinned = pinnedAccuracy(s.epochs, th);
        const uniform = lossAtUniformChance(s.epochs, th);
        const confident = confidentlyWrong(s.epochs, pinned, th) ?? saturatedErrors(s.epochs, th);
        for (const finding of [
          pinned,
          uniform,
          confident,
          // A loss held at ln K is a constant predictor that has converged (its output bias at the class
          // prior, where that bias's gradient is zero); a confidently wrong one sits where its saturated
          // outputs pass no gradient (a clipped probability has none). Either stillness is what the
          // shape already says, not a sign that the weights never moved, so it is not read again.
          uniform || confident ? undefined : frozenModel(s.epochs, th),
          lossBelowAccuracyBound(s.epochs, th),
          steadyCreep(s.epochs, th),
        ]) {
          if (!finding) continue;
          const { acc: _acc, ...occurrence } = finding as typeof finding & { acc?: number };
          emit({ ...occurrence, lastStep });
        }
      },
    };
  },
});
