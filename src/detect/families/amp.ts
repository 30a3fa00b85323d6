import type { StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { type Finding, fmt, reportFinding } from '../stats/index.js';
import { AmpThresholds } from './amp-thresholds.js';

/** What the loss scaler did so far: its scale's range and the steps it skipped. */
export interface AmpState {
  /** Steps that say whether the scaler skipped them (`stepSkipped` present). */
  judged: number;
  skipped: number;
  /** Skipped after the scaler's first update that went through (its start-up halving excluded). */
  skippedAfterFirstUpdate: number;
  firstUpdateStep: number;
  skippedNonFiniteLoss: number;
  /** Steps taken (not skipped) whose gradient norm was exactly 0 while the scale was below 1. */
  zeroGradUnderCollapse: number;
  maxScale: number;
  maxScaleStep: number;
  minScale: number;
  minScaleStep: number;
  lastStep: number;
  collapse: Finding | null;
  skipping: Finding | null;
}

/**
 * Mixed precision (issue 19): what a dynamic loss scaler did, from `lossScale` and
 * `stepSkipped` on step events (trace-format-extensions.md).
 *
 * A scaler (torch.amp.GradScaler, Keras LossScaleOptimizer) multiplies the loss so float16
 * gradients do not underflow, skips the update whenever a gradient is Inf or NaN, and halves
 * its scale after each skip; it grows again only after a long run of good steps (2000 by
 * default). A few skips at the start, while the initial 65536 is brought down, are how it
 * works. Two things are not:
 *
 * - `loss_scale_collapse`: the scale fell below `collapseScale` (1). PyTorch's
 *   GradScaler.update documents it: a scale under 1 means something is wrong, the model's
 *   values do not fit float16's range (largest 65504), and scaling down cannot make an
 *   overflow in the forward pass go away. Critical below `collapseCriticalScale`, float16's
 *   smallest normal number: there the scaled gradients of the steps that are taken underflow
 *   to zero and the weights stop moving.
 * - `loss_scaler_skipped_steps`: at least `skipMin` steps skipped after the scaler's first
 *   update that went through, and at least `skipFraction` of those steps: each skipped step
 *   is an update lost.
 *
 * Non-finite gradients and losses on skipped steps are the scaler doing its job; the
 * gradients and loss families leave them to this one.
 */
export const ampFamily = defineFamily<AmpState, AmpThresholds>({
  name: 'amp',
  thresholds: AmpThresholds,
  signals: [],
  initialState: () => ({
    judged: 0,
    skipped: 0,
    skippedAfterFirstUpdate: 0,
    firstUpdateStep: -1,
    skippedNonFiniteLoss: 0,
    zeroGradUnderCollapse: 0,
    maxScale: Number.NaN,
    maxScaleStep: -1,
    minScale: Number.NaN,
    minScaleStep: -1,
    lastStep: -1,
    collapse: null,
    skipping: null,
  }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    return {
      onStep(e: StepEvent) {
        const scale = e.lossScale;
        if (e.stepSkipped === undefined && scale === undefined) return;
        state.lastStep = e.step;
        if (scale !== undefined && Number.isFinite(scale)) noteScale(state, scale, e.step);
        if (e.stepSkipped !== undefined) noteSkip(state, e);
        if (e.stepSkipped === false && e.gradNorm === 0 && state.minScale < t.collapseScale) {
          state.zeroGradUnderCollapse++;
        }
        if (state.minScale < t.collapseScale) {
          state.collapse = reportFinding(state.collapse, collapseFinding(state, t), emit);
        }
        const after = state.judged - countUpTo(state);
        if (
          state.skippedAfterFirstUpdate >= t.skipMin &&
          state.skippedAfterFirstUpdate >= t.skipFraction * after
        ) {
          state.skipping = reportFinding(state.skipping, skippingFinding(state, after), emit);
        }
      },
    };
  },
});

/** The steps judged up to and including the scaler's first update that went through. */
const countUpTo = (s: AmpState): number =>
  s.firstUpdateStep < 0 ? s.judged : s.skipped - s.skippedAfterFirstUpdate + 1;

function noteScale(s: AmpState, scale: number, step: number): void {
  if (!(scale <= s.maxScale)) {
    s.maxScale = scale;
    s.maxScaleStep = step;
  }
  if (!(scale >= s.minScale)) {
    s.minScale = scale;
    s.minScaleStep = step;
  }
}

function noteSkip(s: AmpState, e: StepEvent): void {
  s.judged++;
  if (!e.stepSkipped) {
    if (s.firstUpdateStep < 0) s.firstUpdateStep = e.step;
    return;
  }
  s.skipped++;
  if (s.firstUpdateStep >= 0) s.skippedAfterFirstUpdate++;
  if (e.loss !== undefined && !Number.isFinite(e.loss)) s.skippedNonFiniteLoss++;
}

function collapseFinding(s: AmpState, t: AmpThresholds): Finding {
  const critical = s.minScale < t.collapseCriticalScale;
  const evidence = [
    `lossScale fell from ${fmt(s.maxScale)} (step ${s.maxScaleStep}) to ${fmt(s.minScale)} (step ${s.minScaleStep}), below ${fmt(t.collapseScale)}: the loss scaler halved it after each of ${s.skipped} skipped steps, and a scale under 1 means the values overflow float16 (largest 65504) however little the loss is scaled`,
  ];
  if (critical) {
    evidence.push(
      `below ${fmt(t.collapseCriticalScale)} (float16's smallest normal number) the scaled gradients of the steps taken underflow${s.zeroGradUnderCollapse > 0 ? `: ${s.zeroGradUnderCollapse} steps taken had a gradient norm of exactly 0` : ''}`,
    );
  }
  return {
    symptomId: 'loss_scale_collapse',
    layer: null,
    firstStep: s.minScaleStep,
    lastStep: s.lastStep,
    severity: critical ? 'critical' : 'warning',
    confidence: 0.9,
    evidence,
    latest: null,
  };
}

function skippingFinding(s: AmpState, after: number): Finding {
  const where =
    s.skippedNonFiniteLoss > 0
      ? `; the loss itself was non-finite on ${s.skippedNonFiniteLoss} of them, so the overflow is in the forward pass, where no loss scale reaches`
      : '; the loss stayed finite on them, so the overflow is in the backward pass';
  return {
    symptomId: 'loss_scaler_skipped_steps',
    layer: null,
    firstStep: s.firstUpdateStep,
    lastStep: s.lastStep,
    severity: 'warning',
    confidence: 0.85,
    evidence: [
      `the loss scaler skipped ${s.skippedAfterFirstUpdate} of the ${after} steps after its first update (step ${s.firstUpdateStep}), ${fmt((100 * s.skippedAfterFirstUpdate) / Math.max(1, after))}%, ${s.skipped} of ${s.judged} in all: each skipped step leaves the weights unchanged${where}`,
    ],
    latest: null,
  };
}
