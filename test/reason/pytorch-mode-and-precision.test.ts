import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { detect, ofSymptom } from '../detect/harness.js';

/**
 * Issue 19: a model trained in evaluation mode (a model.eval() no model.train() undid) and a
 * float16 run whose loss scale collapses, each on a real run recorded with the Python client's
 * zero-code runner beside its healthy twin. The commands are in the READMEs of
 * bench/pyfaults/loop-bugs/ and bench/pyfaults/mixed-precision/.
 */
const BENCH = join(import.meta.dirname, '../../bench/pyfaults');
const diagnose = async (path: string) => (await diagnosePath(join(BENCH, path)))[0]!;

describe('model.train() never restored after a validation pass', () => {
  it('names the model left in evaluation mode first, from steps taken with training false, and says to restore training mode', async () => {
    const d = await diagnose('loop-bugs/eval-mode-left.jsonl.gz');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('train_mode_not_restored');
    const s = d.symptoms.find((x) => x.id === 'training_in_eval_mode')!;
    expect(s.severity).toBe('warning');
    // The first validation pass ends epoch 0 (steps 0-31): sampled steps from 40 on are in eval mode.
    expect(s.firstStep).toBe(40);
    expect(s.evidence.join(' ')).toMatch(/BatchNorm1d, Dropout/);
    expect(d.remedies[0]!.id).toBe('restore_train_mode');
    expect(d.remedies.map((r) => r.id)).toContain('scope_eval_to_validation');
  });

  it('calls the same loop with model.train() at the start of every epoch healthy', async () => {
    const d = await diagnose('loop-bugs/eval-mode-left-fixed.jsonl.gz');
    expect(d.healthy).toBe(true);
  });

  it('names the same cause for a model put in evaluation mode before the loop (other data), and calls its twin healthy', async () => {
    const d = await diagnose('loop-bugs/eval-mode-before.jsonl.gz');
    expect(d.causes[0]!.id).toBe('train_mode_not_restored');
    const s = d.symptoms.find((x) => x.id === 'training_in_eval_mode')!;
    expect(s.firstStep).toBe(0);
    expect(s.evidence[0]).toContain('before training began');
    expect((await diagnose('loop-bugs/eval-mode-before-fixed.jsonl.gz')).healthy).toBe(true);
  });
});

describe('model.eval() never called before validation', () => {
  it('names validation without evaluation mode first, from forwards under no_grad in training mode, and says to switch to evaluation mode', async () => {
    const d = await diagnose('loop-bugs/validation-no-eval.jsonl.gz');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('eval_mode_not_set_for_validation');
    const s = d.symptoms.find((x) => x.id === 'validation_in_train_mode')!;
    expect(s.severity).toBe('warning');
    expect(d.symptoms.map((x) => x.id)).not.toContain('training_in_eval_mode');
    expect(d.remedies[0]!.id).toBe('eval_mode_for_validation');
  });

  it('leaves the loop that validates in evaluation mode healthy (the same twin as above)', async () => {
    const d = await diagnose('loop-bugs/eval-mode-left-fixed.jsonl.gz');
    expect(d.symptoms.map((x) => x.id)).not.toContain('validation_in_train_mode');
  });
});

describe('float16 overflow under mixed precision', () => {
  it.each(['fp16-overflow', 'fp16-overflow-seed1'])(
    'names the float16 overflow first, from a collapsed loss scale and skipped steps, and says to train in bfloat16 (%s)',
    async (name) => {
      const d = await diagnose(`mixed-precision/${name}.jsonl.gz`);
      expect(d.healthy).toBe(false);
      expect(d.causes[0]!.id).toBe('fp16_overflow');
      const ids = d.symptoms.map((x) => x.id);
      expect(ids).toEqual(expect.arrayContaining(['loss_scale_collapse', 'loss_scaler_skipped_steps']));
      expect(d.symptoms.find((x) => x.id === 'loss_scale_collapse')!.severity).toBe('critical');
      // The NaN losses and Inf gradients are on steps the scaler skipped: handled, not critical.
      expect(ids).not.toContain('non_finite_tensors');
      expect(ids).not.toContain('loss_nan');
      expect(d.remedies[0]!.id).toBe('use_bfloat16_autocast');
    },
  );

  it.each(['fp16-overflow-fixed', 'fp16-overflow-seed1-fixed', 'fp16-overflow-stable-loss'])(
    'calls the same classifier healthy in bfloat16, and in float16 with the built-in loss (%s)',
    async (name) => {
      const d = await diagnose(`mixed-precision/${name}.jsonl.gz`);
      expect(d.healthy).toBe(true);
    },
  );
});

