import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

/**
 * A TensorFlow.js run of the fault benchmark (bench/faults, tune split): a
 * hand-written binary cross-entropy without clipping, Adam at 1e-2 (in
 * range). Its validation loss turns NaN at step 265 straight from 2e-4.
 */
const TRACE = join(import.meta.dirname, '../../bench/faults/traces/naive-bce-moons.jsonl.gz');

describe('a loss that turns non-finite without growing first', () => {
  it('counts the divergence a too-high rate would have shown first as absent', async () => {
    const [d] = await diagnosePath(TRACE);
    expect(d!.symptoms.map((s) => s.id)).toContain('loss_non_finite_without_growth');
    expect(d!.causes[0]!.id).toBe('numerical_instability');
    const rate = d!.causes.find((c) => c.id === 'learning_rate_too_high')!;
    expect(rate.against.map((a) => a.symptomId)).toContain('loss_divergence');
  });
});
