import type { StepEvent } from '../../domain/index.js';
import { defineFamily, type Emit } from '../detector.js';
import { type LayerView, normaliseName } from '../model-view.js';
import { type Finding, fmt, median, reportFinding } from '../stats/index.js';
import { SequenceThresholds } from './sequence-thresholds.js';

/** A gradient spike waiting to see whether the loss answers it. */
interface PendingSpike {
  step: number;
  norm: number;
  level: number;
  lossLevel: number;
}

export interface SequenceState {
  /** The latest global gradNorm and loss readings (at most spikeHistory each). */
  norms: number[];
  losses: number[];
  /** The first warmupEarlyPoints finite losses: their median is the loss at initialisation. */
  early: number[];
  firstStep: number | null;
  pending: PendingSpike | null;
  spike: Finding | null;
  /** The static finding: a recurrent layer and no clipNorm (reported once, on the first step). */
  unclipped: Finding | null;
  /** The learning rate of the first step and the peak over the warm-up horizon. */
  lr0: number | null;
  lrPeak: number;
  /** The highest loss within the horizon (or the first non-finite one) and its step. */
  worstLoss: number | null;
  worstStep: number;
  warmupJudged: boolean;
  warmup: Finding | null;
}

const RECURRENT =
  /^(lstm|gru|simplernn|rnn|lstmcell|grucell|rnncell|simplernncell|convlstm[123]d|cudnnlstm|cudnngru)$/;
const ATTENTION = /attention|transformer/;

const recurrentLayer = (layers: readonly LayerView[]): LayerView | undefined =>
  layers.find((l) => RECURRENT.test(normaliseName(l.type)));
const attentionLayer = (layers: readonly LayerView[]): LayerView | undefined =>
  layers.find((l) => ATTENTION.test(normaliseName(l.type)));

/**
 * Sequence models (issue 19, transformers and sequence models).
 *
 * `recurrent_gradient_spike`: a recurrent net multiplies the same recurrent
 * Jacobian once per time step, so now and then one batch's gradient is orders
 * of magnitude above the usual (Pascanu, Mikolov & Bengio 2013). Unclipped,
 * that one update throws the weights far off and the loss jumps. The rule: a
 * model with a recurrent layer and no clipNorm in its optimizer, a global
 * gradNorm reading `spikeFactor` times the median of the readings before it,
 * and within `spikeLossWindow` steps a loss `spikeLossJump` times the loss
 * before it and above the loss at initialisation. A clipped run records the
 * clipped norm (clip_grad_norm_ runs before the optimizer's step), and its
 * loss does not leave the range it trained in.
 *
 * `recurrent_without_clipping` (static, a risk): the same model and optimizer
 * facts, reported on the first step whatever the run does; a run that trains
 * well shows it as advice only.
 *
 * `loss_spike_without_warmup`: a post-LayerNorm Transformer has large
 * gradients near its output at initialisation, so a high rate from the first
 * step overshoots (Xiong et al. 2020). The rule reads the learning rate the
 * trace shows per step: the first step's rate is at least `warmupShare` of the
 * peak over the first `warmupHorizon` steps (no warm-up), in a model with
 * attention layers, and within those steps the loss rose `warmupLossRise`
 * times above the loss at initialisation, or turned non-finite.
 */
export const sequenceFamily = defineFamily<SequenceState, SequenceThresholds>({
  name: 'sequence',
  thresholds: SequenceThresholds,
  signals: ['gradNorm', 'loss', 'model.layers'],
  initialState: () => ({
    norms: [],
    losses: [],
    early: [],
    firstStep: null,
    pending: null,
    spike: null,
    unclipped: null,
    lr0: null,
    lrPeak: 0,
    worstLoss: null,
    worstStep: -1,
    warmupJudged: false,
    warmup: null,
  }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    const recurrent =
      ctx.run.optimizer?.clipNorm === undefined ? recurrentLayer(ctx.model.layers) : undefined;
    const attention = attentionLayer(ctx.model.layers);
    const judgeWarmup = (): void => {
      state.warmupJudged = true;
      if (attention === undefined) return;
      const f = checkWarmup(state, t, attention);
      if (f !== null) state.warmup = reportFinding(state.warmup, f, emit);
    };
    return {
      onStep(e: StepEvent) {
        const loss = e.loss;
        if (state.firstStep === null) {
          state.firstStep = e.step;
          if (recurrent !== undefined)
            state.unclipped = reportFinding(null, unclippedFinding(e.step, recurrent), emit);
        }
        if (state.early.length < t.warmupEarlyPoints && loss !== undefined && Number.isFinite(loss)) {
          state.early.push(loss);
        }
        if (recurrent !== undefined) watchSpike(state, t, e, recurrent, emit);
        if (!state.warmupJudged && attention !== undefined) {
          if (e.step - state.firstStep >= t.warmupHorizon) judgeWarmup();
          else trackWarmup(state, e);
        }
      },
      onEnd() {
        if (!state.warmupJudged) judgeWarmup();
      },
    };
  },
});

