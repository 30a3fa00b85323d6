import type { EndEvent, EvalEvent, Metrics } from '../domain/index.js';
import type { MonitorAlert } from './alert.js';
import type { DataTensors } from './data-facts.js';
import type { EvalData } from './evaluate.js';
import { createFitCallback, type FitCallbackOptions } from './fit-callback.js';
import { round6 } from './round.js';
import { createRuntime } from './runtime.js';
import { MonitorSettings } from './settings.js';
import { fanOut, type TraceSink } from './sinks/trace-sink.js';
import type { TF, Tf } from './tf-types.js';
import { createTrainStep } from './train-step.js';

export interface MonitorOptions extends Partial<MonitorSettings> {
  model: TF.LayersModel;
  /** Where events go: a trace file, an in-process traindx, a remote one, or several. */
  sink: TraceSink | TraceSink[];
  /** The caller's TensorFlow.js namespace (default: `@tensorflow/tfjs`, loaded on first use). */
  tf?: Tf;
  /** The optimizer of a custom loop (default: the compiled model's). */
  optimizer?: TF.Optimizer;
  /** Training (and validation) tensors, described in the `run` event: input stats, class counts, sizes. */
  data?: DataTensors;
  /** Held-out data evaluated at the end (and after every epoch with `everyEpoch`). */
  evaluation?: EvalData & { everyEpoch?: boolean };
  /** Inputs to measure activations on instead of the training batch (costs a forward pass per sampled step). */
  probe?: TF.Tensor;
  /** Stop training on a fatal alert (`loss_nan`, critical `non_finite_tensors`) or a non-finite loss; or on your own test. */
  stopOnFatal?: boolean | ((alert: MonitorAlert) => boolean);
  onAlert?: (alert: MonitorAlert) => void;
  /** Where the monitor's few warnings go (default `console.warn`). */
  warn?: (message: string) => void;
}

export interface Monitor {
  readonly runId: string;
  /** Steps taken so far. */
  readonly steps: number;
  /** Set when training should stop (a fatal alert with `stopOnFatal`); custom loops check it. */
  readonly stopRequested: boolean;
  readonly stopReason: string | undefined;
  /** Writes the `run` event (done by the first step or by fit otherwise). */
  start(): Promise<void>;
  /** A callback for `model.fit` / `model.fitDataset`. */
  callback(options?: FitCallbackOptions): TF.Callback;
  /** One monitored optimisation step of a custom loop; resolves to the loss. */
  trainStep(loss: () => TF.Scalar): Promise<number>;
  /** Ends an epoch of a custom loop: an `epoch` event (train loss defaults to the mean batch loss). */
  endEpoch(metrics?: { train?: Metrics; val?: Metrics }): Promise<void>;
  /** Evaluates on held-out data (default: `evaluation`) and writes an `eval` event. */
  evaluate(data?: EvalData): Promise<EvalEvent | undefined>;
  /** Final evaluation, the `end` event, and the sinks closed. Idempotent. */
  finish(end?: { status?: EndEvent['status']; reason?: string }): Promise<void>;
  onAlert(listener: (alert: MonitorAlert) => void): () => void;
}

/**
 * Watches a TensorFlow.js LayersModel while it trains and writes its trace
 * (spec/trace-format.md) to one or more sinks: the `run` event from the model
 * itself, losses and metrics every step, per-layer statistics every `every`
 * steps, epochs, evaluations and the end. Works with `model.fit` (through
 * `callback()`) and with custom loops (through `trainStep`).
 *
 * @example
 * const monitor = await createMonitor({ model, sink: createFileSink('run.jsonl'), data: { x, y } });
 * await model.fit(x, y, { epochs: 10, callbacks: [monitor.callback()] });
 */
export async function createMonitor(options: MonitorOptions): Promise<Monitor> {
  const { model, sink, optimizer, data, evaluation, probe, stopOnFatal, onAlert, ...rest } = options;
  const settings = MonitorSettings.parse(pickSettings(rest));
  const tf = options.tf ?? ((await import('@tensorflow/tfjs')) as Tf);
  const rt = createRuntime({
    tf,
    model,
    settings,
    sink: fanOut(Array.isArray(sink) ? sink : [sink]),
    warn: options.warn ?? ((m) => console.warn(m)),
    optimizer,
    data,
    evaluation,
    probe,
    stopOnFatal,
  });
  if (onAlert) rt.onAlert(onAlert);
  const trainStep = createTrainStep(rt);
  let epochStart = { at: performance.now(), step: 0 };
  const epochLosses: number[] = [];

  return {
    runId: rt.runId,
    get steps() {
      return rt.step;
    },
    get stopRequested() {
      return rt.stop !== undefined;
    },
    get stopReason() {
      return rt.stop?.reason;
    },
    start: () => rt.start(),
    callback: (opts) => createFitCallback(rt, opts),
    async trainStep(loss) {
      const value = await trainStep(loss);
      epochLosses.push(value);
      return value;
    },
    async endEpoch(metrics = {}) {
      await rt.start();
      const train =
        metrics.train ?? (epochLosses.length > 0 ? { loss: round6(mean(epochLosses)) } : undefined);
      const lastStep = rt.step - 1;
      rt.emit({
        type: 'epoch',
        epoch: rt.epoch,
        ...(lastStep >= epochStart.step ? { step: lastStep } : {}),
        ...(train ? { train } : {}),
        ...(metrics.val ? { val: metrics.val } : {}),
        durationMs: Math.round(performance.now() - epochStart.at),
      });
      if (evaluation?.everyEpoch) await rt.evaluate();
      rt.epoch++;
      epochLosses.length = 0;
      epochStart = { at: performance.now(), step: rt.step };
    },
    evaluate: (d) => rt.evaluate(d),
    finish: (end) => rt.finish(end),
    onAlert: (listener) => rt.onAlert(listener),
  };
}

const SETTING_KEYS = Object.keys(MonitorSettings.shape) as (keyof MonitorSettings)[];

function pickSettings(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
