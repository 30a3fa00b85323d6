import { createRng, permutation, type Rng } from './prng.js';

/** Examples as plain rows: features and a class index (or a regression target). */
export interface Rows {
  x: number[][];
  y: number[];
}

export type Task = 'classification' | 'binary' | 'regression';

/** A generated data set, split into training and validation rows. */
export interface Dataset {
  name: string;
  task: Task;
  /** 0 for regression. */
  numClasses: number;
  /** One example's shape: `[d]`, or `[8, 8, 1]` for images. */
  inputShape: number[];
  train: Rows;
  val: Rows;
}

function shuffled(rows: Rows, rng: Rng): Rows {
  const p = permutation(rows.y.length, rng);
  return { x: p.map((i) => rows.x[i]!), y: p.map((i) => rows.y[i]!) };
}

/** Splits shuffled rows into `nTrain` training rows and the rest for validation. */
export function splitRows(rows: Rows, nTrain: number): { train: Rows; val: Rows } {
  return {
    train: { x: rows.x.slice(0, nTrain), y: rows.y.slice(0, nTrain) },
    val: { x: rows.x.slice(nTrain), y: rows.y.slice(nTrain) },
  };
}

/** Picks a class by its share (shares sum to 1), or round-robin without shares. */
function classOf(i: number, k: number, rng: Rng, shares?: number[]): number {
  if (!shares) return i % k;
  const v = rng.u();
  let acc = 0;
  for (let c = 0; c < k; c++) {
    acc += shares[c]!;
    if (v < acc) return c;
  }
  return k - 1;
}

export interface BlobsOptions {
  n: number;
  nTrain: number;
  k: number;
  d: number;
  /** Spread of the class centres in units of the within-class standard deviation. */
  spread: number;
  shares?: number[];
}

/** Gaussian clusters, one per class, with unit within-class spread. */
export function blobs(seed: number, o: BlobsOptions): Dataset {
  const rng = createRng(seed);
  const centres = Array.from({ length: o.k }, () => Array.from({ length: o.d }, () => rng.n() * o.spread));
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < o.n; i++) {
    const c = classOf(i, o.k, rng, o.shares);
    x.push(centres[c]!.map((m) => (m + rng.n()) / Math.sqrt(1 + o.spread * o.spread)));
    y.push(c);
  }
  return named('blobs', 'classification', o.k, [o.d], shuffled({ x, y }, rng), o.nTrain);
}

/** Two interleaved half circles, standardised. */
export function moons(seed: number, n: number, nTrain: number, noise: number, shares?: number[]): Dataset {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = classOf(i, 2, rng, shares);
    const t = Math.PI * rng.u();
    const p = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    x.push([(p[0]! - 0.5 + noise * rng.n()) / 0.87, (p[1]! - 0.25 + noise * rng.n()) / 0.5]);
    y.push(c);
  }
  return named('moons', 'classification', 2, [2], shuffled({ x, y }, rng), nTrain);
}

/** Two concentric circles, standardised (not linearly separable). */
export function circles(seed: number, n: number, nTrain: number, noise: number): Dataset {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 2 * Math.PI * rng.u();
    const r = c === 0 ? 1 : 0.5;
    x.push([(r * Math.cos(t) + noise * rng.n()) / 0.56, (r * Math.sin(t) + noise * rng.n()) / 0.56]);
    y.push(c);
  }
  return named('circles', 'classification', 2, [2], shuffled({ x, y }, rng), nTrain);
}

/** `k` interleaved spiral arms (hard for small models). */
export function spirals(seed: number, n: number, nTrain: number, k: number, noise: number): Dataset {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const r = rng.u();
    const t = (c * 2 * Math.PI) / k + r * 3 * Math.PI + noise * rng.n();
    x.push([(r * Math.cos(t)) / 0.5, (r * Math.sin(t)) / 0.5]);
    y.push(c);
  }
  return named('spirals', 'classification', k, [2], shuffled({ x, y }, rng), nTrain);
}

// Seven-segment strokes on an 8×8 grid: [row, col] cells of segments a..g.
const SEGMENTS: Record<string, [number, number][]> = {
  a: [2, 3, 4, 5].map((c) => [0, c]),
  b: [1, 2, 3].map((r) => [r, 6]),
  c: [5, 6].map((r) => [r, 6]),
  d: [2, 3, 4, 5].map((c) => [7, c]),
  e: [5, 6].map((r) => [r, 1]),
  f: [1, 2, 3].map((r) => [r, 1]),
  g: [2, 3, 4, 5].map((c) => [4, c]),
};
const DIGIT_SEGMENTS = [
  'abcdef',
  'bc',
  'abged',
  'abgcd',
  'fgbc',
  'afgcd',
  'afgedc',
  'abc',
  'abcdefg',
  'abcdfg',
];

export interface DigitsOptions {
  n: number;
  nTrain: number;
  /** Pixel noise (std) on top of the strokes. */
  noise?: number;
  /** Images as [8, 8, 1] (for convolutions) instead of 64 flat pixels. */
  image?: boolean;
  shares?: number[];
}

/** 8×8 seven-segment digits 0–9 with random shifts, stroke strength and pixel noise; pixels in [0, 1]. */
export function digits(seed: number, o: DigitsOptions): Dataset {
  const rng = createRng(seed);
  const noise = o.noise ?? 0.15;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < o.n; i++) {
    const c = classOf(i, 10, rng, o.shares);
    const img = new Array<number>(64).fill(0);
    const dr = rng.int(3) - 1;
    const dc = rng.int(3) - 1;
    const ink = 0.6 + 0.4 * rng.u();
    for (const s of DIGIT_SEGMENTS[c]!) {
      for (const [r, col] of SEGMENTS[s]!) {
        const rr = r + dr;
        const cc = col + dc;
        if (rr >= 0 && rr < 8 && cc >= 0 && cc < 8) img[rr * 8 + cc] = ink;
      }
    }
    x.push(img.map((v) => Math.min(1, Math.max(0, (rng.u() < 0.04 ? 1 - v : v) + noise * rng.n()))));
    y.push(c);
  }
  return named('digits', 'classification', 10, o.image ? [8, 8, 1] : [64], shuffled({ x, y }, rng), o.nTrain);
}

/**
 * Friedman's regression problem #1 on `d` ≥ 5 uniform features (five informative),
 * y = 10 sin(π x₁x₂) + 20 (x₃ − ½)² + 10 x₄ + 5 x₅ + σε; targets standardised unless `raw`.
 */
export function friedman(
  seed: number,
  n: number,
  nTrain: number,
  o: { d?: number; raw?: boolean; noise?: number } = {},
): Dataset {
  const rng = createRng(seed);
  const d = o.d ?? 8;
  const noise = o.noise ?? 1;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: d }, () => rng.u());
    x.push(f);
    y.push(
      10 * Math.sin(Math.PI * f[0]! * f[1]!) +
        20 * (f[2]! - 0.5) ** 2 +
        10 * f[3]! +
        5 * f[4]! +
        noise * rng.n(),
    );
  }
  // Moments of y under the uniform design: mean 14.41, std √(23.8 + σ²) (4.98 with σ = 1).
  const std = Math.sqrt(23.8 + noise * noise);
  const ys = o.raw ? y : y.map((v) => (v - 14.41) / std);
  return named('friedman', 'regression', 0, [d], shuffled({ x, y: ys }, rng), nTrain);
}

function named(
  name: string,
  task: Task,
  k: number,
  inputShape: number[],
  rows: Rows,
  nTrain: number,
): Dataset {
  return { name, task, numClasses: k, inputShape, ...splitRows(rows, nTrain) };
}
