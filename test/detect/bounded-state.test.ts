import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES, createDetectorSet } from '../../src/detect/index.js';
import type { RunEvent } from '../../src/domain/index.js';
import { syntheticRun } from '../generators/index.js';
import { profileValues } from './harness.js';

/** Size of the saved detector state after streaming `steps` steps of a healthy run. */
async function stateSizeAfter(steps: number): Promise<number> {
  const events = syntheticRun({ steps, stepsPerEpoch: 1000, tau: 5000, statsEvery: 10, noise: 0.2, seed: 5 });
  const run = events.next().value as RunEvent;
  const set = createDetectorSet({ run, profile: await profileValues(), families: ALL_FAMILIES });
  for (const e of events) set.feed(e);
  return set.save().length;
}

describe('detector state', () => {
  it('stays bounded as a run grows (windows and running statistics, not whole series)', async () => {
    const short = await stateSizeAfter(20_000);
    const long = await stateSizeAfter(200_000);
    expect(long).toBeLessThan(64 * 1024);
    // Ten times the steps: the same windows, only longer numbers and a compacted 64-point history.
    expect(long / short).toBeLessThan(1.5);
  });
});
