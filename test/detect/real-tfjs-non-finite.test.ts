import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { scoreCauses } from '../../src/reason/index.js';
import { readTrace } from '../../src/trace/index.js';
import { detect, ofSymptom, ofSymptoms } from './harness.js';

/** Real tfjs traces (test/fixtures/tfjs, recorder in test/fixtures/tfjs/recorder). */
const FIXTURES = join(import.meta.dirname, '../fixtures/tfjs');
const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);

async function readFixture(name: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readTrace(join(FIXTURES, `${name}.jsonl`))) out.push(e);
  return out;
}

describe('non-finite tensors in real tfjs traces', () => {
  it('reports NaN inputs and the NaN they spread from step 0, not exploding gradients or weights, when the wasm loss stays finite', async () => {
    const occ = await detect(await readFixture('nan-inputs'));
    expect(ofSymptom(occ, 'input_nan')).toHaveLength(1);
    const [nan] = ofSymptom(occ, 'non_finite_tensors');
    expect(nan).toMatchObject({ layer: 'dense_0', firstStep: 0, severity: 'critical' });
    expect(nan!.evidence[0]).toMatch(/^gradNorm of dense_0 is NaN at step 0, at the first reading/);
    expect(nan!.evidence).toContain(
      'the loss at step 0 is still finite (3.36), so a loss-only check misses it',
    );
    expect(ofSymptoms(occ, ['exploding_gradients', 'exploding_weights', 'dead_units'])).toEqual([]);
    expect(scoreCauses(occ, seed)[0]!.id).toBe('bad_input_data');
  });

  it('ranks bad input data first when the NaN reaches the loss at step 0 too (logits)', async () => {
    const occ = await detect(await readFixture('nan-inputs-logits'));
    expect(ofSymptom(occ, 'non_finite_tensors')).toMatchObject([{ layer: 'dense_0', firstStep: 0 }]);
    expect(ofSymptoms(occ, ['exploding_gradients', 'exploding_weights'])).toEqual([]);
    expect(scoreCauses(occ, seed)[0]!.id).toBe('bad_input_data');
  });

  it('reports exploding gradients before the NaN in a genuinely diverging run (SGD lr 8, logits)', async () => {
    const occ = await detect(await readFixture('lr-too-high-sgd-logits'));
    const [exploding] = ofSymptom(occ, 'exploding_gradients');
    const [nan] = ofSymptom(occ, 'non_finite_tensors');
    expect(exploding!.firstStep).toBe(2);
    expect(exploding!.evidence[0]).toMatch(/^global gradNorm is 1\.01e15 at step 4, above the bound/);
    expect(nan).toMatchObject({ layer: 'dense_0', firstStep: 5 });
    expect(nan!.evidence[0]).toMatch(/at step 5, not at the first reading$/);
    expect(nan!.evidence).toContainEqual(
      expect.stringMatching(
        /^before it: global gradNorm went from 8\.48 \(step 0\) to 1\.01e15 \(step 4\), 1\.19e14×/,
      ),
    );
    expect(exploding!.firstStep).toBeLessThan(nan!.firstStep);
    expect(scoreCauses(occ, seed)[0]!.id).toBe('learning_rate_too_high');
  });
});
