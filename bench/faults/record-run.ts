import type { TraceEvent } from '../../src/domain/index.js';
import { createMonitor, type Monitor, type TF, type Tf, type TraceSink } from '../../src/monitor/index.js';
import { encodeEvent } from '../../src/trace/index.js';
import { type Experiment, plannedSteps } from './experiment.js';
import { buildModel } from './models.js';
import { makeOptimizer, setLearningRate } from './optimizers.js';
import { createRng, permutation, type Rng } from './prng.js';
import { accuracyOf, inputTensor, labelTensor, lossFunction } from './tensors.js';

export interface RecordedRun {
  /** The trace, one encoded event per line. */
  lines: string[];
  steps: number;
  status: string;
  durationMs: number;
  /** What the monitor warned about while recording. */
  warnings: string[];
}

export interface RunMeta {
  /** The `id` of the trace's run event. */
  runId: string;
  name: string;
  seed: number;
}

/** A sink that keeps the events in memory (the file is written compressed afterwards). */
function memorySink(events: TraceEvent[]): TraceSink {
  return {
    write: (batch) => {
      events.push(...batch);
    },
    flush: async () => {},
    close: async () => {},
  };
}

/**
 * Trains one experiment for real (a tf.sequential LayersModel, through
 * model.fit or a custom loop) under the traindx monitor and returns its
 * trace. Deterministic for a seed: data shuffling uses the seeded PRNG,
 * initializers are seeded, and Math.random (which tfjs' unseeded dropout
 * draws from) is seeded for the run's duration.
 *
 * @example const { lines } = await recordRun(tf, experiment, { runId: 'bench-1a2b', name: 'blobs fit', seed: 3 });
 */
export async function recordRun(tf: Tf, e: Experiment, meta: RunMeta): Promise<RecordedRun> {
  const backend = tf.getBackend();
  // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: convolutional runs train on the cpu backend.
  const cpu = e.layers.some((l) => l.kind === 'conv') && backend === 'wasm';
  const savedRandom = Math.random;
  if (cpu) await tf.setBackend('cpu');
  Math.random = createRng(meta.seed ^ 0x5bd1e995).u;
  try {
    return await record(tf, e, meta);
  } finally {
    Math.random = savedRandom;
    if (cpu) await tf.setBackend(backend);
  }
}

interface Tensors {
  xTrain: TF.Tensor;
  yTrain: TF.Tensor;
  xVal: TF.Tensor;
  yVal: TF.Tensor;
}

async function record(tf: Tf, e: Experiment, meta: RunMeta): Promise<RecordedRun> {
  const started = performance.now();
  const ds = e.data;
  const t: Tensors = {
    xTrain: inputTensor(tf, ds, ds.train),
    yTrain: labelTensor(tf, e, ds.train),
    xVal: inputTensor(tf, ds, ds.val),
    yVal: labelTensor(tf, e, ds.val),
  };
  const model = buildModel(tf, ds.inputShape, e.layers, meta.seed);
  const optimizer = makeOptimizer(tf, e.optimizer);
  const lossFn = lossFunction(tf, e);
  const classifies = ds.task !== 'regression';
  // model.fit needs a compiled model; a custom loop, as usually written, does not compile and names its loss.
  if (e.loop === 'fit') {
    model.compile({
      optimizer,
      loss: typeof e.loss === 'string' ? e.loss : lossFn,
      metrics: classifies ? ['accuracy'] : [],
    });
  }
  const lossName = typeof e.loss === 'string' ? e.loss : e.loss.name;

  const events: TraceEvent[] = [];
  const warnings: string[] = [];
  const total = plannedSteps(e);
  const monitor = await createMonitor({
    tf,
    model,
    sink: memorySink(events),
    every: e.every ?? (total > 600 ? 10 : 5),
    runId: meta.runId,
    name: meta.name,
    tags: e.schedule ? { schedule: e.schedule.describe } : {},
    ...(e.loop === 'custom' ? { optimizer, loss: lossName } : {}),
    data: { x: t.xTrain, y: t.yTrain, validation: { x: t.xVal, y: t.yVal } },
    evaluation: { x: t.xVal, y: t.yVal, split: 'val' },
    stopOnFatal: true,
    batchSize: e.batchSize,
    epochs: e.epochs,
    warn: (m) => warnings.push(m),
  });
  const perEpoch = Math.ceil(ds.train.y.length / e.batchSize);
  const lrAt = (step: number) =>
    e.schedule ? e.schedule.lr(step, total, perEpoch, e.optimizer.lr) : e.optimizer.lr;
  const rng = createRng(meta.seed);
  try {
    await monitor.start();
    if (e.loop === 'fit')
      await fitLoop(tf, e, t, model, monitor, rng, (step) => setLearningRate(optimizer, lrAt(step)));
    else
      await customLoop(tf, e, t, model, monitor, rng, {
        setLr: (step) => setLearningRate(optimizer, lrAt(step)),
        lossFn,
        classifies,
      });
    await monitor.finish();
  } finally {
    tf.dispose(Object.values(t));
    model.dispose();
    optimizer.dispose();
  }
  const end = events.at(-1);
  return {
    lines: events.map(encodeEvent),
    steps: monitor.steps,
    status: end?.type === 'end' ? end.status : 'unknown',
    durationMs: Math.round(performance.now() - started),
    warnings,
  };
}

