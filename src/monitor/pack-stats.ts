import { asColumns, columnMaxima, columnMeans, columnsFor } from './column-stats.js';
import type { ActivationFamily } from './layer-plan.js';
import type { TF, Tf } from './tf-types.js';

export type PartKind = 'weight' | 'bias' | 'grad' | 'act';

/** One tensor of a sampled step and how its numbers come back. */
export interface PackedPart {
  kind: PartKind;
  owner: number;
  size: number;
  family: ActivationFamily;
  /** Size of the last axis (activations: units or channels). */
  units: number;
  /**
   * `raw`: its values themselves from `at` (small tensors: no op of their
   * own, exact float64 statistics); `reduced`: per-column results of the
   * tensor viewed as [rows, columns] (see column-stats.ts), each `columns`
   * wide: from `at` the column means of its values, then the fields below.
   */
  mode: 'raw' | 'reduced';
  at: number;
  rows: number;
  columns: number;
  /** Reduced: column means of squares (activations: centred on `centreAt`). */
  sumSqAt?: number;
  /** Reduced weights and gradients: column maxima of |x| (of x² when `maxIsSquared`). */
  maxAbsAt?: number;
  maxIsSquared: boolean;
  /** Reduced gradients of ReLU-family layers: column shares of non-zero values. */
  nonZeroAt?: number;
  /** Reduced weight-kind tensors with a before-update copy: column means of (w − before)². */
  deltaAt?: number;
  /** Reduced activations: the float32 mean their squares were centred on (one value). */
  centreAt?: number;
  /** Reduced sigmoid/tanh activations: column shares of saturated values. */
  saturatedAt?: number;
  /** Raw weight-kind tensors with a before-update copy: where the copy starts. */
  beforeAt?: number;
}

export interface PackPlan {
  parts: PackedPart[];
  /** Where the extras (one value each: losses, metrics) start, and how many. */
  extrasAt: number;
  extras: number;
}

export interface PackInput {
  kind: PartKind;
  owner: number;
  tensor: TF.Tensor;
  family: ActivationFamily;
  /** The same weights before this step's update (weight-kind tensors), for the update ratio. */
  before?: TF.Tensor;
}

// Up to this many values a tensor is read as it is and summarised in JS (exact
// float64, about 2-4 ns a value, no op). Past it, reducing on the backend (5-8
// ops of a few µs each, plus their garbage) is cheaper. On bench:monitor's
// model 2,048, 4,096 and 8,192 cost the same within the noise.
const RAW_MAX = 8192;

type Field =
  | 'at'
  | 'sumSqAt'
  | 'maxAbsAt'
  | 'nonZeroAt'
  | 'deltaAt'
  | 'centreAt'
  | 'saturatedAt'
  | 'beforeAt';

/** A sampled step's statistics as tensors to read one after another (see read-pieces.ts). */
export interface Packed {
  pieces: TF.Tensor[];
  /** The pieces made here (the caller disposes them after reading); the rest are the inputs themselves. */
  made: TF.Tensor[];
  plan: PackPlan;
}

/**
 * All statistics of one sampled step as a list of tensors read in one go
 * (`createPieceReader`), in the order of the plan's offsets. Small tensors
 * (biases, small kernels, most activations) are read as they are and
 * summarised in float64 on the JS side; large ones are reduced on the
 * backend to per-column means and maxima by pooling (see column-stats.ts: a
 * sixth of the time of `sum` and `max` on wasm), with no copy of the
 * weights. Non-finite values show in the means, so they need no pass of
 * their own. Call inside `tf.tidy` (and keep `made`).
 */
