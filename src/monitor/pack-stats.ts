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
   * `raw`: its values themselves (small tensors: one op instead of five, and
   * exact float64 statistics); `reduced`: [sum, sum of squares, max |x|] for
   * weights and gradients, [mean, variance] for activations, then the extras
   * below.
   */
  mode: 'raw' | 'reduced';
  /** Where it starts in the read-back vector. */
  at: number;
  /** Reduced gradients of ReLU-family layers: where their non-zero count is. */
  nonZeroAt?: number;
  /** Reduced activations: saturated count (sigmoid/tanh), per-unit maxima (ReLU family). */
  saturatedAt?: number;
  maxAt?: number;
  /** Weight-kind tensors with a before-update copy: where ‖Δ‖² is (reduced), or the raw copy (raw). */
  deltaAt?: number;
  beforeAt?: number;
}

export interface PackPlan {
  parts: PackedPart[];
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

// Up to this many values a tensor is read back as it is: reshape + its share
// of one concat (about one op) beats five reductions (about 30 µs of op
// overhead on wasm) until copying and looping over ~30k floats costs as much.
const RAW_MAX = 32_768;

/**
 * How many values of `x` (≥ 0) exceed `limit`: clip((x − limit)·1e30, 0, 1)
 * is 1 above it (by more than 1e-30), 0 at or below. Arithmetic only, as
 * wasm runs its comparisons (greater, equal, sign) and a scalar `minimum`
 * some 20-30× slower than `mul` or `clipByValue`.
 */
function countAbove(tf: Tf, x: TF.Tensor, limit: number): TF.Tensor {
  return tf.sum(tf.clipByValue(tf.mul(limit === 0 ? x : tf.sub(x, limit), 1e30), 0, 1));
}

/**
 * All statistics of one sampled step as one float32 vector, so the step
 * costs one read-back. Small tensors (biases, small kernels, most
 * activations) travel as they are and are summarised in float64 on the JS
 * side; large ones are reduced on the backend (sum, sum of squares, max |x|;
 * no copy of the weights). Non-finite values show in the sums, so they
 * need no pass of their own. Call inside `tf.tidy`.
 */
export function packStats(
  tf: Tf,
  inputs: PackInput[],
  extras: TF.Tensor[],
): { packed: TF.Tensor1D; plan: PackPlan } {
  const scalars: TF.Tensor[] = [];
  const vectors: TF.Tensor[] = [];
  const pending: { part: PackedPart; field: 'at' | 'maxAt' | 'beforeAt'; index: number }[] = [];
  const parts: PackedPart[] = [];
  const flat = (t: TF.Tensor) => (t.rank === 1 ? t : tf.reshape(t, [-1]));
  const vector = (part: PackedPart, field: 'at' | 'maxAt' | 'beforeAt', t: TF.Tensor) => {
    pending.push({ part, field, index: vectors.length });
    vectors.push(t);
  };
  for (const input of inputs) {
    const t = input.tensor;
    const units = t.rank > 1 ? (t.shape[t.rank - 1] ?? 1) : t.size;
    const part: PackedPart = {
      kind: input.kind,
      owner: input.owner,
      size: t.size,
      family: input.family,
      units,
      mode: 'raw',
      at: 0,
    };
    parts.push(part);
    if (t.size <= RAW_MAX) {
      vector(part, 'at', flat(t));
      if (input.before) vector(part, 'beforeAt', flat(input.before));
      continue;
    }
    part.mode = 'reduced';
    part.at = scalars.length;
    if (input.kind === 'act') {
      // Centred (two passes): sigmoid outputs near 1 keep their small spread in float32.
      const { mean, variance } = tf.moments(t);
      scalars.push(mean, variance);
      // Outside the responsive range (spec/trace-format.md): sigmoid < 0.01 or > 0.99, |tanh| > 0.99.
      if (input.family === 'sigmoid' || input.family === 'tanh') {
        const sigmoid = input.family === 'sigmoid';
        part.saturatedAt = scalars.length;
        scalars.push(countAbove(tf, tf.abs(sigmoid ? tf.sub(t, 0.5) : t), sigmoid ? 0.49 : 0.99));
      }
      if (input.family === 'relu') vector(part, 'maxAt', tf.max(tf.reshape(t, [-1, units]), 0));
      continue;
    }
    const abs = tf.abs(t);
    scalars.push(tf.sum(t), tf.sum(tf.square(t)), tf.max(abs));
    if (input.kind === 'grad' && input.family === 'relu') {
      // Zero gradients matter where units die (AUTOTRAINER's ReLU rule).
      part.nonZeroAt = scalars.length;
      scalars.push(countAbove(tf, abs, 0));
    }
    if (input.before) {
      part.deltaAt = scalars.length;
      scalars.push(tf.sum(tf.squaredDifference(t, input.before)));
    }
  }
  const extrasAt = scalars.length;
  for (const e of extras) scalars.push(e.rank === 0 ? e : tf.reshape(e, []));
  const floats = scalars.map((s) => (s.dtype === 'float32' ? s : tf.cast(s, 'float32')));
  const head = floats.length > 0 ? [tf.stack(floats)] : [];
  let offset = floats.length;
  const starts = vectors.map((v) => {
    const start = offset;
    offset += v.size;
    return start;
  });
  for (const p of pending) p.part[p.field] = starts[p.index]!;
  const all = [...head, ...vectors.map((v) => (v.dtype === 'float32' ? v : tf.cast(v, 'float32')))];
  const packed = (
    all.length === 0 ? tf.zeros([0]) : all.length === 1 ? all[0]! : tf.concat(all)
  ) as TF.Tensor1D;
  return { packed, plan: { parts, extrasAt, extras: extras.length } };
}

/**
 * Exact non-finite counts of the given tensors, for the rare reading whose
 * backend sums came out NaN or Inf (a second, small read-back). Call inside `tf.tidy`.
 */
export function countNonFinite(tf: Tf, tensors: TF.Tensor[]): TF.Tensor1D {
  return tf.stack(
    tensors.map((t) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'float32'))),
  ) as TF.Tensor1D;
}
