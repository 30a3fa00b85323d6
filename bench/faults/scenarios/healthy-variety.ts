import { mlp } from '../models.js';
import { stepDecay, warmupCosine } from '../schedules.js';
import {
  blobs5,
  circles2,
  digits10,
  linearUnit,
  moons2,
  regression,
  softmax,
  spirals3,
  withDropout,
} from './common.js';
import { run, type Variant, variant } from './scenario.js';

// More runs that train well, for settings the first healthy set lacks: plain SGD, tiny and large
// batches, ELU/SELU, very long and very short budgets, heavy dropout on noisy data, an MAE
// regression, per-epoch decay and warm-up into cosine. With 15 healthy runs one false alarm is
// 6.7%, so a 5% goal could only be judged at zero; these make the false-alarm rate mean something.

export const HEALTHY_VARIETY_VARIANTS: Variant[] = [
  variant(
    {
      id: 'healthy-plain-sgd-blobs',
      cause: 'healthy',
      notes: 'Plain SGD (no momentum) on 5 Gaussian blobs, at both ends of the batch size.',
    },
    run(
      'healthy-plain-sgd-blobs-batch8',
      'ReLU 64-32, lr 0.02, batch 8 (noisy batch losses), custom loop.',
      [],
      (s) => ({
        data: blobs5(s),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'sgd', lr: 0.02 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 8,
        epochs: 5,
      }),
    ),
    run('healthy-plain-sgd-blobs-batch256', 'tanh 64, lr 0.5, batch 256, model.fit.', [], (s) => ({
      data: blobs5(s),
      layers: mlp([64], 'tanh', softmax(5)),
      optimizer: { name: 'sgd', lr: 0.5 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 256,
      epochs: 40,
    })),
  ),
  variant(
    {
      id: 'healthy-elu-selu',
      cause: 'healthy',
      notes: 'ELU and SELU hidden layers (no dead zone, no saturation at the top).',
    },
    run('healthy-elu-selu-circles-elu', 'ELU 32-32 on circles, Adam 3e-3, model.fit.', [], (s) => ({
      data: circles2(s),
      layers: mlp([32, 32], 'elu', softmax(2), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'sparseCategoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 10,
    })),
    run(
      'healthy-elu-selu-digits-selu',
      'SELU 128-64 (LeCun normal) on digits, SGD momentum 0.01, custom loop.',
      [],
      (s) => ({
        data: digits10(s),
        layers: mlp([128, 64], 'selu', softmax(10), { init: 'leCunNormal' }),
        optimizer: { name: 'momentum', lr: 0.01 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 10,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-budget-digits',
      cause: 'healthy',
      notes: 'Flat 8×8 digits with a budget far longer or far shorter than the task needs.',
    },
    run(
      'healthy-budget-digits-long',
      'ReLU 64 + dropout 0.3, Adam 1e-3, 40 epochs (converged long before the end), model.fit.',
      [],
      (s) => ({
        data: digits10(s),
        layers: withDropout([64], 'relu', 0.3, softmax(10)),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 40,
      }),
    ),
    run(
      'healthy-budget-digits-short',
      'ReLU 128-64, Adam 3e-3, 3 epochs (still improving when it stops), custom loop.',
      [],
      (s) => ({
        data: digits10(s),
        layers: mlp([128, 64], 'relu', softmax(10), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 3e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 3,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-dropout-noisy-moons',
      cause: 'healthy',
      notes:
        'Noisy moons (σ 0.3, overlapping classes) with dropout: noisy curves, training loss above validation loss.',
    },
    run(
      'healthy-dropout-noisy-moons-rmsprop',
      'ReLU 128-128, dropout 0.5, RMSProp 1e-3, model.fit.',
      [],
      (s) => ({
        data: moons2(s, 1200, 0.3),
        layers: withDropout([128, 128], 'relu', 0.5, softmax(2)),
        optimizer: { name: 'rmsprop', lr: 1e-3 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 15,
      }),
    ),
    run(
      'healthy-dropout-noisy-moons-tanh',
      'tanh 64-64, dropout 0.2, SGD momentum 0.02, batch 16, custom loop.',
      [],
      (s) => ({
        data: moons2(s, 1200, 0.3),
        layers: withDropout([64, 64], 'tanh', 0.2, softmax(2)),
        optimizer: { name: 'momentum', lr: 0.02 },
        loss: 'sparseCategoricalCrossentropy',
        loop: 'custom',
        batchSize: 16,
        epochs: 10,
      }),
    ),
  ),
  variant(
    {
      id: 'healthy-mae-regression',
      cause: 'healthy',
      notes:
        'Regression (Friedman #1, standardised targets) trained on mean absolute error, robust to outliers.',
    },
    run('healthy-mae-regression-adam', 'ReLU 64-64, Adam 3e-3, model.fit.', [], (s) => ({
      data: regression(s),
      layers: mlp([64, 64], 'relu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 3e-3 },
      loss: 'meanAbsoluteError',
      loop: 'fit',
      batchSize: 32,
      epochs: 20,
    })),
    run('healthy-mae-regression-elu', 'ELU 64-32, RMSProp 1e-3, batch 64, custom loop.', [], (s) => ({
      data: regression(s),
      layers: mlp([64, 32], 'elu', linearUnit, { init: 'heNormal' }),
      optimizer: { name: 'rmsprop', lr: 1e-3 },
      loss: 'meanAbsoluteError',
      loop: 'custom',
      batchSize: 64,
      epochs: 25,
    })),
  ),
  variant(
    {
      id: 'healthy-decay-spirals',
      cause: 'healthy',
      notes: 'Three spirals with decaying learning rates.',
    },
    run('healthy-decay-spirals-exp', 'ReLU 64-64-64, Adam 1e-2 × 0.9 every epoch, custom loop.', [], (s) => ({
      data: spirals3(s),
      layers: mlp([64, 64, 64], 'relu', softmax(3), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-2 },
      schedule: stepDecay(1, 0.9),
      loss: 'sparseCategoricalCrossentropy',
      loop: 'custom',
      batchSize: 32,
      epochs: 20,
    })),
    run(
      'healthy-decay-spirals-warmup-cosine',
      'ReLU 128-64 with batch normalisation, SGD momentum 0.05, 60 warm-up steps then cosine, model.fit.',
      [],
      (s) => ({
        data: spirals3(s),
        layers: [
          { kind: 'dense', units: 128, activation: 'relu', init: 'heNormal' },
          { kind: 'batchNorm' },
          { kind: 'dense', units: 64, activation: 'relu', init: 'heNormal' },
          { kind: 'batchNorm' },
          { kind: 'dense', ...softmax(3) },
        ],
        optimizer: { name: 'momentum', lr: 0.05 },
        schedule: warmupCosine(60),
        loss: 'sparseCategoricalCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 15,
      }),
    ),
  ),
];
