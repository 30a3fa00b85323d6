import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

/**
 * A TensorFlow.js run of the fault benchmark (bench/faults, tune split):
 * batches of two under Adam at 1e-2, a rate in range for batches of 32. Two
 * thirds of its ReLU units die; it learns half of its ten classes.
 */
const TRACE = join(import.meta.dirname, '../../bench/faults/traces/batch-2-adam-digits.jsonl.gz');

describe('ReLU units killed by the steps of a tiny batch', () => {
  it('name the batch size, which explains the dead units, before dying ReLU', async () => {
    const [d] = await diagnosePath(TRACE);
    expect(d!.symptoms.map((s) => s.id)).toEqual(
      expect.arrayContaining(['batch_size_below_range', 'dead_units']),
    );
    const top = d!.causes[0]!;
    expect(top.id).toBe('batch_size_too_small');
    expect(top.paths.map((p) => p.occurrence.id)).toContain('dead_units');
    const dying = d!.causes.find((c) => c.id === 'dying_relu');
    expect(dying?.confidence ?? 0).toBeLessThan(top.confidence);
  });
});
