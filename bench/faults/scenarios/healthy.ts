import type { Experiment } from '../experiment.js';
import { type LayerSpec, mlp } from '../models.js';
import { cosine, stepDecay, warmup } from '../schedules.js';
import { blobs5, circles2, digits10, moons2, regression, sigmoidUnit, softmax, spirals3 } from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Runs that train well, with the variety of ordinary practice: optimizers, schedules, dropout, batch
// normalisation, convolutions, regression, both training paths.

// One small convolution: tfjs-backend-wasm lacks the convolution gradient, so these train on the slower cpu backend.
const conv = (): LayerSpec[] => [
  { kind: 'conv', filters: 8, kernel: 3, activation: 'relu', init: 'heNormal' },
  { kind: 'maxPool' },
  { kind: 'flatten' },
  { kind: 'dense', units: 32, activation: 'relu', init: 'heNormal' },
  { kind: 'dense', ...softmax(10) },
];

const bnDropout = (units: number[], rate: number, k: number): LayerSpec[] => [
  ...units.flatMap((u): LayerSpec[] => [
    { kind: 'dense', units: u, activation: 'relu', init: 'heNormal' },
    { kind: 'batchNorm' },
    { kind: 'dropout', rate },
  ]),
  { kind: 'dense', ...softmax(k) },
];

const deepBn = (depth: number, k: number): LayerSpec[] => [
  ...Array.from({ length: depth }, (): LayerSpec[] => [
    { kind: 'dense', units: 32, activation: 'relu', init: 'heNormal' },
    { kind: 'batchNorm' },
  ]).flat(),
  { kind: 'dense', ...softmax(k) },
];