export function packStats(tf: Tf, inputs: PackInput[], extras: TF.Tensor[]): Packed {
  const pieces: TF.Tensor[] = [];
  const made: TF.Tensor[] = [];
  const pending: { part: PackedPart; field: Field; index: number }[] = [];
  const parts: PackedPart[] = [];
  const put = (part: PackedPart, field: Field, t: TF.Tensor, own = true) => {
    pending.push({ part, field, index: pieces.length });
    pieces.push(t);
    if (own) made.push(t);
  };
  for (const input of inputs) {
    const t = input.tensor;
    const units = t.rank > 1 ? (t.shape[t.rank - 1] ?? 1) : t.size;
    // Every field from the start: one object shape, so decoding's hot loops read them fast.
    const part: PackedPart = {
      kind: input.kind,
      owner: input.owner,
      size: t.size,
      family: input.family,
      units,
      mode: 'raw',
      at: 0,
      rows: 0,
      columns: 0,
      maxIsSquared: false,
      sumSqAt: undefined,
      maxAbsAt: undefined,
      nonZeroAt: undefined,
      deltaAt: undefined,
      centreAt: undefined,
      saturatedAt: undefined,
      beforeAt: undefined,
    };
    parts.push(part);
    if (t.size <= RAW_MAX) {
      put(part, 'at', t, false);
      if (input.before) put(part, 'beforeAt', input.before, false);
      continue;
    }
    part.mode = 'reduced';
    part.columns = columnsFor(t.size, input.kind === 'act' ? units : 1);
    part.rows = t.size / part.columns;
    const x = asColumns(tf, t.dtype === 'float32' ? t : tf.cast(t, 'float32'), part.columns);
    const means = columnMeans(tf, x);
    put(part, 'at', means);
    if (input.kind === 'act') {
      // Centred (two passes): sigmoid outputs near 1 keep their small spread in float32.
      const centre = tf.mean(means);
      put(part, 'centreAt', centre);
      put(part, 'sumSqAt', columnMeans(tf, tf.squaredDifference(x, centre)));
      // Outside the responsive range (spec/trace-format.md): sigmoid < 0.01 or > 0.99, |tanh| > 0.99.
      // `step` is 1 above 0: wasm runs it at elementwise speed, unlike `greater` (20-30× slower).
      if (input.family === 'sigmoid' || input.family === 'tanh') {
        const sigmoid = input.family === 'sigmoid';
        const off = tf.abs(sigmoid ? tf.sub(x, 0.5) : x);
        put(part, 'saturatedAt', columnMeans(tf, tf.step(tf.sub(off, sigmoid ? 0.49 : 0.99))));
      }
      // ReLU-family units are dead where their column means are 0 (outputs are ≥ 0): no pass of their own.
      continue;
    }
    const square = tf.square(x);
    put(part, 'sumSqAt', columnMeans(tf, square));
    if (input.kind === 'grad' && input.family === 'relu') {
      // Zero gradients matter where units die (AUTOTRAINER's ReLU rule): exact zeros, so from |x|.
      const abs = tf.abs(x);
      put(part, 'maxAbsAt', columnMaxima(tf, abs));
      put(part, 'nonZeroAt', columnMeans(tf, tf.step(abs)));
    } else {
      // √max(x²) is max |x| to float32 rounding, one pass fewer than |x|; squares that overflow or
      // fall below 2^-126 (values past ~1.8e19 or all under ~1e-19) make decoding ask for a recount.
      part.maxIsSquared = true;
      put(part, 'maxAbsAt', columnMaxima(tf, square));
    }
    if (input.before) {
      const before = asColumns(tf, input.before, part.columns);
      put(part, 'deltaAt', columnMeans(tf, tf.squaredDifference(x, before)));
    }
  }
  const extrasAt = pieces.length;
  pieces.push(...extras);
  const starts: number[] = [];
  let offset = 0;
  for (const v of pieces) {
    starts.push(offset);
    offset += v.size;
  }
  for (const p of pending) p.part[p.field] = starts[p.index]!;
  return { pieces, made, plan: { parts, extrasAt: starts[extrasAt] ?? offset, extras: extras.length } };
}

/** Exact figures of a reduced tensor whose column results cannot stand (see `recountParts`). */
export interface Recount {
  nonFinite: number;
  sum: number;
  sumSq: number;
  maxAbs: number;
}

/**
 * Non-finite count, sum, sum of squares and max |x| of each given tensor
 * by plain reductions, for the rare reading whose column results came out
 * NaN or Inf (see `columnMeans` for why the pooled figures cannot be kept
 * then) or whose squares underflowed: a second, small read-back. Call inside `tf.tidy`.
 */
export function recount(tf: Tf, tensors: TF.Tensor[]): TF.Tensor1D {
  return tf.concat(
    tensors.map((t) =>
      tf.stack([
        tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'float32')),
        tf.sum(t),
        tf.sum(tf.square(t)),
        tf.max(tf.abs(t)),
      ]),
    ),
  ) as TF.Tensor1D;
}
