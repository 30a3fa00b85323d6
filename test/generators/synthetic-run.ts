import type {
  EpochEvent,
  EvalEvent,
  LayerInfo,
  LayerStats,
  RunEvent,
  StepEvent,
  TraceEvent,
} from '../../src/domain/index.js';
import { createRng, type Rng } from './rng.js';

/**
 * Synthetic training runs for detector tests and benchmarks. A healthy run
 * is generated from smooth "true" curves plus realistic noise; a fault is a
 * function that rewrites events from its onset step on. Reusable by tests,
 * benches and later issues (real tfjs traces arrive separately).
 */
export interface SyntheticOptions {
  id?: string;
  seed?: number;
  steps?: number;
  stepsPerEpoch?: number;
  /** Layers of the model: default a 3-layer ReLU MLP with softmax output. */
  layers?: LayerInfo[];
  numClasses?: number;
  /** Loss at step 0 and the level it decays to (exponentially, with time constant `tau` steps). */
  lossStart?: number;
  lossFloor?: number;
  tau?: number;
  /** Relative std of the mini-batch loss noise (0.15 = ±15%). */
  noise?: number;
  /** Learning-rate schedule. */
  schedule?: 'constant' | 'warmup' | 'cosine' | 'step' | 'warmup-cosine';
  baseLr?: number;
  warmupSteps?: number;
  /** A flat stretch of the true loss [fromStep, toStep). */
  plateau?: [number, number];
  /** Layer stats every k steps (0 = none). */
  statsEvery?: number;
  /** Emit epoch events with train/val metrics. */
  epochs?: boolean;
  /** Validation loss as a multiple of train loss (healthy gap). */
  valGap?: number;
  /** Emit accuracy metrics. */
  accuracy?: boolean;
  faults?: Fault[];
  run?: Partial<RunEvent>;
  /** Emit a final eval event with predicted class counts. */
  evalAtEnd?: boolean;
  end?: boolean;
}

/** Rewrites an event at or after its onset. `truth` has the healthy values for reference. */
export interface Fault {
  onset: number;
  apply(event: TraceEvent, ctx: FaultContext): void;
}

export interface FaultContext {
  step: number;
  /** steps since onset */
  since: number;
  rng: Rng;
  options: Required<Pick<SyntheticOptions, 'steps' | 'stepsPerEpoch' | 'numClasses'>>;
}

export const DEFAULT_LAYERS: LayerInfo[] = [
  { name: 'dense_0', type: 'Dense', activation: 'relu', units: 64, params: 4160 },
  { name: 'dense_1', type: 'Dense', activation: 'relu', units: 64, params: 4160 },
  { name: 'dense_2', type: 'Dense', activation: 'softmax', units: 10, params: 650 },
];

/** A one-hidden-layer sigmoid net, Keras style: healthy runs of it must look like any other. */
export const SIGMOID_NET: LayerInfo[] = [
  { name: 'dense_0', type: 'Dense', activation: 'sigmoid', units: 32, params: 2080 },
  { name: 'dense_1', type: 'Dense', activation: 'softmax', units: 10, params: 330 },
];

/** A one-hidden-layer tanh net, PyTorch style: activations as their own layers. */
export const TANH_NET: LayerInfo[] = [
  { name: 'dense_0', type: 'Dense', activation: 'linear', units: 32, params: 2080 },
  { name: 'tanh_0', type: 'Activation', activation: 'tanh' },
  { name: 'dense_1', type: 'Dense', activation: 'linear', units: 10, params: 330 },
];

export function learningRateAt(o: SyntheticOptions, step: number): number {
  const base = o.baseLr ?? 1e-3;
  const steps = o.steps ?? 1000;
  const warm = o.warmupSteps ?? Math.round(steps * 0.05);
  switch (o.schedule ?? 'constant') {
    case 'warmup':
      return step < warm ? (base * (step + 1)) / warm : base;
    case 'cosine':
      return 0.5 * base * (1 + Math.cos((Math.PI * step) / steps));
    case 'warmup-cosine':
      return step < warm
        ? (base * (step + 1)) / warm
        : 0.5 * base * (1 + Math.cos((Math.PI * (step - warm)) / (steps - warm)));
    case 'step':
      return base * 0.1 ** Math.floor(step / Math.max(1, Math.round(steps / 3)));
    default:
      return base;
  }
}

