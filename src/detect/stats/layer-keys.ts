import type { RunEvent } from '../../domain/index.js';
import type { ModelView } from '../model-view.js';

/**
 * Which keys of a step's `layers` map a rule may read. Recorders differ:
 * Keras writes one entry per layer (stats of the activated output), PyTorch
 * recorders write `dense_0` (pre-activation) and `sigmoid_0` (its activation)
 * as two entries. These helpers keep the families from mixing them up.
 */

/**
 * True when a stats key describes a layer with trainable weights. A key the
 * model does not list counts as one (the recorder wrote stats for it).
 */
export function isTrainableKey(model: ModelView, key: string): boolean {
  const layer = model.ownerOf(key);
  if (layer === undefined) return true;
  return layer.name === key && layer.hasWeights && layer.trainable;
}

/**
 * Keys of trainable weighted layers present in a step's stats, in forward
 * order: the model's order first, then keys the model does not list, in the
 * order the recorder wrote them.
 */
export function forwardWeightedKeys(model: ModelView, layers: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const l of model.weighted) if (l.trainable && layers[l.name] !== undefined) out.push(l.name);
  for (const key in layers) if (model.ownerOf(key) === undefined) out.push(key);
  return out;
}

/**
 * True when the key's `actMean`/`actStd`/fractions describe the output of its
 * activation function: an activation layer's own entry, or a layer whose
 * activation is not written as a separate layer (PyTorch's `dense_0` entry
 * describes the output before `sigmoid_0`).
 */
export const describesActivatedOutput = (model: ModelView, key: string): boolean => {
  const owner = model.ownerOf(key);
  return owner === undefined || owner.name !== key || owner.activationLayers.length === 0;
};

/** Parameter counts by layer name, from the run event (absent when not written). */
export function paramsByLayer(run: RunEvent): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of run.model?.layers ?? []) if (l.params !== undefined && l.params > 0) out[l.name] = l.params;
  return out;
}
