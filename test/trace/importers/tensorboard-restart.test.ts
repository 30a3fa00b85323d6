import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceError } from '../../../src/trace/index.js';
import { fileVersionEvent, scalarEvent, sessionStartEvent, writeEventFile } from './event-file-builder.js';
import { epochs, expected, fixture, num, readRun, steps } from './support.js';

const tb = (name: string) => fixture('tensorboard', name);
const f32 = (v: number | string) => Math.fround(num(v));
const runDir = (name: string) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'traindx-tb-')), name);
  mkdirSync(dir);
  return dir;
};

describe('TensorBoard importer on a run that goes back in steps inside one event file', () => {
  it("drops what torch's SummaryWriter logged before the rollback at the step it went back to or later", async () => {
    const run = await readRun(tb('restart-same-file'));
    const want = expected('tensorboard-restart-same-file');
    const got = steps(run.events);
    expect(got.map((s) => [s.step, s.loss, s.learningRate])).toEqual(
      want.scalars.loss.map(([s, v]: number[], i: number) => [s, f32(v!), f32(want.scalars.lr[i][1])]),
    );
    // The histogram the first pass logged at 25 is gone with the rest; the second pass's is kept.
    expect(got.filter((s) => s.layers).map((s) => s.step)).toEqual(want.histogramSteps);
    expect(run.notes).toHaveLength(1);
    expect(run.notes[0]).toMatch(
      new RegExp(
        `restarts from an earlier step \\(step ${want.restartStep} at .*restart-same-file/events\\.out\\.tfevents\\.[^,]+, byte \\d+\\): ` +
          `the ${want.purged} values logged before at steps 20\\.\\.29 were replaced by the later ones`,
      ),
    );
  });

  it("drops, at a SessionLog.START of step s, every point logged before at s or later, as TensorBoard's EventAccumulator does", async () => {
    const run = await readRun(tb('restart-session-start'));
    const want = expected('tensorboard-restart-session-start');
    // The restarted session logs from step 30 on: no tag goes back, only the START says what to drop.
    expect(steps(run.events).map((s) => [s.step, s.loss])).toEqual(
      want.scalars.loss.map(([s, v]: number[]) => [s, f32(v!)]),
    );
    expect(run.notes[0]).toMatch(
      /step 20 at .*, byte \d+\): the 10 values logged before at steps 20\.\.29 were/,
    );
  });

  it('drops a tag the restarted run no longer logs, when it was logged past the restart, so the steps never go back', async () => {
    const dir = runDir('byte-built');
    const events = [fileVersionEvent()];
    for (let s = 0; s < 10; s++) events.push(scalarEvent(s, 'loss', 1 + s));
    events.push(scalarEvent(8, 'grad_norm', 3));
    for (let s = 5; s < 13; s++) events.push(scalarEvent(s, 'loss', 100 + s));
    writeEventFile(join(dir, 'events.out.tfevents.1.host'), events);
    const run = await readRun(dir);
    expect(steps(run.events).map((s) => [s.step, s.loss, s.gradNorm])).toEqual([
      ...[0, 1, 2, 3, 4].map((s) => [s, 1 + s, undefined]),
      ...[5, 6, 7, 8, 9, 10, 11, 12].map((s) => [s, 100 + s, undefined]),
    ]);
    expect(run.notes[0]).toMatch(/the 6 values logged before at steps 5\.\.9 were replaced/);
  });

  it("drops only the going-back tag's own points in Keras's train writer, whose epoch_* and batch_* tags keep two step axes", async () => {
    const dir = runDir('keras-resumed');
    mkdirSync(join(dir, 'train'));
    const events = [fileVersionEvent()];
    const batches = (from: number, to: number, base: number) => {
      for (let s = from; s <= to; s++) events.push(scalarEvent(s, 'batch_loss', base + s));
    };
    batches(1, 4, 10);
    events.push(scalarEvent(0, 'epoch_loss', 10));
    batches(5, 8, 10);
    events.push(scalarEvent(1, 'epoch_loss', 11));
    // Resumed from the end of epoch 0: epoch 1's batches and its epoch value again.
    batches(5, 8, 20);
    events.push(scalarEvent(1, 'epoch_loss', 21));
    writeEventFile(join(dir, 'train', 'events.out.tfevents.1.host.v2'), events);
    const run = await readRun(dir);
    expect(steps(run.events).map((s) => [s.step, s.loss])).toEqual([
      ...[1, 2, 3, 4].map((s) => [s, 10 + s]),
      ...[5, 6, 7, 8].map((s) => [s, 20 + s]),
    ]);
    expect(epochs(run.events).map((e) => [e.epoch, e.step, e.train!.loss])).toEqual([
      [0, 4, 10],
      [1, 8, 21],
    ]);
    expect(run.notes[0]).toMatch(
      /step 5 of batch_loss at .*; step 1 of epoch_loss at .*: the 5 values logged before/,
    );
  });

  it('reads a first session START as a start, dropping nothing', async () => {
    const dir = runDir('first-start');
    const events = [fileVersionEvent(), sessionStartEvent(0)];
    for (let s = 0; s < 5; s++) events.push(scalarEvent(s, 'loss', 1 + s));
    writeEventFile(join(dir, 'events.out.tfevents.1.host'), events);
    const run = await readRun(dir);
    expect(steps(run.events).map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
    expect(run.notes).toEqual([]);
  });

  it('still names the byte of a damaged record after a restart, with the points before it purged as without the damage', async () => {
    const dir = runDir('damaged');
    const events = [fileVersionEvent()];
    for (let s = 0; s < 10; s++) events.push(scalarEvent(s, 'loss', 1 + s));
    for (let s = 5; s < 13; s++) events.push(scalarEvent(s, 'loss', 100 + s));
    const file = join(dir, 'events.out.tfevents.1.host');
    const offsets = writeEventFile(file, events);
    const bytes = readFileSync(file);
    const at = offsets[15]!; // loss at step 9, after the restart
    bytes[at + 15] = bytes[at + 15]! ^ 0xff; // a byte of its data
    writeFileSync(file, bytes);
    const run = await readRun(dir);
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toBe(
      `${file}, byte ${at}: corrupted record: the CRC of its data does not match`,
    );
    expect(steps(run.events).map((s) => [s.step, s.loss])).toEqual([
      ...[0, 1, 2, 3, 4].map((s) => [s, 1 + s]),
      ...[5, 6, 7, 8].map((s) => [s, 100 + s]),
    ]);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
