import { asBinary, corruptInputs, flipLabels, scaleInputs } from '../data-faults.js';
import { blobs, digits, moons } from '../datasets.js';
import type { Experiment } from '../experiment.js';
import { mlp } from '../models.js';
import { blobs5, digits10, linearUnit, moons2, regression, sigmoidUnit, softmax } from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Data faults: inputs in raw units, wrong labels, skewed classes, NaN/Inf values.

const LONG_TAIL = [0.55, 0.2, 0.1, 0.05, 0.04, 0.02, 0.015, 0.01, 0.01, 0.005];

export const DATA_QUALITY_VARIANTS: Variant[] = [
  variant(
    {
      id: 'raw-scale-blobs',
      cause: 'unnormalized_inputs',
      notes: 'Features in raw units (×1000 + 500), SGD, custom loop.',
    },
    run(
      'raw-scale-blobs',
      '×1000 + 500.',
      ['input_scale_anomaly'],
      (s): Experiment => ({
        data: scaleInputs(blobs5(s), 1000, 500),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'sgd', lr: 0.01 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 8,
      }),
    ),
    run(
      'raw-scale-blobs-x100',
      '×100 + 50 (milder).',
      ['input_scale_anomaly'],
      (s): Experiment => ({
        data: scaleInputs(blobs5(s), 100, 50),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'sgd', lr: 0.01 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 8,
      }),
    ),
  ),
  variant(
    {
      id: 'raw-pixels-digits',
      cause: 'unnormalized_inputs',
      notes: 'Pixels left in 0–255, plain SGD, model.fit.',
    },
    run('raw-pixels-digits', '×255.', ['input_scale_anomaly'], (s) => ({
      data: scaleInputs(digits10(s), 255),
      layers: mlp([128, 64], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'sgd', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'raw-features-regression',
      cause: 'unnormalized_inputs',
      notes: 'Regression features in the thousands, SGD, custom loop.',
    },
    run('raw-features-regression', '×2000.', ['input_scale_anomaly'], (s) => ({
      data: scaleInputs(regression(s), 2000),
      layers: mlp([64, 64], 'relu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'sgd', lr: 1e-3 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'offset-moons-tanh',
      cause: 'unnormalized_inputs',
      notes: 'Moons shifted and stretched (×50 + 200) into a tanh MLP, momentum SGD, model.fit.',
    },
    run('offset-moons-tanh', '×50 + 200.', ['input_scale_anomaly'], (s) => ({
      data: scaleInputs(moons2(s), 50, 200),
      layers: mlp([32, 32], 'tanh', softmax(2)),
      optimizer: { name: 'momentum', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),

  variant(
    {
      id: 'noisy-labels-blobs',
      cause: 'noisy_labels',
      acceptable: ['insufficient_regularization'],
      notes: 'Training labels redrawn at random, big ReLU MLP, Adam, custom loop.',
    },
    run('noisy-labels-blobs-40', '40% of labels redrawn.', ['overfitting'], (s) => ({
      data: flipLabels(blobs5(s, 800), 0.4, s + 1),
      layers: mlp([256, 256], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 40,
    })),
    run('noisy-labels-blobs-20', '20% of labels redrawn (milder).', ['overfitting'], (s) => ({
      data: flipLabels(blobs5(s, 800), 0.2, s + 1),
      layers: mlp([256, 256], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 40,
    })),
  ),
  variant(
    {
      id: 'noisy-labels-digits',
      cause: 'noisy_labels',
      acceptable: ['insufficient_regularization'],
      notes: '30% of digit labels redrawn, model.fit.',
    },
    run('noisy-labels-digits', '30% of labels redrawn.', ['overfitting'], (s) => ({
      data: flipLabels(digits10(s, 1000), 0.3, s + 1),
      layers: mlp([256, 128], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 30,
    })),
  ),
  variant(
    {
      id: 'noisy-labels-highdim',
      cause: 'noisy_labels',
      acceptable: ['insufficient_regularization'],
      notes: '40% of labels redrawn on three classes in 30-D, custom loop.',
    },
    run('noisy-labels-highdim', '40% of labels redrawn, 500 examples.', ['overfitting'], (s) => ({
      data: flipLabels(blobs(s, { n: 900, nTrain: 500, k: 3, d: 30, spread: 0.5 }), 0.4, s + 1),
      layers: mlp([256, 256], 'relu', softmax(3), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 40,
    })),
  ),

  variant(
    {
      id: 'imbalance-95-blobs',
      cause: 'class_imbalance',
      notes: 'Two overlapping classes, heavily skewed, model.fit.',
    },
    run('imbalance-95-blobs', '95/5.', ['label_imbalance'], (s) => ({
      data: blobs(s, { n: 2000, nTrain: 1600, k: 2, d: 8, spread: 0.25, shares: [0.95, 0.05] }),
      layers: mlp([32, 16], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
    run('imbalance-99-blobs', '99/1 (more severe).', ['label_imbalance'], (s) => ({
      data: blobs(s, { n: 2000, nTrain: 1600, k: 2, d: 8, spread: 0.25, shares: [0.99, 0.01] }),
      layers: mlp([32, 16], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'imbalance-98-moons',
      cause: 'class_imbalance',
      notes: 'Noisy moons at 98/2 with one sigmoid output, custom loop.',
    },
    run('imbalance-98-moons', '98/2.', ['label_imbalance'], (s) => ({
      data: asBinary(moons(s, 2000, 1600, 0.35, [0.98, 0.02])),
      layers: mlp([32, 32], 'relu', sigmoidUnit, { init: 'heNormal' }),
      optimizer: { name: 'sgd', lr: 0.05 },
      loss: 'binaryCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'imbalance-long-tail-digits',
      cause: 'class_imbalance',
      notes: 'Ten digit classes with a long tail (55% … 0.5%), model.fit.',
    },
    run('imbalance-long-tail-digits', '55% down to 0.5%.', ['label_imbalance'], (s) => ({
      data: digits(s, { n: 2000, nTrain: 1500, shares: LONG_TAIL, noise: 0.3 }),
      layers: mlp([64, 32], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'sgd', lr: 0.02 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'imbalance-three-class-blobs',
      cause: 'class_imbalance',
      notes: 'Three overlapping classes at 90/9/1, custom loop.',
    },
    run('imbalance-three-class-blobs', '90/9/1.', ['label_imbalance'], (s) => ({
      data: blobs(s, { n: 2000, nTrain: 1600, k: 3, d: 6, spread: 0.35, shares: [0.9, 0.09, 0.01] }),
      layers: mlp([32, 32], 'relu', softmax(3), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),

  variant(
    {
      id: 'nan-inputs-blobs',
      cause: 'bad_input_data',
      notes: '0.5% of training feature values are NaN, Adam, custom loop.',
    },
    run('nan-inputs-blobs', '0.5% NaN.', [], (s) => ({
      data: corruptInputs(blobs5(s), 0.005, Number.NaN, s + 2),
      layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'inf-inputs-digits',
      cause: 'bad_input_data',
      notes: '0.2% of training pixels are +Infinity, model.fit.',
    },
    run('inf-inputs-digits', '0.2% Infinity.', [], (s) => ({
      data: corruptInputs(digits10(s), 0.002, Number.POSITIVE_INFINITY, s + 2),
      layers: mlp([128, 64], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'nan-inputs-regression',
      cause: 'bad_input_data',
      notes: '1% of regression feature values are NaN (missing values), custom loop.',
    },
    run('nan-inputs-regression', '1% NaN.', [], (s) => ({
      data: corruptInputs(regression(s), 0.01, Number.NaN, s + 2),
      layers: mlp([64, 64], 'relu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'sgd', lr: 0.01 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
];
