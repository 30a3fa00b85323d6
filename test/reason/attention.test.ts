import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { detect, ofSymptom } from '../detect/harness.js';
import { eventsOf } from '../generators/index.js';

/**
 * Attention logit growth (issue 19, transformers), on a real run recorded with the Python client's
 * zero-code runner from bench/pyfaults/attention/attention_logit_growth.py, beside its healthy twin
 * (`--fixed`, a lower rate). The commands are in bench/pyfaults/attention/README.md.
 */
const RUNS = join(import.meta.dirname, '../../bench/pyfaults/attention');
const diagnose = async (name: string) => (await diagnosePath(join(RUNS, `${name}.jsonl.gz`)))[0]!;

describe('a pre-LN Transformer encoder at a rate high enough for its attention logits to grow', () => {
  it('finds the attention logits growing on the first layer, and credits them to the rate far above range that the twin lowers', async () => {
    const d = await diagnose('attention-logit-growth');
    expect(d.healthy).toBe(false);
    const s = d.symptoms.find((x) => x.id === 'attention_logit_growth')!;
    expect(s.layer).toBe('encoder.layers.0.self_attn');
    expect(s.evidence[0]).toMatch(/the largest \|q·kᵀ\/√d\| reached \d+(\.\d+)? at step \d+/);
    // Adam at 3e-2 (recorded as configured, not the first warm-up step's 1.5e-3) explains the growth too.
    expect(d.causes[0]!.id).toBe('learning_rate_too_high');
    expect(d.causes[0]!.path.map((e) => e.from)).toContain('attention_logit_growth');
    expect(d.remedies[0]!.id).toBe('lower_learning_rate');
  });

  it('calls the same model at a lower rate healthy, its attention sharpening as it learns', async () => {
    const d = await diagnose('attention-logit-growth-fixed');
    expect(d.healthy).toBe(true);
    expect(d.symptoms.map((x) => x.id)).not.toContain('attention_logit_growth');
  });
});

describe('the attention rule on its edges', () => {
  /** A synthetic run with one attention layer whose statistics are given by step (every 10th). */
  const runOf = (at: (step: number) => { logit: number; entropy: number } | null): TraceEvent[] =>
    eventsOf({ steps: 200 }).map((e) => {
      if (e.type === 'run')
        return { ...e, model: { layers: [{ name: 'attn', type: 'MultiHeadAttention' }] } };
      if (e.type !== 'step') return e;
      const a = e.step % 10 === 0 ? at(e.step) : null;
      return {
        ...e,
        layers: a === null ? undefined : { attn: { attnLogitMax: a.logit, attnEntropy: a.entropy } },
      };
    });
  const found = async (events: TraceEvent[]) => ofSymptom(await detect(events), 'attention_logit_growth');

  it('fires when the logits grow past the floor while the entropy collapses, naming the layer from the first reading that shows it', async () => {
    const [f, ...rest] = await found(
      runOf((s) => (s < 100 ? { logit: 3, entropy: 2.5 } : { logit: 3 + s, entropy: 0.1 })),
    );
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ layer: 'attn', firstStep: 100, severity: 'warning' });
  });

  it('does not fire on logits that grow as a model learns sharp attention, below the floor', async () => {
    expect(await found(runOf((s) => ({ logit: 2 + s / 20, entropy: 0.2 })))).toEqual([]);
  });

  it('does not fire on large logits whose softmax still spreads (entropy kept)', async () => {
    expect(
      await found(runOf((s) => (s < 50 ? { logit: 3, entropy: 2.5 } : { logit: 200, entropy: 1.5 }))),
    ).toEqual([]);
  });

  it('does not fire on logits that were large from the start (no growth)', async () => {
    expect(await found(runOf((s) => ({ logit: 40 + s / 10, entropy: s < 30 ? 2 : 0.1 })))).toEqual([]);
  });

  it('stays silent on a run with no attention statistics', async () => {
    expect(await found(runOf(() => null))).toEqual([]);
  });
});
