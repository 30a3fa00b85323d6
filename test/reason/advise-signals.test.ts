import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { adviseSignals } from '../../src/reason/index.js';
import { SAMPLES_DIR } from '../support/samples.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);
const cause = (id: string, confidence: number) => ({ id, name: id.replaceAll('_', ' '), confidence });

describe('what to record to tell the likely causes apart', () => {
  it('names per-layer gradient norms for causes that vanishing or exploding gradients separate, from the graph', () => {
    const advice = adviseSignals(
      ['layers.gradNorm', 'batchSize'],
      [cause('saturating_activation', 0.6), cause('learning_rate_too_low', 0.55)],
      seed,
    );
    const grad = advice.find((a) => a.signal === 'layers.gradNorm')!;
    expect(grad.symptoms).toContain('vanishing_gradients');
    expect(grad.causes).toContain('saturating_activation');
    expect(grad.why).toMatch(
      /^per-layer gradient norms would show vanishing gradients \(for saturating activation/,
    );
    // Every cause it names is one of the likely ones, through a link the graph holds.
    for (const a of advice)
      for (const c of a.causes)
        expect(seed.suggests.some((l) => l.cause === c && a.symptoms.includes(l.symptom))).toBe(true);
  });

  it('advises nothing when no cause is likely, or when no missing signal bears on the likely causes', () => {
    expect(adviseSignals(['layers.gradNorm'], [cause('saturating_activation', 0.1)], seed)).toEqual([]);
    expect(adviseSignals(['epoch.val.loss'], [cause('dying_relu', 0.7)], seed)).toEqual([]);
  });

  it('is empty for a healthy run and present in the diagnosis of a failed one that lacks signals', async () => {
    const [healthy] = await diagnosePath(join(SAMPLES_DIR, 'keras-healthy-digits-mlp128.jsonl'));
    expect(healthy!.toRecord).toEqual([]);
    const [wine] = await diagnosePath(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'));
    for (const a of wine!.toRecord) expect(wine!.missingSignals).toContain(a.signal);
  });
});
