import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

/**
 * Issue 19 (generality): a Keras run recorded with the Python client
 * (bench/pyfaults, tune split) whose two hidden layers, 92% of the weights,
 * are frozen from scratch under a trainable softmax head on three spirals:
 * the head alone learns part of the task, slowly.
 */
const TRACE = join(import.meta.dirname, '../../bench/pyfaults/traces/frozen-body-blobs-keras.jsonl.gz');

describe('a frozen body trained from scratch', () => {
  it('is named weights not updating, from the frozen layers said as advice the failing run bears out', async () => {
    const [d] = await diagnosePath(TRACE);
    expect(d!.healthy).toBe(false);
    const frozen = d!.symptoms.find((s) => s.id === 'frozen_layers')!;
    expect(frozen.severity).toBe('info');
    expect(frozen.evidence[0]).toMatch(/92% of the weighted params, under a trainable head/);
    const top = d!.causes[0]!;
    expect(top.id).toBe('weights_not_updating');
    // Unchanged weights are judged on trainable layers only: their absence says nothing of the frozen ones.
    expect(top.against.map((a) => a.symptomId)).not.toContain('unchanged_weights');
  });
});
