import type { Schedule } from './experiment.js';

/** Cosine decay from the base rate to 0 over the run. */
export const cosine: Schedule = {
  describe: 'cosine decay to 0 over the run',
  lr: (step, total, _perEpoch, base) => 0.5 * base * (1 + Math.cos((Math.PI * step) / total)),
};

/** Linear warm-up over `n` steps, then constant. */
export function warmup(n: number): Schedule {
  return {
    describe: `linear warm-up over ${n} steps, then constant`,
    lr: (step, _total, _perEpoch, base) => (step < n ? (base * (step + 1)) / n : base),
  };
}

/** × `factor` every `epochs` epochs. */
export function stepDecay(epochs: number, factor: number): Schedule {
  return {
    describe: `×${factor} every ${epochs} epochs`,
    lr: (step, _total, perEpoch, base) => base * factor ** Math.floor(step / perEpoch / epochs),
  };
}

/** × `factor` every step: an exponential decay meant per epoch but applied per batch. */
export function perStepDecay(factor: number): Schedule {
  return {
    describe: `×${factor} every step`,
    lr: (step, _total, _perEpoch, base) => base * factor ** step,
  };
}

/** Linear warm-up over `n` steps, then cosine decay to 0 over the rest of the run. */
export function warmupCosine(n: number): Schedule {
  return {
    describe: `linear warm-up over ${n} steps, then cosine decay to 0`,
    lr: (step, total, _perEpoch, base) =>
      step < n ? (base * (step + 1)) / n : 0.5 * base * (1 + Math.cos((Math.PI * (step - n)) / (total - n))),
  };
}
