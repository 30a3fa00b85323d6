import type { LayerInfo, RunEvent } from '../domain/index.js';

/** A layer as detectors see it: activation layers folded into the layer before. */
export interface LayerView {
  name: string;
  index: number;
  type: string;
  /** The activation applied to this layer's output (its own, or that of a following Activation layer). */
  activation: string;
  units?: number;
  /** Parameter count, as the run event states it. */
  params?: number;
  trainable: boolean;
  /** Names of separate activation layers folded into this one (e.g. PyTorch `sigmoid_0`). */
  activationLayers: string[];
  hasWeights: boolean;
}

export interface ModelView {
  layers: LayerView[];
  /** Layers with weights, in forward order (Dense, Conv, LSTM, ...). */
  weighted: LayerView[];
  output: LayerView | undefined;
  /** Hidden weighted layers (all weighted but the last). */
  hidden: LayerView[];
  hasNormalization: boolean;
  hasResidual: boolean;
  /** The layer a stats key belongs to (an activation layer's name maps to its owner). */
  ownerOf(statsName: string): LayerView | undefined;
  /** The activation function whose output a stats key describes. */
  activationOf(statsName: string): string | undefined;
}

const ACTIVATION_TYPES = new Set([
  'activation',
  'relu',
  'leakyrelu',
  'prelu',
  'elu',
  'selu',
  'gelu',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'silu',
  'swish',
  'relu6',
  'hardtanh',
  'logsoftmax',
  'mish',
]);
const NORM_TYPES = /batchnorm|layernorm|groupnorm|instancenorm|normalization/i;
const NO_WEIGHTS =
  /dropout|flatten|reshape|pool|noise|input|activation|add|concatenate|permute|repeat|masking|spatialdropout|identity/i;
const RESIDUAL = /^(add|residual)/i;

/** Lower-case, without separators: `LeakyReLU` → `leakyrelu`, `leaky_relu` → `leakyrelu`. */
export const normaliseName = (s: string | undefined): string =>
  (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');

function activationOfLayerInfo(l: LayerInfo): string | undefined {
  const type = normaliseName(l.type);
  if (type === 'activation') return normaliseName(l.activation) || undefined;
  if (ACTIVATION_TYPES.has(type)) return type;
  return undefined;
}

/**
 * Builds the detectors' view of a model from the `run` event. Readers must
 * treat an activation written as its own layer as the activation of the
 * layer before (spec/trace-format.md).
 */
export function createModelView(run: RunEvent): ModelView {
  const layers: LayerView[] = [];
  const owner = new Map<string, LayerView>();
  const activationByStats = new Map<string, string>();
  let hasNormalization = false;
  let hasResidual = false;
  for (const info of run.model?.layers ?? []) {
    const standalone = activationOfLayerInfo(info);
    if (standalone !== undefined) {
      const prev = layers.at(-1);
      if (prev) {
        prev.activation = standalone;
        prev.activationLayers.push(info.name);
        owner.set(info.name, prev);
      }
      activationByStats.set(info.name, standalone);
      continue;
    }
    if (NORM_TYPES.test(info.type ?? '')) hasNormalization = true;
    if (RESIDUAL.test(info.type ?? '')) hasResidual = true;
    const view: LayerView = {
      name: info.name,
      index: layers.length,
      type: info.type ?? 'unknown',
      activation: normaliseName(info.activation) || 'linear',
      units: info.units,
      params: info.params,
      trainable: info.trainable ?? true,
      activationLayers: [],
      hasWeights:
        !NO_WEIGHTS.test(info.type ?? '') && !NORM_TYPES.test(info.type ?? '') && (info.params ?? 1) > 0,
    };
    layers.push(view);
    owner.set(info.name, view);
  }
  const weighted = layers.filter((l) => l.hasWeights);
  const output = weighted.at(-1);
  return {
    layers,
    weighted,
    output,
    hidden: weighted.slice(0, -1),
    hasNormalization,
    hasResidual,
    ownerOf: (name) => owner.get(name),
    activationOf: (name) => activationByStats.get(name) ?? owner.get(name)?.activation,
  };
}
