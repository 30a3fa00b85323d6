import type { Metrics, StepEvent } from '../domain/index.js';
import { hold } from './hold.js';
import { round6 } from './round.js';
import type { Runtime } from './runtime.js';
import type { TF } from './tf-types.js';

type Logs = Record<string, TF.Tensor | number> | undefined;

/** A step whose loss and metrics are still on the backend (cloned out of fit's logs). */
interface PendingStep {
  step: number;
  epoch: number;
  learningRate: number | undefined;
  names: string[];
  values: (TF.Tensor | number)[];
}

// Losses wait on the backend for the next sampled batch, but no longer than this
// many batches: a run with a large `every` still streams its losses (and a NaN
// is still seen) promptly, at one read-back per 32 batches.
const MAX_PENDING = 32;

/** tfjs logs `acc` for the `accuracy` metric; the trace says `accuracy`. */
const metricName = (key: string) => (key === 'acc' ? 'accuracy' : key);

export interface FitCallbackOptions {
  /** Write the evaluation and the `end` event and close the sinks when fit ends (default true). */
  finishOnTrainEnd?: boolean;
}

/**
 * The `model.fit` / `fitDataset` callback. Every batch gets a step event with
 * its loss and metrics; every `every`-th batch also gets per-layer weight
 * statistics, the update ratio (weights kept at batch begin) and activation
 * statistics of that batch's own forward pass. Gradients are not reachable
 * from inside fit, so fit traces carry no gradient fields.
 *
 * Batch losses stay tensors until the next sampled batch (or the epoch's
 * end), where they are read back together with the layer statistics: the
 * batches between cost no read-back at all.
 *
 * @example await model.fit(x, y, { epochs: 5, callbacks: [monitor.callback()] });
 */
export function createFitCallback(rt: Runtime, options: FitCallbackOptions = {}): TF.Callback {
  const { tf, model } = rt.deps;
  const pending: PendingStep[] = [];
  let before: (TF.Tensor | undefined)[] | undefined;
  let epochStartedAt = performance.now();

  /** Reads the pending losses (with the layer stats when `sampled`) in one read-back and emits them. */
  const flush = async (sampled: boolean) => {
    const tensors: TF.Tensor[] = [];
    for (const p of pending) for (const v of p.values) if (typeof v !== 'number') tensors.push(v);
    let values: number[] = [];
    let layers: StepEvent['layers'];
    if (sampled) {
      const snapshot = before;
      before = undefined;
      // The sampled step is the last one pending.
      const step = pending.at(-1)?.step;
      const histograms = step !== undefined && rt.wantsHistograms(step);
      const reading = await rt.engine.measure({ before: snapshot, extras: tensors, histograms });
      values = reading.extras;
      if (Object.keys(reading.layers).length > 0) layers = reading.layers;
    } else if (tensors.length > 0) {
      const stacked = tf.tidy(() => tf.stack(tensors.map((t) => tf.reshape(t, []))));
      values = Array.from(await stacked.data());
      stacked.dispose();
      tf.dispose(tensors);
    }
    let next = 0;
    const events = pending.map((p, k): StepEvent => {
      const read = p.values.map((v) => (typeof v === 'number' ? v : values[next++]!));
      const event: StepEvent = { type: 'step', step: p.step, epoch: p.epoch };
      const metrics: Metrics = {};
      p.names.forEach((name, i) => {
        if (name === 'loss') event.loss = round6(read[i]!);
        else metrics[metricName(name)] = round6(read[i]!);
      });
      if (Object.keys(metrics).length > 0) event.metrics = metrics;
      if (p.learningRate !== undefined) event.learningRate = p.learningRate;
      if (k === pending.length - 1 && layers) event.layers = layers;
      return event;
    });
    rt.recordSteps(events);
    pending.length = 0;
  };

  class TraindxCallback extends tf.Callback {
    override async onTrainBegin() {
      await rt.start({ batchSize: numberOr(this.params.batchSize), epochs: numberOr(this.params.epochs) });
    }

    override async onEpochBegin(epoch: number) {
      rt.epoch = epoch;
      epochStartedAt = performance.now();
    }

    override async onBatchBegin() {
      if (!rt.isSampled(rt.step)) return;
      before = rt.engine.snapshot();
      if (!rt.deps.probe) rt.engine.tap.arm();
    }

    override async onBatchEnd(_batch: number, logs?: Logs) {
      rt.engine.tap.disarm();
      const step = rt.takeStep();
      const names: string[] = [];
      const values: (TF.Tensor | number)[] = [];
      for (const [key, v] of Object.entries(logs ?? {})) {
        if (key === 'batch' || key === 'size') continue;
        names.push(key);
        // fit disposes its log tensors after the callbacks; a held reference keeps the value for the next read-back.
        values.push(typeof v === 'number' ? v : hold(tf, v));
      }
      pending.push({ step, epoch: rt.epoch, learningRate: rt.learningRate(), names, values });
      const probe = rt.deps.probe;
      if (before && probe) {
        rt.engine.tap.arm();
        tf.dispose(tf.tidy(() => model.predict(probe)));
        rt.engine.tap.disarm();
      }
      if (before) await flush(true);
      else if (pending.length >= MAX_PENDING) await flush(false);
      await rt.maybeYield();
    }

    override async onEpochEnd(epoch: number, logs?: Logs) {
      await flush(false);
      const keys = Object.keys(logs ?? {});
      const tensors = keys.map((k) => logs![k]!).filter((v): v is TF.Tensor => typeof v !== 'number');
      const read = tensors.length > 0 ? await readScalars(tensors) : [];
      let next = 0;
      const train: Metrics = {};
      const val: Metrics = {};
      for (const key of keys) {
        const raw = logs![key]!;
        const v = round6(typeof raw === 'number' ? raw : read[next++]!);
        if (key.startsWith('val_')) val[metricName(key.slice(4))] = v;
        else train[metricName(key)] = v;
      }
      const lastStep = rt.step - 1;
      rt.emit({
        type: 'epoch',
        epoch,
        ...(lastStep >= 0 ? { step: lastStep } : {}),
        ...(Object.keys(train).length ? { train } : {}),
        ...(Object.keys(val).length ? { val } : {}),
        durationMs: Math.round(performance.now() - epochStartedAt),
      });
      if (Object.values(train).some((v) => !Number.isFinite(v)) && rt.deps.stopOnFatal) {
        rt.requestStop('diverged', `epoch ${epoch} loss is not finite`);
      }
      if (rt.deps.evaluation?.everyEpoch) {
        await rt
          .evaluate()
          .catch((err) => rt.deps.warn(`traindx monitor: evaluation failed (${(err as Error).message})`));
      }
    }

    override async onTrainEnd() {
      await flush(false);
      if (options.finishOnTrainEnd === false) return;
      const stoppedEarly = rt.stop === undefined && model.stopTraining;
      await rt.finish(
        stoppedEarly ? { status: 'stopped', reason: 'model.stopTraining was set (early stopping)' } : {},
      );
    }
  }

  /** Epoch logs belong to fit (History reads them later): read copies, leave them be. */
  async function readScalars(tensors: TF.Tensor[]): Promise<number[]> {
    const stacked = tf.tidy(() => tf.stack(tensors.map((t) => tf.reshape(t, []))));
    const values = Array.from(await stacked.data());
    stacked.dispose();
    return values;
  }

  return new TraindxCallback();
}

const numberOr = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? v : undefined);
