import type { EvalEvent, TraceEvent } from '../../src/domain/index.js';
import type { Rng } from './rng.js';
import { createRng } from './rng.js';
import { type Fault, type FaultContext, type SyntheticOptions, syntheticRun } from './synthetic-run.js';

/**
 * Faults of what a model predicts, for the predictions detectors and the
 * benchmark: accuracy stuck at chance, or every prediction in one class.
 * Batch accuracy is drawn as a binomial share of a batch (as a recorder
 * measures it), epoch and eval metrics are what such a model scores.
 */

const BATCH = 32;

/** Share of `n` Bernoulli(p) successes: the accuracy of one batch. */
function batchShare(rng: Rng, p: number, n = BATCH): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) hits++;
  return hits / n;
}

/** The loss of a model that has learned nothing: about ln(classes), with batch noise. */
const chanceLoss = (ctx: FaultContext) => Math.log(ctx.options.numClasses) * (1 + 0.05 * ctx.rng.normal());

export interface ChanceOptions {
  /** Accuracy level (default 1/classes; pass the majority share for a majority-class model). */
  level?: number;
  /** Also hold the loss at ln(classes) (default true), as a model that learns nothing does. */
  flatLoss?: boolean;
}

/**
 * From `onset` on, accuracy sits at chance: batch accuracy is binomial
 * around `level`, epoch accuracies at `level`, evals spread their
 * predictions over all classes (random guessing, no collapse).
 *
 * @example eventsOf({ faults: [chanceAccuracy(0)] })
 */
export function chanceAccuracy(onset = 0, options: ChanceOptions = {}): Fault {
  return {
    onset,
    apply(e, ctx) {
      const k = ctx.options.numClasses;
      const level = options.level ?? 1 / k;
      const flat = options.flatLoss ?? true;
      if (e.type === 'step') {
        if (e.metrics) e.metrics.accuracy = batchShare(ctx.rng, level);
        if (flat) e.loss = chanceLoss(ctx);
      } else if (e.type === 'epoch') {
        // Binomial noise of the synthetic run's split sizes (32 and 8 examples per step).
        if (e.train) {
          e.train.accuracy = batchShare(ctx.rng, level, 32 * ctx.options.stepsPerEpoch);
          if (flat) e.train.loss = Math.log(k);
        }
        if (e.val) {
          e.val.accuracy = batchShare(ctx.rng, level, 8 * ctx.options.stepsPerEpoch);
          if (flat) e.val.loss = Math.log(k) * 1.01;
        }
      } else if (e.type === 'eval') {
        const total = evalTotal(e, k);
        e.predictedClassCounts = spread(total, k, ctx.rng);
        e.confusion = undefined;
        e.metrics = { ...e.metrics, accuracy: level };
      }
    },
  };
}

/**
 * From `onset` on, the model predicts class `cls` for every input: batch
 * and epoch accuracy equal that class's share (1/classes in the balanced
 * synthetic runs, or `share`), evals put every prediction in column `cls`.
 *
 * @example withEpochEvals({ faults: [collapse(400, 3)] })
 */
export function collapse(onset: number, cls = 0, share?: number): Fault {
  return {
    onset,
    apply(e, ctx) {
      const k = ctx.options.numClasses;
      const p = share ?? 1 / k;
      if (e.type === 'step') {
        if (e.metrics) e.metrics.accuracy = batchShare(ctx.rng, p);
        e.loss = chanceLoss(ctx);
      } else if (e.type === 'epoch') {
        if (e.train) e.train = { ...e.train, accuracy: p, loss: Math.log(k) };
        if (e.val) e.val = { ...e.val, accuracy: p, loss: Math.log(k) * 1.01 };
      } else if (e.type === 'eval') {
        const rows = e.confusion?.map((r) => r.reduce((a, b) => a + b, 0)) ?? evenRows(evalTotal(e, k), k);
        e.confusion = rows.map((n) => rows.map((_, j) => (j === cls ? n : 0)));
        e.predictedClassCounts = rows.map((_, j) => (j === cls ? rows.reduce((a, b) => a + b, 0) : 0));
        e.metrics = { ...e.metrics, accuracy: (rows[cls] ?? 0) / rows.reduce((a, b) => a + b, 0) };
      }
    },
  };
}

const evalTotal = (e: EvalEvent, k: number): number =>
  e.predictedClassCounts?.reduce((a, b) => a + b, 0) ??
  e.confusion?.flat().reduce((a, b) => a + b, 0) ??
  8 * k;

const evenRows = (total: number, k: number): number[] =>
  Array.from({ length: k }, (_, i) => Math.floor(total / k) + (i < total % k ? 1 : 0));

function spread(total: number, k: number, rng: Rng): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < total; i++) counts[Math.floor(rng.next() * k)]!++;
  return counts;
}

/** A healthy eval: each class's row puts `accuracy` on the diagonal and spreads the rest over the other classes. */
export function healthyEval(step: number, accuracy: number, rows: readonly number[]): EvalEvent {
  const k = rows.length;
  const confusion = rows.map((n, i) => {
    const row = new Array<number>(k).fill(0);
    const right = Math.round(n * Math.min(1, Math.max(0, accuracy)));
    row[i] = right;
    for (let m = 0; m < n - right; m++) row[(i + 1 + (m % (k - 1))) % k]!++;
    return row;
  });
  const predictedClassCounts = rows.map((_, j) => confusion.reduce((a, r) => a + r[j]!, 0));
  const correct = confusion.reduce((a, r, i) => a + r[i]!, 0);
  const total = rows.reduce((a, b) => a + b, 0);
  return {
    type: 'eval',
    step,
    split: 'val',
    metrics: { accuracy: correct / total },
    confusion,
    predictedClassCounts,
  };
}

/**
 * A synthetic run with a validation eval (confusion and predicted counts)
 * after every epoch, built from that epoch's val accuracy; the run's faults
 * apply to the evals too.
 *
 * @example withEpochEvals({ faults: [collapse(400, 3)] })
 */
export function* withEpochEvals(options: SyntheticOptions = {}): Generator<TraceEvent> {
  const k = options.numClasses ?? 10;
  const rows = evenRows((options.stepsPerEpoch ?? 100) * 8, k);
  const rng = createRng((options.seed ?? 1) + 7919);
  const ctxOptions = {
    steps: options.steps ?? 1000,
    stepsPerEpoch: options.stepsPerEpoch ?? 100,
    numClasses: k,
  };
  for (const e of syntheticRun(options)) {
    yield e;
    if (e.type !== 'epoch') continue;
    const step = e.step ?? 0;
    const ev = healthyEval(step, e.val?.accuracy ?? 0.5, rows);
    for (const f of options.faults ?? []) {
      if (step >= f.onset) f.apply(ev, { step, since: step - f.onset, rng, options: ctxOptions });
    }
    yield ev;
  }
}

/** `withEpochEvals` collected into an array. */
export const eventsWithEvals = (options: SyntheticOptions = {}): TraceEvent[] => [...withEpochEvals(options)];
