import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../monitor/index.js';
import type { PreparedData } from './datasets/prepare-data.js';
import type { TrainingTemplate } from './template.js';

type LossSettings = Pick<TrainingTemplate, 'loss' | 'fromLogits' | 'labelSmoothing'>;

/**
 * The training loss of a batch as tfjs computes it: cross-entropies on
 * probabilities (clipped, as Keras does) or, with `fromLogits`, on raw scores
 * (tf.losses' fused softmax/sigmoid cross-entropy); regression losses as
 * tf.losses has them. Label smoothing spreads that share of the target mass.
 *
 * @example const loss = lossOf(tf, template)(yBatch, model.apply(xBatch) as TF.Tensor);
 */
export function lossOf(tf: Tf, s: LossSettings): (y: TF.Tensor, out: TF.Tensor) => TF.Scalar {
  const smoothing = s.labelSmoothing ?? 0;
  switch (s.loss) {
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
      return (y, out) =>
        s.fromLogits
          ? tf.losses.softmaxCrossEntropy(y, out, undefined, smoothing)
          : tf.mean(tf.metrics.categoricalCrossentropy(smooth(tf, y, smoothing), out));
    case 'binaryCrossentropy':
      return (y, out) =>
        s.fromLogits
          ? tf.losses.sigmoidCrossEntropy(y, out, undefined, smoothing)
          : tf.mean(tf.metrics.binaryCrossentropy(smooth(tf, y, smoothing), out));
    case 'meanSquaredError':
      return (y, out) => tf.losses.meanSquaredError(y, out);
    case 'meanAbsoluteError':
      return (y, out) => tf.losses.absoluteDifference(y, out);
    case 'huber':
      return (y, out) => tf.losses.huberLoss(y, out);
  }
}

function smooth(tf: Tf, y: TF.Tensor, amount: number): TF.Tensor {
  if (amount === 0) return y;
  const k = y.shape.at(-1) ?? 1;
  // Binary targets move toward 0.5; one-hot rows toward 1/k (Keras' definition).
  return tf.add(tf.mul(y, 1 - amount), amount / Math.max(k, 2));
}

/**
 * The label tensor the loss compares outputs with: one-hot rows for
 * cross-entropy over classes, a 0/1 column for a binary loss on two classes,
 * the class as a one-hot row or a number for regression losses (matching
 * the output's width), the target column for a regression set.
 *
 * @example labelsOf(tf, data.train, data, 'categoricalCrossentropy', 3)
 */
export function labelsOf(
  tf: Tf,
  labels: Float32Array,
  data: Pick<PreparedData, 'numClasses'>,
  loss: TrainingTemplate['loss'],
  outputUnits: number,
): TF.Tensor2D {
  const k = data.numClasses;
  const column = () => tf.tensor2d(labels, [labels.length, 1]);
  if (k === undefined) return column();
  const oneHot = () => tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat() as TF.Tensor2D);
  if (loss === 'binaryCrossentropy') return k === 2 && outputUnits === 1 ? column() : oneHot();
  if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') return oneHot();
  return outputUnits === 1 ? column() : oneHot();
}

/**
 * Accuracy of outputs against labels built by `labelsOf`: the arg-max of a
 * row, or one score above the threshold (0.5 for probabilities, 0 for logits).
 */
export function accuracyOf(tf: Tf, y: TF.Tensor, out: TF.Tensor, fromLogits: boolean): TF.Scalar {
  return tf.tidy(() => {
    const width = out.shape.at(-1) ?? 1;
    if (width > 1) return tf.mean(tf.cast(tf.equal(tf.argMax(out, -1), tf.argMax(y, -1)), 'float32'));
    const predicted = tf.greater(out, fromLogits ? 0 : 0.5);
    return tf.mean(tf.cast(tf.equal(tf.cast(predicted, 'float32'), y), 'float32'));
  }) as TF.Scalar;
}
