import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../src/report/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('min/max bucket downsampling', () => {
  it('keeps a curve of at most 1000 points as it is (values to 4 significant digits)', () => {
    const d = downsampleMinMax([0, 1, 2], [1.23456789, 1.5, 0.123456], 1000);
    expect(d).toMatchObject({
      x: [0, 1, 2],
      y: [1.235, 1.5, 0.1235],
      count: 3,
      finiteCount: 3,
      nonFinite: [],
    });
  });

  it('cuts 10^4 points to 1000 and keeps the one spike an average would hide', () => {
    const steps = range(10_000);
    const values = steps.map((s) => (s === 6543 ? 1e6 : 1 + Math.sin(s / 50)));
    const d = downsampleMinMax(steps, values, 1000);
    expect(d.x.length).toBeLessThanOrEqual(1000);
    expect(d.x.length).toBe(d.y.length);
    expect([...d.x].sort((a, b) => a - b)).toEqual(d.x);
    expect(d.y[d.x.indexOf(6543)]).toBe(1e6);
    expect(Math.min(...(d.y as number[]))).toBeCloseTo(0, 3);
  });

  it('keeps NaN and ±Infinity as stretches with counts, and breaks the line where each starts', () => {
    const values = [1, 2, Number.NaN, Number.NaN, 3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 4];
    const d = downsampleMinMax(range(8), values, 1000);
    expect(d.nonFinite).toEqual([
      [2, 3, 'NaN', 2],
      [5, 5, 'Infinity', 1],
      [6, 6, '-Infinity', 1],
    ]);
    expect(d).toMatchObject({ count: 8, finiteCount: 4, nonFiniteCount: 4 });
    expect(d.x).toEqual([0, 1, 2, 4, 5, 7]);
    expect(d.y).toEqual([1, 2, null, 3, null, 4]);
  });

  it('merges thousands of flickering NaN stretches into at most 200, keeping the count', () => {
    const steps = range(10_000);
    const d = downsampleMinMax(
      steps,
      steps.map((s) => (s % 2 ? Number.NaN : s)),
      1000,
    );
    expect(d.nonFiniteCount).toBe(5000);
    expect(d.nonFinite.length).toBeLessThanOrEqual(200);
    expect(d.nonFinite.reduce((n, r) => n + r[3], 0)).toBe(5000);
    expect(d.nonFinite[0]![0]).toBe(1);
    expect(d.nonFinite[d.nonFinite.length - 1]![1]).toBe(9999);
  });
});
