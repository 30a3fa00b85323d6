import type { TraceEvent } from '../domain/index.js';
import type { Signal } from './detector.js';
import type { ModelView } from './model-view.js';

/**
 * Records which signals a run has carried so far, so a diagnosis can say
 * which detectors had nothing to look at. Kept as a sorted list in state.
 */
export function noteSignals(event: TraceEvent, seen: Set<Signal>, scanLayers = true): void {
  switch (event.type) {
    case 'run':
      if (event.model?.layers?.length) seen.add('model.layers');
      if (event.optimizer) seen.add('optimizer');
      if (event.batchSize !== undefined) seen.add('batchSize');
      if (event.dataset?.inputStats) seen.add('dataset.inputStats');
      if (event.dataset?.classCounts) seen.add('dataset.classCounts');
      return;
    case 'step': {
      if (event.loss !== undefined) seen.add('loss');
      if (event.metrics?.accuracy !== undefined) seen.add('metrics.accuracy');
      if (event.gradNorm !== undefined) seen.add('gradNorm');
      if (event.layers && scanLayers) {
        for (const name in event.layers) {
          const s = event.layers[name]!;
          if (s.gradNorm !== undefined) seen.add('layers.gradNorm');
          if (s.weightNorm !== undefined) seen.add('layers.weightNorm');
          if (s.updateRatio !== undefined) seen.add('layers.updateRatio');
          if (s.deadFraction !== undefined) seen.add('layers.deadFraction');
          if (s.saturatedFraction !== undefined) seen.add('layers.saturatedFraction');
          if (s.zeroGradFraction !== undefined) seen.add('layers.zeroGradFraction');
          if (s.nanCount !== undefined) seen.add('layers.nanCount');
        }
      }
      return;
    }
    case 'epoch':
      if (event.train?.loss !== undefined) seen.add('epoch.train.loss');
      if (event.val?.loss !== undefined) seen.add('epoch.val.loss');
      if (event.train?.accuracy !== undefined) seen.add('epoch.train.accuracy');
      if (event.val?.accuracy !== undefined) seen.add('epoch.val.accuracy');
      return;
    case 'eval':
      if (event.predictedClassCounts) seen.add('eval.predictedClassCounts');
      if (event.confusion) seen.add('eval.confusion');
      return;
    default:
      return;
  }
}

/** What each signal is, in words a person recording a run would use. */
export const SIGNAL_DESCRIPTIONS: Record<Signal, string> = {
  loss: 'the loss of each step',
  'metrics.accuracy': 'the accuracy of each step',
  gradNorm: 'the global gradient norm of each step',
  'layers.gradNorm': 'per-layer gradient norms',
  'layers.weightNorm': 'per-layer weight norms',
  'layers.updateRatio': 'per-layer update-to-weight ratios',
  'layers.deadFraction': 'the share of dead units per ReLU layer',
  'layers.saturatedFraction': 'the share of saturated units per sigmoid or tanh layer',
  'layers.zeroGradFraction': 'the share of zero gradients per layer',
  'layers.nanCount': 'NaN and Inf counts per layer',
  'epoch.train.loss': 'the train loss of each epoch',
  'epoch.val.loss': 'the validation loss of each epoch',
  'epoch.train.accuracy': 'the train accuracy of each epoch',
  'epoch.val.accuracy': 'the validation accuracy of each epoch',
  'eval.predictedClassCounts': 'how often each class is predicted on held-out data',
  'eval.confusion': 'a confusion matrix on held-out data',
  'model.layers': "the model's layers (types, activations, units, initialisers)",
  optimizer: 'the optimizer and its learning rate',
  batchSize: 'the batch size',
  'dataset.inputStats': 'input statistics (mean, std, min, max, NaN count)',
  'dataset.classCounts': 'the class counts of the training data',
};

// A missing signal matters only when nothing else carries the same fact.
const STANDS_IN_FOR: Partial<Record<Signal, Signal[]>> = {
  loss: ['epoch.train.loss'],
  'epoch.train.loss': ['loss'],
  'metrics.accuracy': ['epoch.train.accuracy', 'epoch.val.accuracy'],
  'epoch.train.accuracy': ['metrics.accuracy'],
  'epoch.val.accuracy': ['metrics.accuracy'],
  gradNorm: ['layers.gradNorm'],
  'eval.confusion': ['eval.predictedClassCounts'],
  'eval.predictedClassCounts': ['eval.confusion'],
  // Non-finite values are caught in the stats themselves; a count is a bonus.
  'layers.nanCount': ['layers.gradNorm', 'layers.weightNorm'],
  'layers.zeroGradFraction': ['layers.deadFraction'],
  'layers.deadFraction': ['layers.zeroGradFraction'],
  'layers.updateRatio': ['layers.weightNorm'],
};

const RELU_FAMILY = /relu|elu|gelu|silu|swish|mish/;
const SATURATING = /sigmoid|tanh|hardsigmoid|hardtanh|softsign/;

/**
 * The signals some detector reads that the run never carried, leaving out
 * those another signal stands in for and those the model makes irrelevant
 * (no dead-unit share is expected of a net without ReLU-family layers, no
 * saturation share of one without sigmoid/tanh hidden layers).
 */
export function missingSignals(wanted: Iterable<Signal>, seen: Set<Signal>, model: ModelView): Signal[] {
  const known = model.layers.length > 0;
  const hasRelu = !known || model.hidden.some((l) => RELU_FAMILY.test(l.activation));
  const hasSaturating = !known || model.hidden.some((l) => SATURATING.test(l.activation));
  const out = new Set<Signal>();
  for (const s of wanted) {
    if (seen.has(s)) continue;
    if (STANDS_IN_FOR[s]?.some((alt) => seen.has(alt))) continue;
    if ((s === 'layers.deadFraction' || s === 'layers.zeroGradFraction') && !hasRelu) continue;
    if (s === 'layers.saturatedFraction' && !hasSaturating) continue;
    out.add(s);
  }
  return [...out].sort();
}
