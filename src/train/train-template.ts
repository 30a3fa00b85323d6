import type * as TF from '@tensorflow/tfjs';
import { createMonitor, type MonitorAlert, type Tf, type TraceSink } from '../monitor/index.js';
import { buildModel } from './build-model.js';
import { createOptimizer } from './create-optimizer.js';
import type { PreparedData } from './datasets/prepare-data.js';
import { createRng } from './datasets/rng.js';
import { expandModel } from './expand-model.js';
import { accuracyOf, labelsOf, lossOf } from './losses.js';
import { createLrSchedule } from './lr-schedule.js';
import type { TrainingTemplate } from './template.js';
import type { Layer } from './template-layers.js';

export interface SplitMetrics {
  loss: number;
  /** Classification: share of examples whose predicted class is right. */
  accuracy?: number;
  /** Regression: mean squared error, whatever the loss (so runs with different losses compare). */
  mse?: number;
}

export interface EpochSummary {
  epoch: number;
  train: SplitMetrics;
  val: SplitMetrics;
  learningRate: number;
}

export interface TrainOptions {
  tf: Tf;
  template: TrainingTemplate;
  data: PreparedData;
  sinks: TraceSink[];
  runId: string;
  /** The threshold profile, written to the run's `tags.profile` so every later diagnosis uses it. */
  profile: string;
  parentRunId?: string;
  appliedRemedies?: string[];
  onAlert?: (alert: MonitorAlert) => void;
  onEpoch?: (epoch: EpochSummary) => void;
  warn?: (message: string) => void;
}

export interface TrainResult {
  runId: string;
  /** The model as trained: every layer named. */
  layers: Layer[];
  epochs: EpochSummary[];
  /** The epoch whose weights the model ends with (the best one when early stopping restored it). */
  final: EpochSummary | undefined;
  status: 'completed' | 'diverged' | 'stopped' | 'crashed';
  stopReason?: string;
  steps: number;
  durationMs: number;
}

/**
 * Trains a template's model, monitored: a custom loop (seeded shuffles,
 * batches, the learning-rate schedule) whose every step goes through the
 * traindx monitor (`trainStep`, so sampled steps carry gradient, weight and
 * activation statistics), with train and validation loss and accuracy after
 * each epoch (inference mode, whole splits), an `eval` of the validation
 * split at the end, and the run stopped at the first fatal alert (NaN loss).
 *
 * @example const result = await trainTemplate({ tf, template, data, sinks: [createFileSink(path)], runId, profile });
 */
export async function trainTemplate(o: TrainOptions): Promise<TrainResult> {
  const { tf, template: t, data } = o;
  const started = performance.now();
  const layers = expandModel(t, data);
  const restoreBackend = await backendFor(tf, layers, o.warn);
  try {
    return await train(o, layers, started);
  } finally {
    await restoreBackend();
  }
}

