/** A seeded source of uniform and normal numbers (mulberry32 + Box–Muller), so every data set regenerates exactly. */
export interface Rng {
  /** Uniform in [0, 1). */
  u(): number;
  /** Standard normal. */
  n(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * @example const r = createRng(7); r.u(); r.n();
 */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const n = () => {
    let x = 0;
    while (x === 0) x = u();
    return Math.sqrt(-2 * Math.log(x)) * Math.cos(2 * Math.PI * u());
  };
  return { u, n, int: (k) => Math.floor(u() * k) };
}

/** FNV-1a hash of a string: stable seeds and split choices derived from ids (the project's own). */
export { hashString } from '../../src/train/index.js';

/** A permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}
