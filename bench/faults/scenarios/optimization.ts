import { asBinary } from '../data-faults.js';
import type { Experiment, OptimizerSpec } from '../experiment.js';
import { mlp } from '../models.js';
import { perStepDecay } from '../schedules.js';
import {
  blobs5,
  circles2,
  digits10,
  linearUnit,
  moons2,
  regression,
  sigmoidUnit,
  softmax,
} from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Step size and update faults: learning rate too high or too low, tiny batches, weights that never move.

const blobsMlp = (
  s: number,
  optimizer: OptimizerSpec,
  loop: Experiment['loop'],
  epochs = 10,
): Experiment => ({
  data: blobs5(s),
  layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
  optimizer,
  loss: 'sparseCategoricalCrossentropy',
  loop,
  batchSize: 32,
  epochs,
});

const digitsMlp = (
  s: number,
  optimizer: OptimizerSpec,
  loop: Experiment['loop'],
  epochs = 8,
): Experiment => ({
  data: digits10(s),
  layers: mlp([128, 64], 'relu', softmax(10), { init: 'heNormal' }),
  optimizer,
  loss: 'sparseCategoricalCrossentropy',
  loop,
  batchSize: 32,
  epochs,
});

const regressionMlp = (
  s: number,
  optimizer: OptimizerSpec,
  loop: Experiment['loop'],
  epochs = 10,
): Experiment => ({
  data: regression(s),
  layers: mlp([64, 64], 'relu', linearUnit, { init: 'heNormal' }),
  optimizer,
  loss: 'meanSquaredError',
  loop,
  batchSize: 32,
  epochs,
});

