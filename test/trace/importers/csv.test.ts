import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../../src/engine/index.js';
import { TraceError } from '../../../src/trace/index.js';
import { diagnoseFixture, epochs, fixture, readRun, steps } from './support.js';

/** The rows of a CSV the logger wrote, as the test reads them (a plain split: these files quote nothing). */
function rowsOf(path: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = header!.split(',');
  return lines.map((line) =>
    Object.fromEntries(
      line
        .split(',')
        .map((cell, i) => [names[i]!, cell === '' ? undefined : cell === 'nan' ? Number.NaN : Number(cell)])
        .filter(([, v]) => v !== undefined),
    ),
  );
}

describe('Keras CSVLogger importer', () => {
  it('reads each row as an epoch: train and val loss and accuracy, the learning rate at that epoch', async () => {
    const path = fixture('keras', 'healthy.csv');
    const run = await readRun(path);
    const rows = rowsOf(path);
    expect(epochs(run.events)).toEqual(
      rows.map((r) => ({
        type: 'epoch',
        epoch: r.epoch,
        train: { accuracy: r.accuracy, loss: r.loss },
        val: { accuracy: r.val_accuracy, loss: r.val_loss },
      })),
    );
    expect(steps(run.events).map((s) => s.learningRate)).toEqual(rows.map((r) => r.learning_rate));
    expect(run.events[0]).toEqual({
      type: 'run',
      formatVersion: 1,
      id: 'healthy',
      name: 'healthy',
      task: 'classification',
    });
  });

  it('keeps the NaN losses of the diverging run and ends it as diverged', async () => {
    const run = await readRun(fixture('keras', 'diverging.csv'));
    const losses = epochs(run.events).map((e) => e.train!.loss!);
    expect(losses.some(Number.isNaN)).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged' });
  });

  it('names the file and the line of a cut-off row, after the rows before it', async () => {
    const text = readFileSync(fixture('keras', 'healthy.csv'), 'utf8');
    const cut = join(mkdtempSync(join(tmpdir(), 'traindx-csv-')), 'cut.csv');
    writeFileSync(cut, text.slice(0, text.indexOf('\n5,') + 4));
    const run = await readRun(cut);
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toBe(
      `${cut}, line 7: expected 6 cells as the header has, got 2 (a cut-off or damaged line)`,
    );
    expect(epochs(run.events)).toHaveLength(5);
  });

  it('refuses an empty log with an error naming it', async () => {
    await expect(diagnosePath(fixture('keras', 'empty.csv'))).rejects.toThrow(/empty\.csv.*empty/);
  });

  it('lists the columns of a metric it does not know instead of guessing, and reads them when --map says where they go', async () => {
    const path = fixture('keras', 'unknown-columns.csv');
    const run = await readRun(path);
    expect(run.notes).toEqual([
      'columns traindx does not know, not imported (map one with --map NAME=FIELD): top2, val_top2',
    ]);
    expect(Object.keys(epochs(run.events)[0]!.train!)).toEqual(['accuracy', 'loss']);
    const mapped = await readRun(path, { map: { top2: 'train.top2', val_top2: 'val.top2' } });
    expect(mapped.notes).toEqual([]);
    expect(epochs(mapped.events).map((e) => [e.train!.top2, e.val!.top2])).toEqual(
      rowsOf(path).map((r) => [r.top2, r.val_top2]),
    );
  });
});

describe('Lightning CSVLogger importer', () => {
  it('reads metrics.csv by step, the val rows as epochs, and the optimizer from hparams.yaml', async () => {
    const run = await readRun(fixture('lightning', 'healthy'));
    const rows = rowsOf(fixture('lightning', 'healthy', 'version_0', 'metrics.csv'));
    expect(run.name).toBe('healthy-version_0');
    expect(run.events[0]).toMatchObject({
      framework: 'pytorch',
      optimizer: { name: 'sgd', learningRate: 0.05 },
    });
    const byStep = new Map(steps(run.events).map((s) => [s.step, s]));
    for (const r of rows.filter((r) => r.train_loss_step !== undefined)) {
      expect(byStep.get(r.step!)).toMatchObject({
        loss: r.train_loss_step,
        epoch: r.epoch,
        learningRate: 0.05,
      });
      expect(byStep.get(r.step!)!.metrics).toEqual({ accuracy: r.train_acc });
    }
    const val = rows.filter((r) => r.val_loss !== undefined);
    const train = rows.filter((r) => r.train_loss_epoch !== undefined);
    expect(epochs(run.events)).toEqual(
      val.map((r, i) => ({
        type: 'epoch',
        epoch: r.epoch,
        step: r.step,
        train: { loss: train[i]!.train_loss_epoch },
        val: { accuracy: r.val_acc, loss: r.val_loss },
      })),
    );
  });

  it('reads a folder written by trainer.validate alone (validation rows only)', async () => {
    const run = await readRun(fixture('lightning', 'val-only'));
    expect(run.events.map((e) => e.type)).toEqual(['run', 'epoch', 'end']);
  });
});

describe('DeepFD-style indicator logs', () => {
  it('maps every column with a trace field and keeps the indicators as metrics', async () => {
    const path = fixture('deepfd', 'diverging.csv');
    const run = await readRun(path);
    const [first] = rowsOf(path);
    expect(epochs(run.events)[0]).toEqual({
      type: 'epoch',
      epoch: 0,
      train: {
        loss: first!.train_loss,
        accuracy: first!.train_acc,
        mean_gradient: first!.mean_gradient,
        gradient_vanish: first!.gradient_vanish,
        gradient_explode: first!.gradient_explode,
        dying_relu: first!.dying_relu,
        nan_weight_count: first!.nan_weight_count,
      },
      val: { loss: first!.val_loss, accuracy: first!.val_acc },
    });
    expect(steps(run.events)[0]).toEqual({ type: 'step', step: 0, epoch: 0, learningRate: 8 });
    expect(run.notes).toEqual([]);
  });
});

describe('diagnose on CSV logs', () => {
  it.each([
    ['keras', 'diverging.csv'],
    ['lightning', 'diverging'],
    ['deepfd', 'diverging.csv'],
  ])('names the learning rate of the diverging run in %s/%s', async (...parts) => {
    const diagnosis = await diagnoseFixture(fixture(...parts));
    expect(diagnosis.causes[0]!.id).toBe('learning_rate_too_high');
  });

  it.each([
    ['keras', 'healthy.csv'],
    ['lightning', 'healthy'],
    ['lightning', 'val-only'],
    ['deepfd', 'healthy.csv'],
  ])('calls the healthy run %s/%s healthy', async (...parts) => {
    const diagnosis = await diagnoseFixture(fixture(...parts));
    expect(diagnosis.symptoms).toEqual([]);
    expect(diagnosis.causes).toEqual([]);
  });
});
