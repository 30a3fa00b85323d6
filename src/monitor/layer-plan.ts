import { activationOf, isActivationLayer } from './model-facts.js';
import type { TF } from './tf-types.js';

/** How a layer's output is judged: dead units (ReLU family), saturation (sigmoid, tanh), or neither. */
export type ActivationFamily = 'relu' | 'sigmoid' | 'tanh' | 'other';

export interface TrackedLayer {
  name: string;
  layer: TF.layers.Layer;
  family: ActivationFamily;
  /** Whether its output is captured for activation stats (layers with weights and activation layers). */
  tapped: boolean;
}

export interface TrackedWeight {
  /** Index of the owning layer in `LayerPlan.layers`. */
  owner: number;
  /** Biases (and BatchNormalization's beta) are summarised apart from kernels. */
  kind: 'weight' | 'bias';
  variable: TF.LayerVariable;
  trainable: boolean;
}

export interface LayerPlan {
  layers: TrackedLayer[];
  weights: TrackedWeight[];
}

const BIAS = /(^|\/)(bias|beta)(_\d+)?$/;
// Moving statistics are running averages, not parameters: their "update" is not a step of the optimizer.
const MOVING = /moving_(mean|variance)(_\d+)?$/;

/**
 * Which layers and weights the monitor summarises: every layer of the model
 * in order (activation-only layers too, as their outputs carry the dead and
 * saturated shares), every weight but BatchNormalization's moving averages.
 *
 * @example planLayers(model).weights.map((w) => w.variable.name) // ['dense_Dense1/kernel', 'dense_Dense1/bias', ...]
 */
export function planLayers(model: TF.LayersModel): LayerPlan {
  const trainable = new Set(model.trainableWeights.map((w) => w.id));
  const layers: TrackedLayer[] = [];
  const weights: TrackedWeight[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const owner = layers.length;
    const own = layer.weights.filter((w) => !MOVING.test(w.originalName));
    layers.push({
      name: layer.name,
      layer,
      family: familyOf(layer),
      tapped: own.length > 0 || isActivationLayer(layer),
    });
    for (const variable of own) {
      weights.push({
        owner,
        kind: BIAS.test(variable.originalName) ? 'bias' : 'weight',
        variable,
        trainable: trainable.has(variable.id),
      });
    }
  }
  return { layers, weights };
}

function familyOf(layer: TF.layers.Layer): ActivationFamily {
  const a = activationOf(layer);
  if (a === 'relu' || a === 'relu6') return 'relu';
  if (a === 'sigmoid' || a === 'tanh') return a;
  return 'other';
}
