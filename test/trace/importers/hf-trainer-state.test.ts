import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceError } from '../../../src/trace/index.js';
import { diagnoseFixture, epochs, fixture, readRun, steps } from './support.js';

const state = (name: string) => JSON.parse(readFileSync(fixture('hf', name, 'trainer_state.json'), 'utf8'));

/** A copy of a fixture folder whose trainer_state.json text was changed by `edit`. */
function editedCopy(name: string, edit: (text: string) => string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'traindx-hf-')), name);
  mkdirSync(dir);
  copyFileSync(fixture('hf', name, 'config.json'), join(dir, 'config.json'));
  writeFileSync(
    join(dir, 'trainer_state.json'),
    edit(readFileSync(fixture('hf', name, 'trainer_state.json'), 'utf8')),
  );
  return dir;
}

describe('Hugging Face trainer_state.json importer', () => {
  it('reads every training log entry as a step and every evaluation as an epoch', async () => {
    const run = await readRun(fixture('hf', 'healthy'));
    const logs = state('healthy').log_history as Record<string, number>[];
    const train = logs.filter((l) => 'loss' in l);
    expect(steps(run.events).map((s) => [s.step, s.loss, s.learningRate, s.gradNorm])).toEqual(
      train.map((l) => [l.step, l.loss, l.learning_rate, l.grad_norm]),
    );
    const evals = logs.filter((l) => 'eval_loss' in l);
    expect(epochs(run.events).map((e) => [e.epoch, e.step, e.val!.loss])).toEqual(
      evals.map((l, i) => [i, l.step, l.eval_loss]),
    );
    expect(run.events[0]).toMatchObject({ id: 'healthy', task: 'classification', batchSize: 16, epochs: 4 });
    // The summary entry (train_loss: the run's mean) is no step: the last loss stays the last step's.
    expect(steps(run.events).at(-1)!.loss).toBe(train.at(-1)!.loss);
    expect(run.notes).toEqual([]);
  });

  it("keeps a NaN loss written as Python's bare NaN", async () => {
    const dir = editedCopy('diverging', (text) =>
      text.replace(/"loss": [0-9.e+]+,\n(\s+"step": 24)/, '"loss": NaN,\n$1'),
    );
    const run = await readRun(dir);
    expect(Number.isNaN(steps(run.events).at(-1)!.loss)).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged' });
  });

  it('names the file of a cut-off state', async () => {
    const dir = editedCopy('healthy', (text) => text.slice(0, 300));
    const run = await readRun(dir);
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toMatch(/trainer_state\.json: not valid JSON: .*position 300/);
  });

  it('refuses a state saved before anything was logged, naming its file', async () => {
    const run = await readRun(fixture('hf', 'empty'));
    expect(state('empty').log_history).toEqual([]);
    expect(run.error).toBeInstanceOf(TraceError);
    expect(run.error!.message).toMatch(/empty\/trainer_state\.json: no values logged \(an empty log\)$/);
  });

  it('reads the state of trainer.evaluate() alone as one epoch event, its bookkeeping keys ignored', async () => {
    const run = await readRun(fixture('hf', 'eval-only'));
    const [entry] = state('eval-only').log_history as Record<string, number>[];
    expect(run.events.map((e) => e.type)).toEqual(['run', 'epoch', 'end']);
    expect(epochs(run.events)[0]).toEqual({
      type: 'epoch',
      epoch: 0,
      step: 0,
      val: { loss: entry!.eval_loss },
    });
    expect(run.notes).toEqual([]);
  });

  it('lists a key the user logged that it does not know, and reads it when --map says where it goes', async () => {
    const run = await readRun(fixture('hf', 'unknown-keys'));
    expect(run.notes).toEqual([
      'keys traindx does not know, not imported (map one with --map NAME=FIELD): my_metric',
    ]);
    const mapped = await readRun(fixture('hf', 'unknown-keys'), { map: { my_metric: 'metrics.half_loss' } });
    expect(mapped.notes).toEqual([]);
    const first = steps(mapped.events)[0]!;
    expect(first.metrics!.half_loss).toBe(first.loss! / 2);
  });
});

describe('diagnose on trainer_state.json', () => {
  it('names the learning rate of the run SGD at 50 made diverge', async () => {
    const diagnosis = await diagnoseFixture(fixture('hf', 'diverging'));
    expect(diagnosis.causes[0]!.id).toBe('learning_rate_too_high');
  });

  it('calls the healthy run healthy', async () => {
    const diagnosis = await diagnoseFixture(fixture('hf', 'healthy'));
    expect(diagnosis.symptoms).toEqual([]);
    expect(diagnosis.causes).toEqual([]);
  });
});
