import { blobs, digits, moons, spirals } from '../datasets.js';
import type { LayerSpec } from '../models.js';
import { mlp } from '../models.js';
import { cosine } from '../schedules.js';
import {
  blobs5,
  circles2,
  digits10,
  linearUnit,
  moons2,
  regression,
  sigmoidUnit,
  softmax,
  withDropout,
} from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Healthy runs as people commonly train them, in settings that sit near a detector's edge
// without being faults: wide nets that reach their generalisation gap, shallow sigmoid
// layers, one-unit sigmoid outputs, a moderate class imbalance, budgets far past
// convergence, deeper tanh and ReLU stacks without normalisation, and a small data set held
// by dropout. They were named and specified before any was trained or diagnosed; they widen
// what the false-alarm rate is measured on, and a third of them is held out like the rest.

export const HEALTHY_PRACTICE_VARIANTS: Variant[] = [
  variant(
    {
      id: 'healthy-wide-mlp-digits',
      cause: 'healthy',
      notes: 'Wide ReLU nets on digits, trained to their generalisation gap (train above val, val levelled).',
    },
    run(
      'healthy-wide-mlp-digits-adam',
      'ReLU 256-128, Adam 1e-3, batch 64, 12 epochs, model.fit.',
      [],
      (s) => ({
        data: digits10(s),
        layers: mlp([256, 128], 'relu', softmax(10), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 64,
        epochs: 12,
      }),
    ),
    run(
      'healthy-wide-mlp-digits-l2',
      'ReLU 128-128 with L2 1e-4, SGD momentum 0.02, 15 epochs, model.fit.',
      [],
      (s) => ({
        data: digits10(s),
        layers: [
          { kind: 'dense', units: 128, activation: 'relu', init: 'heNormal', l2: 1e-4 },
          { kind: 'dense', units: 128, activation: 'relu', init: 'heNormal', l2: 1e-4 },
          { kind: 'dense', ...softmax(10) },
        ],
        optimizer: { name: 'momentum', lr: 0.02 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 15,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-shallow-sigmoid',
      cause: 'healthy',
      notes: 'One sigmoid hidden layer: saturation-prone in deep stacks, fine when shallow.',
    },
    run(
      'healthy-shallow-sigmoid-moons',
      'sigmoid 32 on moons, Adam 1e-2, 20 epochs, model.fit.',
      [],
      (s) => ({
        data: moons2(s),
        layers: mlp([32], 'sigmoid', softmax(2)),
        optimizer: { name: 'adam', lr: 1e-2 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 20,
      }),
    ),
    run(
      'healthy-shallow-sigmoid-blobs',
      'sigmoid 64 on 5 blobs, SGD momentum 0.1, 10 epochs, custom loop.',
      [],
      (s) => ({
        data: blobs5(s),
        layers: mlp([64], 'sigmoid', softmax(5)),
        optimizer: { name: 'momentum', lr: 0.1 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 10,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-binary-output',
      cause: 'healthy',
      notes: 'Two classes on one sigmoid unit with binary cross-entropy.',
    },
    run('healthy-binary-output-moons', 'ReLU 32-32, Adam 3e-3, 15 epochs, model.fit.', [], (s) => ({
      data: { ...moons2(s), task: 'binary' },
      layers: mlp([32, 32], 'relu', sigmoidUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'binaryCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 15,
    })),
    run('healthy-binary-output-circles', 'tanh 32-32, RMSProp 5e-3, 20 epochs, custom loop.', [], (s) => ({
      data: { ...circles2(s), task: 'binary' },
      layers: mlp([32, 32], 'tanh', sigmoidUnit),
      optimizer: { name: 'rmsprop', lr: 5e-3 },
      loss: 'binaryCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 20,
    })),
  ),
  variant(
    {
      id: 'healthy-moderate-imbalance',
      cause: 'healthy',
      notes:
        'Class shares of 3:1 to 5:1, as much real data has, on separable classes: every class is learned.',
    },
    run(
      'healthy-moderate-imbalance-blobs',
      'Five blobs in shares 40/25/15/12/8 %, ReLU 64-32, Adam 1e-3, 10 epochs, model.fit.',
      [],
      (s) => ({
        data: blobs(s, {
          n: 2000,
          nTrain: 1600,
          k: 5,
          d: 10,
          spread: 1,
          shares: [0.4, 0.25, 0.15, 0.12, 0.08],
        }),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 10,
      }),
    ),
    run(
      'healthy-moderate-imbalance-moons',
      'Moons in shares 75/25 %, ReLU 32-32, SGD momentum 0.05, 12 epochs, custom loop.',
      [],
      (s) => ({
        data: moons(s, 1600, 1200, 0.15, [0.75, 0.25]),
        layers: mlp([32, 32], 'relu', softmax(2), { init: 'heNormal' }),
        optimizer: { name: 'momentum', lr: 0.05 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 12,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-past-convergence',
      cause: 'healthy',
      notes: 'Budgets far past convergence: a flat loss for most of the run is the task being done.',
    },
    run(
      'healthy-past-convergence-circles',
      'ReLU 32-32 on circles, Adam 3e-3, 50 epochs, model.fit.',
      [],
      (s) => ({
        data: circles2(s),
        layers: mlp([32, 32], 'relu', softmax(2), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 3e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 50,
      }),
    ),
    run(
      'healthy-past-convergence-regression',
      'ReLU 64-64 on Friedman #1, Adam 1e-3 with cosine decay, 40 epochs, custom loop.',
      [],
      (s) => ({
        data: regression(s),
        layers: mlp([64, 64], 'relu', linearUnit, { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        schedule: cosine,
        loss: 'meanSquaredError',
        loop: 'custom',
        batchSize: 32,
        epochs: 40,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-moderate-depth',
      cause: 'healthy',
      notes:
        'Four and five hidden layers without normalisation, with the initialisers their activations want.',
    },
    run(
      'healthy-moderate-depth-tanh',
      'tanh 64×4 (Glorot) on moons, SGD momentum 0.05, 20 epochs, custom loop.',
      [],
      (s) => ({
        data: moons2(s),
        layers: mlp([64, 64, 64, 64], 'tanh', softmax(2)),
        optimizer: { name: 'momentum', lr: 0.05 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 20,
      }),
    ),
    run(
      'healthy-moderate-depth-relu',
      'ReLU 64×5 (He) on 5 blobs, Adam 1e-3, 10 epochs, model.fit.',
      [],
      (s) => ({
        data: blobs5(s),
        layers: mlp([64, 64, 64, 64, 64], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 10,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-small-regularised',
      cause: 'healthy',
      notes: 'A few hundred training examples held by dropout: small data trained with care.',
    },
    run(
      'healthy-small-regularised-digits',
      '400 digits, ReLU 64 + dropout 0.5 and L2 1e-3, Adam 3e-3, 15 epochs, model.fit.',
      [],
      (s) => ({
        data: digits(s, { n: 900, nTrain: 400 }),
        layers: [
          { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal', l2: 1e-3 },
          { kind: 'dropout', rate: 0.5 },
          { kind: 'dense', ...softmax(10) },
        ] satisfies LayerSpec[],
        optimizer: { name: 'adam', lr: 3e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 16,
        epochs: 15,
      }),
    ),
    run(
      'healthy-small-regularised-moons',
      '300 moons, ReLU 32-32 + dropout 0.3, RMSProp 3e-3, 25 epochs, custom loop.',
      [],
      (s) => ({
        data: moons(s, 700, 300, 0.2),
        layers: withDropout([32, 32], 'relu', 0.3, softmax(2)),
        optimizer: { name: 'rmsprop', lr: 3e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 16,
        epochs: 25,
      }),
    ),
  ),
];

// A second set, named and specified before any was trained or diagnosed, after the first set
// had been used for tuning: what else a healthy run looks like.
export const HEALTHY_PRACTICE_MORE_VARIANTS: Variant[] = [
  variant(
    {
      id: 'healthy-adagrad-spirals',
      cause: 'healthy',
      notes: 'Adagrad, whose effective rate shrinks on its own as squared gradients accumulate.',
    },
    run(
      'healthy-adagrad-spirals-relu',
      'ReLU 128-64 on spirals, Adagrad 0.05, 25 epochs, custom loop.',
      [],
      (s) => ({
        data: spirals(s, 1600, 1200, 3, 0.15),
        layers: mlp([128, 64], 'relu', softmax(3), { init: 'heNormal' }),
        optimizer: { name: 'adagrad', lr: 0.05 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 25,
      }),
    ),
    run(
      'healthy-adagrad-spirals-deep',
      'ReLU 64-64-64 on spirals, Adagrad 0.1, 25 epochs, model.fit.',
      [],
      (s) => ({
        data: spirals(s, 1600, 1200, 3, 0.15),
        layers: mlp([64, 64, 64], 'relu', softmax(3), { init: 'heNormal' }),
        optimizer: { name: 'adagrad', lr: 0.1 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 25,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-regression-dropout',
      cause: 'healthy',
      notes: 'Regression with dropout: train loss above val loss all run long, noisy batch losses.',
    },
    run(
      'healthy-regression-dropout-adam',
      'ReLU 128-128 + dropout 0.2, Adam 1e-3, 30 epochs, model.fit.',
      [],
      (s) => ({
        data: regression(s),
        layers: withDropout([128, 128], 'relu', 0.2, linearUnit),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'meanSquaredError',
        loop: 'fit',
        batchSize: 32,
        epochs: 30,
      }),
    ),
    run(
      'healthy-regression-dropout-momentum',
      'tanh 64 + dropout 0.1, SGD momentum 0.01, 30 epochs, custom loop.',
      [],
      (s) => ({
        data: regression(s),
        layers: withDropout([64], 'tanh', 0.1, linearUnit),
        optimizer: { name: 'momentum', lr: 0.01 },
        loss: 'meanSquaredError',
        loop: 'custom',
        batchSize: 32,
        epochs: 30,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-binary-imbalanced',
      cause: 'healthy',
      notes: 'Two classes at 70/30 on one sigmoid unit: the minority class is learned.',
    },
    run(
      'healthy-binary-imbalanced-moons',
      'Moons 70/30, ReLU 32-32, sigmoid + BCE, Adam 3e-3, 15 epochs, model.fit.',
      [],
      (s) => ({
        data: { ...moons(s, 1600, 1200, 0.15, [0.7, 0.3]), task: 'binary' },
        layers: mlp([32, 32], 'relu', sigmoidUnit, { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 3e-3 },
        loss: 'binaryCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 15,
      }),
    ),
    run(
      'healthy-binary-imbalanced-blobs',
      'Blobs 70/30, tanh 32, sigmoid + BCE, RMSProp 3e-3, 12 epochs, custom loop.',
      [],
      (s) => ({
        data: {
          ...blobs(s, { n: 2000, nTrain: 1600, k: 2, d: 8, spread: 1, shares: [0.7, 0.3] }),
          task: 'binary',
        },
        layers: mlp([32], 'tanh', sigmoidUnit),
        optimizer: { name: 'rmsprop', lr: 3e-3 },
        loss: 'binaryCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 12,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-bn-small-batch',
      cause: 'healthy',
      notes: 'Batch normalisation at batch 16: noisier batch statistics, still healthy.',
    },
    run(
      'healthy-bn-small-batch-digits',
      'ReLU 128-64 each with batch norm, Adam 1e-3, batch 16, 10 epochs, model.fit.',
      [],
      (s) => ({
        data: digits10(s),
        layers: [
          { kind: 'dense', units: 128, activation: 'relu', init: 'heNormal' },
          { kind: 'batchNorm' },
          { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal' },
          { kind: 'batchNorm' },
          { kind: 'dense', ...softmax(10) },
        ] satisfies LayerSpec[],
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 16,
        epochs: 10,
      }),
    ),
    run(
      'healthy-bn-small-batch-moons',
      'ReLU 64-64 each with batch norm, SGD momentum 0.02, batch 16, 12 epochs, custom loop.',
      [],
      (s) => ({
        data: moons2(s),
        layers: [
          { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal' },
          { kind: 'batchNorm' },
          { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal' },
          { kind: 'batchNorm' },
          { kind: 'dense', ...softmax(2) },
        ] satisfies LayerSpec[],
        optimizer: { name: 'momentum', lr: 0.02 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 16,
        epochs: 12,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-wide-circles',
      cause: 'healthy',
      notes: 'A wide net on an easy problem: loss near zero early, tiny gradients from then on.',
    },
    run(
      'healthy-wide-circles-adamax',
      'ReLU 256-256 on circles, Adamax 2e-3, 15 epochs, model.fit.',
      [],
      (s) => ({
        data: circles2(s),
        layers: mlp([256, 256], 'relu', softmax(2), { init: 'heNormal' }),
        optimizer: { name: 'adamax', lr: 2e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 64,
        epochs: 15,
      }),
    ),
    run(
      'healthy-wide-circles-sgd',
      'ReLU 256 on circles, plain SGD 0.1, 20 epochs, custom loop.',
      [],
      (s) => ({
        data: circles2(s),
        layers: mlp([256], 'relu', softmax(2), { init: 'heNormal' }),
        optimizer: { name: 'sgd', lr: 0.1 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 20,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-elu-regression',
      cause: 'healthy',
      notes: 'ELU and SELU on regression, with the initialisers they want.',
    },
    run('healthy-elu-regression-elu', 'ELU 64-64 (He), Adam 1e-3, 25 epochs, custom loop.', [], (s) => ({
      data: regression(s),
      layers: mlp([64, 64], 'elu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 25,
    })),
    run(
      'healthy-elu-regression-selu',
      'SELU 64-64 (LeCun normal), RMSProp 1e-3, 25 epochs, model.fit.',
      [],
      (s) => ({
        data: regression(s),
        layers: mlp([64, 64], 'selu', linearUnit, { init: 'leCunNormal' }),
        optimizer: { name: 'rmsprop', lr: 1e-3 },
        loss: 'meanSquaredError',
        loop: 'fit',
        batchSize: 32,
        epochs: 25,
      }),
    ),
  ),
];
