import { describe, expect, it } from 'vitest';
import { createMonitor, type TF } from '../../src/monitor/index.js';
import { valueHistogram } from '../../src/monitor/value-histogram.js';
import { blobs, collectingSink, stepsOf, tfOn } from './support.js';

describe('a histogram of values the monitor has read', () => {
  it('counts every finite value once in equal buckets from the lowest to the highest, the top one in the last', () => {
    const v = new Float32Array([9, -1, 0, 0.5, 1, Number.NaN, 2, Number.POSITIVE_INFINITY, 3, 7]);
    // Two ranges of the read-back vector (the value 9 before them is not the layer's).
    const h = valueHistogram(
      v,
      [
        { at: 1, size: 5 },
        { at: 6, size: 3 },
      ],
      4,
    )!;
    expect(h.edges).toEqual([-1, 0, 1, 2, 3]);
    expect(h.counts).toEqual([1, 2, 1, 2]);
  });

  it('gives one bucket of no width when every value is equal, and none when no value is finite', () => {
    expect(valueHistogram([0, 0, 0], [{ at: 0, size: 3 }], 30)).toEqual({ edges: [0, 0], counts: [3] });
    expect(valueHistogram([Number.NaN, Number.POSITIVE_INFINITY], [{ at: 0, size: 2 }], 30)).toBeUndefined();
  });
});

/** A small dense layer and one too large to read whole (8,192 values a tensor at most). */
function model(tf: Awaited<ReturnType<typeof tfOn>>) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], name: 'small' }),
      tf.layers.dense({ units: 600, activation: 'relu', name: 'large' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
}

/**
 * Trains `model(tf)` on 64 blobs for `steps` monitored SGD steps with the options given, then
 * finishes: the first layer's kernel as the last step left it, and the step events written.
 */
async function trainMonitored(
  steps: number,
  options: { every: number; histogramEvery?: number; histogramBuckets?: number },
) {
  const tf = await tfOn('cpu');
  const data = blobs(tf, { n: 64 });
  const m = model(tf);
  const sink = collectingSink();
  const monitor = await createMonitor({
    tf,
    model: m,
    sink,
    optimizer: tf.train.sgd(0.05),
    loss: 'categoricalCrossentropy',
    ...options,
  });
  const loss = () => tf.losses.softmaxCrossEntropy(data.yOneHot, m.apply(data.x) as TF.Tensor) as TF.Scalar;
  for (let i = 0; i < steps; i++) await monitor.trainStep(loss);
  // The monitor reads weights after the update.
  const kernel = m.layers[0]!.weights[0]!.read().dataSync();
  await monitor.finish();
  return { kernel, steps: stepsOf(sink.events) };
}

describe('the TF.js monitor’s weight and gradient histograms (cpu backend)', () => {
  it('writes 30-bucket histograms of each small layer’s kernel and gradients on the steps asked', async () => {
    const { kernel, steps } = await trainMonitored(3, { every: 2, histogramEvery: 2 });
    const sampled = steps.filter((s) => s.layers?.small?.weightHistogram).map((s) => s.step);
    expect(sampled).toEqual([0, 2]);
    const small = steps[2]!.layers!.small!;
    expect(small.weightHistogram).toEqual(valueHistogram(kernel, [{ at: 0, size: kernel.length }], 30));
    expect(small.weightHistogram!.counts).toHaveLength(30);
    // Kernel and bias gradients, as gradNorm counts them: 4 × 16 + 16 values.
    expect(small.gradHistogram!.counts.reduce((a, b) => a + b, 0)).toBe(4 * 16 + 16);
    expect(steps[2]!.layers!.out!.gradHistogram!.counts).toHaveLength(30);
    // 16 × 600 kernel values are summed on the backend, never read: no histogram rather than a partial one.
    expect(steps[2]!.layers!.large!.weightNorm).toBeGreaterThan(0);
    expect(steps[2]!.layers!.large).not.toHaveProperty('weightHistogram');
    expect(steps[2]!.layers!.large).not.toHaveProperty('gradHistogram');
  });

  it('by default writes them at most every 100 steps, as the Python client does', async () => {
    const { steps } = await trainMonitored(3, { every: 1 });
    expect(steps.filter((s) => s.layers).map((s) => s.step)).toEqual([0, 1, 2]);
    expect(steps.filter((s) => s.layers?.small?.gradHistogram).map((s) => s.step)).toEqual([0]);
  });

  it('writes weight histograms under model.fit too, which hides gradients', async () => {
    const tf = await tfOn('cpu');
    const data = blobs(tf, { n: 32 });
    const m = model(tf);
    m.compile({ optimizer: tf.train.sgd(0.05), loss: 'sparseCategoricalCrossentropy' });
    const sink = collectingSink();
    const monitor = await createMonitor({ tf, model: m, sink, every: 1, histogramEvery: 2 });
    await m.fit(data.x, data.y, { epochs: 1, batchSize: 8, callbacks: [monitor.callback()], verbose: 0 });
    const steps = stepsOf(sink.events);
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    expect(steps.filter((s) => s.layers?.small?.weightHistogram).map((s) => s.step)).toEqual([0, 2]);
    expect(steps.some((s) => s.layers?.small?.gradHistogram)).toBe(false);
  });

  it('writes none with histogramBuckets 0', async () => {
    const layers = (await trainMonitored(1, { every: 1, histogramBuckets: 0 })).steps[0]!.layers!;
    expect(layers.small!.gradNorm).toBeGreaterThan(0);
    expect(Object.values(layers).some((s) => 'weightHistogram' in s || 'gradHistogram' in s)).toBe(false);
  });
});
