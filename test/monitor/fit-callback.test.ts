import { describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/index.js';
import { BACKENDS, blobs, collectingSink, countReads, smallModel, stepsOf, tfOn } from './support.js';

describe.each(BACKENDS)('the model.fit callback on the %s backend', (backend) => {
  it('writes a valid trace: run, a step per batch, layer stats every `every` batches, epochs, eval and end', async () => {
    const tf = await tfOn(backend);
    const data = blobs(tf, { n: 200 });
    const test = blobs(tf, { n: 60, seed: 2 });
    const model = smallModel(tf);
    model.compile({
      optimizer: tf.train.adam(0.01),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const sink = collectingSink();
    const warnings: string[] = [];
    const monitor = await createMonitor({
      tf,
      model,
      sink,
      every: 3,
      name: 'blobs',
      data: { x: data.x, y: data.y },
      evaluation: { x: test.x, y: test.y },
      warn: (m) => warnings.push(m),
    });
    await model.fit(data.x, data.y, {
      epochs: 2,
      batchSize: 32,
      validationData: [test.x, test.y],
      callbacks: [monitor.callback()],
      verbose: 0,
    });

    const types = sink.events.map((e) => e.type);
    expect(types[0]).toBe('run');
    expect(types.at(-2)).toBe('eval');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(2);
    const steps = stepsOf(sink.events);
    expect(steps.map((s) => s.step)).toEqual([...Array(14).keys()]); // 7 batches of 32 (the last of 8) × 2 epochs
    expect(steps.every((s) => typeof s.loss === 'number' && typeof s.metrics?.accuracy === 'number')).toBe(
      true,
    );
    expect(steps.filter((s) => s.layers).map((s) => s.step)).toEqual([0, 3, 6, 9, 12]);

    const { hidden, pre, squash, out } = steps[3]!.layers!;
    // fit hides gradients from callbacks: the trace says nothing rather than something wrong.
    expect(Object.keys(hidden!).filter((k) => k.startsWith('grad') || k === 'zeroGradFraction')).toEqual([]);
    expect(hidden).toMatchObject({ nanCount: 0, deadFraction: expect.any(Number) });
    for (const s of [hidden, pre, out]) {
      expect(s!.weightNorm).toBeGreaterThan(0);
      expect(s!.updateRatio).toBeGreaterThan(0);
      expect(s!.updateRatio).toBeLessThan(1);
      expect(s).toHaveProperty('biasStd');
      expect(s).toHaveProperty('actStd');
    }
    expect(squash).toMatchObject({ saturatedFraction: expect.any(Number), actMean: expect.any(Number) });
    expect(squash).not.toHaveProperty('weightNorm');
    expect(out!.actMean).toBeCloseTo(1 / 3, 5); // softmax rows sum to 1

    const epoch = sink.events.find((e) => e.type === 'epoch');
    expect(epoch).toMatchObject({
      epoch: 0,
      step: 6,
      train: { loss: expect.any(Number), accuracy: expect.any(Number) },
    });
    expect(epoch).toMatchObject({ val: { loss: expect.any(Number), accuracy: expect.any(Number) } });
    expect(sink.events.at(-1)).toEqual({
      type: 'end',
      step: 13,
      status: 'completed',
      time: expect.any(Number),
    });
    // Every event says when it was written (the `time` extension), in order.
    const times = sink.events.map((e) => e.time);
    expect(times.every((t) => typeof t === 'number' && t > 1.6e12)).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a! - b!));
    expect(sink.closed).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('reads back nothing on the batches between samples: losses wait for the next sampled batch', async () => {
    const tf = await tfOn(backend);
    const data = blobs(tf, { n: 320 });
    const model = smallModel(tf);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, every: 5 });
    await monitor.start();
    const { reads } = await countReads(tf, () =>
      model.fit(data.x, data.y, { epochs: 1, batchSize: 32, callbacks: [monitor.callback()], verbose: 0 }),
    );
    // 10 batches: 2 sampled read-backs (batches 0 and 5; none on wasm, which reads them in place), one
    // for the losses after batch 5, one for the epoch's logs; plus fit's own (its History at the end).
    const fitOwn = (
      await countReads(tf, () => model.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 0 }))
    ).reads;
    expect(reads - fitOwn).toBe(backend === 'wasm' ? 2 : 4);
    expect(stepsOf(sink.events)).toHaveLength(10);
  });
});

describe('the fit callback with layers that only apply an activation', () => {
  it('names every layer of a functional model in the run event and reports ReLU layers dead from step 0', async () => {
    const tf = await tfOn('wasm');
    const input = tf.input({ shape: [4], name: 'features' });
    // Biases of -10 on inputs of about ±3 keep every unit below zero: all dead from the start.
    const dense = tf.layers.dense({
      units: 12,
      biasInitializer: tf.initializers.constant({ value: -10 }),
      name: 'dense',
    });
    const relu = tf.layers.reLU({ name: 'relu' });
    const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' });
    const model = tf.model({ inputs: input, outputs: out.apply(relu.apply(dense.apply(input))) as never });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const data = blobs(tf, { n: 64 });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, every: 1 });
    await model.fit(data.x, data.y, {
      epochs: 1,
      batchSize: 32,
      callbacks: [monitor.callback()],
      verbose: 0,
    });

    const run = sink.events[0]!;
    expect(run.type === 'run' && run.model?.layers.map((l) => [l.name, l.type, l.activation])).toEqual([
      ['dense', 'Dense', 'linear'],
      ['relu', 'ReLU', 'relu'],
      ['probs', 'Dense', 'softmax'],
    ]);
    expect(run).toMatchObject({ model: { layers: [{ biasInitializer: 'constant(-10)' }, {}, {}] } });
    const first = stepsOf(sink.events)[0]!;
    expect(first.layers?.relu).toMatchObject({ deadFraction: 1, actMean: 0, actStd: 0 });
    expect(first.layers?.dense?.actMean).toBeLessThan(-5);
  });

  it('works with fitDataset', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 96 });
    const model = smallModel(tf);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const dataset = tf.data
      .zip({ xs: tf.data.array(tf.unstack(data.x)), ys: tf.data.array(tf.unstack(data.yOneHot)) })
      .batch(32);
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, every: 2 });
    await model.fitDataset(dataset, { epochs: 2, callbacks: [monitor.callback()], verbose: 0 });
    const steps = stepsOf(sink.events);
    expect(steps).toHaveLength(6);
    expect(steps.filter((s) => s.layers).map((s) => s.step)).toEqual([0, 2, 4]);
    expect(sink.events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(sink.events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
  });
});
