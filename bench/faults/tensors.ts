import type { TF, Tf } from '../../src/monitor/index.js';
import type { Dataset, Rows } from './datasets.js';
import type { Experiment } from './experiment.js';

/** Labels as the loss wants them: class indices (sparse), one-hot rows, or one column (binary, regression). */
export function labelTensor(tf: Tf, e: Experiment, rows: Rows): TF.Tensor {
  const { task, numClasses } = e.data;
  if (task !== 'classification') return tf.tensor2d(rows.y, [rows.y.length, 1]);
  if (e.loss === 'sparseCategoricalCrossentropy') return tf.tensor1d(rows.y);
  return tf.oneHot(tf.tensor1d(rows.y, 'int32'), numClasses).toFloat();
}

export function inputTensor(tf: Tf, ds: Dataset, rows: Rows): TF.Tensor {
  return tf.tensor(rows.x.flat(), [rows.x.length, ...ds.inputShape]);
}

/** The loss function as model.compile would use it (tfjs-layers' own loss functions), per example. */
export function lossFunction(tf: Tf, e: Experiment): (y: TF.Tensor, p: TF.Tensor) => TF.Tensor {
  const l = e.loss;
  if (typeof l !== 'string') return named(l.name, l.make(tf));
  if (l === 'sparseCategoricalCrossentropy') {
    // tfjs-layers' sparse loss: one-hot over the output's last axis, then categorical cross-entropy.
    return (y, p) =>
      tf.metrics.categoricalCrossentropy(
        tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), p.shape.at(-1)!),
        p,
      );
  }
  return tf.metrics[l];
}

/** Share of examples whose predicted class (arg-max, or p > 0.5 for one unit) matches the label. */
export function accuracyOf(tf: Tf, y: TF.Tensor, p: TF.Tensor): TF.Scalar {
  return tf.tidy(() => {
    const units = p.shape.at(-1)!;
    const predicted = units > 1 ? tf.argMax(p, -1) : tf.cast(tf.greater(tf.reshape(p, [-1]), 0.5), 'int32');
    const truth =
      y.rank > 1 && (y.shape.at(-1) ?? 1) > 1
        ? tf.argMax(y, -1)
        : tf.cast(tf.round(tf.reshape(y, [-1])), 'int32');
    return tf.mean(tf.cast(tf.equal(predicted, truth), 'float32')) as TF.Scalar;
  });
}

function named<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
