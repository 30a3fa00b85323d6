import type { StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { normaliseName } from '../model-view.js';
import { type Finding, reportFinding } from '../stats/index.js';
import { BatchNormThresholds } from './batchnorm-thresholds.js';

export interface BatchNormState {
  reported: Finding | null;
  judged: boolean;
}

const BATCH_NORM = /^(batchnormalization|batchnorm[123]d|syncbatchnorm)$/;

/**
 * Batch normalisation at tiny batch sizes (issue 19, data). BatchNorm
 * normalises each feature by the current batch's mean and spread; over a
 * handful of examples those estimates are so noisy that training suffers and
 * the running averages used at evaluation do not match what training saw
 * (Wu & He 2018: BN's error rises rapidly as the batch shrinks, 10.6 points
 * above GroupNorm's at 2 images per batch). The rule: a model with a
 * BatchNorm layer trained with batches of at most `tinyBatchMax` examples.
 * It is a setup, so a risk: a run that trains well shows it as advice.
 *
 * @example createDetectorSet({ run, profile, families: [batchNormFamily] })
 */
export const batchNormFamily = defineFamily<BatchNormState, BatchNormThresholds>({
  name: 'batchnorm',
  thresholds: BatchNormThresholds,
  signals: ['model.layers', 'batchSize'],
  initialState: () => ({ reported: null, judged: false }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    return {
      onStep(e: StepEvent) {
        if (state.judged) return;
        state.judged = true;
        const b = ctx.run.batchSize;
        if (b === undefined || !Number.isFinite(b) || b <= 0 || b > t.tinyBatchMax) return;
        const bn = ctx.model.layers.filter((l) => BATCH_NORM.test(normaliseName(l.type)));
        if (bn.length === 0) return;
        const names = bn.map((l) => l.name);
        state.reported = reportFinding(
          null,
          {
            symptomId: 'batchnorm_tiny_batch',
            layer: names[0]!,
            firstStep: e.step,
            lastStep: e.step,
            severity: 'warning',
            confidence: b <= 2 ? 0.8 : 0.65,
            evidence: [
              `batchSize ${b} (at most ${t.tinyBatchMax}) with ${bn.length} BatchNorm layer${bn.length === 1 ? '' : 's'} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): each normalises by the mean and spread of ${b} example${b === 1 ? '' : 's'}`,
            ],
            latest: null,
          },
          emit,
        );
      },
    };
  },
});
