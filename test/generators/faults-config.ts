import type { DatasetInfo, LayerInfo, RunEvent } from '../../src/domain/index.js';
import type { Fault } from './synthetic-run.js';

/**
 * Run events for the static and data checks: typical healthy
 * configurations (Keras and PyTorch naming) and a builder to vary a model,
 * optimizer, loss or dataset. `runFault` turns a variant into a Fault that
 * rewrites a synthetic run's `run` event, so a faulty config can be combined
 * with any synthetic curve.
 */

export interface RunSpec {
  id?: string;
  framework?: string;
  task?: string;
  layers?: LayerInfo[];
  params?: number;
  trainableParams?: number;
  optimizer?: RunEvent['optimizer'];
  loss?: string;
  fromLogits?: boolean;
  dataset?: DatasetInfo;
  tags?: Record<string, string>;
  batchSize?: number;
}

const STANDARDISED = { mean: 0.01, std: 0.99, min: -3.6, max: 3.8, nanCount: 0 };

/** A balanced dataset of `k` classes (standardised inputs). */
export const balancedDataset = (k: number, perClass = 100): DatasetInfo => ({
  trainSize: k * perClass,
  valSize: Math.round((k * perClass) / 4),
  numClasses: k,
  classCounts: new Array<number>(k).fill(perClass),
  inputStats: { ...STANDARDISED },
});

/**
 * A run event: a Keras 10-class softmax MLP with Adam 1e-3 and sparse
 * categorical cross-entropy unless `spec` says otherwise.
 *
 * @example runEvent({ optimizer: { name: 'sgd', learningRate: 3 } })
 */
export function runEvent(spec: RunSpec = {}): RunEvent {
  const run: RunEvent = {
    type: 'run',
    formatVersion: 1,
    id: spec.id ?? 'config-variant',
    framework: spec.framework ?? 'keras',
    task: spec.task ?? 'classification',
    model: { layers: spec.layers ?? kerasMlp(10) },
    optimizer: spec.optimizer ?? { name: 'adam', learningRate: 1e-3 },
    loss: spec.loss ?? 'sparse_categorical_crossentropy',
    batchSize: spec.batchSize ?? 32,
    dataset: spec.dataset ?? balancedDataset(10),
  };
  if (spec.fromLogits !== undefined) run.fromLogits = spec.fromLogits;
  if (spec.params !== undefined) run.model!.params = spec.params;
  if (spec.trainableParams !== undefined) run.model!.trainableParams = spec.trainableParams;
  if (spec.tags) run.tags = spec.tags;
  return run;
}

/** Keras MLP: Dense layers carrying their activation, softmax output. */
export const kerasMlp = (k: number, hidden = [64, 64], activation = 'relu', out = 'softmax'): LayerInfo[] => [
  ...hidden.map((units, i) => ({ name: `dense_${i}`, type: 'Dense', activation, units, params: units * 10 })),
  { name: `dense_${hidden.length}`, type: 'Dense', activation: out, units: k, params: k * 10 },
];

/** PyTorch MLP as recorders write it: Linear layers (activation linear), activations as separate layers. */
export function torchMlp(k: number, hidden = [32, 32], activation = 'relu', out?: string): LayerInfo[] {
  const layers: LayerInfo[] = [];
  hidden.forEach((units, i) => {
    layers.push({
      name: `dense_${i}`,
      type: 'Dense',
      activation: 'linear',
      units,
      params: units * 10,
      trainable: true,
    });
    layers.push({ name: `${activation}_${i}`, type: 'Activation', activation });
  });
  layers.push({
    name: `dense_${hidden.length}`,
    type: 'Dense',
    activation: 'linear',
    units: k,
    params: k * 10,
    trainable: true,
  });
  if (out) layers.push({ name: `${out}_out`, type: 'Activation', activation: out });
  return layers;
}

/** A ResNet-like CNN: conv/BatchNorm/ReLU blocks joined by Add layers, global pooling, softmax head. */
export function resnetCnn(k: number, blocks = 8): LayerInfo[] {
  const layers: LayerInfo[] = [
    { name: 'conv_in', type: 'Conv2D', activation: 'linear', params: 896 },
    { name: 'bn_in', type: 'BatchNormalization', params: 128 },
    { name: 'relu_in', type: 'ReLU' },
  ];
  for (let b = 0; b < blocks; b++) {
    layers.push(
      { name: `block${b}_conv1`, type: 'Conv2D', activation: 'linear', params: 9248 },
      { name: `block${b}_bn1`, type: 'BatchNormalization', params: 128 },
      { name: `block${b}_relu1`, type: 'ReLU' },
      { name: `block${b}_conv2`, type: 'Conv2D', activation: 'linear', params: 9248 },
      { name: `block${b}_bn2`, type: 'BatchNormalization', params: 128 },
      { name: `block${b}_add`, type: 'Add' },
      { name: `block${b}_relu2`, type: 'ReLU' },
    );
  }
  layers.push(
    { name: 'pool', type: 'GlobalAveragePooling2D' },
    { name: 'logits', type: 'Dense', activation: 'softmax', units: k, params: 330 },
  );
  return layers;
}

