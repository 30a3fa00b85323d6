import type { Experiment } from '../experiment.js';
import { mlp } from '../models.js';
import { blobs5, deep, digits10, linearUnit, moons2, regression, softmax } from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Model faults in the units themselves: initialisation, saturating activations, dead ReLUs.

export const INIT_ACTIVATION_VARIANTS: Variant[] = [
  variant(
    {
      id: 'init-zeros-blobs',
      cause: 'poor_weight_initialization',
      notes: 'Every kernel initialised to zeros (symmetric units), ReLU MLP, Adam, custom loop.',
    },
    run(
      'init-zeros-blobs',
      'zeros everywhere.',
      [],
      (s): Experiment => ({
        data: blobs5(s),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'zeros', outInit: 'zeros' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 8,
      }),
    ),
  ),
  variant(
    {
      id: 'init-large-tanh-digits',
      cause: 'poor_weight_initialization',
      notes: 'tanh MLP with N(0, 3²) kernels: units pinned at ±1 from the start, SGD, custom loop.',
    },
    run('init-large-tanh-digits', 'stddev 3.', [], (s) => ({
      data: digits10(s),
      layers: mlp([128, 64], 'tanh', softmax(10), { init: { normal: 3 } }),
      optimizer: { name: 'sgd', lr: 0.05 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'init-tiny-deep-moons',
      cause: 'poor_weight_initialization',
      notes:
        'Six ReLU layers initialised with N(0, 0.01²): the signal and its gradient shrink layer by layer, custom loop.',
    },
    run('init-tiny-deep-moons', 'stddev 0.01.', [], (s) => ({
      data: moons2(s),
      layers: deep(6, 32, 'relu', { kind: 'dense', ...softmax(2) }, { normal: 0.01 }),
      optimizer: { name: 'momentum', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'init-large-relu-regression',
      cause: 'poor_weight_initialization',
      notes: 'ReLU regression MLP with N(0, 2²) kernels: outputs in the thousands at step 0, SGD, model.fit.',
    },
    run('init-large-relu-regression', 'stddev 2.', [], (s) => ({
      data: regression(s),
      layers: mlp([64, 64], 'relu', linearUnit, { init: { normal: 2 } }),
      optimizer: { name: 'sgd', lr: 0.01 },
      loss: 'meanSquaredError',
      loop: 'fit',
      batchSize: 32,
      epochs: 10,
    })),
  ),

  variant(
    {
      id: 'deep-sigmoid-digits',
      cause: 'saturating_activation',
      acceptable: ['missing_normalization'],
      notes: 'Eight sigmoid hidden layers, plain SGD, custom loop.',
    },
    run('deep-sigmoid-digits', '8 × 32 sigmoid, lr 0.1.', ['vanishing_gradients'], (s) => ({
      data: digits10(s),
      layers: deep(8, 32, 'sigmoid', { kind: 'dense', ...softmax(10) }),
      optimizer: { name: 'sgd', lr: 0.1 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'deep-sigmoid-moons',
      cause: 'saturating_activation',
      notes: 'Six sigmoid hidden layers with momentum SGD, model.fit.',
    },
    run('deep-sigmoid-moons', '6 × 16 sigmoid, lr 0.01.', [], (s) => ({
      data: moons2(s),
      layers: deep(6, 16, 'sigmoid', { kind: 'dense', ...softmax(2) }),
      optimizer: { name: 'momentum', lr: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'deep-sigmoid-blobs-adam',
      cause: 'saturating_activation',
      notes: 'Six sigmoid hidden layers with a cautious Adam, custom loop.',
    },
    run('deep-sigmoid-blobs-adam', '6 × 32 sigmoid, Adam 1e-4.', [], (s) => ({
      data: blobs5(s),
      layers: deep(6, 32, 'sigmoid', { kind: 'dense', ...softmax(5) }),
      optimizer: { name: 'adam', lr: 1e-4 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),

  variant(
    {
      id: 'relu-negative-bias-blobs',
      cause: 'dying_relu',
      notes: 'Hidden ReLU biases initialised negative: most units never fire, Adam, custom loop.',
    },
    run('relu-negative-bias-blobs', 'bias −3.', ['dead_units'], (s) => ({
      data: blobs5(s),
      layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal', bias: -3 }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
    run('relu-negative-bias-blobs-1p5', 'bias −1.5 (milder).', ['dead_units'], (s) => ({
      data: blobs5(s),
      layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal', bias: -1.5 }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'relu-killed-by-adam-digits',
      cause: 'dying_relu',
      acceptable: ['learning_rate_too_high'],
      notes:
        'Large early Adam steps push most ReLU units into the dead zone; the rest still learn a little, custom loop.',
    },
    run('relu-killed-by-adam-digits', 'Adam lr 0.05.', ['dead_units'], (s) => ({
      data: digits10(s),
      layers: mlp([128, 64], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 0.05 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'relu-negative-bias-conv',
      cause: 'dying_relu',
      notes: 'Convolution and dense ReLU layers with biases −2, model.fit (cpu backend).',
    },
    run('relu-negative-bias-conv', 'bias −2.', ['dead_units'], (s) => ({
      data: digits10(s, 1000, true),
      layers: [
        { kind: 'conv', filters: 8, kernel: 3, activation: 'relu', init: 'heNormal', bias: -2 },
        { kind: 'maxPool' },
        { kind: 'flatten' },
        { kind: 'dense', units: 32, activation: 'relu', init: 'heNormal', bias: -2 },
        { kind: 'dense', ...softmax(10) },
      ],
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 4,
    })),
  ),
  variant(
    {
      id: 'relu-negative-bias-regression',
      cause: 'dying_relu',
      notes: 'Regression MLP with ReLU biases −2, SGD, custom loop.',
    },
    run('relu-negative-bias-regression', 'bias −2.', ['dead_units'], (s) => ({
      data: regression(s),
      layers: mlp([64, 64], 'relu', linearUnit, { init: 'heNormal', bias: -2 }),
      optimizer: { name: 'sgd', lr: 0.01 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
];
