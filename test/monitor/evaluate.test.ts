import { describe, expect, it } from 'vitest';
import { classificationMetrics, createMonitor, type TF } from '../../src/monitor/index.js';
import { blobs, collectingSink, stepsOf, tfOn } from './support.js';

describe('evaluation on held-out data', () => {
  it('scores per class and macro-averages over every class, a class never predicted scoring 0', () => {
    // The collapsed 3-class run of examples/samples: everything predicted as class 2.
    const m = classificationMetrics([
      [0, 0, 15],
      [0, 0, 18],
      [0, 0, 12],
    ]);
    expect(m.accuracy).toBeCloseTo(12 / 45, 5);
    expect(m.precision).toBeCloseTo(0.0888889, 5);
    expect(m.recall).toBeCloseTo(1 / 3, 5);
    expect(m.f1).toBeCloseTo(0.140351, 5);
    expect(m).toMatchObject({ precision_0: 0, recall_2: 1, f1_1: 0 });
  });

  it('writes an eval event with the confusion matrix and predicted-class counts of the model', async () => {
    const tf = await tfOn('wasm');
    const test = blobs(tf, { n: 60, seed: 5 });
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })],
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink });
    const event = await monitor.evaluate({ x: test.x, y: test.y, split: 'val' });

    const predicted = Array.from((model.predict(test.x) as TF.Tensor).argMax(-1).dataSync());
    const confusion = [0, 1, 2].map((t) =>
      [0, 1, 2].map((p) => predicted.filter((q, i) => q === p && test.labels[i] === t).length),
    );
    expect(event).toMatchObject({
      type: 'eval',
      split: 'val',
      confusion,
      predictedClassCounts: [0, 1, 2].map((c) => predicted.filter((p) => p === c).length),
    });
    expect(event!.metrics.accuracy).toBeCloseTo(
      predicted.filter((p, i) => p === test.labels[i]).length / 60,
      5,
    );
    expect(event!.metrics.loss).toBeCloseTo((model.evaluate(test.x, test.y) as TF.Scalar).dataSync()[0]!, 4);
    // The sink's copy carries the wall time the monitor stamps on every event it writes.
    expect(sink.events.at(-1)).toEqual({ ...event, time: expect.any(Number) });
  });

  it('scores a regression by its loss, mean squared and mean absolute error', async () => {
    const tf = await tfOn('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const monitor = await createMonitor({ tf, model, sink: collectingSink() });
    const event = await monitor.evaluate({
      x: tf.tensor2d([[1], [2], [3]]),
      y: tf.tensor2d([[1], [3], [6]]),
    });
    expect(event!.metrics.loss).toBeCloseTo(10 / 3, 4);
    expect(event!.metrics.mse).toBeCloseTo(10 / 3, 4);
    expect(event!.metrics.mae).toBeCloseTo(4 / 3, 4);
    expect(event).not.toHaveProperty('confusion');
  });
});

describe('custom loops', () => {
  it('measure activations on the probe batch when one is given', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 32 });
    const probe = blobs(tf, { n: 8, seed: 9 }).x;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, activation: 'relu', inputShape: [4], name: 'h' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'o' }),
      ],
    });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, optimizer: tf.train.sgd(0.1), every: 1, probe });
    await monitor.trainStep(
      () => tf.losses.softmaxCrossEntropy(data.yOneHot, model.apply(data.x) as TF.Tensor) as TF.Scalar,
    );
    const hidden = Array.from(
      (
        tf
          .model({ inputs: model.inputs, outputs: model.layers[0]!.output as TF.SymbolicTensor })
          .predict(probe) as TF.Tensor
      ).dataSync(),
    );
    expect(stepsOf(sink.events)[0]!.layers!.h!.actMean).toBeCloseTo(
      hidden.reduce((a, b) => a + b, 0) / hidden.length,
      5,
    );
  });

  it('stop on their own non-finite loss when asked to, and say so in the end event', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 32, scale: 1000 });
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, optimizer: tf.train.sgd(10), stopOnFatal: true });
    let steps = 0;
    while (!monitor.stopRequested && steps < 100) {
      // Squared error on inputs in the thousands with a learning rate of 10: Inf within a few steps.
      await monitor.trainStep(
        () => tf.losses.meanSquaredError(data.yOneHot, model.apply(data.x) as TF.Tensor) as TF.Scalar,
      );
      steps++;
    }
    await monitor.finish();
    expect(steps).toBeLessThan(100);
    expect(monitor.stopReason).toMatch(/^loss is (NaN|Infinity) at step \d+$/);
    expect(sink.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged', reason: monitor.stopReason });
  });
});
