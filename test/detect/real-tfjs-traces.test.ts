import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';
import { readTrace } from '../../src/trace/index.js';
import { detect, epochOnly, LOSS_SYMPTOMS, ofSymptom, ofSymptoms } from './harness.js';

// Real TensorFlow.js runs (test/fixtures/tfjs, README there): the full
// detector set on each, and what it must and must not find. Softmax outputs
// with Keras-style clipped probabilities unless the name ends in -logits.
// Only loss, generalisation, predictions and config symptoms are asserted
// for the failing runs; gradient, weight and non-finite tensor symptoms are
// asserted in their own families' tests.

const FIXTURES = join(import.meta.dirname, '../fixtures/tfjs');

async function readFixture(name: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readTrace(join(FIXTURES, `${name}.jsonl`))) out.push(e);
  return out;
}

const LOSS = LOSS_SYMPTOMS;
const GENERALISATION = ['overfitting', 'underfitting'] as const;
/** The loss and generalisation symptoms: the ones a run with a finite, learning loss must not show. */
const LOSS_AND_GENERALISATION = [...LOSS, ...GENERALISATION];

interface Expected {
  /** Why, from the run. */
  what: string;
  present: string[];
  absent: string[];
}

/** Every fixture but the healthy ones (which must show no failure at all). */
const EXPECTED: Record<string, Expected> = {
  'lr-too-high-sgd': {
    what: 'SGD at lr 8: the clipped loss jumps from 3.57 to about 13 (8× ln 5) at step 1 and stays',
    present: ['loss_divergence', 'learning_rate_above_range', 'accuracy_at_chance'],
    absent: ['loss_not_decreasing', 'slow_convergence', 'loss_oscillation', 'overfitting'],
  },
  'adam-lr-0.5': {
    what: 'Adam at lr 0.5: the clipped loss jumps from 3.69 to 14 at step 1 and stays near 13',
    present: ['loss_divergence', 'learning_rate_above_range', 'accuracy_at_chance'],
    absent: ['loss_not_decreasing', 'slow_convergence', 'loss_oscillation', 'overfitting'],
  },
  'lr-too-high-sgd-logits': {
    what: 'SGD at lr 8 with logits: the loss explodes and turns NaN at step 5',
    present: ['loss_divergence', 'loss_nan', 'learning_rate_above_range'],
    absent: ['loss_not_decreasing', 'slow_convergence', 'underfitting', 'overfitting'],
  },
  'adam-lr-0.5-logits': {
    what: 'Adam at lr 0.5 with logits: one spike to 175 at step 2, then a plateau at chance (ln 5)',
    present: ['learning_rate_above_range', 'accuracy_at_chance', 'underfitting'],
    absent: ['loss_nan', 'loss_oscillation', 'slow_convergence', 'overfitting'],
  },
  'lr-too-low': {
    what: 'SGD at lr 1e-5: the loss starts at 2× chance and falls about 6% in 600 steps',
    present: ['loss_not_decreasing', 'accuracy_at_chance', 'underfitting'],
    absent: ['loss_divergence', 'loss_oscillation', 'overfitting'],
  },
  'deep-sigmoid-10': {
    what: '10 sigmoid layers: gradients vanish, the loss stays at ln 5',
    present: ['loss_not_decreasing', 'accuracy_at_chance', 'underfitting'],
    absent: ['loss_divergence', 'slow_convergence', 'overfitting'],
  },
  'dying-relu': {
    what: 'ReLU biases at -6: every unit dead from step 0, the loss stays at ln 5',
    present: ['loss_not_decreasing', 'accuracy_at_chance', 'underfitting'],
    absent: ['loss_divergence', 'slow_convergence', 'overfitting'],
  },
  frozen: {
    what: 'every layer trainable=false: nothing trains',
    present: ['frozen_layers', 'loss_not_decreasing', 'underfitting'],
    absent: ['loss_divergence', 'slow_convergence', 'overfitting'],
  },
  'zero-lr': {
    what: 'learning rate 0: nothing trains',
    present: ['zero_learning_rate', 'loss_not_decreasing', 'accuracy_at_chance', 'underfitting'],
    absent: ['loss_divergence', 'slow_convergence', 'overfitting'],
  },
  'overfit-small-data': {
    what: '60 noisy examples, a big MLP, 200 epochs: train loss to 0.004, val loss up from 1.42 to 1.9',
    present: ['overfitting'],
    absent: [...LOSS, 'underfitting', 'accuracy_at_chance', 'prediction_collapse'],
  },
  'underfit-tiny-model': {
    what: 'a 1-unit tanh bottleneck before 10 classes: train loss ends at 1.70 of chance 2.30',
    present: ['underfitting'],
    absent: ['loss_nan', 'loss_divergence', 'loss_oscillation', 'overfitting'],
  },
  'unnormalized-inputs': {
    what: 'features ×1000 + 500: the clipped softmax is saturated from step 0 (loss 10.6), gradients 0',
    present: ['input_scale_anomaly', 'loss_not_decreasing', 'accuracy_at_chance', 'underfitting'],
    // The loss never rose: it started far above chance, so this is no divergence.
    absent: ['loss_divergence', 'slow_convergence', 'overfitting'],
  },
  'unnormalized-inputs-logits': {
    what: 'features ×1000 + 500 with logits: the loss explodes at step 1',
    present: ['input_scale_anomaly', 'loss_divergence', 'accuracy_at_chance'],
    absent: ['loss_not_decreasing', 'slow_convergence', 'overfitting'],
  },
  'imbalanced-labels': {
    what: '95/5 overlapping classes: predicting the majority is near the Bayes limit',
    present: ['label_imbalance', 'accuracy_at_chance', 'prediction_collapse', 'underfitting'],
    absent: [...LOSS, 'overfitting'],
  },
  'imbalanced-labels-separable': {
    what: '95/5 separable classes: val accuracy 1.0',
    present: ['label_imbalance'],
    absent: [...LOSS_AND_GENERALISATION, 'accuracy_at_chance', 'prediction_collapse'],
  },
  'softmax-with-binary-crossentropy': {
    what: 'softmax over 5 classes into binary cross-entropy',
    present: ['output_loss_mismatch'],
    absent: LOSS_AND_GENERALISATION,
  },
  'nan-inputs': {
    what: 'NaN in some inputs; on wasm the clipped loss stays finite, exactly ln 5, from step 1',
    present: ['input_nan', 'loss_not_decreasing', 'accuracy_at_chance'],
    absent: ['loss_divergence', 'slow_convergence', 'overfitting'],
  },
  'nan-inputs-logits': {
    what: 'NaN in some inputs with logits: the loss is NaN at step 0',
    present: ['input_nan', 'loss_nan'],
    absent: ['loss_not_decreasing', 'slow_convergence', 'overfitting', 'underfitting'],
  },
};

