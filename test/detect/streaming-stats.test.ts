import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEma,
  createRunning,
  createSeries,
  createWindow,
  emaValue,
  median,
  offerSeries,
  pushEma,
  pushRunning,
  pushWindow,
  runningVariance,
  theilSenSlope,
  windowAt,
  windowMad,
  windowMedian,
  windowSteps,
  windowValues,
} from '../../src/detect/stats/index.js';
import { decodeLine, encodeEvent } from '../../src/trace/index.js';

// Finite values over a wide range; both signs, zeros and repeats included.
// JSON has no -0 (it writes 0), and a saved state may hold any pushed value: compare without the sign of zero.
const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((v) => v + 0);
const values = fc.array(value, { minLength: 1, maxLength: 200 });

const close = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance;

/** A detector's save: plain JSON, as the brief's round trip. */
const viaJson = <T>(state: T): T => JSON.parse(JSON.stringify(state)) as T;
/** The detector set's own save, which keeps NaN and ±Infinity. */
const viaTrace = <T>(state: T): T => decodeLine(encodeEvent(state), { event: 0 }) as T;

describe('Welford running statistics', () => {
  it('give the two-pass mean and variance of any array, within rounding', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const s = createRunning();
        for (const x of xs) pushRunning(s, x);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const variance = xs.length > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
        const scale = Math.max(1, ...xs.map(Math.abs));
        expect(s.n).toBe(xs.length);
        expect(close(s.mean, mean, 1e-9 * scale)).toBe(true);
        expect(close(runningVariance(s), variance, 1e-8 * scale * scale)).toBe(true);
        expect(s.min).toBe(Math.min(...xs));
        expect(s.max).toBe(Math.max(...xs));
      }),
    );
  });

  it('continue exactly after a JSON round trip of their state', () => {
    fc.assert(
      fc.property(values, fc.nat(), (xs, at) => {
        const cut = 1 + (at % xs.length);
        const whole = createRunning();
        for (const x of xs) pushRunning(whole, x);
        const half = createRunning();
        for (const x of xs.slice(0, cut)) pushRunning(half, x);
        const resumed = viaJson(half);
        for (const x of xs.slice(cut)) pushRunning(resumed, x);
        expect(resumed).toEqual(whole);
      }),
    );
  });

  it('continue exactly after the detector save even before the first value (min and max infinite)', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const whole = createRunning();
        for (const x of xs) pushRunning(whole, x);
        const resumed = viaTrace(createRunning());
        for (const x of xs) pushRunning(resumed, x);
        expect(resumed).toEqual(whole);
      }),
    );
  });
});

describe('bias-corrected EMA', () => {
  it('of a constant equals the constant from the first value on, for any smoothing factor', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        value,
        fc.integer({ min: 1, max: 300 }),
        (alpha, c, n) => {
          const e = createEma(alpha);
          for (let i = 0; i < n; i++) {
            expect(close(pushEma(e, c), c, 1e-9 * Math.max(1, Math.abs(c)))).toBe(true);
          }
        },
      ),
    );
  });

  it('is NaN before any value and continues exactly after a JSON round trip', () => {
    expect(emaValue(createEma(0.1))).toBeNaN();
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1, noNaN: true }), values, fc.nat(), (alpha, xs, at) => {
        const cut = at % (xs.length + 1);
        const whole = createEma(alpha);
        for (const x of xs) pushEma(whole, x);
        const half = createEma(alpha);
        for (const x of xs.slice(0, cut)) pushEma(half, x);
        const resumed = viaJson(half);
        for (const x of xs.slice(cut)) pushEma(resumed, x);
        expect(resumed).toEqual(whole);
        expect(emaValue(resumed)).toBe(emaValue(whole));
      }),
    );
  });
});

