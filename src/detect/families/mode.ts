import type { EpochEvent, RunEvent, StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { normaliseName } from '../model-view.js';
import { type Finding, reportFinding } from '../stats/index.js';
import { ModeThresholds } from './mode-thresholds.js';

/** What the sampled steps' `training` flags showed so far. */
export interface ModeState {
  readings: number;
  /** The last step read in training mode (-1 before any). */
  lastTrainStep: number;
  /** The current stretch of readings in evaluation mode: its first step and length. */
  evalFrom: number;
  evalRun: number;
  /** Readings in evaluation mode over the whole run. */
  evalReadings: number;
  finding: Finding | null;
  /** Epoch events that counted forwards without gradients in training mode, and their total. */
  noGradEpochs: number;
  noGradForwards: number;
  firstNoGradStep: number;
  noGrad: Finding | null;
}

/**
 * `training_in_eval_mode` (issue 19, PyTorch loop bugs): the optimizer stepped while the
 * model was in evaluation mode. PyTorch's `model.eval()` switches Dropout off and makes
 * batch normalisation use its running statistics (torch.nn.Module.eval docs), and it stays
 * so until `model.train()`: a validation pass that never restores training mode trains the
 * rest of the run without the regularisation and normalisation the model was built with.
 * The rule reads the `training` flag a writer puts on sampled steps
 * (trace-format-extensions.md) and fires on `evalReadings` readings in a row in
 * evaluation mode, only for a model with a layer the mode changes (Dropout, BatchNorm):
 * for any other model the two modes compute the same thing. A model whose layers are not
 * described is reported too, with less confidence.
 *
 * `validation_in_train_mode`: the other way round, forward passes with gradients disabled
 * (torch.no_grad, inference_mode: an evaluation, since nothing is trained) while the model was
 * in training mode, counted by the writer on epoch events (`noGradForwardsInTrainMode`). A
 * validation pass without `model.eval()` drops units at random and normalises with the
 * validation batches, whose statistics batch norm also folds into its running estimates. It
 * fires on `noGradEpochs` epochs that saw such passes: one pass in training mode on purpose
 * (torch.optim.swa_utils.update_bn recomputes batch-norm statistics so) does not.
 */
export const modeFamily = defineFamily<ModeState, ModeThresholds>({
  name: 'mode',
  thresholds: ModeThresholds,
  signals: [],
  initialState: () => ({
    readings: 0,
    lastTrainStep: -1,
    evalFrom: -1,
    evalRun: 0,
    evalReadings: 0,
    finding: null,
    noGradEpochs: 0,
    noGradForwards: 0,
    firstNoGradStep: -1,
    noGrad: null,
  }),
  create(ctx, state, emit) {
    const modal = modeDependentLayers(ctx.run);
    return {
      onStep(e: StepEvent) {
        if (e.training === undefined) return;
        state.readings++;
        if (e.training) {
          state.lastTrainStep = e.step;
          state.evalRun = 0;
          return;
        }
        if (state.evalRun === 0) state.evalFrom = e.step;
        state.evalRun++;
        state.evalReadings++;
        if (modal !== null && modal.length === 0) return;
        if (state.evalRun < ctx.thresholds.evalReadings) return;
        state.finding = reportFinding(state.finding, finding(state, e.step, modal), emit);
      },
      onEpoch(e: EpochEvent) {
        const n = e.noGradForwardsInTrainMode;
        if (n === undefined || n <= 0) return;
        const step = e.step ?? Math.max(0, state.lastTrainStep);
        state.noGradEpochs++;
        state.noGradForwards += n;
        if (state.firstNoGradStep < 0) state.firstNoGradStep = step;
        if (modal !== null && modal.length === 0) return;
        if (state.noGradEpochs < ctx.thresholds.noGradEpochs) return;
        state.noGrad = reportFinding(state.noGrad, noGradFinding(state, e, step, modal), emit);
      },
    };
  },
});

/** The layers `model.eval()` changes ("Dropout x2, BatchNorm1d"), or null when the model is not described. */
export function modeDependentLayers(run: RunEvent): string[] | null {
  const layers = run.model?.layers ?? [];
  if (layers.length === 0) return null;
  const counts = new Map<string, number>();
  for (const l of layers) {
    const raw = typeof l.torchType === 'string' ? l.torchType : (l.type ?? '');
    const name = normaliseName(raw);
    if (!name.includes('dropout') && !name.includes('batchnorm')) continue;
    counts.set(raw, (counts.get(raw) ?? 0) + 1);
  }
  return [...counts].map(([type, n]) => (n > 1 ? `${type} x${n}` : type));
}

function finding(state: ModeState, step: number, modal: string[] | null): Finding {
  const since =
    state.lastTrainStep < 0
      ? 'from the first sampled step: the model was put in evaluation mode before training began'
      : `after training mode up to step ${state.lastTrainStep}: a model.eval() (typically for a validation pass) that no model.train() undid`;
  const layers =
    modal === null
      ? "the run does not describe the model's layers, so whether the mode changes its output is not known"
      : `the model has ${modal.join(', ')}, which evaluation mode changes: dropout is off and batch normalisation uses its running statistics instead of the batch's`;
  return {
    symptomId: 'training_in_eval_mode',
    layer: null,
    firstStep: state.evalFrom,
    lastStep: step,
    severity: 'warning',
    confidence: modal === null ? 0.6 : 0.9,
    evidence: [
      `the optimizer stepped with the model in evaluation mode (training: false) on ${state.evalRun} sampled steps in a row, steps ${state.evalFrom}–${step}, ${since}`,
      layers,
    ],
    latest: null,
  };
}

function noGradFinding(state: ModeState, e: EpochEvent, step: number, modal: string[] | null): Finding {
  const layers =
    modal === null
      ? "the run does not describe the model's layers, so whether the mode changes its output is not known"
      : `the model has ${modal.join(', ')}: in training mode dropout drops units in the validation pass and batch normalisation uses the validation batches' statistics and folds them into its running estimates`;
  return {
    symptomId: 'validation_in_train_mode',
    layer: null,
    firstStep: state.firstNoGradStep,
    lastStep: step,
    severity: 'warning',
    confidence: modal === null ? 0.6 : 0.85,
    evidence: [
      `${state.noGradForwards} forward passes ran without gradients (torch.no_grad or inference_mode: an evaluation) while the model was in training mode, reported on ${state.noGradEpochs} epoch events up to epoch ${e.epoch}: a validation pass without model.eval()`,
      layers,
    ],
    latest: null,
  };
}
