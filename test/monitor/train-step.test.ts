import { describe, expect, it } from 'vitest';
import type { LayerStats } from '../../src/domain/index.js';
import { createMonitor, type TF, type Tf } from '../../src/monitor/index.js';
import { BACKENDS, blobs, collectingSink, countReads, stepsOf, tfOn } from './support.js';

/** Plain JS statistics of a tensor's values, the way the spec defines them. */
function summary(values: ArrayLike<number>) {
  const xs = Array.from(values);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return {
    n,
    mean,
    std,
    norm: Math.hypot(...xs),
    maxAbs: Math.max(...xs.map(Math.abs)),
    zeros: xs.filter((x) => x === 0).length,
  };
}

/** Agreement to `digits` significant digits (float32 sums on the backend against float64 here). */
function close(actual: number | undefined, expected: number, digits = 4) {
  expect(actual).toBeTypeOf('number');
  if (Math.abs(expected) < 1e-9) expect(Math.abs(actual!)).toBeLessThan(1e-6);
  else expect(actual! / expected).toBeCloseTo(1, digits);
}

/**
 * A model whose tensors take both paths: summarised in JS as they are, or reduced on the backend
 * (above 8,192 values: the 200×200 kernel, and with `inputs: 50` the ReLU kernel and, for 64
 * examples, both hidden layers' outputs).
 */
function twoPathModel(tf: Tf, inputs = 6) {
  // Seeded kernels: the same tensors every run, so a comparison to 3-4 digits of a mean that happens
  // to land near 0 cannot make the test pass or fail by the draw.
  const kernel = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 200,
        activation: 'relu',
        inputShape: [inputs],
        kernelInitializer: kernel(11),
        name: 'wide',
      }),
      // A bias of 4 pins some sigmoid units near 1 (saturated), so that share is not trivially 0.
      tf.layers.dense({
        units: 200,
        activation: 'sigmoid',
        kernelInitializer: kernel(12),
        biasInitializer: tf.initializers.constant({ value: 4 }),
        name: 'big',
      }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: kernel(13), name: 'out' }),
    ],
  });
}

