import { describe, expect, it } from 'vitest';
import { createMonitor, type TF } from '../../src/monitor/index.js';
import { blobs, collectingSink, stepsOf, tfOn } from './support.js';

describe('tensor memory of a monitored run', () => {
  it('stays flat over 1,000 custom-loop steps (statistics every 10 steps, then every step)', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 16 });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const sink = collectingSink();
    const loss = () =>
      tf.losses.softmaxCrossEntropy(data.yOneHot, model.apply(data.x) as TF.Tensor) as TF.Scalar;
    for (const every of [10, 1]) {
      const monitor = await createMonitor({ tf, model, sink, optimizer: tf.train.adam(1e-3), every });
      const steps = every === 10 ? 1000 : 100;
      await monitor.trainStep(loss); // Adam makes its slot variables on the first step
      const before = tf.memory().numTensors;
      for (let i = 1; i < steps; i++) await monitor.trainStep(loss);
      expect(tf.memory().numTensors).toBe(before);
      await monitor.finish();
    }
    expect(stepsOf(sink.events).filter((s) => s.layers)).toHaveLength(100 + 100);
  });

  it('stays flat over 1,000 batches of model.fit', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 200 });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, every: 10, evaluation: { x: data.x, y: data.y } });
    await model.fit(data.x, data.y, { epochs: 1, batchSize: 200, verbose: 0 }); // optimizer slots
    const before = tf.memory().numTensors;
    await model.fit(data.x, data.y, {
      epochs: 10,
      batchSize: 2,
      callbacks: [monitor.callback()],
      verbose: 0,
    });
    expect(stepsOf(sink.events)).toHaveLength(1000);
    expect(tf.memory().numTensors).toBe(before);
  });
});
