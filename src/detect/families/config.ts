import { z } from 'zod';
import type { SymptomOccurrence } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import {
  checkDeepPlain,
  checkFrozen,
  checkMissingNormalization,
  checkSaturatingHidden,
} from './config-architecture.js';
import { checkBottleneck, checkLinearModel, checkSymmetricInit } from './config-capacity.js';
import { checkInputNan, checkInputScale, checkLabelImbalance, checkTrainingSetSize } from './config-data.js';
import { type ConfigInput, type Finding, mergeFindings } from './config-finding.js';
import {
  checkBatchSize,
  checkLearningRate,
  checkLearningRateFinite,
  configuredZeroLr,
  zeroLrFinding,
} from './config-optimizer.js';
import { checkOutputLoss, checkOutputUnits } from './config-output.js';

// Defaults equal graph-seed/profiles/default.yaml (section `config`), where each has its reason.
const Thresholds = z.object({
  inputMeanAbsMax: z.number().positive().default(3),
  inputStdMax: z.number().positive().default(10),
  inputAbsMax: z.number().positive().default(1000),
  inputTinyAbsMax: z.number().min(0).default(0.01),
  labelImbalanceRatio: z.number().min(1).default(10),
  trainSizeMin: z.number().int().min(0).default(100),
  saturatingMinLayers: z.number().int().min(1).default(4),
  normMinWeightedLayers: z.number().int().min(1).default(8),
  plainMinWeightedLayers: z.number().int().min(1).default(20),
  frozenShareMax: z.number().min(0).max(1).default(0.5),
  sgdLrMin: z.number().positive().default(1e-6),
  sgdLrMax: z.number().positive().default(1),
  adaptiveLrMin: z.number().positive().default(1e-6),
  adaptiveLrMax: z.number().positive().default(0.01),
  adagradLrMax: z.number().positive().default(1),
  adadeltaLrMax: z.number().positive().default(10),
  zeroLrSteps: z.number().int().min(1).default(20),
  batchSizeMin: z.number().int().min(1).default(4),
});
type Thresholds = z.infer<typeof Thresholds>;

interface ConfigState {
  /** The run event's findings were emitted (a resumed set must not emit them again). */
  emitted: boolean;
  /** The run event sets learningRate 0; steps decide whether a schedule lifts it. */
  zeroPending: boolean;
  /** First step of the current run of steps with learningRate 0 (-1: none). */
  zeroStart: number;
  zeroCount: number;
  /** lastStep of the zero-LR occurrence as last emitted (-1: not emitted). */
  zeroEmittedLast: number;
  lastStep: number;
}

const STATIC_CHECKS = [
  checkOutputLoss,
  checkOutputUnits,
  checkInputNan,
  checkInputScale,
  checkLabelImbalance,
  checkTrainingSetSize,
  checkSaturatingHidden,
  checkMissingNormalization,
  checkDeepPlain,
  checkFrozen,
  checkSymmetricInit,
  checkBottleneck,
  checkLinearModel,
  checkLearningRate,
  checkLearningRateFinite,
  checkBatchSize,
] as const;

/**
 * Static and data findings read from the `run` event (model, loss,
 * optimizer, dataset), emitted once at step 0; plus a learning rate that is
 * 0 for `zeroLrSteps` steps in a row, read from the steps.
 */
export const configFamily = defineFamily<ConfigState, Thresholds>({
  name: 'config',
  thresholds: Thresholds,
  signals: ['model.layers', 'optimizer', 'batchSize', 'dataset.inputStats', 'dataset.classCounts'],
  initialState: () => ({
    emitted: false,
    zeroPending: false,
    zeroStart: -1,
    zeroCount: 0,
    zeroEmittedLast: -1,
    lastStep: -1,
  }),
  create(ctx, s, emit) {
    const input: ConfigInput<Thresholds> = { run: ctx.run, model: ctx.model, t: ctx.thresholds };
    if (!s.emitted) {
      s.emitted = true;
      for (const f of mergeFindings(STATIC_CHECKS.flatMap((check) => check(input)))) emit(atStep(f, 0, 0));
      // A schedule may start from 0 (linear warm-up): wait for the steps before calling it a zero rate.
      s.zeroPending = configuredZeroLr(input);
    }

    const emitStaticZero = () => {
      s.zeroPending = false;
      s.zeroEmittedLast = 0;
      emit(atStep(zeroLrFinding(input), 0, 0));
    };
    const emitDynamicZero = (last: number) => {
      const f = zeroLrFinding(input);
      const line =
        `learningRate is 0 at every step from ${s.zeroStart} to ${last} (${s.zeroCount} steps); ` +
        `bound ${ctx.thresholds.zeroLrSteps} steps`;
      f.evidence = s.zeroStart === 0 && configuredZeroLr(input) ? [...f.evidence, line] : [line];
      s.zeroPending = false;
      s.zeroEmittedLast = last;
      emit(atStep(f, s.zeroStart, last));
    };

    return {
      onStep(e) {
        s.lastStep = e.step;
        const lr = e.learningRate;
        if (lr === undefined || !Number.isFinite(lr)) {
          // The steps do not report the rate: the run event's 0 stands.
          if (s.zeroPending && s.zeroStart < 0) emitStaticZero();
          return;
        }
        if (lr !== 0) {
          s.zeroPending = false;
          s.zeroStart = -1;
          s.zeroCount = 0;
          return;
        }
        if (s.zeroStart < 0) {
          s.zeroStart = e.step;
          s.zeroEmittedLast = -1;
        }
        s.zeroCount++;
        const due =
          s.zeroEmittedLast < s.zeroStart || e.step - s.zeroEmittedLast >= ctx.thresholds.zeroLrSteps;
        if (s.zeroCount >= ctx.thresholds.zeroLrSteps && due) emitDynamicZero(e.step);
      },
      onEnd() {
        // No step ever lifted the configured 0 (no steps, or fewer zero-rate steps than the bound).
        if (s.zeroPending) emitStaticZero();
        else if (
          s.zeroStart >= 0 &&
          s.zeroCount >= ctx.thresholds.zeroLrSteps &&
          s.lastStep > s.zeroEmittedLast
        ) {
          emitDynamicZero(s.lastStep);
        }
      },
    };
  },
});

function atStep(f: Finding, firstStep: number, lastStep: number): SymptomOccurrence {
  const o: SymptomOccurrence = {
    symptomId: f.symptomId,
    firstStep,
    lastStep,
    severity: f.severity,
    confidence: f.confidence,
    evidence: f.evidence,
  };
  if (f.layer !== undefined) o.layer = f.layer;
  return o;
}