const HEALTHY = ['healthy-mlp-adam', 'healthy-mlp-sgd-momentum-cosine', 'healthy-tanh-warmup'];

const failures = (occ: SymptomOccurrence[]) => occ.filter((o) => o.severity !== 'info');
const ids = (occ: SymptomOccurrence[]) => [...new Set(occ.map((o) => o.symptomId))].sort();

describe('the tfjs fixtures', () => {
  it('are all listed here, healthy or with what they must show', () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.replace(/\.jsonl$/, ''))
      .sort();
    expect(files).toEqual([...HEALTHY, ...Object.keys(EXPECTED)].sort());
  });
});

describe('all detectors on real tfjs traces', () => {
  it.each(HEALTHY)('find no failure in the healthy run %s, with or without batch events', async (name) => {
    const events = await readFixture(name);
    expect(failures(await detect(events))).toEqual([]);
    expect(failures(await detect(epochOnly(events)))).toEqual([]);
  });

  it.each(Object.entries(EXPECTED).map(([name, e]) => [name, e.what, e] as const))(
    'find what %s shows (%s) and nothing it does not',
    async (name, _what, expected) => {
      const occ = await detect(await readFixture(name));
      const found = ids(occ);
      for (const id of expected.present) expect(found, `${id} missing`).toContain(id);
      for (const id of expected.absent) expect(found, `${id} reported`).not.toContain(id);
    },
  );
});

describe('loss and generalisation on real tfjs traces', () => {
  it('does not call the val loss of the healthy tanh run overfitting: it never rose clearly above train', async () => {
    // Val loss by epoch: .0445 .094 .069 .064 .047 .019 .033 .046 .042 .030 .028 .054 .044, train about 0.03.
    const events = await readFixture('healthy-tanh-warmup');
    expect(ofSymptom(await detect(events), 'overfitting')).toEqual([]);
    expect(ofSymptom(await detect(epochOnly(events)), 'overfitting')).toEqual([]);
  });

  it.each(['lr-too-high-sgd', 'adam-lr-0.5'])(
    'names the clipped loss stuck near 13 after step 1 of %s divergence, quoting the chance-level loss, within 80 steps',
    async (name) => {
      const occ = await detect(await readFixture(name));
      const [o] = ofSymptom(occ, 'loss_divergence');
      expect(o).toMatchObject({ severity: 'critical' });
      expect(o!.firstStep).toBeLessThanOrEqual(8);
      expect(o!.evidence[0]).toMatch(
        /^smoothed loss \(median of the last 32 batches\) is 1\d\.?\d* at step \d+, [\d.]+× the chance-level loss 1\.61 for the 5 class shares, .* it started at 3\.[56]\d* \(step 0\)/,
      );
      expect(ofSymptoms(occ, ['loss_not_decreasing', 'slow_convergence'])).toEqual([]);
    },
  );

  it('covers the slow fall of lr-too-low to the end: loss_not_decreasing or slow_convergence, never neither', async () => {
    const events = await readFixture('lr-too-low');
    const last = events.findLast((e) => e.type === 'step');
    const progress = ofSymptoms(await detect(events), ['loss_not_decreasing', 'slow_convergence']);
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.max(...progress.map((o) => o.lastStep))).toBeGreaterThanOrEqual(
      (last?.type === 'step' ? last.step : 0) - 32,
    );
  });

  it('finds overfitting in overfit-small-data from the val loss rising above a train loss near 0', async () => {
    const [o] = ofSymptom(await detect(await readFixture('overfit-small-data')), 'overfitting');
    expect(o!.firstStep).toBeLessThanOrEqual(60);
    expect(o!.evidence[0]).toMatch(/^val loss \(median of the last 3 epochs\) rose .* val is .* above train/);
  });
});