/** model.fit, one call per epoch over a reproducibly shuffled copy (fit's own shuffle draws from Math.random per call). */
async function fitLoop(
  tf: Tf,
  e: Experiment,
  t: Tensors,
  model: TF.LayersModel,
  monitor: Monitor,
  rng: Rng,
  setLr: (step: number) => void,
) {
  let step = 0;
  class Schedule extends tf.Callback {
    override async onBatchBegin() {
      setLr(step++);
    }
  }
  const callbacks = [new Schedule(), monitor.callback({ finishOnTrainEnd: false })];
  for (let epoch = 0; epoch < e.epochs && !monitor.stopRequested; epoch++) {
    const order = tf.tensor1d(permutation(e.data.train.y.length, rng), 'int32');
    const xs = tf.gather(t.xTrain, order);
    const ys = tf.gather(t.yTrain, order);
    await model.fit(xs, ys, {
      epochs: epoch + 1,
      initialEpoch: epoch,
      batchSize: e.batchSize,
      shuffle: false,
      validationData: [t.xVal, t.yVal],
      callbacks,
      verbose: 0,
    });
    tf.dispose([order, xs, ys]);
  }
}

/** A custom loop: monitor.trainStep per batch, epoch metrics from a forward pass over (part of) each split. */
async function customLoop(
  tf: Tf,
  e: Experiment,
  t: Tensors,
  model: TF.LayersModel,
  monitor: Monitor,
  rng: Rng,
  o: {
    setLr: (step: number) => void;
    lossFn: (y: TF.Tensor, p: TF.Tensor) => TF.Tensor;
    classifies: boolean;
  },
) {
  const n = e.data.train.y.length;
  const probe = Math.min(n, 1000);
  const xProbe = t.xTrain.slice(0, probe);
  const yProbe = t.yTrain.slice(0, probe);
  const measure = async (x: TF.Tensor, y: TF.Tensor) => {
    const packed = tf.tidy(() => {
      const p = model.predict(x, { batchSize: 256 }) as TF.Tensor;
      const loss = tf.mean(o.lossFn(y, p));
      return tf.stack(o.classifies ? [loss, accuracyOf(tf, y, p)] : [loss]);
    });
    const [loss, accuracy] = Array.from(await packed.data());
    packed.dispose();
    return { loss: round6(loss!), ...(o.classifies ? { accuracy: round6(accuracy!) } : {}) };
  };
  try {
    for (let epoch = 0; epoch < e.epochs && !monitor.stopRequested; epoch++) {
      const order = permutation(n, rng);
      let sum = 0;
      let count = 0;
      for (let b = 0; b < n && !monitor.stopRequested; b += e.batchSize) {
        const idx = tf.tensor1d(order.slice(b, b + e.batchSize), 'int32');
        const xb = tf.gather(t.xTrain, idx);
        const yb = tf.gather(t.yTrain, idx);
        o.setLr(monitor.steps);
        sum += await monitor.trainStep(
          () => tf.mean(o.lossFn(yb, model.apply(xb, { training: true }) as TF.Tensor)) as TF.Scalar,
        );
        count++;
        tf.dispose([idx, xb, yb]);
      }
      const { accuracy } = await measure(xProbe, yProbe);
      const train = { loss: round6(sum / count), ...(accuracy !== undefined ? { accuracy } : {}) };
      await monitor.endEpoch({ train, val: await measure(t.xVal, t.yVal) });
    }
  } finally {
    tf.dispose([xProbe, yProbe]);
  }
}

const round6 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);
