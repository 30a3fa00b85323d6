import { blobs, circles, type Dataset, digits, friedman, moons, spirals } from '../datasets.js';
import type { Activation, Init, LayerSpec } from '../models.js';

// The standard data sets of the benchmark (sizes chosen so a run is a few hundred steps at batch 32).

export const blobs5 = (seed: number, nTrain = 1600): Dataset =>
  blobs(seed, { n: nTrain + 400, nTrain, k: 5, d: 10, spread: 1 });

export const digits10 = (seed: number, nTrain = 1500, image = false): Dataset =>
  digits(seed, { n: nTrain + 500, nTrain, image });

export const moons2 = (seed: number, nTrain = 1200, noise = 0.2): Dataset =>
  moons(seed, nTrain + 400, nTrain, noise);

export const circles2 = (seed: number, nTrain = 1200, noise = 0.08): Dataset =>
  circles(seed, nTrain + 400, nTrain, noise);

export const spirals3 = (seed: number, nTrain = 1200): Dataset =>
  spirals(seed, nTrain + 400, nTrain, 3, 0.15);

export const regression = (seed: number, nTrain = 1500): Dataset => friedman(seed, nTrain + 500, nTrain);

export const softmax = (k: number): { units: number; activation: Activation } => ({
  units: k,
  activation: 'softmax',
});
export const sigmoidUnit = { units: 1, activation: 'sigmoid' as const };
export const linearUnit = { units: 1, activation: 'linear' as const };

/** Hidden dense layers of one activation, each followed by dropout (ReLU ones He-initialised), then `out`. */
export const withDropout = (
  units: number[],
  activation: 'relu' | 'tanh',
  rate: number,
  out: { units: number; activation: Activation },
): LayerSpec[] => [
  ...units.flatMap((u): LayerSpec[] => [
    { kind: 'dense', units: u, activation, ...(activation === 'relu' ? { init: 'heNormal' as const } : {}) },
    { kind: 'dropout', rate },
  ]),
  { kind: 'dense', ...out },
];

/** `depth` dense layers of one width and activation, then `out`. */
export const deep = (
  depth: number,
  units: number,
  activation: Activation,
  out: LayerSpec,
  init?: Init,
): LayerSpec[] => [
  ...Array.from(
    { length: depth },
    (): LayerSpec => ({ kind: 'dense', units, activation, ...(init ? { init } : {}) }),
  ),
  out,
];
