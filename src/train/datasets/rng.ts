/** A seeded random source: uniform [0, 1), standard normal, integers, shuffles. */
export interface Rng {
  uniform(): number;
  normal(): number;
  int(n: number): number;
  shuffle<T>(items: T[]): T[];
}

/**
 * mulberry32 (a 32-bit generator, fine for data and shuffles) with a
 * Box–Muller normal; the same seed gives the same data on every machine.
 *
 * @example const rng = createRng(7); rng.normal();
 */
export function createRng(seed: number): Rng {
  let a = (seed * 2654435761) >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    int: (n) => Math.floor(uniform() * n),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/**
 * FNV-1a hash of a string: a stable seed derived from an id (a demo's
 * shuffle, the benchmark's seeds and its held-out split).
 *
 * @example createRng(hashString('lr-too-high'))
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