describe.each(BACKENDS)('trainStep on the %s backend', (backend) => {
  it('reports what a direct computation of the same SGD step gives, for small and large tensors', async () => {
    const tf = await tfOn(backend);
    const data = blobs(tf, { n: 64, d: 50 });
    const model = twoPathModel(tf, 50);
    const lr = 0.05;
    const optimizer = tf.train.sgd(lr);
    const sink = collectingSink();
    const monitor = await createMonitor({
      tf,
      model,
      sink,
      optimizer,
      loss: 'categoricalCrossentropy',
      every: 1,
    });
    const loss = () =>
      tf.losses.softmaxCrossEntropy(data.yOneHot, model.apply(data.x) as TF.Tensor) as TF.Scalar;

    // The reference: gradients and activations of the same step, computed without the monitor.
    const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
    const { value, grads } = tf.variableGrads(loss, vars);
    const before = new Map(vars.map((v) => [v.name, Array.from(v.dataSync())]));
    const grad = new Map(vars.map((v) => [v.name, Array.from(grads[v.name]!.dataSync())]));
    const tap = tf.model({
      inputs: model.inputs,
      outputs: model.layers.map((l) => l.output as TF.SymbolicTensor),
    });
    const acts = (tap.predict(data.x) as TF.Tensor[]).map((t) => t.dataSync());
    const expectedLoss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);

    const reported = await monitor.trainStep(loss);
    expect(reported).toBeCloseTo(expectedLoss, 5);
    const step = stepsOf(sink.events)[0]!;
    expect(step).toMatchObject({ step: 0, epoch: 0, learningRate: lr });
    ['wide', 'big', 'out'].forEach((name, i) => {
      const s: LayerStats = step.layers![name]!;
      const [kernel, bias] = model.layers[i]!.weights.map((w) => (w.read() as TF.Variable).name) as [
        string,
        string,
      ];
      const g = summary([...grad.get(kernel)!, ...grad.get(bias)!]);
      close(s.gradNorm, g.norm);
      close(s.gradMean, g.mean, 3);
      close(s.gradStd, g.std);
      close(s.gradMaxAbs, g.maxAbs);
      const after = before.get(kernel)!.map((w, j) => w - lr * grad.get(kernel)![j]!);
      const w = summary(after);
      close(s.weightNorm, w.norm);
      close(s.weightMean, w.mean, 3);
      close(s.weightStd, w.std);
      close(s.weightMaxAbs, w.maxAbs);
      close(s.updateRatio, (lr * summary(grad.get(kernel)!).norm) / w.norm, 3);
      // The biases as the update left them (float32): 'big' starts at 4, so their spread is only the step's.
      const b = summary(model.layers[i]!.weights[1]!.read().dataSync());
      close(s.biasStd, b.std);
      const a = summary(acts[i]!);
      close(s.actMean, a.mean);
      close(s.actStd, a.std);
      expect(s.nanCount).toBe(0);
    });
    const wide = step.layers!.wide!;
    const wideGrads = model.layers[0]!.weights.flatMap((w) => grad.get((w.read() as TF.Variable).name)!);
    close(wide.zeroGradFraction, summary(wideGrads).zeros / wideGrads.length);
    // Units ≤ 0 for every example; sigmoid outputs below 0.01 or above 0.99.
    const units = 200;
    const fired = Array.from({ length: units }, (_, u) => acts[0]!.some((x, j) => j % units === u && x > 0));
    expect(wide.deadFraction).toBeCloseTo(fired.filter((f) => !f).length / units, 5);
    const pinned = Array.from(acts[1]!).filter((x) => Math.abs(x - 0.5) > 0.49).length;
    expect(step.layers!.big!.saturatedFraction).toBeCloseTo(pinned / acts[1]!.length, 5);
    const total = Math.sqrt([...grad.values()].flat().reduce((sum, x) => sum + x * x, 0));
    close(step.gradNorm, total);
    await monitor.finish();
  });

  it('reads back at most once per step: the loss alone, or the loss with every statistic (in place on wasm)', async () => {
    const tf = await tfOn(backend);
    const data = blobs(tf, { n: 32 });
    const model = twoPathModel(tf);
    const monitor = await createMonitor({
      tf,
      model,
      sink: collectingSink(),
      optimizer: tf.train.adam(1e-3),
      every: 2,
    });
    const loss = () =>
      tf.losses.softmaxCrossEntropy(
        data.yOneHot,
        model.apply(blobs(tf, { n: 32, d: 6 }).x) as TF.Tensor,
      ) as TF.Scalar;
    await monitor.start();
    for (let i = 0; i < 4; i++) {
      const { reads } = await countReads(tf, () => monitor.trainStep(() => tf.tidy(loss)));
      // Sampled steps (0, 2) read their pieces from wasm's memory where they are: no read-back at all.
      expect(reads).toBe(backend === 'wasm' && i % 2 === 0 ? 0 : 1);
    }
    await monitor.finish();
  });
});

