import type { EndEvent, EvalEvent, StepEvent, TraceEvent } from '../domain/index.js';
import { isFatal, type MonitorAlert } from './alert.js';
import type { DataTensors } from './data-facts.js';
import { type EvalData, evaluateModel } from './evaluate.js';
import { learningRateOf } from './model-facts.js';
import { buildRunEvent, type RunTarget, refineTarget, targetOf } from './run-event.js';
import type { MonitorSettings } from './settings.js';
import type { TraceSink } from './sinks/trace-sink.js';
import { createStatsEngine, type StatsEngine } from './stats-engine.js';
import type { TF, Tf } from './tf-types.js';

export interface RuntimeDeps {
  tf: Tf;
  model: TF.LayersModel;
  settings: MonitorSettings;
  sink: TraceSink;
  warn: (message: string) => void;
  optimizer?: TF.Optimizer;
  data?: DataTensors;
  evaluation?: EvalData & { everyEpoch?: boolean };
  probe?: TF.Tensor;
  stopOnFatal?: boolean | ((alert: MonitorAlert) => boolean);
}

/**
 * The state both training paths share (fit callback and custom-loop step):
 * the run event, the step and epoch counters, events out, alerts in, the
 * stop request, and the end.
 */
export interface Runtime {
  readonly deps: RuntimeDeps;
  readonly engine: StatsEngine;
  readonly runId: string;
  /** What the outputs are (task, classes): from the loss at first, refined from the labels when the run starts. */
  target: RunTarget;
  /** The next step's index (steps taken so far). */
  step: number;
  epoch: number;
  stop: { status: EndEvent['status']; reason: string } | undefined;
  start(fit?: { batchSize?: number; epochs?: number }): Promise<void>;
  /** Takes the next step index. */
  takeStep(): number;
  isSampled(step: number): boolean;
  /** Whether a sampled step also gets weight and gradient histograms (settings.histogramEvery). */
  wantsHistograms(step: number): boolean;
  optimizer(): TF.Optimizer | undefined;
  learningRate(): number | undefined;
  /** Emits step events and stops a run (when asked to) whose loss turned non-finite. */
  recordSteps(steps: StepEvent[]): void;
  emit(event: TraceEvent): void;
  evaluate(data?: EvalData): Promise<EvalEvent | undefined>;
  /** Lets the event loop run now and then: fit and custom loops only await microtasks otherwise. */
  maybeYield(): Promise<void>;
  requestStop(status: EndEvent['status'], reason: string): void;
  onAlert(listener: (alert: MonitorAlert) => void): () => void;
  finish(end?: { status?: EndEvent['status']; reason?: string }): Promise<void>;
}

// Long enough for the in-process sink or a local server to answer the run event (milliseconds), short
// enough that training does not notice an unreachable server.
const START_FLUSH_MS = 2_000;

export function createRuntime(deps: RuntimeDeps): Runtime {
  const { tf, model, settings, sink } = deps;
  // Every event carries when it was written (epoch ms, a format extension), for the dashboard's
  // wall-time axis; an event that already has a time keeps it.
  const write = (events: TraceEvent[]) =>
    sink.write(events.map((e) => (e.time === undefined ? { ...e, time: Date.now() } : e)));
  const engine = createStatsEngine(tf, model, deps.warn, settings.histogramBuckets);
  const listeners = new Set<(alert: MonitorAlert) => void>();
  const runId =
    settings.runId ??
    `${settings.name ?? 'tfjs'}-${new Date().toISOString().replace(/[-:.]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
  let started: Promise<void> | undefined;
  let finished: Promise<void> | undefined;
  let lastYield = performance.now();
  let lastStep: number | undefined;

  const rt: Runtime = {
    deps,
    engine,
    runId,
    target: targetOf(model, settings),
    step: 0,
    epoch: 0,
    stop: undefined,
    start(fit) {
      started ??= (async () => {
        rt.target = await refineTarget(tf, rt.target, settings, deps.data);
        const run = await buildRunEvent({
          tf,
          model,
          settings,
          runId,
          optimizer: rt.optimizer(),
          data: deps.data,
          fit,
          target: rt.target,
          warn: deps.warn,
        });
        write([run]);
        // The run event alone already shows the static findings (a learning rate out of range, a
        // deep stack of sigmoids): deliver it now so their alerts come before the first epoch, not
        // whenever training next yields. Bounded, so a server that is down never holds training up.
        await sink.flush(START_FLUSH_MS);
      })();
      return started;
    },
    takeStep: () => rt.step++,
    isSampled: (step) => step % settings.every === 0,
    wantsHistograms: (step) =>
      settings.histogramBuckets > 0 &&
      step % (settings.histogramEvery ?? Math.max(settings.every * 10, 100)) === 0,
    optimizer: () => deps.optimizer ?? ((model as { optimizer?: TF.Optimizer }).optimizer || undefined),
    learningRate: () => learningRateOf(rt.optimizer()),
    recordSteps(steps) {
      if (steps.length === 0) return;
      write(steps);
      for (const s of steps) {
        lastStep = s.step;
        if (s.loss !== undefined && !Number.isFinite(s.loss) && deps.stopOnFatal) {
          rt.requestStop('diverged', `loss is ${s.loss} at step ${s.step}`);
        }
      }
    },
    emit: (event) => write([event]),
    async evaluate(data) {
      const d = data ?? deps.evaluation;
      if (!d) return undefined;
      const event = await evaluateModel(tf, model, d, rt.target, lastStep);
      write([event]);
      return event;
    },
    async maybeYield() {
      const now = performance.now();
      if (now - lastYield < settings.yieldEveryMs) return;
      lastYield = now;
      await new Promise((resolve) => setImmediate(resolve));
    },
    requestStop(status, reason) {
      rt.stop ??= { status, reason };
      model.stopTraining = true;
    },
    onAlert(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    finish(end = {}) {
      finished ??= (async () => {
        await rt.start();
        if (deps.evaluation && rt.stop === undefined)
          await rt
            .evaluate()
            .catch((err) => deps.warn(`traindx monitor: evaluation failed (${(err as Error).message})`));
        const status = rt.stop?.status ?? end.status ?? 'completed';
        const reason = rt.stop?.reason ?? end.reason;
        write([
          {
            type: 'end',
            ...(lastStep !== undefined ? { step: lastStep } : {}),
            status,
            ...(reason ? { reason } : {}),
          },
        ]);
        engine.dispose();
        offAlerts?.();
        await sink.close(settings.closeTimeoutMs);
      })();
      return finished;
    },
  };

  const offAlerts = sink.onAlert?.((alert) => {
    for (const listener of listeners) listener(alert);
    const fatal =
      typeof deps.stopOnFatal === 'function' ? deps.stopOnFatal(alert) : deps.stopOnFatal && isFatal(alert);
    if (!fatal) return;
    const s = alert.symptom;
    const what = s ? `${s.id} at step ${s.firstStep ?? alert.step}: ${s.evidence[0] ?? ''}` : alert.kind;
    rt.requestStop('diverged', `traindx reported ${what}`.trim());
  });
  return rt;
}