/** The events of a synthetic run, in trace order. */
export function* syntheticRun(options: SyntheticOptions = {}): Generator<TraceEvent> {
  const o = options;
  const rng = createRng(o.seed ?? 1);
  const steps = o.steps ?? 1000;
  const stepsPerEpoch = o.stepsPerEpoch ?? 100;
  const numClasses = o.numClasses ?? 10;
  // The default output layer is sized to the classes, so the config family sees a coherent model.
  const layers =
    o.layers ??
    DEFAULT_LAYERS.map((l, i) => (i === DEFAULT_LAYERS.length - 1 ? { ...l, units: numClasses } : l));
  const lossStart = o.lossStart ?? Math.log(numClasses);
  const lossFloor = o.lossFloor ?? 0.1 * lossStart;
  const tau = o.tau ?? steps / 4;
  const noise = o.noise ?? 0.1;
  const statsEvery = o.statsEvery ?? 10;
  const valGap = o.valGap ?? 1.1;
  const faults = o.faults ?? [];
  const fctx = { rng, options: { steps, stepsPerEpoch, numClasses } };
  const apply = (e: TraceEvent, step: number) => {
    for (const f of faults) if (step >= f.onset) f.apply(e, { ...fctx, step, since: step - f.onset });
    return e;
  };

  const run: RunEvent = {
    type: 'run',
    formatVersion: 1,
    id: o.id ?? `synthetic-${o.seed ?? 1}`,
    name: 'synthetic',
    framework: 'tfjs',
    task: 'classification',
    model: { layers },
    optimizer: { name: 'adam', learningRate: o.baseLr ?? 1e-3 },
    loss: 'categorical_crossentropy',
    batchSize: 32,
    epochs: Math.ceil(steps / stepsPerEpoch),
    dataset: {
      trainSize: stepsPerEpoch * 32,
      valSize: stepsPerEpoch * 8,
      numClasses,
      classCounts: Array.from({ length: numClasses }, () => Math.round((stepsPerEpoch * 32) / numClasses)),
      inputStats: { mean: 0.02, std: 0.98, min: -3.1, max: 3.2, nanCount: 0 },
    },
    ...o.run,
  };
  yield apply(run, -1);

  // The "true" loss follows progress, which advances with the learning rate (so warm-up slows the start).
  let progress = 0;
  const baseLr = o.baseLr ?? 1e-3;
  let epochLoss = 0;
  let epochAcc = 0;
  let epochN = 0;
  const weightNorms = layers.map(() => 3 + rng.next());
  for (let step = 0; step < steps; step++) {
    const lr = learningRateAt(o, step);
    const plateau = o.plateau && step >= o.plateau[0] && step < o.plateau[1];
    if (!plateau) progress += lr / baseLr;
    const trueLoss = lossFloor + (lossStart - lossFloor) * Math.exp(-progress / tau);
    const loss = Math.max(1e-6, trueLoss * (1 + noise * rng.normal()));
    const acc = accuracyFromLoss(trueLoss, lossStart, numClasses, rng);
    const event: StepEvent = {
      type: 'step',
      step,
      epoch: Math.floor(step / stepsPerEpoch),
      loss,
      learningRate: lr,
      gradNorm: (0.5 + 1.5 * (trueLoss / lossStart)) * (1 + 0.2 * rng.normal() ** 2),
    };
    if (o.accuracy !== false) event.metrics = { accuracy: acc };
    if (statsEvery > 0 && step % statsEvery === 0) {
      event.layers = {};
      layers.forEach((l, i) => {
        weightNorms[i]! *= 1 + 1e-4 * (lr / baseLr);
        event.layers![l.name] = healthyLayerStats(
          l,
          i,
          layers.length,
          trueLoss / lossStart,
          lr,
          weightNorms[i]!,
          rng,
        );
      });
    }
    yield apply(event, step);
    epochLoss += loss;
    epochAcc += acc;
    epochN++;
    if (o.epochs !== false && (step + 1) % stepsPerEpoch === 0) {
      const trainLoss = epochLoss / epochN;
      const ep: EpochEvent = {
        type: 'epoch',
        epoch: Math.floor(step / stepsPerEpoch),
        step,
        train: { loss: trainLoss, accuracy: epochAcc / epochN },
        val: {
          loss: trainLoss * valGap * (1 + 0.03 * rng.normal()),
          accuracy: Math.max(0, epochAcc / epochN - 0.02 + 0.01 * rng.normal()),
        },
      };
      yield apply(ep, step);
      epochLoss = 0;
      epochAcc = 0;
      epochN = 0;
    }
  }
  if (o.evalAtEnd) {
    const each = Math.round((stepsPerEpoch * 8) / numClasses);
    const ev: EvalEvent = {
      type: 'eval',
      step: steps - 1,
      split: 'val',
      metrics: { accuracy: 0.9 },
      predictedClassCounts: Array.from({ length: numClasses }, () => each),
    };
    yield apply(ev, steps - 1);
  }
  if (o.end !== false) yield apply({ type: 'end', step: steps - 1, status: 'completed' }, steps - 1);
}

function accuracyFromLoss(trueLoss: number, lossStart: number, numClasses: number, rng: Rng): number {
  const chance = 1 / numClasses;
  const learned = Math.min(1, Math.max(0, 1 - trueLoss / lossStart));
  return Math.min(1, Math.max(0, chance + (0.98 - chance) * learned + 0.03 * rng.normal()));
}

/** Layer stats of a healthy network: gradients shrink as loss falls, ReLU layers a few % dead. */
export function healthyLayerStats(
  layer: LayerInfo,
  index: number,
  count: number,
  lossRatio: number,
  lr: number,
  weightNorm: number,
  rng: Rng,
): LayerStats {
  const gradNorm =
    (0.05 + 0.5 * lossRatio) * (0.6 + (0.4 * (index + 1)) / count) * (1 + 0.2 * rng.normal() ** 2);
  const stats: LayerStats = {
    gradNorm,
    gradMean: 1e-4 * rng.normal(),
    gradStd: gradNorm / 50,
    gradMaxAbs: gradNorm / 5,
    weightNorm,
    weightMean: 1e-3 * rng.normal(),
    weightStd: 0.1,
    weightMaxAbs: 0.4,
    updateRatio: Math.max(1e-6, (lr / 1e-3) * 1e-3 * (1 + 0.3 * rng.normal())),
    actMean: 0.3 + 0.05 * rng.normal(),
    actStd: 0.5,
    zeroGradFraction: 0.02,
    nanCount: 0,
  };
  const act = (layer.activation ?? '').toLowerCase();
  if (act === 'relu') stats.deadFraction = Math.max(0, 0.05 + 0.03 * rng.normal());
  if (act === 'sigmoid' || act === 'tanh') stats.saturatedFraction = Math.max(0, 0.03 + 0.02 * rng.normal());
  return stats;
}

/** Collects a generator's events into an array. */
export const eventsOf = (options: SyntheticOptions = {}): TraceEvent[] => [...syntheticRun(options)];
