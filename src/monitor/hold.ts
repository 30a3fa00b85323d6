import type { TF, Tf } from './tf-types.js';

/**
 * A second handle on a tensor's data, without copying it. Tensors are
 * immutable and optimizers never write into a variable's buffer (`assign`
 * swaps in a new one and drops its reference to the old), so holding a
 * reference keeps "the weights before this update" or "this batch's loss"
 * alive for free. The cpu backend's Identity kernel does the same; wasm's
 * copies. Falls back to `clone` on a backend without reference counts.
 *
 * @example const before = weights.map((w) => hold(tf, w)); // ... update ... tf.dispose(before)
 */
export function hold(tf: Tf, t: TF.Tensor): TF.Tensor {
  const backend = tf.backend() as { incRef?: (dataId: object) => void };
  if (typeof backend.incRef !== 'function') return tf.clone(t);
  backend.incRef(t.dataId);
  return tf.engine().makeTensorFromDataId(t.dataId, t.shape, t.dtype, tf.backend());
}
