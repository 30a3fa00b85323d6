import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { readTrace } from '../../src/trace/index.js';
import { detect, ofSymptom } from './harness.js';

// Real TensorFlow.js runs (test/fixtures/tfjs, README there).
const FIXTURES = join(import.meta.dirname, '../fixtures/tfjs');
async function tinyUpdates(name: string) {
  const events: TraceEvent[] = [];
  for await (const e of readTrace(join(FIXTURES, `${name}.jsonl`))) events.push(e);
  return ofSymptom(await detect(events), 'updates_too_small');
}

describe('updates_too_small', () => {
  it('is reported at the end of a run whose rate keeps every update tiny while its direction is ordinary', async () => {
    const [o, ...rest] = await tinyUpdates('lr-too-low');
    expect(rest).toEqual([]);
    expect(o).toMatchObject({ severity: 'warning' });
    expect(o!.layer).toBeUndefined();
    expect(o!.evidence[0]).toMatch(
      /sampled layer updates \(.*\) moved the weights by at most 1\.00e-5 of their norm .* the rate, not the gradient, keeps the steps small/,
    );
  });

  it('is not reported where a vanishing direction, not the rate, keeps updates tiny (ten sigmoid layers)', async () => {
    expect(await tinyUpdates('deep-sigmoid-10')).toEqual([]);
  });

  it.each([
    'healthy-mlp-adam',
    'healthy-mlp-sgd-momentum-cosine',
    'healthy-tanh-warmup',
    'frozen',
    'zero-lr',
  ])('is not reported for %s', async (name) => {
    expect(await tinyUpdates(name)).toEqual([]);
  });
});
