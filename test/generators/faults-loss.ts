import type { EpochEvent, TraceEvent } from '../../src/domain/index.js';
import type { Fault, FaultContext } from './synthetic-run.js';

/**
 * Faults for the loss and generalisation detectors. Each returns a fresh
 * Fault (call it once per run); a fault that needs a value from the run keeps
 * it in its closure and resets it at step 0. Epoch events get the mean of the
 * faulty batch curve over their epoch, so epoch-only traces (steps filtered
 * out) show the same fault.
 */

/** Mean over the epoch ending at `lastStep` of `curve`, with `healthy` for its steps before `onset`. */
function epochMean(
  ctx: FaultContext,
  lastStep: number,
  onset: number,
  healthy: number,
  curve: (step: number) => number,
): number {
  const spe = ctx.options.stepsPerEpoch;
  let sum = 0;
  for (let s = lastStep - spe + 1; s <= lastStep; s++) sum += s < onset ? healthy : curve(s);
  return sum / spe;
}

const chanceLoss = (ctx: FaultContext) => Math.log(ctx.options.numClasses);

/** Sets an epoch's train loss to `train` and its val loss to `valRatio` × that. */
function setEpochLoss(e: EpochEvent, train: number, valRatio = 1.1): void {
  if (e.train) e.train.loss = train;
  if (e.val) e.val.loss = train * valRatio;
}

/** The loss (batch, epoch train and val) is NaN from `onset` on. */
export const lossNan = (onset: number): Fault => ({
  onset,
  apply(e) {
    if (e.type === 'step') e.loss = Number.NaN;
    if (e.type === 'epoch') setEpochLoss(e, Number.NaN);
  },
});

/** The loss grows by the factor e^rate per step from `onset` on (a learning rate that becomes too high). */
export const divergence = (onset: number, rate = 0.02): Fault => ({
  onset,
  apply(e, ctx) {
    if (e.type === 'step' && e.loss !== undefined) e.loss *= Math.exp(rate * ctx.since);
    if (e.type === 'epoch' && e.train?.loss !== undefined) {
      const factor = epochMean(ctx, ctx.step, onset, 1, (s) => Math.exp(rate * (s - onset)));
      setEpochLoss(e, e.train.loss * factor, (e.val?.loss ?? e.train.loss) / e.train.loss);
    }
  },
});

/**
 * The wine pattern: from `onset`, every `every`-th batch costs `factor`^(1 + k/2)
 * times the chance-level loss for `count` spikes, then the loss sticks near chance.
 */
export const lossExplosion = (onset: number, { factor = 100, every = 4, count = 6 } = {}): Fault => {
  const curve = (ctx: FaultContext, s: number) => {
    const since = s - onset;
    const k = since / every;
    const spike = since % every === 0 && k < count;
    return chanceLoss(ctx) * (spike ? factor ** (1 + k / 2) : 1.02);
  };
  return {
    onset,
    apply(e, ctx) {
      if (e.type === 'step') e.loss = curve(ctx, ctx.step) * (1 + 0.05 * ctx.rng.normal());
      if (e.type === 'epoch' && e.train?.loss !== undefined) {
        setEpochLoss(
          e,
          epochMean(ctx, ctx.step, onset, e.train.loss, (s) => curve(ctx, s)),
          1.02,
        );
      }
    },
  };
};

/** No learning at all: the loss stays at `level` (default: chance, ln classes) and accuracy at chance. */
export const flatLoss = ({ level, noise = 0.1 }: { level?: number; noise?: number } = {}): Fault => ({
  onset: 0,
  apply(e, ctx) {
    const l = level ?? chanceLoss(ctx);
    const chance = 1 / ctx.options.numClasses;
    if (e.type === 'step') {
      e.loss = l * Math.max(0.05, 1 + noise * ctx.rng.normal());
      if (e.metrics) e.metrics.accuracy = Math.max(0, chance + 0.03 * ctx.rng.normal());
    }
    if (e.type === 'epoch') {
      setEpochLoss(e, l * (1 + 0.005 * ctx.rng.normal()), 1 + 0.005 * ctx.rng.normal());
      if (e.train) e.train.accuracy = chance;
      if (e.val) e.val.accuracy = chance;
    }
  },
});

