import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

/**
 * Issue 19 (generality): a PyTorch run recorded with the Python client
 * (bench/pyfaults, tune split), plain SGD at 1e-5, inside SGD's usual range
 * [1e-6, 1], so no setup finding names the rate. Its loss barely moves; its
 * sampled updates are ~2e-6 of the weights while the gradients are ordinary.
 */
const TRACE = join(import.meta.dirname, '../../bench/pyfaults/traces/lr-low-sgd-blobs.jsonl.gz');

describe('a rate too low inside its optimizer’s usual range', () => {
  it('is named from updates the rate keeps tiny, not called healthy', async () => {
    const [d] = await diagnosePath(TRACE);
    expect(d!.healthy).toBe(false);
    expect(d!.symptoms.map((s) => s.id)).toContain('updates_too_small');
    expect(d!.symptoms.map((s) => s.id)).not.toContain('learning_rate_below_range');
    const top = d!.causes[0]!;
    expect(top.id).toBe('learning_rate_too_low');
    expect(top.paths.map((p) => p.occurrence.id)).toContain('updates_too_small');
  });
});
