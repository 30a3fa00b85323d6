import type { Task } from './datasets/prepare-data.js';
import type { Loss, ModelSpec, TrainingTemplate } from './template.js';
import { type Activation, isWeighted, type Layer, type LayerType } from './template-layers.js';

/** What the data says about the model's ends: the input's shape, the task and the classes. */
export interface ModelTarget {
  inputShape: number[];
  task: Task;
  numClasses?: number;
}

/**
 * The template's model as an explicit list of named layers: a preset
 * expanded (mlp, deep-mlp, small-cnn, with the output head the loss and the
 * data call for), every layer given a name (`dense_0`, `dropout_1`, ...).
 * Edits address layers by these names, and the monitor reports them.
 *
 * @example expandModel(template, { inputShape: [2], task: 'classification', numClasses: 3 })
 */
export function expandModel(
  t: Pick<TrainingTemplate, 'model' | 'loss' | 'fromLogits'>,
  target: ModelTarget,
): Layer[] {
  const layers = t.model.layers ? t.model.layers.map((l) => ({ ...l })) : expandPreset(t.model, t, target);
  return nameLayers(layers);
}

/** Gives every unnamed layer the first free `<type>_<k>` name. */
export function nameLayers(layers: Layer[]): Layer[] {
  const used = new Set(layers.flatMap((l) => (l.name ? [l.name] : [])));
  return layers.map((l) => (l.name ? l : { name: freshName(l.type, used), ...l }));
}

/** The first `<type>_<k>` not in `used` (which it joins). */
export function freshName(type: LayerType, used: Set<string>): string {
  const stem = STEMS[type];
  let k = 0;
  while (used.has(`${stem}_${k}`)) k++;
  used.add(`${stem}_${k}`);
  return `${stem}_${k}`;
}

const STEMS: Record<LayerType, string> = {
  dense: 'dense',
  conv2d: 'conv2d',
  maxPooling2d: 'max_pooling2d',
  flatten: 'flatten',
  dropout: 'dropout',
  batchNormalization: 'batch_normalization',
  layerNormalization: 'layer_normalization',
  gaussianNoise: 'gaussian_noise',
  activation: 'activation',
  leakyReLU: 'leaky_relu',
  add: 'add',
};

/** The output head a loss expects: units and activation. */
export function outputHead(
  loss: Loss,
  fromLogits: boolean,
  target: ModelTarget,
): { units: number; activation: Activation } {
  const k = target.numClasses ?? 1;
  if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy')
    return { units: k, activation: fromLogits ? 'linear' : 'softmax' };
  if (loss === 'binaryCrossentropy')
    return { units: k === 2 ? 1 : k, activation: fromLogits ? 'linear' : 'sigmoid' };
  return { units: target.task === 'regression' ? 1 : k, activation: 'linear' };
}

function expandPreset(
  m: ModelSpec,
  t: Pick<TrainingTemplate, 'loss' | 'fromLogits'>,
  target: ModelTarget,
): Layer[] {
  const head = { ...outputHead(t.loss, t.fromLogits, target), ...m.output };
  const activation = m.activation ?? 'relu';
  const init = {
    ...(m.kernelInitializer ? { kernelInitializer: m.kernelInitializer } : {}),
    ...(m.biasInitializer ? { biasInitializer: m.biasInitializer } : {}),
  };
  const block = (units: number): Layer[] => [
    { type: 'dense', units, activation, ...init },
    ...(m.batchNorm ? [{ type: 'batchNormalization' } as const] : []),
    ...(m.dropout ? [{ type: 'dropout', rate: m.dropout } as const] : []),
  ];
  const flat: Layer[] = target.inputShape.length > 1 ? [{ type: 'flatten' }] : [];
  const out: Layer = { type: 'dense', ...head };
  switch (m.preset) {
    case 'mlp':
      return [...flat, ...(m.hidden ?? [32]).flatMap(block), out];
    case 'deep-mlp':
      return [...flat, ...Array.from({ length: m.depth ?? 8 }, () => block(m.units ?? 16)).flat(), out];
    default: {
      // small-cnn: conv 3×3 + 2×2 max-pool per entry of `filters`, then dense layers.
      const convs = (m.filters ?? [8]).flatMap((filters): Layer[] => [
        { type: 'conv2d', filters, kernelSize: 3, padding: 'same', activation, ...init },
        { type: 'maxPooling2d', poolSize: 2 },
      ]);
      return [...convs, { type: 'flatten' }, ...(m.dense ?? [32]).flatMap(block), out];
    }
  }
}

/** The weighted layers of a model and which is the output (the last). */
export function weightedLayers(layers: Layer[]): { hidden: Layer[]; output: Layer | undefined } {
  const weighted = layers.filter(isWeighted);
  return { hidden: weighted.slice(0, -1), output: weighted.at(-1) };
}
