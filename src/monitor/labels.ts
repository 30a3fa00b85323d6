import type { TF, Tf } from './tf-types.js';

/**
 * Class indices of labels given one-hot or as probabilities ([n, k], k > 1),
 * or as indices ([n] or [n, 1]; binary labels are 0/1). Call inside `tf.tidy`.
 *
 * @example classIndices(tf, tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3)) // [2, 0]
 */
export function classIndices(tf: Tf, y: TF.Tensor): TF.Tensor1D {
  const last = y.shape[y.rank - 1] ?? 1;
  if (y.rank >= 2 && last > 1) return tf.reshape(tf.argMax(y, -1), [-1]) as TF.Tensor1D;
  return tf.cast(tf.round(tf.reshape(y, [-1])), 'int32') as TF.Tensor1D;
}

/** Predicted classes from model outputs: the arg-max of k > 1 scores, or one probability above 0.5. */
export function predictedClasses(tf: Tf, out: TF.Tensor): TF.Tensor1D {
  const last = out.shape[out.rank - 1] ?? 1;
  if (last > 1) return tf.reshape(tf.argMax(out, -1), [-1]) as TF.Tensor1D;
  return tf.cast(tf.reshape(tf.greater(out, 0.5), [-1]), 'int32') as TF.Tensor1D;
}
