import type { TF, Tf } from '../../../src/monitor/index.js';
import { asBinary, countTargets } from '../data-faults.js';
import { friedman, moons } from '../datasets.js';
import type { CustomLoss, Experiment } from '../experiment.js';
import { mlp } from '../models.js';
import { blobs5, circles2, digits10, moons2, regression, sigmoidUnit, softmax } from './common.js';
import { run, type Variant, variant } from './scenario.js';

// Loss and output faults: a loss that does not fit the task, an output layer whose range does not fit the
// loss or labels, and hand-written losses that break numerically.

/** −Σ y·log p written by hand, without the clipping Keras and tfjs apply: 0·log 0 = NaN once a probability underflows. */
const naiveCrossentropy: CustomLoss = {
  name: 'naiveCrossentropy',
  make: (tf: Tf) => (y: TF.Tensor, p: TF.Tensor) => tf.neg(tf.sum(tf.mul(y, tf.log(p)), -1)),
};

/** Binary cross-entropy by hand, unclipped: log(1 − p) = −∞ once a sigmoid rounds to 1. */
const naiveBinaryCrossentropy: CustomLoss = {
  name: 'naiveBinaryCrossentropy',
  make: (tf: Tf) => (y: TF.Tensor, p: TF.Tensor) =>
    tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))))),
};

/** Mean relative error |y − p| / y by hand: infinite for every target that is 0. */
const relativeError: CustomLoss = {
  name: 'relativeError',
  make: (tf: Tf) => (y: TF.Tensor, p: TF.Tensor) => tf.mean(tf.div(tf.abs(tf.sub(y, p)), y), -1),
};

export const LOSS_VARIANTS: Variant[] = [
  variant(
    {
      id: 'softmax-bce-blobs',
      cause: 'wrong_loss_function',
      acceptable: ['wrong_output_activation'],
      notes: 'Five-class softmax trained with binary cross-entropy on one-hot labels, model.fit.',
    },
    run(
      'softmax-bce-blobs',
      'binaryCrossentropy.',
      ['output_loss_mismatch'],
      (s): Experiment => ({
        data: blobs5(s),
        layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'binaryCrossentropy',
        loop: 'fit',
        batchSize: 32,
        epochs: 8,
      }),
    ),
  ),
  variant(
    {
      id: 'categorical-ce-one-unit-circles',
      cause: 'wrong_loss_function',
      acceptable: ['wrong_output_activation'],
      notes:
        'A single sigmoid output trained with categorical cross-entropy: normalised over one unit the probability is always 1, so the loss has no gradient, custom loop.',
    },
    run(
      'categorical-ce-one-unit-circles',
      'categoricalCrossentropy on one unit.',
      ['unchanged_weights'],
      (s) => ({
        data: asBinary(circles2(s)),
        layers: mlp([32, 32], 'relu', sigmoidUnit, { init: 'heNormal' }),
        optimizer: { name: 'adam', lr: 1e-3 },
        loss: 'categoricalCrossentropy',
        loop: 'custom',
        batchSize: 32,
        epochs: 8,
      }),
    ),
  ),
  variant(
    {
      id: 'mae-digits',
      cause: 'wrong_loss_function',
      notes: 'Ten-class softmax trained with mean absolute error on one-hot labels, SGD, custom loop.',
    },
    run('mae-digits', 'meanAbsoluteError.', [], (s) => ({
      data: digits10(s),
      layers: mlp([64, 32], 'relu', softmax(10), { init: 'heNormal' }),
      optimizer: { name: 'sgd', lr: 0.1 },
      loss: 'meanAbsoluteError',
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),

  variant(
    {
      id: 'linear-output-ce-blobs',
      cause: 'wrong_output_activation',
      acceptable: ['wrong_loss_function'],
      notes: 'Linear output into a probability cross-entropy (tfjs losses take probabilities), custom loop.',
    },
    run(
      'linear-output-ce-blobs',
      'linear output, sparseCategoricalCrossentropy.',
      ['output_loss_mismatch'],
      (s) => ({
        data: blobs5(s),
        layers: mlp([64, 32], 'relu', { units: 5, activation: 'linear' }, { init: 'heNormal' }),
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
      id: 'relu-output-ce-digits',
      cause: 'wrong_output_activation',
      acceptable: ['wrong_loss_function'],
      notes: 'ReLU output into categorical cross-entropy, model.fit.',
    },
    run('relu-output-ce-digits', 'relu output.', ['output_loss_mismatch'], (s) => ({
      data: digits10(s),
      layers: mlp([64, 32], 'relu', { units: 10, activation: 'relu' }, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'categoricalCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),
  variant(
    {
      id: 'sigmoid-output-regression',
      cause: 'wrong_output_activation',
      notes: 'Sigmoid output for standardised targets (most of them outside [0, 1]), custom loop.',
    },
    run('sigmoid-output-regression', 'sigmoid output, MSE.', [], (s) => ({
      data: regression(s),
      layers: mlp([64, 64], 'relu', sigmoidUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'meanSquaredError',
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'softmax-one-unit-moons',
      cause: 'wrong_output_activation',
      notes: 'Softmax over a single output unit (always 1) with binary cross-entropy, model.fit.',
    },
    run('softmax-one-unit-moons', 'softmax on one unit.', ['output_loss_mismatch'], (s) => ({
      data: asBinary(moons2(s)),
      layers: mlp([32, 32], 'relu', { units: 1, activation: 'softmax' }, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: 'binaryCrossentropy',
      loop: 'fit',
      batchSize: 32,
      epochs: 8,
    })),
  ),

  variant(
    {
      id: 'naive-bce-moons',
      cause: 'numerical_instability',
      notes: 'Hand-written unclipped binary cross-entropy on well separated moons, Adam, custom loop.',
    },
    run('naive-bce-moons', 'naiveBinaryCrossentropy.', ['loss_nan'], (s) => ({
      data: asBinary(moons(s, 1600, 1200, 0.05)),
      layers: mlp([64, 64], 'relu', sigmoidUnit, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 0.01 },
      loss: naiveBinaryCrossentropy,
      loop: 'custom',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'naive-ce-blobs',
      cause: 'numerical_instability',
      notes: 'Hand-written unclipped categorical cross-entropy on separable blobs, Adam, model.fit.',
    },
    run('naive-ce-blobs', 'naiveCrossentropy.', ['loss_nan'], (s) => ({
      data: blobs5(s),
      layers: mlp([64, 32], 'relu', softmax(5), { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 0.01 },
      loss: naiveCrossentropy,
      loop: 'fit',
      batchSize: 32,
      epochs: 10,
    })),
  ),
  variant(
    {
      id: 'relative-error-counts',
      cause: 'numerical_instability',
      notes:
        'A hand-written relative-error loss on count targets, some of them 0 (division by zero), custom loop.',
    },
    run('relative-error-counts', 'relativeError.', ['loss_nan'], (s) => ({
      data: countTargets(friedman(s, 2000, 1500, { raw: true }), 12),
      layers: mlp([64, 64], 'relu', { units: 1, activation: 'relu' }, { init: 'heNormal' }),
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: relativeError,
      loop: 'custom',
      batchSize: 32,
      epochs: 8,
    })),
  ),
];