/**
 * Healthy configurations none of the static checks may flag.
 *
 * @example for (const [name, run] of Object.entries(healthyConfigs())) ...
 */
export function healthyConfigs(): Record<string, RunEvent> {
  return {
    'keras MLP, softmax + sparse categorical CE': runEvent(),
    'keras MLP, softmax + one-hot categorical CE, SGD 0.01': runEvent({
      loss: 'categorical_crossentropy',
      optimizer: { name: 'SGD', learningRate: 0.01, momentum: 0.9 },
    }),
    'pytorch MLP, linear + CrossEntropyLoss (logits)': runEvent({
      framework: 'pytorch',
      layers: torchMlp(10),
      loss: 'categorical_crossentropy',
      fromLogits: true,
      tags: { lossFn: 'torch.nn.CrossEntropyLoss' },
      optimizer: { name: 'adamw', learningRate: 3e-4, weightDecay: 0.01 },
    }),
    'pytorch MLP, cross_entropy without fromLogits': runEvent({
      framework: 'pytorch',
      layers: torchMlp(10, [32, 32], 'tanh'),
      loss: 'cross_entropy',
    }),
    'pytorch MLP, log_softmax + NLLLoss': runEvent({
      framework: 'pytorch',
      layers: torchMlp(10, [32], 'relu', 'logsoftmax'),
      loss: 'nll_loss',
      tags: { lossFn: 'torch.nn.NLLLoss' },
    }),
    'binary sigmoid + binary CE': runEvent({
      task: 'binary-classification',
      layers: kerasMlp(1, [16], 'relu', 'sigmoid'),
      loss: 'binary_crossentropy',
      dataset: { ...balancedDataset(2), classCounts: [600, 400] },
    }),
    'binary 2-unit softmax + sparse CE': runEvent({
      layers: kerasMlp(2, [16]),
      dataset: balancedDataset(2),
    }),
    'binary linear + BCEWithLogitsLoss': runEvent({
      framework: 'pytorch',
      task: 'binary-classification',
      layers: torchMlp(1, [16]),
      loss: 'binary_crossentropy',
      tags: { lossFn: 'torch.nn.BCEWithLogitsLoss' },
      dataset: balancedDataset(2),
    }),
    'multi-label sigmoid + binary CE': runEvent({
      task: 'multilabel-classification',
      layers: kerasMlp(5, [32], 'relu', 'sigmoid'),
      loss: 'binary_crossentropy',
      dataset: { trainSize: 500, numClasses: 5, inputStats: { ...STANDARDISED } },
    }),
    'regression linear + mse': runEvent({
      task: 'regression',
      layers: kerasMlp(1, [32, 32], 'relu', 'linear'),
      loss: 'mse',
      dataset: {
        trainSize: 800,
        inputStats: { ...STANDARDISED },
        labelStats: { mean: 2.1, std: 1.2, min: -1.5, max: 7.3 },
      },
    }),
    'regression sigmoid on [0,1] labels': runEvent({
      task: 'regression',
      layers: kerasMlp(1, [32], 'relu', 'sigmoid'),
      loss: 'mean_squared_error',
      dataset: { trainSize: 800, labelStats: { mean: 0.4, std: 0.2, min: 0, max: 1 } },
    }),
    'ResNet-like CNN with BatchNorm and Add, SGD 0.1': runEvent({
      layers: resnetCnn(10, 12),
      optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9 },
      loss: 'categorical_crossentropy',
      dataset: { ...balancedDataset(10), inputStats: { mean: 0.47, std: 0.25, min: 0, max: 1 } },
    }),
    'fine-tuning: frozen backbone, trainable head': runEvent({
      layers: kerasMlp(10, [64, 64]).map((l, i) => (i < 2 ? { ...l, trainable: false } : l)),
      optimizer: { name: 'adam', learningRate: 2e-5 },
    }),
    'tabular [0,1]-scaled inputs': runEvent({
      dataset: { ...balancedDataset(10), inputStats: { mean: 0.31, std: 0.38, min: 0, max: 1 } },
    }),
  };
}

/**
 * A fault that rewrites a synthetic run's `run` event with a config variant
 * (applied before any step, so use onset -1).
 *
 * @example eventsOf({ faults: [runFault({ optimizer: { name: 'sgd', learningRate: 0 } })] })
 */
export function runFault(spec: Partial<RunEvent>): Fault {
  return {
    onset: -1,
    apply(e) {
      if (e.type === 'run') Object.assign(e, spec);
    },
  };
}
