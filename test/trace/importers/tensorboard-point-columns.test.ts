import { describe, expect, it } from 'vitest';
import { PointColumns } from '../../../src/trace/importers/tensorboard/point-columns.js';
import type { Histogram } from '../../../src/trace/importers/tensorboard/summary.js';

type Logged = [step: number, tag: string, value: number | Histogram];

/** Points of 3 tags over `n` values, steps changing every 3 points, with values a float32 cannot hold among them. */
function logged(n: number): Logged[] {
  const out: Logged[] = [];
  for (let i = 0; i < n; i++) {
    const step = Math.floor(i / 3) * 7 + 2 ** 40;
    if (i % 1000 === 999) out.push([step, 'h', { lefts: [i], rights: [i + 1], counts: [1] }]);
    else if (i % 5 === 0) out.push([step, 'a', Math.fround(i / 3)]);
    else if (i % 5 === 1)
      out.push([step, 'b', i / 3]); // a double a float32 would round
    else out.push([step, 'c', [Number.NaN, -0, Infinity, 1e300, 0.1][Math.floor(i / 5) % 5]!]);
  }
  return out;
}

function store(points: Logged[]): { columns: PointColumns; names: string[] } {
  const columns = new PointColumns();
  const names = ['a', 'b', 'c', 'h'];
  for (const [step, tag, value] of points) {
    const id = names.indexOf(tag);
    if (typeof value !== 'number') columns.histogram(step, id, value);
    else if (tag === 'a') columns.float32(step, id, value);
    else columns.scalar(step, id, value);
  }
  return { columns, names };
}

describe('PointColumns', () => {
  it('hands back every point as stored, across chunks and in slices, doubles and NaN, -0 and histograms exact', () => {
    const points = logged(3 * 65536 + 17);
    const { columns, names } = store(points);
    const back: Logged[] = [];
    const sink = {
      scalar: (step: number, tag: string, value: number) => back.push([step, tag, value]),
      histogram: (step: number, tag: string, histogram: Histogram) => back.push([step, tag, histogram]),
    };
    const cuts = [0, 1, 65535, 65536, 65537, 100_000, 131_072, columns.length];
    for (let i = 1; i < cuts.length; i++) columns.handOn(cuts[i - 1]!, cuts[i]!, names, sink);
    expect(back.length).toBe(points.length);
    for (let i = 0; i < points.length; i++) expect(back[i], `point ${i}`).toEqual(points[i]);
    expect(Object.is(back[7]![2], -0)).toBe(true);
    expect(back[2]![2]).toBeNaN();
  });

  it('leaves out the points `kept` refuses, still reading the doubles and histograms after them in order', () => {
    const points = logged(5000);
    const { columns, names } = store(points);
    const back: Logged[] = [];
    columns.handOn(
      0,
      columns.length,
      names,
      {
        scalar: (step, tag, value) => back.push([step, tag, value]),
        histogram: (step, tag, histogram) => back.push([step, tag, histogram]),
      },
      (_step, id, point) => id === 3 || point % 2 === 0,
    );
    expect(back).toEqual(points.filter(([, tag], i) => tag === 'h' || i % 2 === 0));
  });

  it('hands a slot sink each scalar as a column and an index, doubles exact, a tag without a slot left out', () => {
    const points = logged(2 * 65536 + 5);
    const { columns, names } = store(points);
    const back: Logged[] = [];
    const slots: (object | null | undefined)[] = [];
    columns.handOn(
      0,
      columns.length,
      names,
      {
        scalar: () => expect.unreachable('a slot sink gets no scalar by name'),
        histogram: (step, tag, histogram) => back.push([step, tag, histogram]),
        slot: (tag) => (tag === 'c' ? null : { tag }),
        scalarAt: (slot, step, values, at) => back.push([step, (slot as { tag: string }).tag, values[at]!]),
      },
      undefined,
      slots,
    );
    expect(back).toEqual(points.filter(([, tag]) => tag !== 'c'));
  });
});
