import { describe, expect, it } from 'vitest';
import { TraceError } from '../../../src/trace/index.js';
import { diagnoseFixture, epochs, expected, fixture, num, readRun, steps } from './support.js';

const wandb = (name: string) => fixture('wandb', name);

describe('W&B offline run importer', () => {
  it('reads every history row wandb-core logged, and the optimizer from the run config', async () => {
    const run = await readRun(wandb('healthy'));
    const want = expected('wandb-healthy');
    expect(run.name).toBe('healthy');
    expect(run.events[0]).toMatchObject({
      optimizer: { name: 'sgd', learningRate: 0.05 },
      batchSize: 32,
      epochs: 4,
    });
    const rows = want.rows as Record<string, number>[];
    const train = rows.filter((r) => 'train/loss' in r);
    expect(
      steps(run.events).map((s) => [
        s.step,
        s.loss,
        s.learningRate,
        s.gradNorm,
        s.metrics!.accuracy,
        s.epoch,
      ]),
    ).toEqual(train.map((r) => [r._step, r['train/loss'], r.lr, r.grad_norm, r['train/accuracy'], r.epoch]));
    const val = rows.filter((r) => 'val/loss' in r);
    expect(epochs(run.events).map((e) => [e.step, e.val!.loss, e.val!.accuracy])).toEqual(
      val.map((r) => [r._step, r['val/loss'], r['val/accuracy']]),
    );
  });

  it('keeps the NaN losses W&B charts hide, and ends the run as diverged', async () => {
    const run = await readRun(wandb('diverging'));
    const want = (expected('wandb-diverging').rows as Record<string, number | string>[]).filter(
      (r) => 'train/loss' in r,
    );
    const got = steps(run.events).map((s) => s.loss!);
    expect(got).toEqual(want.map((r) => num(r['train/loss']!)));
    expect(got.some(Number.isNaN)).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged' });
  });

  it('names the file and the byte offset of a cut-off record, after the rows before it', async () => {
    const run = await readRun(wandb('truncated'));
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toMatch(
      /truncated\/wandb\/offline-run-[^/]+\/run-[^.]+\.wandb, byte \d+: truncated record: the file ends inside it$/,
    );
    expect(steps(run.events).length).toBeGreaterThan(20);
  });

  it('names the file and the byte offset of a record whose CRC does not match', async () => {
    const run = await readRun(wandb('corrupted-crc'));
    expect(run.error!.message).toMatch(
      /corrupted-crc\/.*\.wandb, byte \d+: corrupted record: the CRC of its data does not match$/,
    );
    const healthy = steps((await readRun(wandb('healthy'))).events);
    const got = steps(run.events);
    expect(got.length).toBeGreaterThan(10);
    expect(got.slice(0, -1)).toEqual(healthy.slice(0, got.length - 1));
  });

  it('refuses a run that logged nothing, naming its file', async () => {
    const run = await readRun(wandb('empty'));
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toMatch(
      /empty\/wandb\/offline-run-[^/]+\/run-[^.]+\.wandb: no values logged \(an empty log\)$/,
    );
  });

  it('reads a run of validation rows only as epoch events', async () => {
    const run = await readRun(wandb('val-only'));
    const rows = expected('wandb-val-only').rows as Record<string, number>[];
    expect(steps(run.events)).toEqual([]);
    expect(epochs(run.events).map((e) => [e.step, e.val!.loss, e.val!.accuracy])).toEqual(
      rows.map((r) => [r._step, r['val/loss'], r['val/accuracy']]),
    );
    expect(run.events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
  });

  it('lists the keys it does not know instead of guessing, and reads them when --map says where they go', async () => {
    const run = await readRun(wandb('unknown-keys'));
    expect(run.notes).toEqual([
      'keys traindx does not know, not imported (map one with --map NAME=FIELD): throughput/samples_per_sec, my_metric',
    ]);
    expect(steps(run.events)[0]).toEqual({ type: 'step', step: 0, loss: 1 });
    const mapped = await readRun(wandb('unknown-keys'), {
      map: { my_metric: 'metrics.half_loss', 'throughput/samples_per_sec': 'ignore' },
    });
    expect(mapped.notes).toEqual([]);
    expect(steps(mapped.events)[0]).toEqual({ type: 'step', step: 0, loss: 1, metrics: { half_loss: 0.5 } });
  });
});

describe('diagnose on W&B offline runs', () => {
  it('names the learning rate of the run SGD at 20 made diverge', async () => {
    const diagnosis = await diagnoseFixture(wandb('diverging'));
    expect(diagnosis.causes[0]!.id).toBe('learning_rate_too_high');
  });

  it('calls the healthy run healthy', async () => {
    const diagnosis = await diagnoseFixture(wandb('healthy'));
    expect(diagnosis.symptoms).toEqual([]);
    expect(diagnosis.causes).toEqual([]);
  });
});