/** A decaying curve from `start` (default ln classes) to `floor` × start with time constant `tau` steps, with accuracy following it. */
function decayFault(
  tauOf: (ctx: FaultContext) => number,
  floor: number,
  valRatio: number,
  noise: number,
  start?: number,
): Fault {
  const curve = (ctx: FaultContext, s: number) => {
    const l0 = start ?? chanceLoss(ctx);
    return l0 * (floor + (1 - floor) * Math.exp(-s / tauOf(ctx)));
  };
  const accuracy = (ctx: FaultContext, loss: number) => {
    const chance = 1 / ctx.options.numClasses;
    return chance + (0.98 - chance) * Math.max(0, 1 - loss / (start ?? chanceLoss(ctx)));
  };
  return {
    onset: 0,
    apply(e, ctx) {
      if (e.type === 'step') {
        const l = curve(ctx, ctx.step);
        e.loss = l * Math.max(0.05, 1 + noise * ctx.rng.normal());
        if (e.metrics)
          e.metrics.accuracy = Math.min(1, Math.max(0, accuracy(ctx, l) + 0.03 * ctx.rng.normal()));
      }
      if (e.type === 'epoch') {
        const l = epochMean(ctx, ctx.step, 0, 0, (s) => curve(ctx, s));
        setEpochLoss(e, l * (1 + 0.005 * ctx.rng.normal()), valRatio);
        if (e.train) e.train.accuracy = accuracy(ctx, l);
        if (e.val) e.val.accuracy = Math.max(0, accuracy(ctx, l) - 0.02);
      }
    },
  };
}

/**
 * A learning rate far too low: the loss decays towards 10% of its start with
 * a time constant of `budgets` whole runs, so it is still falling, slowly, at the end.
 */
export const slowDecay = (budgets = 3, noise = 0.1): Fault =>
  decayFault((ctx) => budgets * ctx.options.steps, 0.1, 1.1, noise);

/**
 * An easy start on a noisy task: the loss falls from chance to `floor` × chance
 * within the first few batches (time constant `tau` steps), then creeps down
 * linearly by `creep` of that level over the run (0: stays at the floor).
 */
export const quickStart = ({ floor = 0.55, creep = 0, noise = 0.3, tau = 8 } = {}): Fault => {
  const curve = (ctx: FaultContext, s: number) =>
    chanceLoss(ctx) * (floor + (1 - floor) * Math.exp(-s / tau)) * (1 - (creep * s) / ctx.options.steps);
  return {
    onset: 0,
    apply(e, ctx) {
      if (e.type === 'step') e.loss = curve(ctx, ctx.step) * Math.max(0.05, 1 + noise * ctx.rng.normal());
      if (e.type === 'epoch')
        setEpochLoss(
          e,
          epochMean(ctx, ctx.step, 0, 0, (s) => curve(ctx, s)),
          1.05,
        );
    },
  };
};

/** Training converges early to a high loss: `floor` × the chance-level loss (time constant a tenth of the run). */
export const underfit = ({ floor = 0.9, noise = 0.1 } = {}): Fault =>
  decayFault((ctx) => ctx.options.steps / 10, floor, 1.05, noise);

/**
 * From `onset`, the loss swings around a flat `level` (default half the
 * chance-level loss) by ±`amplitude` with a period of `period` steps.
 */
export const oscillation = (
  onset: number,
  { amplitude = 0.5, period = 200, level }: { amplitude?: number; period?: number; level?: number } = {},
): Fault => {
  const curve = (ctx: FaultContext, s: number) =>
    (level ?? chanceLoss(ctx) / 2) * (1 + amplitude * Math.sin((2 * Math.PI * (s - onset)) / period));
  return {
    onset,
    apply(e, ctx) {
      if (e.type === 'step') e.loss = curve(ctx, ctx.step) * Math.max(0.05, 1 + 0.1 * ctx.rng.normal());
      if (e.type === 'epoch' && e.train?.loss !== undefined) {
        setEpochLoss(
          e,
          epochMean(ctx, ctx.step, onset, e.train.loss, (s) => curve(ctx, s)),
        );
      }
    },
  };
};

/**
 * Overfitting from epoch `onsetEpoch`: the val loss, from its value at that
 * epoch, rises by `rate` of it per epoch and val accuracy drops 3 points per
 * epoch, while the train metrics keep improving as generated.
 */
export const overfit = (onsetEpoch: number, rate = 0.15): Fault => {
  let valAtOnset = Number.NaN;
  let accAtOnset = Number.NaN;
  return {
    onset: 0,
    apply(e: TraceEvent) {
      if (e.type === 'step' && e.step === 0) valAtOnset = accAtOnset = Number.NaN;
      if (e.type !== 'epoch' || e.epoch < onsetEpoch || !e.val) return;
      const k = e.epoch - onsetEpoch;
      if (k === 0) {
        valAtOnset = e.val.loss ?? Number.NaN;
        accAtOnset = e.val.accuracy ?? Number.NaN;
      }
      if (e.val.loss !== undefined) e.val.loss = valAtOnset * (1 + rate * k);
      if (e.val.accuracy !== undefined) e.val.accuracy = Math.max(0, accAtOnset - 0.03 * k);
    },
  };
};