async function train(o: TrainOptions, layers: Layer[], started: number): Promise<TrainResult> {
  const { tf, template: t, data } = o;
  const model = buildModel(tf, layers, data.inputShape, t.seed);
  const outputUnits = (model.outputs[0]!.shape.at(-1) as number | null) ?? 1;
  const x = tensorOf(tf, data.train.x, data.train.n, data.inputShape);
  const xVal = tensorOf(tf, data.val.x, data.val.n, data.inputShape);
  const y = labelsOf(tf, data.train.labels, data, t.loss, outputUnits);
  const yVal = labelsOf(tf, data.val.labels, data, t.loss, outputUnits);
  const stepsPerEpoch = Math.ceil(data.train.n / t.batchSize);
  const schedule = createLrSchedule(t.optimizer.learningRate, t.schedule, stepsPerEpoch * t.epochs);
  const { optimizer, setLearningRate } = createOptimizer(tf, t.optimizer);
  const loss = lossOf(tf, t);
  const monitor = await createMonitor({
    tf,
    model,
    optimizer,
    sink: o.sinks,
    runId: o.runId,
    ...(t.name ? { name: t.name } : {}),
    task: data.task,
    loss: t.loss,
    fromLogits: t.fromLogits,
    batchSize: t.batchSize,
    epochs: t.epochs,
    // About 30 readings of the layers per run, at most every 10th step (the monitor's default).
    every: Math.min(10, Math.max(2, Math.round((stepsPerEpoch * t.epochs) / 30))),
    tags: { profile: o.profile, template: t.name ?? 'unnamed' },
    ...(o.parentRunId ? { parentRunId: o.parentRunId } : {}),
    ...(o.appliedRemedies ? { appliedRemedies: o.appliedRemedies } : {}),
    data: { x, y, validation: { x: xVal, y: yVal } },
    evaluation: { x: xVal, y: yVal, split: 'val' },
    stopOnFatal: true,
    ...(o.onAlert ? { onAlert: o.onAlert } : {}),
    ...(o.warn ? { warn: o.warn } : {}),
  });
  const epochs: EpochSummary[] = [];
  const order = Array.from({ length: data.train.n }, (_, i) => i);
  const rng = createRng(t.seed + 2);
  let best: { summary: EpochSummary; weights: TF.Tensor[] } | undefined;
  let status: TrainResult['status'] = 'completed';
  let stopReason: string | undefined;
  let step = 0;
  setLearningRate(schedule.at(0));
  await monitor.start();
  // The monitor's trainStep (tf.variableGrads) throws when no variable is trainable: end the run at once.
  const frozen = model.trainableWeights.length === 0;
  try {
    if (frozen) {
      status = 'crashed';
      stopReason = 'no trainable weights: every layer is frozen (trainable: false)';
      const summary: EpochSummary = {
        epoch: 0,
        train: await measure(tf, model, x, y, loss, t.fromLogits, data.task),
        val: await measure(tf, model, xVal, yVal, loss, t.fromLogits, data.task),
        learningRate: schedule.at(0),
      };
      epochs.push(summary);
      await monitor.endEpoch({ train: { ...summary.train }, val: { ...summary.val } });
    }
    for (let epoch = 0; epoch < t.epochs && !monitor.stopRequested && !frozen; epoch++) {
      rng.shuffle(order);
      for (let b = 0; b < stepsPerEpoch && !monitor.stopRequested; b++) {
        setLearningRate(schedule.at(step++));
        const idx = tf.tensor1d(order.slice(b * t.batchSize, (b + 1) * t.batchSize), 'int32');
        const xb = tf.gather(x, idx);
        const yb = tf.gather(y, idx);
        await monitor.trainStep(() => {
          const out = model.apply(xb, { training: true }) as TF.Tensor;
          const penalties = model.calculateLosses();
          const base = loss(yb, out);
          return (penalties.length ? tf.addN([base, ...penalties]) : base) as TF.Scalar;
        });
        tf.dispose([idx, xb, yb]);
      }
      const summary: EpochSummary = {
        epoch,
        train: await measure(tf, model, x, y, loss, t.fromLogits, data.task),
        val: await measure(tf, model, xVal, yVal, loss, t.fromLogits, data.task),
        learningRate: schedule.at(Math.max(0, step - 1)),
      };
      epochs.push(summary);
      await monitor.endEpoch({ train: { ...summary.train }, val: { ...summary.val } });
      o.onEpoch?.(summary);
      const { stop, improved } = schedule.endEpoch(summary.val.loss);
      if (improved && t.schedule?.earlyStoppingPatience !== undefined) {
        if (best) tf.dispose(best.weights);
        best = { summary, weights: model.getWeights().map((w) => w.clone()) };
      }
      if (stop) {
        status = 'stopped';
        stopReason = `early stopping: no better validation loss for ${t.schedule?.earlyStoppingPatience} epochs`;
        break;
      }
    }
    if (monitor.stopRequested) {
      status = 'diverged';
      stopReason = monitor.stopReason;
    }
    if (best && status === 'stopped') model.setWeights(best.weights);
    await monitor.finish(
      status === 'diverged' ? {} : { status, ...(stopReason ? { reason: stopReason } : {}) },
    );
  } finally {
    if (best) tf.dispose(best.weights);
    tf.dispose([x, xVal, y, yVal]);
    optimizer.dispose();
    model.dispose();
  }
  return {
    runId: monitor.runId,
    layers,
    epochs,
    final: status === 'stopped' && best ? best.summary : epochs.at(-1),
    status,
    ...(stopReason ? { stopReason } : {}),
    steps: step,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * tfjs' wasm backend has no Conv2DBackpropFilter kernel (tfjs 4.22), so a
 * conv net cannot train on it: such a run trains on the cpu backend, and the
 * backend is switched back afterwards.
 */
async function backendFor(tf: Tf, layers: Layer[], warn?: (m: string) => void): Promise<() => Promise<void>> {
  const before = tf.getBackend();
  if (before !== 'wasm' || !layers.some((l) => l.type === 'conv2d')) return async () => {};
  warn?.(
    'traindx train: the wasm backend cannot train conv layers (no Conv2DBackpropFilter); training on cpu',
  );
  await tf.setBackend('cpu');
  return async () => {
    await tf.setBackend(before);
  };
}

async function measure(
  tf: Tf,
  model: TF.LayersModel,
  x: TF.Tensor,
  y: TF.Tensor,
  loss: (y: TF.Tensor, out: TF.Tensor) => TF.Scalar,
  fromLogits: boolean,
  task: PreparedData['task'],
): Promise<SplitMetrics> {
  const packed = tf.tidy(() => {
    const out = model.predict(x, { batchSize: 512 }) as TF.Tensor;
    const second =
      task === 'regression' ? tf.losses.meanSquaredError(y, out) : accuracyOf(tf, y, out, fromLogits);
    return tf.stack([loss(y, out), second]);
  });
  const [l, m] = Array.from(await packed.data());
  packed.dispose();
  return { loss: round6(l!), [task === 'regression' ? 'mse' : 'accuracy']: round6(m!) };
}

function tensorOf(tf: Tf, values: Float32Array, n: number, shape: number[]): TF.Tensor {
  return tf.tensor(values, [n, ...shape]);
}

const round6 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);
