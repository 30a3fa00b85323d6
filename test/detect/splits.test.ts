import { describe, expect, it } from 'vitest';
import { inputShiftOf, overlapOf } from '../../src/detect/families/splits.js';
import type { TraceEvent } from '../../src/domain/index.js';
import { eventsOf } from '../generators/index.js';
import { detect, ofSymptom } from './harness.js';

/** A bottom-k sketch of the integers in [from, to): their 16-digit hex hashes, k smallest. */
function sketchOf(from: number, to: number, k = 64) {
  const hashes = new Set<string>();
  for (let i = from; i < to; i++) {
    // A 64-bit mix (splitmix64's finaliser) spreads consecutive integers over the hash space.
    let z = BigInt(i) + 0x9e3779b97f4a7c15n;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    hashes.add((z ^ (z >> 31n)).toString(16).padStart(16, '0'));
  }
  return { examples: to - from, hashed: to - from, hashes: [...hashes].sort().slice(0, k) };
}

/** A synthetic run with one more epoch event, before its end, carrying the splits' sketches. */
function withSketches(sketches: Record<string, ReturnType<typeof sketchOf>>): TraceEvent[] {
  const events = eventsOf({ steps: 40 });
  const end = events.findIndex((e) => e.type === 'end');
  const at = end < 0 ? events.length : end;
  return [
    ...events.slice(0, at),
    { type: 'epoch', epoch: 99, step: 39, sampleSketch: sketches },
    ...events.slice(at),
  ];
}

describe('train/validation overlap from the splits sketches', () => {
  it('estimates the share of the validation split also in training from two bottom-k sketches', () => {
    // Train 0..1000, validation 800..1000: all 200 validation examples were trained on.
    const o = overlapOf(sketchOf(0, 1000), sketchOf(800, 1000));
    expect(o.shared).toBeGreaterThan(0);
    expect(o.share).toBeGreaterThan(0.6);
    expect(o.share).toBeLessThanOrEqual(1);
  });

  it('finds no overlap between disjoint splits', () => {
    expect(overlapOf(sketchOf(0, 1000), sketchOf(1000, 1200))).toMatchObject({ shared: 0, share: 0 });
  });

  it('reports train_val_overlap with the estimated share when the validation split was trained on', async () => {
    const occ = await detect(withSketches({ train: sketchOf(0, 1000), val: sketchOf(800, 1000) }));
    const [f] = ofSymptom(occ, 'train_val_overlap');
    expect(f?.severity).toBe('warning');
    expect(f?.evidence[0]).toMatch(
      /^about \d+% of the val split's 200 examples are also in the training split's 1000/,
    );
  });

  it('stays silent for disjoint splits and for a trace without sketches', async () => {
    expect(
      ofSymptom(
        await detect(withSketches({ train: sketchOf(0, 1000), val: sketchOf(1000, 1200) })),
        'train_val_overlap',
      ),
    ).toEqual([]);
    expect(ofSymptom(await detect(eventsOf({ steps: 40 })), 'train_val_overlap')).toEqual([]);
  });

  it('measures an input shift per feature in training standard deviations, skipping constant features', () => {
    const train = { ...sketchOf(0, 10), featureMeans: [0, 5, 1], featureStds: [1, 0, 2] };
    const val = { ...sketchOf(10, 20), featureMeans: [0.5, 9, 7] };
    expect(inputShiftOf(train, val)).toEqual({ smd: 3, feature: 2 });
    expect(inputShiftOf(train, { ...sketchOf(10, 20), featureMeans: [0, 5, 1] })).toEqual({
      smd: 0,
      feature: 0,
    });
  });
});
