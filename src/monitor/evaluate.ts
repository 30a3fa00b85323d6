import type { EvalEvent, Metrics } from '../domain/index.js';
import { classIndices, predictedClasses } from './labels.js';
import { round6 } from './round.js';
import type { RunTarget } from './run-event.js';
import type { TF, Tf } from './tf-types.js';

export interface EvalData {
  x: TF.Tensor;
  y: TF.Tensor;
  /** `test` (default) or `val`. */
  split?: string;
}

const PREDICT_BATCH = 256;

/**
 * A held-out evaluation as an `eval` event: the compiled loss, and for
 * classification the confusion matrix, predicted-class counts, accuracy and
 * precision, recall and F1 per class (`precision_0`, ...) and macro-averaged
 * over all classes (a class never predicted scores 0, as scikit-learn's
 * `zero_division=0`). Regression gets `mse` and `mae`. One read-back.
 *
 * @example await evaluateModel(tf, model, { x: xTest, y: yTest }, { task: 'classification', numClasses: 3 }, 120)
 */
export async function evaluateModel(
  tf: Tf,
  model: TF.LayersModel,
  data: EvalData,
  target: RunTarget,
  step: number | undefined,
): Promise<EvalEvent> {
  const k = target.numClasses;
  const compiled = (model as { loss?: unknown }).loss !== undefined;
  const packed = tf.tidy(() => {
    const out = model.predict(data.x, { batchSize: PREDICT_BATCH }) as TF.Tensor;
    const parts: TF.Tensor[] = [];
    if (compiled) {
      const evaluated = model.evaluate(data.x, data.y, { batchSize: PREDICT_BATCH });
      parts.push(tf.reshape(Array.isArray(evaluated) ? evaluated[0]! : evaluated, [1]));
    }
    if (k) {
      // truthᵀ · predicted over one-hot rows; tf.math.confusionMatrix multiplies int32 matrices, which wasm cannot.
      const truth = tf.oneHot(classIndices(tf, data.y), k).toFloat();
      const predicted = tf.oneHot(predictedClasses(tf, out), k).toFloat();
      parts.push(tf.reshape(tf.matMul(truth, predicted, true, false), [-1]));
    } else {
      const err = tf.sub(tf.reshape(out, [-1]), tf.reshape(tf.cast(data.y, 'float32'), [-1]));
      parts.push(tf.stack([tf.mean(tf.square(err)), tf.mean(tf.abs(err))]));
    }
    return tf.concat(parts);
  });
  const values = Array.from(await packed.data());
  packed.dispose();
  const metrics: Metrics = {};
  if (compiled) metrics.loss = round6(values.shift()!);
  const event: EvalEvent = { type: 'eval', split: data.split ?? 'test', metrics };
  if (step !== undefined) event.step = step;
  if (!k) {
    metrics.mse = round6(values[0]!);
    metrics.mae = round6(values[1]!);
    return event;
  }
  const confusion = Array.from({ length: k }, (_, t) => values.slice(t * k, (t + 1) * k));
  Object.assign(metrics, classificationMetrics(confusion));
  event.confusion = confusion;
  event.predictedClassCounts = confusion[0]!.map((_, p) => confusion.reduce((n, row) => n + row[p]!, 0));
  return event;
}

/**
 * Accuracy, per-class and macro precision, recall and F1 from a confusion
 * matrix (rows: true class, columns: predicted class).
 *
 * @example classificationMetrics([[5, 0], [1, 4]]).accuracy // 0.9
 */
export function classificationMetrics(confusion: number[][]): Metrics {
  const k = confusion.length;
  let total = 0;
  let correct = 0;
  const m: Metrics = {};
  let p = 0;
  let r = 0;
  let f = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c]!;
    const actual = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
    total += actual;
    correct += tp;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = actual > 0 ? tp / actual : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    m[`precision_${c}`] = round6(precision);
    m[`recall_${c}`] = round6(recall);
    m[`f1_${c}`] = round6(f1);
    p += precision;
    r += recall;
    f += f1;
  }
  return {
    accuracy: round6(total > 0 ? correct / total : 0),
    precision: round6(p / k),
    recall: round6(r / k),
    f1: round6(f / k),
    ...m,
  };
}
