import type { TF, Tf } from '../monitor/index.js';
import { createRng } from '../train/index.js';

/** One demo run: a small model and data with one fault planted (or none), and the cause it should get. */
export interface DemoScenario {
  id: string;
  /** What was done, in a line. */
  story: string;
  /** The cause a good diagnosis names first ('healthy' for none). */
  expect: string;
  build(tf: Tf): { model: TF.LayersModel; data: DemoData; epochs: number; batchSize: number };
}

export interface DemoData {
  x: TF.Tensor2D;
  y: TF.Tensor2D;
  xVal: TF.Tensor2D;
  yVal: TF.Tensor2D;
}

const FEATURES = 8;
const CLASSES = 5;

/**
 * Eight small runs (one healthy, seven faults with distinct causes) on
 * Gaussian blobs generated here, seeded: nothing is downloaded. Each trains
 * in a second or two on the wasm backend.
 */
export const DEMO_SCENARIOS: DemoScenario[] = [
  {
    id: 'healthy',
    story: '2×32 ReLU MLP, Adam 1e-3, 5 Gaussian blobs',
    expect: 'healthy',
    build: (tf) => ({
      model: mlp(tf, [32, 32], 'relu', tf.train.adam(1e-3)),
      data: blobs(tf, 1),
      epochs: 12,
      batchSize: 32,
    }),
  },
  {
    id: 'lr-too-high',
    story: 'the same MLP with SGD at learning rate 8',
    expect: 'learning_rate_too_high',
    build: (tf) => ({
      model: mlp(tf, [32, 32], 'relu', tf.train.sgd(8)),
      data: blobs(tf, 2),
      epochs: 8,
      batchSize: 32,
    }),
  },
  {
    id: 'deep-sigmoid',
    story: '10 sigmoid layers, no normalisation, SGD 0.05',
    expect: 'saturating_activation',
    build: (tf) => ({
      model: mlp(tf, Array(10).fill(32), 'sigmoid', tf.train.sgd(0.05)),
      data: blobs(tf, 3),
      epochs: 10,
      batchSize: 32,
    }),
  },
  {
    id: 'dead-relu',
    story: 'ReLU layers whose biases start at −6',
    expect: 'dying_relu',
    build: (tf) => ({
      model: mlp(tf, [32, 32], 'relu', tf.train.adam(1e-3), { bias: -6 }),
      data: blobs(tf, 4),
      epochs: 10,
      batchSize: 32,
    }),
  },
  {
    id: 'overfit-tiny-data',
    story: '2×256 MLP on 40 examples with 30% noisy labels, 120 epochs',
    expect: 'insufficient_data',
    build: (tf) => ({
      model: mlp(tf, [256, 256], 'relu', tf.train.adam(3e-3)),
      data: blobs(tf, 5, { train: 40, noise: 0.3, spread: 2.2 }),
      epochs: 120,
      batchSize: 8,
    }),
  },
  {
    id: 'unnormalized-inputs',
    story: 'features × 1000 + 500, fed raw to the MLP',
    expect: 'unnormalized_inputs',
    build: (tf) => ({
      model: mlp(tf, [32, 32], 'relu', tf.train.adam(1e-3)),
      data: blobs(tf, 6, { scale: 1000, offset: 500 }),
      epochs: 8,
      batchSize: 32,
    }),
  },
  {
    id: 'wrong-output-loss',
    story: 'softmax output trained with binary cross-entropy',
    expect: 'wrong_output_activation',
    build: (tf) => ({
      model: mlp(tf, [32, 32], 'relu', tf.train.adam(1e-3), { loss: 'binaryCrossentropy' }),
      data: blobs(tf, 7),
      epochs: 8,
      batchSize: 32,
    }),
  },
  {
    id: 'frozen-weights',
    story: 'weights that never move: Adam with learning rate 0',
    expect: 'weights_not_updating',
    build: (tf) => ({
      model: mlp(tf, [32, 32], 'relu', tf.train.adam(0)),
      data: blobs(tf, 8),
      epochs: 8,
      batchSize: 32,
    }),
  },
];

function mlp(
  tf: Tf,
  hidden: number[],
  activation: string,
  optimizer: TF.Optimizer,
  options: { bias?: number; loss?: string } = {},
): TF.LayersModel {
  const model = tf.sequential();
  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: activation as 'relu',
        name: `dense_${i}`,
        ...(i === 0 ? { inputShape: [FEATURES] } : {}),
        ...(options.bias !== undefined
          ? { biasInitializer: tf.initializers.constant({ value: options.bias }) }
          : {}),
        kernelInitializer: tf.initializers.glorotUniform({ seed: 17 + i }),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: CLASSES,
      activation: 'softmax',
      name: 'output',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 99 }),
    }),
  );
  model.compile({ optimizer, loss: options.loss ?? 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Seeded Gaussian blobs: CLASSES centres in FEATURES dimensions, one-hot labels, a validation set. */
function blobs(
  tf: Tf,
  seed: number,
  o: { train?: number; val?: number; noise?: number; spread?: number; scale?: number; offset?: number } = {},
): DemoData {
  const rng = createRng(seed);
  const rand = rng.uniform;
  const gauss = rng.normal;
  const centres = Array.from({ length: CLASSES }, () =>
    Array.from({ length: FEATURES }, () => gauss() * 2.5),
  );
  const make = (n: number, noisy: number) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % CLASSES;
      for (const m of centres[c]!)
        xs.push((m + gauss() * (o.spread ?? 1)) * (o.scale ?? 1) + (o.offset ?? 0));
      const label = rand() < noisy ? Math.floor(rand() * CLASSES) : c;
      for (let k = 0; k < CLASSES; k++) ys.push(k === label ? 1 : 0);
    }
    return [tf.tensor2d(xs, [n, FEATURES]), tf.tensor2d(ys, [n, CLASSES])] as const;
  };
  const [x, y] = make(o.train ?? 1000, o.noise ?? 0);
  const [xVal, yVal] = make(o.val ?? 300, 0);
  return { x, y, xVal, yVal };
}
