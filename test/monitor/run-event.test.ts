import { describe, expect, it } from 'vitest';
import { RunEvent } from '../../src/domain/index.js';
import { createMonitor, initializerName, initTfjsBackend, tfjsBackendName } from '../../src/monitor/index.js';
import { blobs, collectingSink, tfOn } from './support.js';

async function runEventOf(options: Omit<Parameters<typeof createMonitor>[0], 'sink'>) {
  const sink = collectingSink();
  const monitor = await createMonitor({ ...options, sink });
  await monitor.start();
  return RunEvent.parse(sink.events[0]);
}

describe('the run event, written from the model itself', () => {
  it('describes layers, parameters, optimizer, loss, task and the training data', async () => {
    const tf = await tfOn('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 16, inputShape: [4], kernelInitializer: 'heNormal', name: 'hidden' }),
        tf.layers.reLU({ name: 'relu' }),
        tf.layers.dropout({ rate: 0.2, name: 'drop' }),
        tf.layers.dense({ units: 3, activation: 'softmax', trainable: false, name: 'out' }),
      ],
    });
    model.compile({
      optimizer: tf.train.momentum(0.05, 0.9),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const train = blobs(tf, { n: 90 });
    const val = blobs(tf, { n: 30, seed: 3 });
    const values = train.x.arraySync();
    values[0]![0] = Number.NaN;
    const run = await runEventOf({
      tf,
      model,
      runId: 'run-event-1',
      name: 'blobs',
      tags: { team: 'vision' },
      batchSize: 32,
      epochs: 5,
      data: { x: tf.tensor2d(values), y: train.yOneHot, validation: { x: val.x, y: val.yOneHot } },
    });

    expect(run).toMatchObject({
      id: 'run-event-1',
      name: 'blobs',
      framework: 'tfjs',
      task: 'classification',
      model: { params: 16 * 4 + 16 + 3 * 16 + 3, trainableParams: 16 * 4 + 16 },
      optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false },
      loss: 'categorical_crossentropy',
      fromLogits: false,
      batchSize: 32,
      epochs: 5,
      dataset: { trainSize: 90, valSize: 30, numClasses: 3, classCounts: [30, 30, 30] },
      tags: { team: 'vision', backend: 'wasm', monitor: 'traindx-tfjs', statsEvery: '10' },
    });
    expect(run.model!.layers).toEqual([
      {
        name: 'hidden',
        type: 'Dense',
        activation: 'linear',
        units: 16,
        params: 80,
        trainable: true,
        kernelInitializer: 'heNormal',
        biasInitializer: 'zeros',
        outputShape: [null, 16],
      },
      { name: 'relu', type: 'ReLU', activation: 'relu', params: 0, trainable: true, outputShape: [null, 16] },
      { name: 'drop', type: 'Dropout', params: 0, trainable: true, outputShape: [null, 16] },
      {
        name: 'out',
        type: 'Dense',
        activation: 'softmax',
        units: 3,
        params: 51,
        trainable: false,
        kernelInitializer: 'glorotNormal',
        biasInitializer: 'zeros',
        outputShape: [null, 3],
      },
    ]);
    const stats = run.dataset!.inputStats!;
    expect(stats.nanCount).toBe(1);
    const finite = values.flat().filter(Number.isFinite);
    expect(stats.mean).toBeCloseTo(finite.reduce((a, b) => a + b, 0) / finite.length, 4);
    expect(stats.min).toBeCloseTo(Math.min(...finite), 4);
    expect(stats.max).toBeCloseTo(Math.max(...finite), 4);
  });

  it('reads regression and binary tasks from the loss, and counts class indices', async () => {
    const tf = await tfOn('wasm');
    const regression = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    regression.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
    const y = tf.tensor2d([[1], [2], [3], [6]]);
    const reg = await runEventOf({ tf, model: regression, data: { x: tf.ones([4, 2]), y } });
    expect(reg).toMatchObject({
      task: 'regression',
      loss: 'mean_squared_error',
      optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999 },
      dataset: { trainSize: 4, labelStats: { mean: 3, min: 1, max: 6 } },
    });
    expect(reg.dataset!.labelStats!.std).toBeCloseTo(Math.sqrt(3.5), 5);

    const binary = tf.sequential({
      layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })],
    });
    binary.compile({ optimizer: 'rmsprop', loss: 'binaryCrossentropy' });
    const bin = await runEventOf({
      tf,
      model: binary,
      data: { x: tf.ones([5, 2]), y: tf.tensor1d([0, 1, 1, 1, 1]) },
    });
    expect(bin).toMatchObject({
      task: 'binary-classification',
      loss: 'binary_crossentropy',
      optimizer: { name: 'rmsprop' },
      dataset: { numClasses: 2, classCounts: [1, 4] },
    });
  });

  it('calls one-hot labels classes even under a regression loss (the loss is what is wrong), unless told the task', async () => {
    const tf = await tfOn('wasm');
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanAbsoluteError' });
    const oneHot = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const run = await runEventOf({ tf, model, data: { x: tf.ones([4, 2]), y: oneHot } });
    expect(run).toMatchObject({
      task: 'classification',
      loss: 'mean_absolute_error',
      dataset: { numClasses: 3, classCounts: [1, 2, 1] },
    });
    const told = await runEventOf({ tf, model, task: 'regression', data: { x: tf.ones([4, 2]), y: oneHot } });
    expect(told.task).toBe('regression');
    // Soft targets (rows of probabilities) are not one-hot: the loss decides.
    const soft = tf.tensor2d([
      [0.5, 0.5, 0],
      [0, 1, 0],
      [0.2, 0.3, 0.5],
      [0, 0, 1],
    ]);
    const regression = await runEventOf({ tf, model, data: { x: tf.ones([4, 2]), y: soft } });
    expect(regression.task).toBe('regression');
  });

  it('names initializers the way Keras and the remedies do', () => {
    const scaling = (scale: number, mode: string, distribution: string) => ({
      className: 'VarianceScaling',
      config: { scale, mode, distribution },
    });
    expect(initializerName(scaling(1, 'fanAvg', 'uniform'))).toBe('glorotUniform');
    expect(initializerName(scaling(2, 'fanIn', 'normal'))).toBe('heNormal');
    expect(initializerName(scaling(1, 'fanIn', 'uniform'))).toBe('leCunUniform');
    expect(initializerName({ className: 'Constant', config: { value: -6 } })).toBe('constant(-6)');
    expect(initializerName({ className: 'RandomNormal', config: {} })).toBe('randomNormal');
  });
});

describe('the TensorFlow.js backend', () => {
  it('is wasm here (tfjs-node is not installed) and falls back to cpu on request', async () => {
    expect(tfjsBackendName()).toBe('wasm');
    expect((await initTfjsBackend()).backend).toBe('wasm');
    const cpu = await initTfjsBackend('cpu');
    expect(cpu).toMatchObject({ backend: 'cpu', note: 'pure-JS cpu backend' });
    expect(cpu.tf.getBackend()).toBe('cpu');
  });
});
