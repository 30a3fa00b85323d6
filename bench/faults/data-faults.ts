import type { Dataset, Rows } from './datasets.js';
import { createRng } from './prng.js';

/** Features × `factor` + `offset` (both splits): raw units instead of standardised ones. */
export function scaleInputs(ds: Dataset, factor: number, offset = 0): Dataset {
  const scale = (r: Rows): Rows => ({ x: r.x.map((row) => row.map((v) => v * factor + offset)), y: r.y });
  return { ...ds, train: scale(ds.train), val: scale(ds.val) };
}

/** Each training label replaced by a uniformly drawn class with probability `p`; validation stays clean. */
export function flipLabels(ds: Dataset, p: number, seed: number): Dataset {
  const rng = createRng(seed);
  const y = ds.train.y.map((c) => (rng.u() < p ? rng.int(ds.numClasses) : c));
  return { ...ds, train: { x: ds.train.x, y } };
}

/** A share `p` of the training feature values replaced by `value` (NaN, ±Infinity, a sentinel). */
export function corruptInputs(ds: Dataset, p: number, value: number, seed: number): Dataset {
  const rng = createRng(seed);
  const x = ds.train.x.map((row) => row.map((v) => (rng.u() < p ? value : v)));
  return { ...ds, train: { x, y: ds.train.y } };
}

/** Only the first `n` training rows. */
export function fewerExamples(ds: Dataset, n: number): Dataset {
  return { ...ds, train: { x: ds.train.x.slice(0, n), y: ds.train.y.slice(0, n) } };
}

/** A two-class set as a binary one (one sigmoid unit, 0/1 targets). */
export function asBinary(ds: Dataset): Dataset {
  if (ds.numClasses !== 2) throw new Error(`asBinary needs two classes, ${ds.name} has ${ds.numClasses}`);
  return { ...ds, task: 'binary' };
}

/** Regression targets turned into counts: max(0, round(y − `offset`)), so a share of them are exactly 0. */
export function countTargets(ds: Dataset, offset: number): Dataset {
  const count = (r: Rows): Rows => ({ x: r.x, y: r.y.map((v) => Math.max(0, Math.round(v - offset))) });
  return { ...ds, train: count(ds.train), val: count(ds.val) };
}