const run = (layers: { name: string; type: string }[]): TraceEvent =>
  ({ type: 'run', formatVersion: 1, id: 'r', framework: 'pytorch', model: { layers } }) as TraceEvent;
const step = (n: number, extra: Record<string, unknown>): TraceEvent =>
  ({ type: 'step', step: n, loss: 1 / (1 + n), ...extra }) as TraceEvent;

describe('the training-mode rule', () => {
  const withDropout = run([
    { name: '0', type: 'Dense' },
    { name: '1', type: 'Dropout' },
    { name: '2', type: 'Dense' },
  ]);
  const eval3 = [0, 10, 20, 30, 40].map((n) => step(n, { training: n < 20 }));

  it('fires on three sampled steps in a row in evaluation mode in a model with dropout', async () => {
    const [f] = ofSymptom(await detect([withDropout, ...eval3]), 'training_in_eval_mode');
    expect(f).toMatchObject({ firstStep: 20, lastStep: 40, severity: 'warning' });
  });

  it('stays silent for a model without dropout or batch norm, where both modes compute the same', async () => {
    const plain = run([
      { name: '0', type: 'Dense' },
      { name: '1', type: 'Dense' },
    ]);
    expect(ofSymptom(await detect([plain, ...eval3]), 'training_in_eval_mode')).toEqual([]);
  });

  it('stays silent on two readings in evaluation mode', async () => {
    const two = [0, 10, 20, 30].map((n) => step(n, { training: n < 20 }));
    expect(ofSymptom(await detect([withDropout, ...two]), 'training_in_eval_mode')).toEqual([]);
  });
});

describe('the validation-mode rule', () => {
  const bn = run([
    { name: '0', type: 'Dense' },
    { name: '1', type: 'BatchNormalization' },
    { name: '2', type: 'Dense' },
  ]);
  const epoch = (n: number, forwards?: number): TraceEvent =>
    ({ type: 'epoch', epoch: n, step: 10 * n + 9, noGradForwardsInTrainMode: forwards }) as TraceEvent;

  it('fires from the second epoch that saw forwards without gradients in training mode', async () => {
    const [f] = ofSymptom(await detect([bn, epoch(0), epoch(1, 4), epoch(2, 4)]), 'validation_in_train_mode');
    expect(f).toMatchObject({ firstStep: 19, lastStep: 29, severity: 'warning' });
  });

  it('stays silent on one such pass (a deliberate batch-norm recomputation)', async () => {
    expect(
      ofSymptom(await detect([bn, epoch(0), epoch(1), epoch(2, 8)]), 'validation_in_train_mode'),
    ).toEqual([]);
  });
});

describe('the loss-scaler rules', () => {
  const plain = run([{ name: '0', type: 'Dense' }]);
  // A scaler's start-up: three skips bring 65536 down to 8192, then it settles.
  const settling = Array.from({ length: 200 }, (_, n) =>
    step(n, {
      lossScale: 65536 / 2 ** Math.min(n, 3),
      stepSkipped: n < 3,
      gradNorm: n < 3 ? Number.POSITIVE_INFINITY : 1,
    }),
  );

  it('stays silent on the start-up skips of a scaler that then settles, and keeps their Inf gradients out of non_finite_tensors', async () => {
    const occ = await detect([plain, ...settling]);
    expect(ofSymptom(occ, 'loss_scale_collapse')).toEqual([]);
    expect(ofSymptom(occ, 'loss_scaler_skipped_steps')).toEqual([]);
    expect(ofSymptom(occ, 'non_finite_tensors')).toEqual([]);
  });

  it('still reports an Inf gradient on a step the scaler did not skip', async () => {
    const events = settling.map((e) =>
      e.type === 'step' && e.step === 100 ? { ...e, gradNorm: Number.NaN } : e,
    );
    expect(ofSymptom(await detect([plain, ...events]), 'non_finite_tensors')).toHaveLength(1);
  });

  it('reports a scale that fell below 1 as a collapse, critical below float16 smallest normal number', async () => {
    let scale = 65536;
    const collapsing = Array.from({ length: 60 }, (_, n) => {
      const skipped = n > 10;
      const e = step(n, { lossScale: scale, stepSkipped: skipped });
      if (skipped) scale /= 2;
      return e;
    });
    const [f] = ofSymptom(await detect([plain, ...collapsing]), 'loss_scale_collapse');
    expect(f!.severity).toBe('critical');
    const [s] = ofSymptom(await detect([plain, ...collapsing]), 'loss_scaler_skipped_steps');
    expect(s!.evidence[0]).toMatch(/^the loss scaler skipped 5 of the /);
  });
});
