import type { DataSpec } from '../template.js';
import type { Dataset } from './dataset.js';
import { digits8x8 } from './digits.js';
import { createRng, type Rng } from './rng.js';

type Generator = (rng: Rng, o: { n: number; features: number; classes: number; noise?: number }) => Dataset;

/** Defaults per set: examples, features, classes, noise (scikit-learn's make_* defaults where it has one). */
const DEFAULTS: Record<
  NonNullable<DataSpec['generate']>,
  { n: number; features: number; classes: number }
> = {
  blobs: { n: 400, features: 2, classes: 3 },
  moons: { n: 400, features: 2, classes: 2 },
  circles: { n: 400, features: 2, classes: 2 },
  xor: { n: 400, features: 2, classes: 2 },
  digits8x8: { n: 600, features: 64, classes: 10 },
  regression: { n: 400, features: 4, classes: 0 },
};

const GENERATORS: Record<NonNullable<DataSpec['generate']>, Generator> = {
  // Gaussian clusters around centres drawn in [-6, 6]^features (make_blobs: box (-10, 10), std 1).
  blobs(rng, { n, features, classes, noise = 1 }) {
    const centres = Array.from({ length: classes }, () =>
      Array.from({ length: features }, () => 12 * rng.uniform() - 6),
    );
    return tabular('blobs', n, features, classes, (i, row) => {
      const k = i % classes;
      for (let f = 0; f < features; f++) row[f] = centres[k]![f]! + noise * rng.normal();
      return k;
    });
  },
  // Two interleaving half circles (make_moons).
  moons(rng, { n, noise = 0.15 }) {
    return tabular('moons', n, 2, 2, (i, row) => {
      const k = i % 2;
      const t = Math.PI * rng.uniform();
      row[0] = (k === 0 ? Math.cos(t) : 1 - Math.cos(t)) + noise * rng.normal();
      row[1] = (k === 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * rng.normal();
      return k;
    });
  },
  // A small circle inside a large one (make_circles, factor 0.5).
  circles(rng, { n, noise = 0.08 }) {
    return tabular('circles', n, 2, 2, (i, row) => {
      const k = i % 2;
      const t = 2 * Math.PI * rng.uniform();
      const r = k === 0 ? 1 : 0.5;
      row[0] = r * Math.cos(t) + noise * rng.normal();
      row[1] = r * Math.sin(t) + noise * rng.normal();
      return k;
    });
  },
  // The four quadrants, opposite ones sharing a class.
  xor(rng, { n, noise = 0.1 }) {
    return tabular('xor', n, 2, 2, (_, row) => {
      const a = rng.uniform() < 0.5 ? -1 : 1;
      const b = rng.uniform() < 0.5 ? -1 : 1;
      row[0] = a * (0.2 + rng.uniform()) + noise * rng.normal();
      row[1] = b * (0.2 + rng.uniform()) + noise * rng.normal();
      return a === b ? 0 : 1;
    });
  },
  digits8x8: (rng, { n, noise = 1 }) => digits8x8(rng, n, noise),
  // y = x·w + 0.5 sin(2 x0) + noise, x ~ N(0, 1), w ~ N(0, 1).
  regression(rng, { n, features, noise = 0.1 }) {
    const w = Array.from({ length: features }, () => rng.normal());
    return tabular('regression', n, features, 0, (_, row) => {
      let y = 0;
      for (let f = 0; f < features; f++) {
        row[f] = rng.normal();
        y += row[f]! * w[f]!;
      }
      return y + 0.5 * Math.sin(2 * row[0]!) + noise * rng.normal();
    });
  },
};

/**
 * A generated data set, the same for the same spec and seed: the set's
 * examples, then `labelNoise` (labels moved to another class), `scale` and
 * `offset` (every input value times scale plus offset).
 *
 * @example generateDataset({ generate: 'moons', samples: 200, noise: 0.2 }, 7)
 */
export function generateDataset(spec: DataSpec, seed: number): Dataset {
  const name = spec.generate!;
  const d = DEFAULTS[name];
  const rng = createRng(seed);
  const features = typeof spec.features === 'number' ? spec.features : d.features;
  const classes = spec.classes ?? d.classes;
  const set = GENERATORS[name](rng, { n: spec.samples ?? d.n, features, classes, noise: spec.noise });
  if (spec.labelNoise && set.numClasses) {
    const k = set.numClasses;
    for (let i = 0; i < set.n; i++)
      if (rng.uniform() < spec.labelNoise) set.labels[i] = (set.labels[i]! + 1 + rng.int(k - 1)) % k;
  }
  const scale = spec.scale ?? 1;
  const offset = spec.offset ?? 0;
  if (scale !== 1 || offset !== 0)
    for (let i = 0; i < set.x.length; i++) set.x[i] = set.x[i]! * scale + offset;
  return set;
}

function tabular(
  name: string,
  n: number,
  features: number,
  classes: number,
  fill: (i: number, row: Float32Array) => number,
): Dataset {
  const x = new Float32Array(n * features);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) labels[i] = fill(i, x.subarray(i * features, (i + 1) * features));
  return { name, n, shape: [features], x, labels, ...(classes > 0 ? { numClasses: classes } : {}) };
}
