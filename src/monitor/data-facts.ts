import type { DatasetInfo, ValueStats } from '../domain/index.js';
import { classIndices } from './labels.js';
import { round6 } from './round.js';
import type { TF, Tf } from './tf-types.js';

/** The training data a run was given, so its `run` event can describe it. */
export interface DataTensors {
  x: TF.Tensor;
  y?: TF.Tensor;
  validation?: { x: TF.Tensor; y?: TF.Tensor };
}

/**
 * The dataset part of the `run` event: input statistics (over finite values,
 * with the count of NaN/Inf beside them), class counts or label statistics,
 * and sizes. Computed on the backend and read back once.
 *
 * @example await describeData(tf, { x, y }, { task: 'classification', numClasses: 3 })
 */
export async function describeData(
  tf: Tf,
  data: DataTensors,
  target: { task?: string; numClasses?: number },
): Promise<DatasetInfo> {
  const info: DatasetInfo = { trainSize: data.x.shape[0] ?? 0 };
  if (data.validation) info.valSize = data.validation.x.shape[0] ?? 0;
  const k = target.numClasses;
  const classes =
    data.y !== undefined && k !== undefined && k >= 2 && /classification/.test(target.task ?? '');
  const packed = tf.tidy(() => {
    const parts = [valueStats(tf, data.x)];
    if (data.y && classes)
      parts.push(tf.cast(tf.bincount(classIndices(tf, data.y), tf.tensor1d([]), k), 'float32'));
    else if (data.y) parts.push(valueStats(tf, data.y));
    return tf.concat(parts);
  });
  const values = await packed.data();
  packed.dispose();
  info.inputStats = readStats(values, 0, data.x.size);
  if (classes) {
    info.numClasses = k;
    info.classCounts = Array.from(values.subarray(6, 6 + k));
  } else if (data.y) {
    const { nanCount: _ignored, ...labelStats } = readStats(values, 6, data.y.size);
    info.labelStats = labelStats;
  }
  return info;
}

/** [count of finite values, sum, centred sum of squares, min, max, 0] over the finite values of t. */
function valueStats(tf: Tf, t: TF.Tensor): TF.Tensor1D {
  const flat = tf.reshape(tf.cast(t, 'float32'), [-1]);
  const finite = tf.isFinite(flat);
  const n = tf.sum(tf.cast(finite, 'float32'));
  const zero = tf.zerosLike(flat);
  const sum = tf.sum(tf.where(finite, flat, zero));
  const mean = tf.div(sum, tf.maximum(n, 1));
  const m2 = tf.sum(tf.where(finite, tf.square(tf.sub(flat, mean)), zero));
  const min = tf.min(tf.where(finite, flat, tf.fill(flat.shape, Number.POSITIVE_INFINITY)));
  const max = tf.max(tf.where(finite, flat, tf.fill(flat.shape, Number.NEGATIVE_INFINITY)));
  return tf.stack([n, sum, m2, min, max, tf.scalar(0)]) as TF.Tensor1D;
}

function readStats(v: ArrayLike<number>, at: number, size: number): ValueStats {
  const n = v[at]!;
  if (n === 0) return { nanCount: size };
  return {
    mean: round6(v[at + 1]! / n),
    std: round6(Math.sqrt(v[at + 2]! / n)),
    min: round6(v[at + 3]!),
    max: round6(v[at + 4]!),
    nanCount: size - n,
  };
}