export const OPTIMIZATION_VARIANTS: Variant[] = [
  variant(
    {
      id: 'lr-high-sgd-blobs',
      cause: 'learning_rate_too_high',
      notes: 'Plain SGD far above its stable range on a ReLU MLP, custom loop.',
    },
    run('lr-high-sgd-blobs-lr8', 'lr 8.', [], (s) => blobsMlp(s, { name: 'sgd', lr: 8 }, 'custom')),
    run('lr-high-sgd-blobs-lr2', 'lr 2 (milder).', [], (s) => blobsMlp(s, { name: 'sgd', lr: 2 }, 'custom')),
  ),
  variant(
    {
      id: 'lr-high-adam-digits',
      cause: 'learning_rate_too_high',
      notes: 'Adam at lr 0.3 on flat digits, model.fit.',
    },
    run('lr-high-adam-digits', 'lr 0.3.', [], (s) => digitsMlp(s, { name: 'adam', lr: 0.3 }, 'fit')),
  ),
  variant(
    {
      id: 'lr-high-momentum-moons',
      cause: 'learning_rate_too_high',
      notes: 'SGD with momentum 0.9 at lr 3 on a tanh MLP, custom loop.',
    },
    run('lr-high-momentum-moons', 'lr 3.', [], (s) => ({
      data: moons2(s),
      layers: mlp([32, 32], 'tanh', softmax(2)),
      optimizer: { name: 'momentum', lr: 3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'lr-high-sgd-regression',
      cause: 'learning_rate_too_high',
      notes: 'SGD at lr 0.5 on an MSE regression, custom loop.',
    },
    run('lr-high-sgd-regression', 'lr 0.5.', [], (s) => regressionMlp(s, { name: 'sgd', lr: 0.5 }, 'custom')),
  ),
  variant(
    {
      id: 'lr-high-rmsprop-digits',
      cause: 'learning_rate_too_high',
      notes: 'RMSProp at lr 0.05 on flat digits, model.fit.',
    },
    run('lr-high-rmsprop-digits', 'lr 0.05.', [], (s) => digitsMlp(s, { name: 'rmsprop', lr: 0.05 }, 'fit')),
  ),
  variant(
    {
      id: 'lr-high-adam-circles',
      cause: 'learning_rate_too_high',
      notes: 'Adam at lr 1 on circles with one sigmoid output, custom loop.',
    },
    run('lr-high-adam-circles', 'lr 1.', [], (s) => ({
      data: asBinary(circles2(s)),
      layers: mlp([32, 32], 'relu', sigmoidUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1 },
      loss: 'binaryCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),

  variant(
    {
      id: 'lr-low-sgd-blobs',
      cause: 'learning_rate_too_low',
      notes: 'Plain SGD far below a useful rate, custom loop.',
    },
    run('lr-low-sgd-blobs-1e-5', 'lr 1e-5.', [], (s) => blobsMlp(s, { name: 'sgd', lr: 1e-5 }, 'custom')),
    run('lr-low-sgd-blobs-3e-4', 'lr 3e-4 (milder).', [], (s) =>
      blobsMlp(s, { name: 'sgd', lr: 3e-4 }, 'custom'),
    ),
  ),
  variant(
    { id: 'lr-low-adam-digits', cause: 'learning_rate_too_low', notes: 'Adam at lr 1e-6, model.fit.' },
    run('lr-low-adam-digits', 'lr 1e-6.', [], (s) => digitsMlp(s, { name: 'adam', lr: 1e-6 }, 'fit')),
  ),
  variant(
    {
      id: 'lr-low-sgd-regression',
      cause: 'learning_rate_too_low',
      notes: 'SGD at lr 1e-5 on an MSE regression, custom loop.',
    },
    run('lr-low-sgd-regression', 'lr 1e-5.', [], (s) =>
      regressionMlp(s, { name: 'sgd', lr: 1e-5 }, 'custom'),
    ),
  ),
  variant(
    {
      id: 'lr-low-momentum-moons',
      cause: 'learning_rate_too_low',
      notes: 'SGD with momentum at lr 1e-5 on moons, model.fit.',
    },
    run('lr-low-momentum-moons', 'lr 1e-5.', [], (s) => ({
      data: moons2(s),
      layers: mlp([64, 64], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'momentum', lr: 1e-5 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 10,
    })),
  ),

  variant(
    {
      id: 'batch-1-sgd-blobs',
      cause: 'batch_size_too_small',
      acceptable: ['learning_rate_too_high'],
      notes: 'Batch size 1 with the SGD rate a batch of 64 would want, custom loop.',
    },
    run('batch-1-sgd-blobs', 'SGD lr 0.5, 600 examples, 2 epochs.', [], (s) => ({
      ...blobsMlp(s, { name: 'sgd', lr: 0.5 }, 'custom', 2),
      data: blobs5(s, 600),
      batchSize: 1,
    })),
  ),
  variant(
    {
      id: 'batch-2-adam-digits',
      cause: 'batch_size_too_small',
      acceptable: ['learning_rate_too_high'],
      notes: 'Batch size 2 with Adam at 0.01, model.fit.',
    },
    run('batch-2-adam-digits', 'Adam lr 0.01, 600 examples, 2 epochs.', [], (s) => ({
      ...digitsMlp(s, { name: 'adam', lr: 0.01 }, 'fit', 2),
      data: digits10(s, 600),
      batchSize: 2,
    })),
  ),
  variant(
    {
      id: 'batch-1-momentum-regression',
      cause: 'batch_size_too_small',
      acceptable: ['learning_rate_too_high'],
      notes: 'Batch size 1 with momentum SGD on a regression, custom loop.',
    },
    run('batch-1-momentum-regression', 'momentum 0.9, lr 0.02, 500 examples, 2 epochs.', [], (s) => ({
      ...regressionMlp(s, { name: 'momentum', lr: 0.02 }, 'custom', 2),
      data: regression(s, 500),
      batchSize: 1,
    })),
  ),

  variant(
    {
      id: 'zero-lr-sgd-blobs',
      cause: 'weights_not_updating',
      notes: 'Learning rate 0 (a config default left unset), custom loop.',
    },
    run('zero-lr-sgd-blobs', 'SGD lr 0.', ['unchanged_weights'], (s) =>
      blobsMlp(s, { name: 'sgd', lr: 0 }, 'custom', 8),
    ),
  ),
  variant(
    {
      id: 'zero-lr-adam-digits',
      cause: 'weights_not_updating',
      notes: 'Adam with learning rate 0, model.fit.',
    },
    run('zero-lr-adam-digits', 'Adam lr 0.', ['unchanged_weights'], (s) =>
      digitsMlp(s, { name: 'adam', lr: 0 }, 'fit', 6),
    ),
  ),
  variant(
    {
      id: 'per-step-decay-moons',
      cause: 'weights_not_updating',
      acceptable: ['learning_rate_too_low'],
      notes:
        'An exponential decay meant per epoch applied per batch: the rate is ~0 after a few dozen steps, custom loop.',
    },
    run('per-step-decay-moons', 'momentum lr 0.01 × 0.7 per step.', ['unchanged_weights'], (s) => ({
      data: moons2(s),
      layers: mlp([64, 64], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'momentum', lr: 0.01 },
      schedule: perStepDecay(0.7),
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
];
