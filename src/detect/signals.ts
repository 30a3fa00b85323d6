import type { TraceEvent } from '../domain/index.js';
import type { Signal } from './detector.js';

/**
 * Records which signals a run has carried so far, so a diagnosis can say
 * which detectors had nothing to look at. Kept as a sorted list in state.
 */
export function noteSignals(event: TraceEvent, seen: Set<Signal>, scanLayers = true): void {
  switch (event.type) {
    case 'run':
      if (event.model?.layers?.length) seen.add('model.layers');
      if (event.optimizer) seen.add('optimizer');
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