/** Val accuracy falls `drop` below train accuracy from epoch `onsetEpoch` on (losses unchanged). */
export const accuracyGap = (onsetEpoch: number, drop = 0.15): Fault => ({
  onset: 0,
  apply(e) {
    if (e.type !== 'epoch' || e.epoch < onsetEpoch || !e.val || e.train?.accuracy === undefined) return;
    e.val.accuracy = Math.max(0, e.train.accuracy - drop);
  },
});

/** From epoch `onsetEpoch` the val loss stalls at its value then (memorising), while train loss keeps falling. */
export const valStall = (onsetEpoch: number): Fault => {
  let stalled = Number.NaN;
  return {
    onset: 0,
    apply(e) {
      if (e.type === 'step' && e.step === 0) stalled = Number.NaN;
      if (e.type !== 'epoch' || e.epoch < onsetEpoch || e.val?.loss === undefined) return;
      if (e.epoch === onsetEpoch) stalled = e.val.loss;
      e.val.loss = stalled;
    },
  };
};

/** −ln(1e-7): the most a Keras/tfjs cross-entropy on clipped probabilities can cost per example. */
export const CLIPPED_CE_CEILING = -Math.log(1e-7);

/**
 * A learning rate so high that one update saturates the softmax, Keras/tfjs
 * style (probabilities clipped to [1e-7, 1 − 1e-7]): from `onset` the model
 * is confidently wrong. Each batch of 32 costs the ceiling −ln 1e-7 ≈ 16.1 for
 * every wrong example (right ones cost ~0), with accuracy at chance, so the
 * loss jumps from about ln K to about 16.1 × (1 − 1/K) and stays; the gradient
 * is zero there, so nothing brings it back. With `lasting`, the model
 * recovers after that many steps (a transient blow-up).
 */
export const clippedBlowUp = (onset: number, { lasting = Number.POSITIVE_INFINITY } = {}): Fault => {
  const active = (s: number) => s >= onset && s < onset + lasting;
  return {
    onset,
    apply(e, ctx) {
      const k = ctx.options.numClasses;
      if (e.type === 'step' && active(ctx.step)) {
        let right = 0;
        for (let i = 0; i < 32; i++) if (ctx.rng.next() < 1 / k) right++;
        e.loss = CLIPPED_CE_CEILING * (1 - right / 32);
        if (e.metrics) e.metrics.accuracy = right / 32;
      }
      if (e.type === 'epoch' && e.train?.loss !== undefined) {
        const level = CLIPPED_CE_CEILING * (1 - 1 / k);
        const healthy = e.train.loss;
        const spe = ctx.options.stepsPerEpoch;
        let sum = 0;
        for (let s = ctx.step - spe + 1; s <= ctx.step; s++) sum += active(s) ? level : healthy;
        const blown = active(ctx.step);
        if (e.train) e.train.loss = sum / spe;
        if (blown && e.val) e.val.loss = level;
        if (blown && e.train) e.train.accuracy = 1 / k;
        if (blown && e.val) e.val.accuracy = 1 / k;
      }
    },
  };
};

/**
 * A poor initialisation: the first batches cost `factor` × the chance-level
 * loss and the excess fades with a time constant of `tau` steps (a run that
 * recovers fast for a small tau; one stuck far above chance for a huge tau).
 */
export const highStart = ({ factor = 3, tau = 15 } = {}): Fault => {
  // Added to the generated loss, which starts at chance: step 0 costs factor × chance.
  const excess = (ctx: FaultContext, s: number) => (factor - 1) * chanceLoss(ctx) * Math.exp(-s / tau);
  return {
    onset: 0,
    apply(e, ctx) {
      if (e.type === 'step' && e.loss !== undefined)
        e.loss += excess(ctx, ctx.step) * Math.max(0, 1 + 0.1 * ctx.rng.normal());
      if (e.type === 'epoch' && e.train?.loss !== undefined) {
        const ratio = (e.val?.loss ?? e.train.loss) / e.train.loss;
        setEpochLoss(e, e.train.loss + epochMean(ctx, ctx.step, 0, 0, (s) => excess(ctx, s)), ratio);
      }
    },
  };
};

/**
 * A small validation set near zero loss: from epoch `onsetEpoch` each val loss
 * is the generated one times (1 + `amplitude` × a standard normal), floored at
 * 20% of it, since a few confident mistakes among a few hundred examples move
 * it by tens of percent. Nothing overfits.
 */
export const noisyVal = (onsetEpoch: number, amplitude = 0.4): Fault => ({
  onset: 0,
  apply(e, ctx) {
    if (e.type !== 'epoch' || e.epoch < onsetEpoch || e.val?.loss === undefined) return;
    e.val.loss *= Math.max(0.2, 1 + amplitude * ctx.rng.normal());
  },
});
