import { z } from 'zod';
import type { DetectContext } from '../detector.js';
import { defineFamily } from '../detector.js';
import {
  type ChanceEnv,
  type ChanceState,
  chanceOnEpoch,
  chanceOnEval,
  chanceOnStep,
  createChanceState,
  stepEvidence,
  trackStep,
  trainedEnough,
  type Verdict,
} from './predictions-chance.js';
import { type CollapseVerdict, collapseOnEval, pinnedOnEpoch } from './predictions-collapse.js';
import { labelView } from './predictions-labels.js';
import { addFinding, type MergedOccurrence, toOccurrence } from './predictions-occurrence.js';
import { createStretch, type EpochStretch } from './predictions-stretch.js';

// Defaults equal graph-seed/profiles/default.yaml (section `predictions`), where each has its reason.
const Thresholds = z.object({
  chanceWindowSteps: z.number().int().min(2).default(25),
  chanceBandOfRemaining: z.number().min(0).max(1).default(0.05),
  chanceBandOfChance: z.number().min(0).default(0.5),
  chanceZ: z.number().min(0).default(2),
  chanceMinEpochs: z.number().int().min(1).default(2),
  chanceMinSteps: z.number().int().min(1).default(50),
  chanceMaxSteps: z.number().int().min(1).default(1000),
  collapseShare: z.number().min(0).max(1).default(0.9),
  collapseExcess: z.number().min(0).max(1).default(0.75),
  collapseMinPredictions: z.number().int().min(1).default(20),
  pinnedTolerance: z.number().min(0).default(0.002),
  pinnedEpochs: z.number().int().min(1).default(3),
  pinnedMinGap: z.number().min(0).max(1).default(0.1),
});
type Thresholds = z.infer<typeof Thresholds>;

interface PredictionsState {
  chance: ChanceState;
  pinned: EpochStretch;
  /** `lastStep` of the chance occurrence as last emitted (the step source refreshes it once per window). */
  chanceEmittedLast: number;
  chanceOcc: MergedOccurrence | null;
  collapseOcc: MergedOccurrence | null;
}

const CHANCE_SOURCES = ['step', 'train', 'val', 'eval'] as const;
const COLLAPSE_SOURCES = ['eval', 'pinned'] as const;

/**
 * accuracy_at_chance: accuracy (smoothed batch accuracy, epoch train/val,
 * eval) stays within a noise-aware band above chance — 1/classes or the
 * majority-class share — for two epochs after warm-up and a minimum of steps.
 * prediction_collapse: an eval's predictions pile into one class far beyond
 * its true share; weaker, train accuracy pinned at the majority share.
 */
export const predictionsFamily = defineFamily<PredictionsState, Thresholds>({
  name: 'predictions',
  thresholds: Thresholds,
  signals: [
    'metrics.accuracy',
    'epoch.train.accuracy',
    'epoch.val.accuracy',
    'eval.predictedClassCounts',
    'eval.confusion',
    'dataset.classCounts',
  ],
  initialState: (ctx) => ({
    chance: createChanceState(ctx.thresholds.chanceWindowSteps),
    pinned: createStretch(),
    chanceEmittedLast: -1,
    chanceOcc: null,
    collapseOcc: null,
  }),
  create(ctx, s, emit) {
    const labels = labelView(ctx.run, ctx.model);
    const env = labels ? chanceEnv(ctx, labels) : undefined;
    const t = ctx.thresholds;

    const emitChance = () => {
      const occ = s.chanceOcc!;
      if (env && occ.evidence.step !== undefined && s.chance.hitStep >= 0)
        occ.evidence.step = stepEvidence(s.chance, env);
      // More independent sources agreeing (batch, epoch train, epoch val, eval) raise confidence.
      occ.confidence = Math.min(0.9, Math.round((0.5 + 0.1 * Object.keys(occ.evidence).length) * 10) / 10);
      s.chanceEmittedLast = occ.last;
      emit(toOccurrence('accuracy_at_chance', occ, CHANCE_SOURCES));
    };
    const flushChance = () => {
      if (s.chanceOcc?.open && s.chanceOcc.last > s.chanceEmittedLast) emitChance();
    };
    const chance = (source: string, v: Verdict) => {
      if (v === undefined) return;
      if (v.kind === 'clear') {
        flushChance();
        if (s.chanceOcc) s.chanceOcc.open = false;
        return;
      }
      s.chanceOcc = addFinding(s.chanceOcc, source, v.start, v.step, v.evidence, 'warning', 0.6);
      emitChance();
    };
    const collapse = (source: string, v: CollapseVerdict, confidence: number) => {
      if (v === undefined) return;
      if (v.kind === 'clear') {
        if (s.collapseOcc) s.collapseOcc.open = false;
        return;
      }
      s.collapseOcc = addFinding(
        s.collapseOcc,
        source,
        v.start,
        v.step,
        v.evidence,
        v.severity ?? 'warning',
        confidence,
      );
      emit(toOccurrence('prediction_collapse', s.collapseOcc, COLLAPSE_SOURCES));
    };

    return {
      onStep(e) {
        trackStep(s.chance, e);
        if (!env) return;
        const v = chanceOnStep(s.chance, env, e);
        if (v?.kind !== 'hit') return chance('step', v);
        // While the stretch lasts, refresh the occurrence once per window, not every step.
        const occ = s.chanceOcc;
        if (
          occ?.open &&
          occ.evidence.step !== undefined &&
          e.step - s.chanceEmittedLast < t.chanceWindowSteps
        ) {
          occ.last = e.step;
          return;
        }
        chance('step', v);
      },
      onEpoch(e) {
        if (!env) return;
        const first = s.chance.prevEpochEnd + 1;
        const verdicts = chanceOnEpoch(s.chance, env, e);
        chance('train', verdicts.train);
        chance('val', verdicts.val);
        const end = e.step ?? s.chance.lastStep;
        const pinned = pinnedOnEpoch(t, labels, s.pinned, e, first, end, s.chance.percent);
        if (pinned?.kind !== 'hit' || trainedEnough(s.chance, env, end)) collapse('pinned', pinned, 0.5);
      },
      onEval(e) {
        if (env) chance('eval', chanceOnEval(s.chance, env, e));
        collapse('eval', collapseOnEval(t, labels, e, s.chance.lastStep), 0.9);
      },
      onEnd() {
        // The step source refreshes once per window; report the stretch up to the last step.
        flushChance();
        // A stretch at chance that accuracy has since left (a symmetric start, a slow first epoch)
        // is not accuracy that stays at chance: it stays on record as info.
        const occ = s.chanceOcc;
        if (occ && !occ.open && occ.severity > 0) {
          occ.severity = 0;
          occ.evidence.resolved = `resolved: accuracy was clearly above chance after step ${occ.last} and at the end of the run`;
          emit(toOccurrence('accuracy_at_chance', occ, [...CHANCE_SOURCES, 'resolved']));
        }
      },
    };
  },
});

function chanceEnv(
  ctx: DetectContext<Thresholds>,
  labels: NonNullable<ReturnType<typeof labelView>>,
): ChanceEnv {
  const { trainSize } = ctx.run.dataset ?? {};
  const batchSize = ctx.run.batchSize;
  return {
    labels,
    t: ctx.thresholds,
    batchSize,
    declaredSpe: trainSize && batchSize ? Math.ceil(trainSize / batchSize) : 0,
  };
}
