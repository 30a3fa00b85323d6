import { fewerExamples } from '../data-faults.js';
import { blobs, digits, friedman } from '../datasets.js';
import { mlp } from '../models.js';
import { linearUnit, moons2, regression, softmax } from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Too few examples, and the overfitting that too little regularisation allows on a modest data set.

export const DATA_SIZE_VARIANTS: Variant[] = [
  variant(
    {
      id: 'tiny-data-blobs',
      cause: 'insufficient_data',
      acceptable: ['insufficient_regularization'],
      notes: 'A few dozen training examples for a 128-128 MLP, Adam, custom loop.',
    },
    run('tiny-data-blobs', '40 examples.', ['overfitting'], (s) => ({
      data: fewerExamples(blobs(s, { n: 440, nTrain: 400, k: 5, d: 10, spread: 0.6 }), 40),
      layers: mlp([128, 128], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 16,
      epochs: 100,
    })),
    run('tiny-data-blobs-20', '20 examples (more severe).', ['overfitting'], (s) => ({
      data: fewerExamples(blobs(s, { n: 420, nTrain: 400, k: 5, d: 10, spread: 0.6 }), 20),
      layers: mlp([128, 128], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 16,
      epochs: 150,
    })),
  ),
  variant(
    {
      id: 'tiny-data-digits',
      cause: 'insufficient_data',
      acceptable: ['insufficient_regularization'],
      notes: '60 noisy digit images, model.fit.',
    },
    run('tiny-data-digits', '60 examples.', ['overfitting'], (s) => ({
      data: fewerExamples(digits(s, { n: 560, nTrain: 500, noise: 0.35 }), 60),
      layers: mlp([128, 64], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 16,
      epochs: 80,
    })),
  ),
  variant(
    {
      id: 'tiny-data-regression',
      cause: 'insufficient_data',
      acceptable: ['insufficient_regularization'],
      notes: '50 regression examples for a 128-128 MLP, custom loop.',
    },
    run('tiny-data-regression', '50 examples.', ['overfitting'], (s) => ({
      data: fewerExamples(regression(s, 500), 50),
      layers: mlp([128, 128], 'relu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 16,
      epochs: 100,
    })),
  ),

  variant(
    {
      id: 'big-mlp-digits',
      cause: 'insufficient_regularization',
      acceptable: ['insufficient_data'],
      notes: '256-256 MLP on 400 noisy digits, no dropout or decay, trained long, custom loop.',
    },
    run('big-mlp-digits', '400 examples, 30 epochs.', ['overfitting'], (s) => ({
      data: digits(s, { n: 900, nTrain: 400, noise: 0.35 }),
      layers: mlp([256, 256], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 30,
      every: 10,
    })),
  ),
  variant(
    {
      id: 'big-mlp-moons',
      cause: 'insufficient_regularization',
      acceptable: ['insufficient_data'],
      notes: 'Three 128-unit layers on 200 noisy moons, model.fit.',
    },
    run('big-mlp-moons', '200 examples, 60 epochs.', ['overfitting'], (s) => ({
      data: moons2(s, 200, 0.35),
      layers: mlp([128, 128, 128], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 60,
      every: 10,
    })),
  ),
  variant(
    {
      id: 'big-mlp-regression',
      cause: 'insufficient_regularization',
      acceptable: ['insufficient_data'],
      notes: '256-256 MLP on 200 noisy regression examples (target noise σ = 3), custom loop.',
    },
    run('big-mlp-regression', '200 examples, 80 epochs.', ['overfitting'], (s) => ({
      data: friedman(s, 700, 200, { noise: 3 }),
      layers: mlp([256, 256], 'relu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 80,
      every: 10,
    })),
  ),
];