describe('trainStep on unhealthy runs (wasm)', () => {
  it('counts the NaN that inputs spread into gradients and weights, while the clipped loss stays finite', async () => {
    const tf = await tfOn('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], name: 'in' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d([
      [Number.NaN, 1, 2, 3],
      [1, 2, 3, 4],
    ]);
    const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3).toFloat();
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, every: 1 });
    for (let i = 0; i < 2; i++)
      await monitor.trainStep(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as TF.Tensor) as TF.Scalar,
      );
    const [first, second] = stepsOf(sink.events);
    expect(first!.layers!.in!.nanCount).toBeGreaterThan(0); // NaN activations, then NaN gradients
    expect(Number.isNaN(first!.layers!.in!.gradNorm)).toBe(true);
    expect(Number.isNaN(second!.layers!.in!.weightNorm)).toBe(true);
    expect(second!.layers!.in!.nanCount).toBeGreaterThanOrEqual(4 * 8);
  });

  it('counts NaN exactly in tensors reduced on the backend too, and keeps max |w| of weights too small to square', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 64, d: 50 });
    const x = data.x.arraySync();
    x[0]![0] = Number.NaN;
    const model = tf.sequential({
      layers: [
        // 50×200 kernel, 64×200 outputs: both above the size summarised in JS.
        tf.layers.dense({ units: 200, activation: 'relu', inputShape: [50], name: 'in' }),
        // Frozen weights of 1e-25: their squares underflow float32, so max |w| comes from a recount.
        tf.layers.dense({
          units: 100,
          kernelInitializer: tf.initializers.constant({ value: 1e-25 }),
          trainable: false,
          name: 'tiny',
        }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, optimizer: tf.train.sgd(0.01), every: 1 });
    await monitor.trainStep(
      () =>
        tf.losses.softmaxCrossEntropy(data.yOneHot, model.apply(tf.tensor2d(x)) as TF.Tensor) as TF.Scalar,
    );
    const { in: first, tiny } = stepsOf(sink.events)[0]!.layers!;
    // Example 0 makes every unit's output NaN (200), and every kernel gradient that meets it.
    expect(first!.nanCount).toBeGreaterThanOrEqual(200 + 50 * 200);
    expect(Number.isNaN(first!.actMean)).toBe(true);
    expect(Number.isNaN(first!.gradNorm)).toBe(true);
    expect(tiny!.weightMaxAbs! / 1e-25).toBeCloseTo(1, 5);
    await monitor.finish();
  });

  it('reports units that never fire as dead and sigmoid units pinned at 0 or 1 as saturated', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 64 });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 10,
          activation: 'relu',
          inputShape: [4],
          biasInitializer: tf.initializers.constant({ value: -50 }),
          name: 'dying',
        }),
        tf.layers.dense({
          units: 10,
          activation: 'sigmoid',
          kernelInitializer: tf.initializers.constant({ value: 0 }),
          biasInitializer: tf.initializers.constant({ value: 9 }),
          name: 'pinned',
        }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model, sink, optimizer: tf.train.sgd(0.01), every: 1 });
    await monitor.trainStep(
      () => tf.losses.softmaxCrossEntropy(data.yOneHot, model.apply(data.x) as TF.Tensor) as TF.Scalar,
    );
    const { dying, pinned } = stepsOf(sink.events)[0]!.layers!;
    expect(dying).toMatchObject({ deadFraction: 1, zeroGradFraction: 1, gradNorm: 0 });
    expect(pinned!.saturatedFraction).toBe(1); // sigmoid(9) = 0.99988
    const run = sink.events[0]!;
    expect(run).toMatchObject({ optimizer: { name: 'sgd', learningRate: 0.01 } });
  });

  it('emits epoch events for a custom loop, with the mean batch loss as the train loss', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 32 });
    const model = twoPathModel(tf);
    const sink = collectingSink();
    const monitor = await createMonitor({
      tf,
      model,
      sink,
      optimizer: tf.train.adam(1e-3),
      every: 5,
      epochs: 2,
      batchSize: 32,
    });
    const x = tf.concat([data.x, data.x.slice([0, 0], [32, 2])], 1);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let i = 0; i < 3; i++)
        losses.push(
          await monitor.trainStep(
            () => tf.losses.softmaxCrossEntropy(data.yOneHot, model.apply(x) as TF.Tensor) as TF.Scalar,
          ),
        );
      await monitor.endEpoch({ val: { loss: 1 } });
    }
    await monitor.finish();
    const epochs = sink.events.filter((e) => e.type === 'epoch');
    expect(epochs).toMatchObject([
      { epoch: 0, step: 2, val: { loss: 1 } },
      { epoch: 1, step: 5, val: { loss: 1 } },
    ]);
    expect((epochs[1] as unknown as { train: { loss: number } }).train.loss).toBeCloseTo(
      (losses[3]! + losses[4]! + losses[5]!) / 3,
      4,
    );
    expect(stepsOf(sink.events).map((s) => s.epoch)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(sink.events[0]).toMatchObject({ batchSize: 32, epochs: 2 });
    expect(sink.events.at(-1)).toEqual({
      type: 'end',
      step: 5,
      status: 'completed',
      time: expect.any(Number),
    });
  });
});
