import type { StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { type Finding, fmt, reportFinding } from '../stats/index.js';
import { FinetuneThresholds } from './finetune-thresholds.js';

export interface FinetuneState {
  /** Step of the first step event, where the early window starts. */
  firstStep: number | null;
  /** The first step's loss: where the pretrained weights started on the new task. */
  startLoss: number | null;
  /** The largest median-over-layers update ratio of a sampled step in the window, and where. */
  update: { ratio: number; step: number; layers: string[] } | null;
  /** The highest loss in the window (Infinity for a non-finite one), and where. */
  peak: { loss: number; step: number } | null;
  judged: boolean;
  finding: Finding | null;
}

/**
 * Fine-tuning (issue 19): `pretrained_features_destroyed`. A run that starts from loaded weights
 * (`model.pretrained` on the run event, written by the Python client when `load_state_dict` ran
 * before the first step) needs updates far smaller than training from scratch: a rate fit for
 * scratch overwrites the features the pretraining built, catastrophic forgetting (Howard & Ruder
 * 2018 fine-tune 10-100x below it and per layer; Kumar et al. 2022: fine-tuning distorts the
 * pretrained features). Over the first `earlySteps` steps the rule reads two things: the sampled
 * steps' per-layer `updateRatio`, whose median over layers reaches `updateRatioMin`, and the loss,
 * which climbs to `lossRise` times where the pretrained weights started (or turns non-finite).
 * Both must hold: big updates that keep lowering the loss are a head adapting, and a loss bump
 * under small updates is batch noise. Judged once, at the end of the window or of the run.
 */
export const finetuneFamily = defineFamily<FinetuneState, FinetuneThresholds>({
  name: 'finetune',
  thresholds: FinetuneThresholds,
  signals: ['loss', 'layers.updateRatio'],
  initialState: () => ({
    firstStep: null,
    startLoss: null,
    update: null,
    peak: null,
    judged: false,
    finding: null,
  }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    const pretrained = ctx.run.model?.pretrained === true;
    const rate = ctx.run.optimizer?.learningRate;
    const optimizer = ctx.run.optimizer?.name;
    const judge = (): void => {
      state.judged = true;
      const f = check(state, t, optimizer, rate);
      if (f !== null) state.finding = reportFinding(state.finding, f, emit);
    };
    return {
      onStep(e: StepEvent) {
        if (!pretrained || state.judged) return;
        if (state.firstStep === null) state.firstStep = e.step;
        if (e.step - state.firstStep >= t.earlySteps) {
          judge();
          return;
        }
        track(state, e);
      },
      onEnd() {
        if (pretrained && !state.judged && state.firstStep !== null) judge();
      },
    };
  },
});

function track(state: FinetuneState, e: StepEvent): void {
  const loss = e.loss;
  if (loss !== undefined) {
    if (state.startLoss === null) {
      if (Number.isFinite(loss)) state.startLoss = loss;
    } else {
      const level = Number.isFinite(loss) ? loss : Number.POSITIVE_INFINITY;
      if (state.peak === null || level > state.peak.loss) state.peak = { loss: level, step: e.step };
    }
  }
  const ratios: { name: string; ratio: number }[] = [];
  for (const [name, s] of Object.entries(e.layers ?? {})) {
    const r = s.updateRatio;
    if (r !== undefined && Number.isFinite(r)) ratios.push({ name, ratio: r });
  }
  if (ratios.length === 0) return;
  const sorted = ratios.map((r) => r.ratio).sort((a, b) => a - b);
  // The median: one layer (a fresh head) moving fast is expected in fine-tuning, most layers is not.
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  if (state.update === null || median > state.update.ratio) {
    state.update = { ratio: median, step: e.step, layers: ratios.map((r) => r.name) };
  }
}

function check(
  state: FinetuneState,
  t: FinetuneThresholds,
  optimizer: string | undefined,
  rate: number | undefined,
): Finding | null {
  const { update, peak, startLoss } = state;
  if (update === null || peak === null || startLoss === null || !(startLoss > 0)) return null;
  if (update.ratio < t.updateRatioMin) return null;
  const rise = peak.loss / startLoss;
  if (!(rise >= t.lossRise)) return null;
  const at = rate === undefined ? '' : ` at ${optimizer ?? 'a'} learning rate ${fmt(rate)}`;
  const lossText = Number.isFinite(peak.loss)
    ? `the loss rose from ${fmt(startLoss)} at the first step to ${fmt(peak.loss)} at step ${peak.step} (${fmt(rise)}×, ≥ ${fmt(t.lossRise)}× fires)`
    : `the loss went from ${fmt(startLoss)} at the first step to non-finite at step ${peak.step}`;
  return {
    symptomId: 'pretrained_features_destroyed',
    layer: null,
    firstStep: update.step,
    lastStep: peak.step,
    severity: 'warning',
    confidence: Math.min(
      0.9,
      0.6 + 0.1 * Math.log10(update.ratio / t.updateRatioMin) + 0.1 * Math.min(1, rise / (4 * t.lossRise)),
    ),
    evidence: [
      `fine-tuning loaded weights${at}: an update at step ${update.step} moved the median layer by ${fmt(100 * update.ratio)}% of its weights (layers ${update.layers.join(', ')}; ≥ ${fmt(100 * t.updateRatioMin)}% fires) and ${lossText}: the pretrained features were overwritten, not adapted`,
    ],
    latest: null,
  };
}
