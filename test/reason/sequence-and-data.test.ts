import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { detect, ofSymptom } from '../detect/harness.js';
import { eventsOf } from '../generators/index.js';

/**
 * Sequence models and data splits (issue 19), each on a real run recorded with the Python client's
 * zero-code runner from bench/pyfaults/sequence-and-data/<script>.py, beside its healthy twin
 * (`--fixed`). The commands are in bench/pyfaults/sequence-and-data/README.md.
 */
const RUNS = join(import.meta.dirname, '../../bench/pyfaults/sequence-and-data');
const diagnose = async (name: string) => (await diagnosePath(join(RUNS, `${name}.jsonl.gz`)))[0]!;

describe('an LSTM trained without gradient clipping', () => {
  it('names the missing clipping first, from a gradient spike in the recurrent net and the loss jump after it, and says to clip', async () => {
    const d = await diagnose('lstm-no-clip');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('recurrent_gradients_unclipped');
    const s = d.symptoms.find((x) => x.id === 'recurrent_gradient_spike')!;
    expect(s.severity).toBe('critical');
    expect(s.evidence.join(' ')).toMatch(/recurrent layer rnn \(LSTM, 32 units\)/);
    expect(d.remedies[0]!.id).toBe('gradient_clipping');
  });

  it('calls the same loop with clip_grad_norm_ healthy', async () => {
    const d = await diagnose('lstm-no-clip-fixed');
    expect(d.healthy).toBe(true);
    expect(d.symptoms.map((x) => x.id)).not.toContain('recurrent_gradient_spike');
  });
});

describe('a Transformer encoder at a high rate without warm-up', () => {
  it('names the missing warm-up first, from the per-step learning rate and the early loss spike, and says to warm up', async () => {
    const d = await diagnose('transformer-no-warmup');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('missing_lr_warmup');
    const s = d.symptoms.find((x) => x.id === 'loss_spike_without_warmup')!;
    expect(s.evidence[0]).toMatch(
      /^learning rate 0\.01 from step 0, the peak over the first 200 steps: no warm-up; the loss rose/,
    );
    expect(d.remedies[0]!.id).toBe('use_lr_schedule_warmup');
  });

  it('calls the same model warmed up to a lower peak healthy', async () => {
    expect((await diagnose('transformer-no-warmup-fixed')).healthy).toBe(true);
  });
});

describe('validation examples that are also training examples', () => {
  it('names the leakage first with the estimated overlap share, and says to split once', async () => {
    const d = await diagnose('leaky-split');
    expect(d.causes[0]!.id).toBe('train_val_leakage');
    const s = d.symptoms.find((x) => x.id === 'train_val_overlap')!;
    expect(s.evidence[0]).toMatch(
      /^about \d+(\.\d+)?% of the val split's 256 examples are also in the training split's 1024/,
    );
    expect(d.remedies[0]!.id).toBe('split_data_once');
  });

  it('calls the same data split once healthy', async () => {
    expect((await diagnose('leaky-split-fixed')).healthy).toBe(true);
  });
});

describe('a validation split left unstandardised while training was standardised', () => {
  it('names the distribution shift first, from the splits input statistics, and says to preprocess alike', async () => {
    const d = await diagnose('unscaled-val');
    expect(d.causes[0]!.id).toBe('train_val_distribution_shift');
    const s = d.symptoms.find((x) => x.id === 'train_val_input_shift')!;
    expect(s.evidence[0]).toMatch(
      /^the val split's inputs sit [\d.]+ training standard deviations from training's/,
    );
    expect(d.remedies[0]!.id).toBe('preprocess_splits_alike');
  });

  it('calls the same split standardised with the training statistics healthy', async () => {
    expect((await diagnose('unscaled-val-fixed')).healthy).toBe(true);
  });
});

describe('batch normalisation with batches of 2', () => {
  it('names BatchNorm statistics from too few examples first, naming the BatchNorm layers', async () => {
    const d = await diagnose('batchnorm-tiny-batch');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('batchnorm_small_batch');
    const s = d.symptoms.find((x) => x.id === 'batchnorm_tiny_batch')!;
    expect(s.evidence[0]).toMatch(/^batchSize 2 \(at most 4\) with 2 BatchNorm layers/);
    expect(d.remedies.map((r) => r.id).slice(0, 2)).toContain('use_group_norm');
  });

  it('calls the same model with GroupNorm at the same batch size healthy', async () => {
    expect((await diagnose('batchnorm-tiny-batch-fixed')).healthy).toBe(true);
  });
});

describe('the sequence rules on their edges', () => {
  /** A synthetic run whose model is `layers`, with loss and gradNorm rewritten by step. */
  const runOf = (
    layers: { name: string; type: string }[],
    at: (step: number) => { loss: number; gradNorm: number; learningRate?: number },
  ): TraceEvent[] =>
    eventsOf({ steps: 60 }).map((e) => {
      if (e.type === 'run') return { ...e, model: { layers } };
      if (e.type === 'step') return { ...e, ...at(e.step), layers: undefined };
      return e;
    });

  it('fires on a recurrent spike the loss jumps after, at the spike, naming the layer', async () => {
    const events = runOf([{ name: 'lstm', type: 'LSTM' }], (s) => ({
      loss: s === 21 ? 40 : 1,
      gradNorm: s === 20 ? 50 : 1,
    }));
    const [f] = ofSymptom(await detect(events), 'recurrent_gradient_spike');
    expect(f).toMatchObject({ layer: 'lstm', firstStep: 20, severity: 'critical' });
  });

  it('fires on an attention model at its peak rate from step 0 whose early loss spikes', async () => {
    const events = runOf([{ name: 'attn', type: 'MultiHeadAttention' }], (s) => ({
      loss: s === 3 ? 9 : 2,
      gradNorm: 1,
      learningRate: 1e-3,
    }));
    expect(ofSymptom(await detect(events), 'loss_spike_without_warmup')).toHaveLength(1);
  });

  it('does not read a gradient spike in a model without recurrent layers as a recurrent one', async () => {
    const events = runOf([{ name: 'dense', type: 'Dense' }], (s) => ({
      loss: s === 21 ? 40 : 1,
      gradNorm: s === 20 ? 50 : 1,
    }));
    expect(ofSymptom(await detect(events), 'recurrent_gradient_spike')).toEqual([]);
  });

  it('does not fire on a recurrent spike the loss absorbed', async () => {
    const events = runOf([{ name: 'lstm', type: 'LSTM' }], (s) => ({ loss: 1, gradNorm: s === 20 ? 50 : 1 }));
    expect(ofSymptom(await detect(events), 'recurrent_gradient_spike')).toEqual([]);
  });

  it('does not call a warmed-up rate "no warm-up", whatever the loss does', async () => {
    const events = runOf([{ name: 'attn', type: 'MultiHeadAttention' }], (s) => ({
      loss: s === 3 ? 9 : 2,
      gradNorm: 1,
      learningRate: 1e-3 * Math.min(1, (s + 1) / 50),
    }));
    expect(ofSymptom(await detect(events), 'loss_spike_without_warmup')).toEqual([]);
  });
});