function watchSpike(
  state: SequenceState,
  t: SequenceThresholds,
  e: StepEvent,
  layer: LayerView,
  emit: Emit,
): void {
  const p = state.pending;
  const loss = e.loss;
  if (p !== null && loss !== undefined) {
    const jumped = !Number.isFinite(loss) || loss >= t.spikeLossJump * p.lossLevel;
    const aboveInit = !Number.isFinite(loss) || !(loss <= median(state.early));
    if (jumped && aboveInit) {
      state.spike = reportFinding(state.spike, spikeFinding(state, p, e.step, loss, layer), emit);
      state.pending = null;
    } else if (e.step - p.step > t.spikeLossWindow) {
      state.pending = null;
    }
  }
  const g = e.gradNorm;
  if (g !== undefined && Number.isFinite(g)) {
    if (state.pending === null && state.spike === null && state.norms.length >= t.spikeMinHistory) {
      const level = median(state.norms);
      const lossLevel = median(state.losses);
      if (level > 0 && g >= t.spikeFactor * level && Number.isFinite(lossLevel)) {
        state.pending = { step: e.step, norm: g, level, lossLevel };
      }
    }
    push(state.norms, g, t.spikeHistory);
  }
  if (loss !== undefined && Number.isFinite(loss)) push(state.losses, loss, t.spikeHistory);
}

function push(xs: number[], x: number, cap: number): void {
  xs.push(x);
  if (xs.length > cap) xs.shift();
}

function spikeFinding(
  state: SequenceState,
  p: PendingSpike,
  step: number,
  loss: number,
  layer: LayerView,
): Finding {
  const init =
    state.early.length === 0 ? '' : `, above its level at initialisation (${fmt(median(state.early))})`;
  return {
    symptomId: 'recurrent_gradient_spike',
    layer: layer.name,
    firstStep: p.step,
    lastStep: step,
    severity: 'critical',
    // Both jumps add evidence: a tenfold spike and a tenfold loss jump give 0.8.
    confidence: Number.isFinite(loss)
      ? Math.min(0.9, 0.6 + 0.1 * Math.log10(p.norm / p.level) + 0.1 * Math.log10(loss / p.lossLevel))
      : 0.9,
    evidence: [
      `global gradNorm jumped to ${fmt(p.norm)} at step ${p.step}, ${fmt(p.norm / p.level)}× the median ${fmt(p.level)} of the readings before it, ` +
        `and the loss went from ${fmt(p.lossLevel)} (median before) to ${fmt(loss)} at step ${step}${init}`,
      `the model has the recurrent layer ${layer.name} (${layer.type}${layer.units === undefined ? '' : `, ${layer.units} units`}) and its optimizer records no gradient clipping (clipNorm)`,
    ],
    latest: null,
  };
}

function unclippedFinding(step: number, layer: LayerView): Finding {
  return {
    symptomId: 'recurrent_without_clipping',
    layer: layer.name,
    firstStep: step,
    lastStep: step,
    severity: 'warning',
    confidence: 0.6,
    evidence: [
      `the model has the recurrent layer ${layer.name} (${layer.type}${layer.units === undefined ? '' : `, ${layer.units} units`}) and its optimizer records no gradient clipping (clipNorm); a PyTorch loop's clip_grad_norm_ is not visible in the run's description, so this is a risk to check, not a finding`,
    ],
    latest: null,
  };
}

function trackWarmup(state: SequenceState, e: StepEvent): void {
  const lr = e.learningRate;
  if (lr !== undefined && Number.isFinite(lr)) {
    if (state.lr0 === null) state.lr0 = lr;
    state.lrPeak = Math.max(state.lrPeak, lr);
  }
  const loss = e.loss;
  if (loss === undefined) return;
  const worst = state.worstLoss;
  if (worst !== null && !Number.isFinite(worst)) return;
  if (worst === null || !Number.isFinite(loss) || loss > worst) {
    state.worstLoss = loss;
    state.worstStep = e.step;
  }
}

function checkWarmup(state: SequenceState, t: SequenceThresholds, layer: LayerView): Finding | null {
  const { lr0, lrPeak, worstLoss } = state;
  const firstLoss = median(state.early);
  if (lr0 === null || !(lrPeak > 0) || !Number.isFinite(firstLoss) || worstLoss === null) return null;
  if (lr0 < t.warmupShare * lrPeak) return null;
  const rose = !Number.isFinite(worstLoss) || worstLoss >= t.warmupLossRise * firstLoss;
  if (!rose) return null;
  const start = state.firstStep ?? 0;
  const peak =
    lr0 >= lrPeak
      ? `the peak over the first ${t.warmupHorizon} steps`
      : `${fmt((100 * lr0) / lrPeak)}% of the peak ${fmt(lrPeak)} over the first ${t.warmupHorizon} steps`;
  const lossLine = Number.isFinite(worstLoss)
    ? `the loss rose from ${fmt(firstLoss)} at initialisation (median of the first ${state.early.length} batches) to ${fmt(worstLoss)} at step ${state.worstStep} (${fmt(worstLoss / firstLoss)}× ≥ ${fmt(t.warmupLossRise)}×)`
    : `the loss turned non-finite at step ${state.worstStep}`;
  return {
    symptomId: 'loss_spike_without_warmup',
    layer: layer.name,
    firstStep: start,
    lastStep: state.worstStep,
    severity: 'warning',
    confidence: Number.isFinite(worstLoss)
      ? Math.min(0.85, 0.55 + 0.2 * Math.log2(worstLoss / firstLoss))
      : 0.85,
    evidence: [
      `learning rate ${fmt(lr0)} from step ${start}, ${peak}: no warm-up; ${lossLine}`,
      `the model has the attention layer ${layer.name} (${layer.type})`,
    ],
    latest: null,
  };
}
