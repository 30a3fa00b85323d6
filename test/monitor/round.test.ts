import { describe, expect, it } from 'vitest';
import { round6 } from '../../src/monitor/round.js';
import { createRng } from '../generators/rng.js';

describe('round6', () => {
  it('gives the numbers toPrecision(6) gives, across magnitudes, signs, float32 values and powers of ten', () => {
    const rng = createRng(6);
    const values: number[] = [
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e-30,
      123456.5,
      999999.7,
      0.1234565,
    ];
    for (let i = 0; i < 200_000; i++) {
      const magnitude = 10 ** Math.floor(rng.uniform(-25, 25));
      const v = rng.uniform(-10, 10) * magnitude;
      values.push(v, Math.fround(v), Number(v.toPrecision(6)), magnitude);
    }
    const differing = values.filter(
      (v) => !Object.is(round6(v), Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(6)) : v),
    );
    expect(differing).toEqual([]);
  });
});
