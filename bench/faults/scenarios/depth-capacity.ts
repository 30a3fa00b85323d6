import { asBinary } from '../data-faults.js';
import { mlp } from '../models.js';
import {
  blobs5,
  circles2,
  deep,
  digits10,
  linearUnit,
  moons2,
  regression,
  softmax,
  spirals3,
} from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Model faults in the shape of the network: too deep, no normalisation, too small.

export const DEPTH_CAPACITY_VARIANTS: Variant[] = [
  variant(
    {
      id: 'plain-24-relu-moons',
      cause: 'network_too_deep',
      acceptable: ['missing_normalization'],
      notes:
        '24 plain ReLU layers (default Glorot init, no normalisation, no skips), momentum SGD, custom loop.',
    },
    run('plain-24-relu-moons', '24 × 16.', [], (s) => ({
      data: moons2(s),
      layers: deep(24, 16, 'relu', { kind: 'dense', ...softmax(2) }),
      optimizer: { name: 'momentum', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
      every: 10,
    })),
  ),
  variant(
    {
      id: 'plain-30-relu-blobs',
      cause: 'network_too_deep',
      acceptable: ['missing_normalization'],
      notes: '30 plain ReLU layers (default Glorot init), SGD, custom loop.',
    },
    run('plain-30-relu-blobs', '30 × 16.', [], (s) => ({
      data: blobs5(s),
      layers: deep(30, 16, 'relu', { kind: 'dense', ...softmax(5) }),
      optimizer: { name: 'sgd', lr: 0.05 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 6,
      every: 10,
    })),
  ),
  variant(
    {
      id: 'plain-20-relu-digits',
      cause: 'network_too_deep',
      acceptable: ['missing_normalization'],
      notes: '20 plain ReLU layers, Adam, model.fit.',
    },
    run('plain-20-relu-digits', '20 × 32.', [], (s) => ({
      data: digits10(s),
      layers: deep(20, 32, 'relu', { kind: 'dense', ...softmax(10) }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 6,
      every: 10,
    })),
  ),

  variant(
    {
      id: 'deep-12-relu-blobs',
      cause: 'missing_normalization',
      acceptable: ['network_too_deep'],
      notes: 'Twelve ReLU layers (default Glorot init) without batch normalisation, plain SGD, custom loop.',
    },
    run('deep-12-relu-blobs', '12 × 32, lr 0.01.', [], (s) => ({
      data: blobs5(s),
      layers: deep(12, 32, 'relu', { kind: 'dense', ...softmax(5) }),
      optimizer: { name: 'sgd', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 6,
    })),
  ),
  variant(
    {
      id: 'deep-12-relu-spirals',
      cause: 'missing_normalization',
      acceptable: ['network_too_deep'],
      notes: 'Twelve ReLU layers without normalisation on spirals, momentum SGD, model.fit.',
    },
    run('deep-12-relu-spirals', '12 × 32, lr 0.01.', [], (s) => ({
      data: spirals3(s),
      layers: deep(12, 32, 'relu', { kind: 'dense', ...softmax(3) }),
      optimizer: { name: 'momentum', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'deep-10-relu-regression',
      cause: 'missing_normalization',
      acceptable: ['network_too_deep'],
      notes: 'Ten ReLU layers without normalisation on a regression, SGD, custom loop.',
    },
    run('deep-10-relu-regression', '10 × 32, lr 0.005.', [], (s) => ({
      data: regression(s),
      layers: deep(10, 32, 'relu', { kind: 'dense', ...linearUnit }),
      optimizer: { name: 'sgd', lr: 0.005 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),

  variant(
    {
      id: 'one-unit-digits',
      cause: 'insufficient_capacity',
      notes: 'A one-unit tanh bottleneck for ten classes, Adam, custom loop.',
    },
    run('one-unit-digits', '1 hidden unit.', ['underfitting'], (s) => ({
      data: digits10(s),
      layers: mlp([1], 'tanh', softmax(10)),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'linear-circles',
      cause: 'insufficient_capacity',
      notes: 'Logistic regression (no hidden layer) on concentric circles, model.fit.',
    },
    run('linear-circles', 'no hidden layer.', ['underfitting'], (s) => ({
      data: asBinary(circles2(s)),
      layers: [{ kind: 'dense', units: 1, activation: 'sigmoid' }],
      optimizer: { name: 'adam', lr: 1e-2 },
      loss: 'binaryCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'two-unit-spirals',
      cause: 'insufficient_capacity',
      notes: 'Two ReLU units for three interleaved spirals, Adam, custom loop.',
    },
    run('two-unit-spirals', '2 hidden units.', ['underfitting'], (s) => ({
      data: spirals3(s),
      layers: mlp([2], 'relu', softmax(3), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-2 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
];