describe('ring window', () => {
  it('keeps exactly the last `cap` values and their steps, oldest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(value, { maxLength: 200 }), (cap, xs) => {
        const w = createWindow(cap);
        xs.forEach((x, i) => {
          pushWindow(w, i, x);
        });
        const kept = xs.slice(-cap);
        expect(w.size).toBe(Math.min(cap, xs.length));
        expect(windowValues(w)).toEqual(kept);
        expect(windowSteps(w)).toEqual(kept.map((_, i) => xs.length - kept.length + i));
        kept.forEach((x, i) => {
          expect(windowAt(w, kept.length - 1 - i)).toBe(x);
        });
        expect(windowAt(w, kept.length)).toBeUndefined();
      }),
    );
  });

  it('continues exactly after a JSON round trip of its state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), values, fc.nat(), (cap, xs, at) => {
        const cut = at % (xs.length + 1);
        const whole = createWindow(cap);
        xs.forEach((x, i) => {
          pushWindow(whole, i, x);
        });
        const half = createWindow(cap);
        xs.slice(0, cut).forEach((x, i) => {
          pushWindow(half, i, x);
        });
        const resumed = viaJson(half);
        xs.slice(cut).forEach((x, i) => {
          pushWindow(resumed, cut + i, x);
        });
        expect(resumed).toEqual(whole);
        expect(windowValues(resumed)).toEqual(windowValues(whole));
      }),
    );
  });

  it('gives the median and MAD of its values without allocating, like the copying median', () => {
    const scratch: number[] = [];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), values, (cap, xs) => {
        const w = createWindow(cap);
        xs.forEach((x, i) => {
          pushWindow(w, i, x);
        });
        const kept = windowValues(w);
        const m = median(kept);
        expect(windowMedian(w, scratch)).toBe(m);
        expect(windowMad(w, m, scratch)).toBe(1.4826 * median(kept.map((x) => Math.abs(x - m))));
      }),
    );
  });
});

describe('median by selection', () => {
  const sortedMedian = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  const values = fc.array(
    fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -3, max: 3 }), fc.constant(Number.NaN)),
    { maxLength: 300 },
  );

  it('is exactly the middle of the sorted list, ties, infinities and NaN included, and leaves the list alone', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const before = [...xs];
        expect(Object.is(median(xs), sortedMedian(xs)) || median(xs) === sortedMedian(xs)).toBe(true);
        expect(xs).toEqual(before);
      }),
    );
  });

  it('gives Theil–Sen the median of every pairwise slope', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          maxLength: 40,
        }),
        (points) => {
          const xs = points.map(([x]) => x);
          const ys = points.map(([, y]) => y);
          const slopes: number[] = [];
          for (let i = 0; i < xs.length; i++)
            for (let j = i + 1; j < xs.length; j++)
              if (xs[j] !== xs[i]) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
          const want = slopes.length ? sortedMedian(slopes) : Number.NaN;
          expect(Object.is(theilSenSlope(xs, ys), want) || theilSenSlope(xs, ys) === want).toBe(true);
        },
      ),
    );
  });
});

describe('Theil–Sen slope', () => {
  const line = fc.record({
    intercept: fc.double({ min: -100, max: 100, noNaN: true }),
    slope: fc.double({ min: -100, max: 100, noNaN: true }),
    xs: fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 40 }),
  });
  const tolerance = (slope: number) => 1e-6 * (1 + Math.abs(slope));

  it('recovers the slope of an exact line', () => {
    fc.assert(
      fc.property(line, ({ intercept, slope, xs }) => {
        const ys = xs.map((x) => intercept + slope * x);
        expect(close(theilSenSlope(xs, ys), slope, tolerance(slope))).toBe(true);
      }),
    );
  });

  it('ignores a minority of outliers that spoils fewer than half of the point pairs', () => {
    fc.assert(
      fc.property(
        line,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v + 0),
          ),
          { maxLength: 10 },
        ),
        ({ intercept, slope, xs }, outliers) => {
          const ys = xs.map((x) => intercept + slope * x);
          const spoiled = new Set<number>();
          for (const [at, y] of outliers) {
            const i = at % xs.length;
            spoiled.add(i);
            ys[i] = y;
          }
          const n = xs.length;
          const clean = n - spoiled.size;
          // Over half the pairs join two clean points, so over half of the pairwise slopes are the line's.
          fc.pre(clean * (clean - 1) > (n * (n - 1)) / 2);
          expect(close(theilSenSlope(xs, ys), slope, tolerance(slope))).toBe(true);
        },
      ),
    );
  });
});

describe('compact run history', () => {
  it('holds at most `cap` evenly spaced samples from the first one on, and the same after a JSON round trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 64 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.nat(),
        (cap, n, at) => {
          const cut = at % (n + 1);
          const whole = createSeries(cap);
          for (let i = 0; i < n; i++) offerSeries(whole, i, i * 2);
          expect(whole.x.length).toBeLessThanOrEqual(whole.cap);
          expect(whole.x[0]).toBe(0);
          whole.x.forEach((x, i) => {
            expect(x).toBe(i * whole.stride);
            expect(whole.v[i]).toBe(2 * x);
          });
          // The newest kept sample is less than two strides behind the latest offer (compaction drops odd ones).
          expect(n - 1 - whole.x.at(-1)!).toBeLessThan(2 * whole.stride);
          const half = createSeries(cap);
          for (let i = 0; i < cut; i++) offerSeries(half, i, i * 2);
          const resumed = viaJson(half);
          for (let i = cut; i < n; i++) offerSeries(resumed, i, i * 2);
          expect(resumed).toEqual(whole);
        },
      ),
    );
  });
});