export const HEALTHY_VARIANTS: Variant[] = [
  variant(
    {
      id: 'healthy-adam-blobs',
      cause: 'healthy',
      notes: 'ReLU MLP, Adam, 5 Gaussian blobs in 10-D, custom loop.',
    },
    run(
      'healthy-adam-blobs-64',
      '64-32 units, lr 1e-3.',
      [],
      (s): Experiment => ({
        data: blobs5(s),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 10,
      }),
    ),
    run('healthy-adam-blobs-128', '128-64 units, lr 2e-3, batch 64.', [], (s) => ({
      data: blobs5(s),
      layers: mlp([128, 64], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 2e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 64,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'healthy-momentum-cosine-moons',
      cause: 'healthy',
      notes: 'SGD with momentum 0.9 and cosine decay, moons, model.fit.',
    },
    run('healthy-momentum-cosine-moons-64', '64-64 ReLU, lr 0.05.', [], (s) => ({
      data: moons2(s),
      layers: mlp([64, 64], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'momentum', lr: 0.05 },
      schedule: cosine,
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 12,
    })),
    run('healthy-momentum-cosine-moons-tanh', '32-32 tanh, lr 0.1, one sigmoid output.', [], (s) => ({
      data: { ...moons2(s), task: 'binary' },
      layers: mlp([32, 32], 'tanh', sigmoidUnit),
      optimizer: { name: 'momentum', lr: 0.1 },
      schedule: cosine,
      loss: 'binaryCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 12,
    })),
  ),
  variant(
    {
      id: 'healthy-warmup-circles',
      cause: 'healthy',
      notes: 'Linear warm-up then constant rate, concentric circles, custom loop.',
    },
    run('healthy-warmup-circles-tanh', 'tanh 32-32, momentum 0.9, lr 0.1, warm-up 100 steps.', [], (s) => ({
      data: circles2(s),
      layers: mlp([32, 32], 'tanh', softmax(2)),
      optimizer: { name: 'momentum', lr: 0.1 },
      schedule: warmup(100),
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 12,
    })),
    run('healthy-warmup-circles-relu', 'ReLU 64-32, Adam 3e-3, warm-up 50 steps, batch 16.', [], (s) => ({
      data: circles2(s, 800),
      layers: mlp([64, 32], 'relu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      schedule: warmup(50),
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 16,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'healthy-conv-digits',
      cause: 'healthy',
      notes: 'Small CNN (one 3×3 convolution, max-pooling) on 8×8 digits, model.fit (cpu backend).',
    },
    run('healthy-conv-digits-adam', 'Adam 5e-3.', [], (s) => ({
      data: digits10(s, 1000, true),
      layers: conv(),
      optimizer: { name: 'adam', lr: 5e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 6,
    })),
    run(
      'healthy-conv-digits-onehot',
      'Adam 4e-3 halved after 4 epochs, one-hot labels, categorical cross-entropy.',
      [],
      (s) => ({
        data: digits10(s, 1000, true),
        layers: conv(),
        optimizer: { name: 'adam', lr: 4e-3 },
        schedule: stepDecay(4, 0.5),
        loss: 'categoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 7,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-bn-dropout-digits',
      cause: 'healthy',
      notes: 'Dense + batch normalisation + dropout on flat 8×8 digits, custom loop.',
    },
    run('healthy-bn-dropout-digits-rmsprop', '128-64, dropout 0.3, RMSProp 1e-3.', [], (s) => ({
      data: digits10(s),
      layers: bnDropout([128, 64], 0.3, 10),
      optimizer: { name: 'rmsprop', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
    run('healthy-bn-dropout-digits-adamax', '64-64, dropout 0.2, Adamax 2e-3.', [], (s) => ({
      data: digits10(s),
      layers: bnDropout([64, 64], 0.2, 10),
      optimizer: { name: 'adamax', lr: 2e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'healthy-regression-friedman',
      cause: 'healthy',
      notes: 'Regression (Friedman #1, standardised targets), MSE.',
    },
    run(
      'healthy-regression-friedman-adam',
      'ReLU 64-64, Adam 2e-3 halved every 5 epochs, model.fit.',
      [],
      (s) => ({
        data: regression(s),
        layers: mlp([64, 64], 'relu', { units: 1, activation: 'linear' }, { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 2e-3 },
        schedule: stepDecay(5, 0.5),
        loss: 'meanSquaredError',
        loop: 'fit',
        batchSize: 32,
        epochs: 15,
      }),
    ),
    run(
      'healthy-regression-friedman-momentum',
      'tanh 64-32, SGD momentum lr 0.01, custom loop.',
      [],
      (s) => ({
        data: regression(s),
        layers: mlp([64, 32], 'tanh', { units: 1, activation: 'linear' }),
        optimizer: { name: 'momentum', lr: 0.01 },
        loss: 'meanSquaredError',
        loop: 'custom',
        batchSize: 32,
        epochs: 15,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-deep-bn-spirals',
      cause: 'healthy',
      notes: 'Deep ReLU MLP with batch normalisation after every layer, 3 spirals.',
    },
    run('healthy-deep-bn-spirals-8', '8 hidden layers of 32, Adam 3e-3.', [], (s) => ({
      data: spirals3(s),
      layers: deepBn(8, 3),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
    run('healthy-deep-bn-spirals-6', '6 hidden layers of 32, momentum 0.05, model.fit.', [], (s) => ({
      data: spirals3(s),
      layers: deepBn(6, 3),
      optimizer: { name: 'momentum', lr: 0.05 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 12,
    })),
  ),
  variant(
    {
      id: 'healthy-l2-small-moons',
      cause: 'healthy',
      notes: '400 noisy moons, L2 weight decay keeps a 64-64 MLP from overfitting, model.fit.',
    },
    run('healthy-l2-small-moons-adagrad', 'Adagrad 0.05, L2 1e-3.', [], (s) => ({
      data: moons2(s, 400, 0.25),
      layers: [
        { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal', l2: 1e-3 },
        { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal', l2: 1e-3 },
        { kind: 'dense', ...softmax(2) },
      ],
      optimizer: { name: 'adagrad', lr: 0.05 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 16,
      epochs: 20,
    })),
  ),
];
