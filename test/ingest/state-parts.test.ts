import { describe, expect, it } from 'vitest';
import { diffParts, joinParts, splitState, updateParts } from '../../src/detect/state-parts.js';

/** A state shaped like the detectors': families with records of layers, lists that grow with the run. */
const stateWith = (layers: number, value = 1) => ({
  families: {
    gradients: {
      global: { n: 3, ema: Number.NaN },
      layers: Object.fromEntries(
        Array.from({ length: layers }, (_, i) => [
          `dense_${i}`,
          { n: value, window: [value, 2, 3], max: Infinity },
        ]),
      ),
      exploding: null,
    },
  },
  occurrences: {},
  signals: ['loss'],
  ended: false,
  layers: Object.fromEntries(Array.from({ length: layers }, (_, i) => [`dense_${i}`, 1])),
});

describe('a detector state in parts', () => {
  it('joins back to the state it was split from: key order, NaN and Infinity kept', () => {
    const state = stateWith(100);
    const joined = joinParts(splitState(state));
    expect(joined).toEqual(state);
    expect(Object.keys((joined.families as typeof state.families).gradients.layers)).toEqual(
      Object.keys(state.families.gradients.layers),
    );
  });

  it('gives a layer its own part, so a change to one layer is one part', () => {
    const before = splitState(stateWith(100));
    const changed = stateWith(100);
    changed.families.gradients.layers.dense_7!.n = 99;
    const delta = diffParts(before, splitState(changed));
    expect(delta).toEqual({
      set: [['["families","gradients","layers","dense_7"]', '{"n":99,"window":[1,2,3],"max":"Infinity"}']],
      del: [],
    });
  });

  it('removes the parts of what went, and splits or joins an object as it grows or shrinks', () => {
    const small = splitState(stateWith(2));
    const big = splitState(stateWith(200));
    const grow = diffParts(small, big);
    const shrink = diffParts(big, small);
    const apply = (parts: Map<string, string>, d: ReturnType<typeof diffParts>) => {
      const out = new Map(parts);
      for (const k of d.del) out.delete(k);
      for (const [k, t] of d.set) out.set(k, t);
      return out;
    };
    expect(joinParts(apply(small, grow))).toEqual(stateWith(200));
    expect(joinParts(apply(big, shrink))).toEqual(stateWith(2));
    expect(shrink.del.length).toBeGreaterThan(0);
  });

  it('keeps a layer named like a path or like __proto__ as a property of its own', () => {
    const state = {
      families: {},
      layers: { __proto__: 1, '["a","b"]': 1, 'a/b': 1 } as Record<string, number>,
    };
    // An object literal's __proto__ sets the prototype: build the record as JSON would.
    state.layers = JSON.parse('{"__proto__":1,"[\\"a\\",\\"b\\"]":1,"a/b":1}');
    const joined = joinParts(splitState(state)) as { layers: object };
    expect(Object.keys(joined.layers)).toEqual(['__proto__', '["a","b"]', 'a/b']);
    expect(Object.getPrototypeOf(joined.layers)).toBe(Object.prototype);
  });

  it('updates saved parts in place to what diffParts says, new keys last', () => {
    for (const [from, to] of [
      [2, 200],
      [200, 2],
      [50, 50],
    ] as const) {
      const saved = splitState(stateWith(from));
      const next = stateWith(to, 7);
      const expected = diffParts(saved, splitState(next));
      expect(updateParts(saved, next)).toEqual(expected);
      expect([...saved]).toEqual([...splitState(next)].sort((a, b) => order(saved, a) - order(saved, b)));
      expect(joinParts(saved)).toEqual(next);
    }
  });
});

const order = (m: Map<string, string>, [k]: [string, string]) => [...m.keys()].indexOf(k);
