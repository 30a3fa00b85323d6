import type { TF, Tf } from '../../src/monitor/index.js';
import type { Dataset } from './datasets.js';
import type { LayerSpec } from './models.js';

export interface OptimizerSpec {
  name: 'sgd' | 'momentum' | 'adam' | 'rmsprop' | 'adagrad' | 'adamax';
  lr: number;
  /** SGD momentum (default 0.9 for `momentum`). */
  momentum?: number;
}

/** A learning-rate schedule: the rate at a global step, from the base rate. */
export interface Schedule {
  describe: string;
  lr(step: number, totalSteps: number, stepsPerEpoch: number, base: number): number;
}

/** The Keras/tfjs loss names the benchmark compiles with. */
export type LossName =
  | 'sparseCategoricalCrossentropy'
  | 'categoricalCrossentropy'
  | 'binaryCrossentropy'
  | 'meanSquaredError'
  | 'meanAbsoluteError';

/** A hand-written loss, as a user would pass a function to `compile` or use in a custom loop. */
export interface CustomLoss {
  /** The function's name (the trace's `loss`). */
  name: string;
  make(tf: Tf): (yTrue: TF.Tensor, yPred: TF.Tensor) => TF.Tensor;
}

/** Everything one training run needs: data, model, optimizer, loss, loop and budget. */
export interface Experiment {
  data: Dataset;
  layers: LayerSpec[];
  optimizer: OptimizerSpec;
  loss: LossName | CustomLoss;
  /** `fit`: model.fit with the monitor's callback (no gradient stats); `custom`: monitor.trainStep. */
  loop: 'fit' | 'custom';
  batchSize: number;
  epochs: number;
  schedule?: Schedule;
  /** Per-layer statistics every `every` steps (default 5, or 10 past 600 planned steps). */
  every?: number;
}

/** Planned optimisation steps of an experiment. */
export function plannedSteps(e: Experiment): number {
  return Math.ceil(e.data.train.y.length / e.batchSize) * e.epochs;
}
