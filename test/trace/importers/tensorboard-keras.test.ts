import { describe, expect, it } from 'vitest';
import type { Point } from '../../../src/trace/importers/tensorboard/event-stream.js';
import { mergeByStep } from '../../../src/trace/importers/tensorboard/merge-by-step.js';
import { diagnoseFixture, epochs, expected, fixture, num, readRun, steps } from './support.js';

// Written by keras.callbacks.TensorBoard itself (test/fixtures/importers/keras_tensorboard.py), with
// update_freq="batch" and histogram_freq=1: `batch_*` at the global batch, `epoch_*` at the epoch index.
const tb = (name: string) => fixture('tensorboard', name);
const f32 = (v: number | string) => Math.fround(num(v));
const same = (a: number | undefined, b: number) => (Number.isNaN(b) ? Number.isNaN(a) : a === b);

describe("TensorBoard importer on keras.callbacks.TensorBoard's own files", () => {
  it.each(['keras-healthy', 'keras-diverging'])(
    'reads %s: each batch value at its global batch, each epoch value at the last batch of its epoch',
    async (name) => {
      const run = await readRun(tb(name));
      const want = expected(`tensorboard-${name}`);
      expect(run.notes).toEqual([]);
      const got = steps(run.events);
      expect(got.map((s) => s.step)).toEqual(want.batches.map((b: { step: number }) => b.step));
      for (const [i, b] of want.batches.entries()) {
        expect(same(got[i]!.loss, f32(b.loss))).toBe(true);
        expect(got[i]!.metrics!.accuracy).toBe(f32(b.accuracy));
      }
      // Steps and epochs are not mixed up on the x axis: epoch i sits at its last batch, with its validation values.
      const ends = epochs(run.events);
      expect(ends.map((e) => [e.epoch, e.step])).toEqual(
        want.epochs.map((e: { epoch: number; lastStep: number }) => [e.epoch, e.lastStep]),
      );
      for (const [i, e] of want.epochs.entries()) {
        expect(same(ends[i]!.train!.loss, f32(e.loss))).toBe(true);
        expect(same(ends[i]!.val!.loss, f32(e.val_loss))).toBe(true);
        expect(ends[i]!.val!.accuracy).toBe(f32(e.val_accuracy));
        expect(got.find((s) => s.step === e.lastStep)!.learningRate).toBe(f32(e.learning_rate));
      }
    },
  );

  it("turns the weight histograms Keras logs every epoch into per-layer statistics at the epoch's last batch", async () => {
    const run = await readRun(tb('keras-healthy'));
    const want = expected('tensorboard-keras-healthy');
    const withLayers = steps(run.events).filter((s) => s.layers);
    expect(withLayers.map((s) => s.step)).toEqual(want.epochs.map((e: { lastStep: number }) => e.lastStep));
    for (const s of withLayers) {
      expect(Object.keys(s.layers!)).toEqual(['sequential/dense', 'sequential/dense_1']);
      expect(s.layers!['sequential/dense']!.weightNorm).toBeGreaterThan(0);
      expect(s.layers!['sequential/dense']!.weightMaxAbs).toBeGreaterThan(0);
    }
  });

  it('reads the callback\'s default update_freq="epoch" with the epoch index as the step, skipping evaluation_*_vs_iterations', async () => {
    const run = await readRun(tb('keras-epochs'));
    const want = expected('tensorboard-keras-epochs');
    expect(run.notes).toEqual([]);
    const ends = epochs(run.events);
    expect(ends.map((e) => [e.epoch, e.step, e.train!.loss, e.val!.loss])).toEqual(
      want.epochs.map((e: Record<string, number>) => [e.epoch, e.epoch, f32(e.loss!), f32(e.val_loss!)]),
    );
    expect(steps(run.events).map((s) => [s.step, Object.keys(s.layers!)])).toEqual(
      want.epochs.map((e: { epoch: number }) => [e.epoch, ['sequential/dense', 'sequential/dense_1']]),
    );
  });

  it('ends the run the learning rate of 50 blew up as diverged, keeping its NaN losses', async () => {
    const run = await readRun(tb('keras-diverging'));
    const losses = steps(run.events).map((s) => s.loss!);
    expect(losses.slice(0, 12).every(Number.isFinite)).toBe(true);
    expect(losses.slice(12).every(Number.isNaN)).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged', step: 96 });
  });
});

describe('mergeByStep', () => {
  const point = (step: number, tag: string): Point => ({ step, tag, value: step, histogram: undefined });
  async function* stream(...batches: Point[][]) {
    yield* batches;
  }

  it('hands on every point of a stream that goes back in steps, instead of waiting for it forever', async () => {
    const merged: Point[] = [];
    const back = stream([point(1, 'a'), point(5, 'a'), point(0, 'a')], [point(6, 'a')]);
    for await (const points of mergeByStep([back, stream([point(2, 'b'), point(7, 'b')])]))
      merged.push(...points);
    expect(merged.map((p) => `${p.tag}${p.step}`).sort()).toEqual(['a0', 'a1', 'a5', 'a6', 'b2', 'b7']);
  });
});

describe('diagnose on keras.callbacks.TensorBoard logs', () => {
  it('names the learning rate of the run SGD at 50 made diverge', async () => {
    const diagnosis = await diagnoseFixture(tb('keras-diverging'));
    expect(diagnosis.causes[0]).toMatchObject({ id: 'learning_rate_too_high' });
    expect(diagnosis.causes[0]!.confidence).toBeGreaterThan(0.9);
  });

  it.each(['keras-healthy', 'keras-epochs'])('calls the healthy run %s healthy', async (name) => {
    const diagnosis = await diagnoseFixture(tb(name));
    expect(diagnosis.symptoms).toEqual([]);
    expect(diagnosis.causes).toEqual([]);
  });
});
