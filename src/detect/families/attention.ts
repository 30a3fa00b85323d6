import type { StepEvent } from '../../domain/index.js';
import { defineFamily, type Emit } from '../detector.js';
import { type Finding, fmt, median, reportFinding } from '../stats/index.js';
import { AttentionThresholds } from './attention-thresholds.js';

/** One attention layer's readings: its first ones (the baseline) and the finding, once made. */
interface LayerTrack {
  firstLogits: number[];
  firstEntropies: number[];
  firstStep: number;
  finding: Finding | null;
}

export interface AttentionState {
  layers: Record<string, LayerTrack>;
}

/**
 * Attention logit growth (issue 19, transformers and sequence models). At a
 * high learning rate the query and key projections of a Transformer keep
 * growing, the logits q·kᵀ/√d grow with their product, and the softmax turns
 * one-hot: its entropy collapses, its gradient vanishes and training stalls
 * or diverges (Dehghani et al. 2023, ViT-22B; Wortsman et al. 2023, who
 * reproduce it in small models at high rates). The rule reads the attention
 * statistics a client records per attention layer (`attnLogitMax`,
 * `attnEntropy`: docs/spec/trace-format-extensions.md): at one reading the
 * logit max is at least `logitGrowth` times its level over the layer's first
 * `baselinePoints` readings and at least `logitFloor` (a gap the softmax of any
 * practical sequence length reads as one-hot), while the mean entropy fell to
 * `entropyShare` of its first level or below. A model that learns sharp
 * attention gets there with logits of ten or so; growth alone, or a low
 * entropy alone, is not this.
 *
 * @example createDetectorSet({ run, profile, families: [attentionFamily] })
 */
export const attentionFamily = defineFamily<AttentionState, AttentionThresholds>({
  name: 'attention',
  thresholds: AttentionThresholds,
  signals: ['model.layers'],
  initialState: () => ({ layers: {} }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    return {
      onStep(e: StepEvent) {
        const layers = e.layers;
        if (layers === undefined) return;
        for (const name in layers) {
          const s = layers[name]!;
          const logit = s.attnLogitMax;
          const entropy = s.attnEntropy;
          if (logit === undefined || entropy === undefined) continue;
          if (!Number.isFinite(logit) || !Number.isFinite(entropy)) continue;
          let track = state.layers[name];
          if (track === undefined) {
            track = { firstLogits: [], firstEntropies: [], firstStep: e.step, finding: null };
            state.layers[name] = track;
          }
          if (track.firstLogits.length < t.baselinePoints) {
            track.firstLogits.push(logit);
            track.firstEntropies.push(entropy);
            continue;
          }
          judge(track, t, name, e.step, logit, entropy, emit);
        }
      },
    };
  },
});

function judge(
  track: LayerTrack,
  t: AttentionThresholds,
  name: string,
  step: number,
  logit: number,
  entropy: number,
  emit: Emit,
): void {
  const logit0 = median(track.firstLogits);
  const entropy0 = median(track.firstEntropies);
  if (!(logit0 > 0) || !(entropy0 > 0)) return;
  const growth = logit / logit0;
  if (growth < t.logitGrowth || logit < t.logitFloor || entropy > t.entropyShare * entropy0) return;
  // Only a reading with larger logits than the one reported says more.
  const reported = track.finding;
  if (reported !== null && reported.lastStep >= step) return;
  track.finding = reportFinding(
    reported,
    {
      symptomId: 'attention_logit_growth',
      layer: name,
      firstStep: reported?.firstStep ?? step,
      lastStep: step,
      severity: 'warning',
      // A fivefold growth with the entropy at 30% gives 0.67; a hundredfold with it near 0, 0.9.
      confidence: Math.min(0.9, 0.5 + 0.15 * Math.log10(growth) + 0.2 * (1 - entropy / entropy0)),
      evidence: [
        `attention layer ${name}: the largest |q·kᵀ/√d| reached ${fmt(logit)} at step ${step}, ${fmt(growth)}× its level over the first readings (${fmt(logit0)}), ` +
          `and the mean softmax entropy fell from ${fmt(entropy0)} to ${fmt(entropy)} nats: the attention is close to one-hot`,
      ],
      latest: null,
    },
    emit,
  );
}
