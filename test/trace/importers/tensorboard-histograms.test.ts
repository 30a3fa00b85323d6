import { describe, expect, it } from 'vitest';
import { Histogram } from '../../../src/domain/index.js';
import { expected, fixture, readRun, steps } from './support.js';

const tb = (name: string) => fixture('tensorboard', name);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('TensorBoard histograms carried into the trace', () => {
  it("puts the buckets of Keras's TF2 histogram tensors (histogram_freq=1) in each layer's weightHistogram", async () => {
    const run = await readRun(tb('keras-healthy'));
    const want = expected('tensorboard-keras-healthy');
    const withLayers = steps(run.events).filter((s) => s.layers);
    expect(withLayers.map((s) => s.step)).toEqual(want.epochs.map((e: { lastStep: number }) => e.lastStep));
    // keras_tensorboard.py's model: Dense(32) on 8 inputs, then Dense(3): kernels of 256 and 96 weights.
    for (const s of withLayers)
      for (const [layer, size] of [
        ['sequential/dense', 256],
        ['sequential/dense_1', 96],
      ] as const) {
        const stats = s.layers![layer]!;
        const h = Histogram.parse(stats.weightHistogram);
        expect(h.edges).toHaveLength(h.counts.length + 1);
        expect(sum(h.counts)).toBe(size);
        // A TF2 histogram's outer edges are the values' min and max: the exact max |value|.
        expect(Math.max(Math.abs(h.edges[0]!), Math.abs(h.edges.at(-1)!))).toBe(stats.weightMaxAbs);
        expect(stats.gradHistogram).toBeUndefined();
      }
    // The buckets change as the weights train: not one histogram copied to every epoch.
    const first = withLayers[0]!.layers!['sequential/dense']!.weightHistogram!;
    const last = withLayers.at(-1)!.layers!['sequential/dense']!.weightHistogram!;
    expect(last.edges).not.toEqual(first.edges);
  });

  it("puts the buckets of torch's legacy histograms (bucket_limit, bucket) in weightHistogram and gradHistogram", async () => {
    const run = await readRun(tb('healthy'));
    const want = expected('tensorboard-healthy');
    const byStep = new Map(steps(run.events).map((s) => [s.step, s]));
    // generate.py's mlp(): Linear(8, 32), then Linear(32, 3): weights of 256 and 96 values.
    const sizes: Record<string, number> = { fc1: 256, fc2: 96 };
    let seen = 0;
    for (const [tag, points] of Object.entries(want.histograms) as [string, number[][]][]) {
      const [kind, layer] = tag.split('/') as [string, string];
      for (const [step, , maxAbs] of points) {
        const stats = byStep.get(step!)!.layers![layer]!;
        const h = Histogram.parse(kind === 'weights' ? stats.weightHistogram : stats.gradHistogram);
        expect(sum(h.counts)).toBe(sizes[layer]);
        expect(h.edges.every((e, i) => i === 0 || e >= h.edges[i - 1]!)).toBe(true);
        // Bucket i holds the values in (edge i, edge i+1]: the outer edges enclose every value.
        expect(Math.max(Math.abs(h.edges[0]!), Math.abs(h.edges.at(-1)!))).toBeGreaterThanOrEqual(maxAbs!);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(4);
  });
});
