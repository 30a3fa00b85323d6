import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceError } from '../../../src/trace/index.js';
import { diagnoseFixture, epochs, expected, fixture, num, readRun, readRuns, steps } from './support.js';

const tb = (name: string) => fixture('tensorboard', name);
const f32 = (v: number | string) => Math.fround(num(v));

describe('TensorBoard importer', () => {
  it('reads every scalar torch SummaryWriter logged, at its step, with float32 precision', async () => {
    const run = await readRun(tb('healthy'));
    const want = expected('tensorboard-healthy');
    const byStep = new Map(steps(run.events).map((s) => [s.step, s]));
    for (const [step, v] of want.scalars['train/loss']) expect(byStep.get(step)!.loss).toBe(f32(v));
    for (const [step, v] of want.scalars.lr) expect(byStep.get(step)!.learningRate).toBe(f32(v));
    for (const [step, v] of want.scalars.grad_norm) expect(byStep.get(step)!.gradNorm).toBe(f32(v));
    for (const [step, v] of want.scalars['train/accuracy'])
      expect(byStep.get(step)!.metrics!.accuracy).toBe(f32(v));
    const val = epochs(run.events);
    expect(val.map((e) => [e.step, e.val!.loss, e.epoch])).toEqual(
      want.scalars['val/loss'].map(([step, v]: [number, number], i: number) => [step, f32(v), i]),
    );
    expect(run.events[0]).toMatchObject({ type: 'run', id: 'healthy' });
    expect(run.events.at(-1)).toEqual({ type: 'end', step: 63, status: 'completed' });
    expect(run.notes).toEqual([]);
  });

  it('turns legacy histograms into exact per-layer norms and max |value|, and an approximate zero share', async () => {
    const run = await readRun(tb('healthy'));
    const want = expected('tensorboard-healthy');
    const byStep = new Map(steps(run.events).map((s) => [s.step, s]));
    for (const [tag, points] of Object.entries(want.histograms) as [string, number[][]][]) {
      const [kind, layer] = tag.split('/') as [string, string];
      for (const [step, norm, maxAbs, zeros] of points) {
        const stats = byStep.get(step!)!.layers![layer]!;
        const [n, m] =
          kind === 'weights' ? [stats.weightNorm, stats.weightMaxAbs] : [stats.gradNorm, stats.gradMaxAbs];
        expect(n).toBeCloseTo(norm!, 10);
        expect(m).toBe(maxAbs);
        if (kind === 'gradients') expect(stats.zeroGradFraction).toBeGreaterThanOrEqual(zeros!);
      }
    }
  });

  it("reads Keras's train/ and validation/ writers as one run of TF2 tensor summaries (scalars and histograms plugins)", async () => {
    const run = await readRun(tb('keras-tf2'));
    const want = expected('tensorboard-keras-tf2');
    const got = epochs(run.events);
    expect(got.map((e) => e.train!.loss)).toEqual(
      want.scalars['train/epoch_loss'].map(([, v]: number[]) => f32(v!)),
    );
    expect(got.map((e) => e.val!.loss)).toEqual(
      want.scalars['validation/epoch_loss'].map(([, v]: number[]) => f32(v!)),
    );
    expect(got.map((e) => e.val!.accuracy)).toEqual(
      want.scalars['validation/epoch_accuracy'].map(([, v]: number[]) => f32(v!)),
    );
    // A TF2 histogram is buckets only: max |value| is exact (outer edges), the norm approximate.
    const byStep = new Map(steps(run.events).map((s) => [s.step, s]));
    for (const [step, norm, maxAbs] of want.histograms['sequential/dense/kernel/histogram']) {
      const stats = byStep.get(step)!.layers!['sequential/dense']!;
      expect(stats.weightMaxAbs).toBeCloseTo(maxAbs, 12);
      expect(Math.abs(stats.weightNorm! / norm - 1)).toBeLessThan(0.05);
    }
  });

  it('keeps a NaN loss where it was logged', async () => {
    const run = await readRun(tb('nan-value'));
    const loss = steps(run.events).map((s) => s.loss!);
    expect(loss).toHaveLength(40);
    expect(Number.isNaN(loss[17])).toBe(true);
    expect(loss.filter(Number.isNaN)).toHaveLength(1);
  });

  it('ends a run whose loss turned NaN as diverged', async () => {
    const run = await readRun(tb('diverging'));
    expect(run.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged' });
  });

  it('names the file and the byte offset of a cut-off record, after yielding every point before it', async () => {
    const run = await readRun(tb('truncated'));
    const want = expected('tensorboard-truncated');
    const file = readdirSync(tb('truncated'))[0]!;
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toBe(
      `${tb('truncated')}/${file}, byte ${want.cutAt - 7}: truncated record: the file ends 7 bytes into a record`,
    );
    const diverging = steps((await readRun(tb('diverging'))).events);
    const got = steps(run.events);
    expect(got.length).toBeGreaterThan(10);
    // Points of the last step read may still be incomplete; all before it are the healthy file's.
    expect(got.slice(0, -1)).toEqual(diverging.slice(0, got.length - 1));
  });

  it('names the file and the byte offset of a record whose CRC does not match', async () => {
    const run = await readRun(tb('corrupted-crc'));
    const want = expected('tensorboard-corrupted-crc');
    expect(run.error!.message).toMatch(
      new RegExp(
        `corrupted-crc/events\\.out\\.tfevents\\.[^,]+, byte ${want.recordOffset}: corrupted record: the CRC of its data does not match$`,
      ),
    );
    expect(steps(run.events).length).toBeGreaterThan(5);
  });

  it('refuses an event file that logged nothing, naming it', async () => {
    const run = await readRun(tb('empty'));
    expect(run.error!.message).toMatch(
      /empty\/events\.out\.tfevents\.[^:]+: no values logged \(an empty log\)$/,
    );
  });

  it('reads a log of validation values only as epoch events', async () => {
    const run = await readRun(tb('val-only'));
    expect(run.events.map((e) => e.type)).toEqual([
      'run',
      'epoch',
      'epoch',
      'epoch',
      'epoch',
      'epoch',
      'end',
    ]);
    expect(epochs(run.events)[4]!.val).toEqual({ loss: f32(0.6), accuracy: f32(0.82) });
  });

  it('lists tags it does not know instead of guessing, and reads them when --map says where they go', async () => {
    const run = await readRun(tb('unknown-tags'));
    expect(run.notes).toEqual([
      'tags traindx does not know, not imported (map one with --map NAME=FIELD): throughput/samples_per_sec, my_metric',
    ]);
    expect(steps(run.events)[0]).toEqual({ type: 'step', step: 0, loss: 1 });
    const mapped = await readRun(tb('unknown-tags'), {
      map: { my_metric: 'metrics.half_loss', 'throughput/samples_per_sec': 'ignore' },
    });
    expect(mapped.notes).toEqual([]);
    expect(steps(mapped.events)[0]).toEqual({ type: 'step', step: 0, loss: 1, metrics: { half_loss: 0.5 } });
  });

  it('keeps the values logged after a restart from a checkpoint, and says so', async () => {
    const run = await readRun(tb('restart'));
    const want = expected('tensorboard-restart');
    expect(steps(run.events).map((s) => [s.step, s.loss])).toEqual(
      want.scalars.loss.map(([s, v]: number[]) => [s, f32(v!)]),
    );
    expect(run.notes).toHaveLength(1);
    expect(run.notes[0]).toMatch(
      /restarts from an earlier step \(step 20 at .*\.b, byte \d+\): the 10 values logged before at steps 20\.\.29 were replaced/,
    );
  });

  it('reads a folder of run folders as one run each', async () => {
    const runs = await readRuns(fixture('tensorboard'));
    expect(runs.map((r) => r.name)).toEqual([
      'corrupted-crc',
      'diverging',
      'empty',
      'healthy',
      'keras-diverging',
      'keras-epochs',
      'keras-healthy',
      'keras-tf2',
      'nan-value',
      'restart',
      'restart-same-file',
      'restart-session-start',
      'truncated',
      'unknown-tags',
      'val-only',
    ]);
  });
});

describe('diagnose on TensorBoard logs', () => {
  it('names the learning rate of the run SGD at 20 made diverge', async () => {
    const diagnosis = await diagnoseFixture(tb('diverging'));
    expect(diagnosis.causes[0]).toMatchObject({ id: 'learning_rate_too_high' });
    expect(diagnosis.causes[0]!.confidence).toBeGreaterThan(0.9);
  });

  it.each(['healthy', 'keras-tf2'])('calls the healthy run %s healthy', async (name) => {
    const diagnosis = await diagnoseFixture(tb(name));
    expect(diagnosis.symptoms).toEqual([]);
    expect(diagnosis.causes).toEqual([]);
  });
});
