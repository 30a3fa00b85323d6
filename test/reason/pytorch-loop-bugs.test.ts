import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kendallTrend } from '../../src/detect/families/loop.js';
import { diagnosePath } from '../../src/engine/index.js';
import { detect, ofSymptom } from '../detect/harness.js';
import { eventsOf } from '../generators/index.js';

/**
 * PyTorch training-loop bugs (issue 19), each on a real run recorded with the Python client's
 * zero-code runner from bench/pyfaults/loop-bugs/<script>.py, beside its healthy twin (`--fixed`:
 * the same script with the bug removed). The commands are in bench/pyfaults/loop-bugs/README.md.
 */
const RUNS = join(import.meta.dirname, '../../bench/pyfaults/loop-bugs');
const diagnose = async (name: string) => (await diagnosePath(join(RUNS, `${name}.jsonl.gz`)))[0]!;

describe('optimizer.zero_grad() missing', () => {
  it.each(['no-zero-grad', 'no-zero-grad-adam'])(
    'names gradients never reset first, from a gradient norm that climbs from the start, and says to zero them (%s)',
    async (name) => {
      const d = await diagnose(name);
      expect(d.healthy).toBe(false);
      expect(d.causes[0]!.id).toBe('gradients_not_zeroed');
      const s = d.symptoms.find((x) => x.id === 'gradient_norm_accumulating')!;
      expect(s.severity).toBe('warning');
      expect(s.evidence[0]).toMatch(/^global gradNorm rose from [\d.]+ to [\d.]+ \([\d.]+x/);
      expect(d.remedies[0]!.id).toBe('zero_grad_each_step');
    },
  );

  it.each(['no-zero-grad-fixed', 'no-zero-grad-adam-fixed'])(
    'calls the same loop with zero_grad() healthy (%s)',
    async (name) => {
      const d = await diagnose(name);
      expect(d.healthy).toBe(true);
      expect(d.symptoms.map((x) => x.id)).not.toContain('gradient_norm_accumulating');
    },
  );
});

describe('a loss computed on a detached tensor', () => {
  it('is weights not updating, first, with the check that the loss is connected to the weights among the remedies', async () => {
    const d = await diagnose('detached-loss');
    expect(d.causes[0]!.id).toBe('weights_not_updating');
    expect(d.symptoms.map((x) => x.id)).toContain('unchanged_weights');
    expect(d.remedies.map((r) => r.id)).toContain('check_loss_graph_connected');
  });

  it('calls the same loop with the loss on the model output healthy', async () => {
    expect((await diagnose('detached-loss-fixed')).healthy).toBe(true);
  });
});

describe('the gradient-accumulation rule', () => {
  it('measures a trend with Kendall tau: +1 rising, -1 falling, 0 for a flat series', () => {
    expect(kendallTrend([1, 2, 3, 4])).toBe(1);
    expect(kendallTrend([4, 3, 2, 1])).toBe(-1);
    expect(kendallTrend([2, 2, 2])).toBe(0);
  });

  it('does not fire when the loss rises with the gradients (a divergence, not an accumulation)', async () => {
    const events = eventsOf({ steps: 40 }).map((e) =>
      e.type === 'step' ? { ...e, gradNorm: 1 + e.step, loss: 1 + 0.1 * e.step, layers: undefined } : e,
    );
    expect(ofSymptom(await detect(events), 'gradient_norm_accumulating')).toEqual([]);
  });

  it('fires on a norm that grows k-fold over k steps while the loss falls, over the first readings only', async () => {
    const events = eventsOf({ steps: 40 }).map((e) =>
      e.type === 'step' ? { ...e, gradNorm: 1 + e.step, loss: 2 / (1 + 0.1 * e.step), layers: undefined } : e,
    );
    const [f] = ofSymptom(await detect(events), 'gradient_norm_accumulating');
    expect(f).toMatchObject({ firstStep: 0, lastStep: 23 });
  });
});

describe('softmax applied before CrossEntropyLoss', () => {
  it('is the existing static output/loss mismatch (a double softmax), naming the wrong output activation first', async () => {
    const d = await diagnose('softmax-before-ce');
    expect(d.causes[0]!.id).toBe('wrong_output_activation');
    const s = d.symptoms.find((x) => x.id === 'output_loss_mismatch')!;
    expect(s.evidence[0]).toContain('a double softmax');
  });

  it('calls the same model ending in logits healthy', async () => {
    expect((await diagnose('softmax-before-ce-fixed')).healthy).toBe(true);
  });
});
