import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

/**
 * Issue 19: too little data was never named first beside the overfitting it
 * causes, which under-regularisation explains as well. A PyTorch run
 * recorded with the Python client (bench/pyfaults, tune split): 49 noisy
 * spiral points for an MLP with hidden layers.
 */
const TRACE = join(import.meta.dirname, '../../bench/pyfaults/traces/data-tiny-spirals.jsonl.gz');

describe('a network fitted to a few dozen examples', () => {
  it('is named too little data first, from the size of its training set', async () => {
    const [d] = await diagnosePath(TRACE);
    expect(d!.symptoms.find((s) => s.id === 'small_training_set')?.evidence[0]).toBe(
      'dataset.trainSize is 49, fewer than 100 training examples',
    );
    expect(d!.causes[0]!.id).toBe('insufficient_data');
  });
});
