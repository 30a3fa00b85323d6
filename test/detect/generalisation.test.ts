import { describe, expect, it } from 'vitest';
import { generalisationFamily } from '../../src/detect/families/generalisation.js';
import { detectEvents } from '../../src/detect/index.js';
import type { SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';
import {
  accuracyGap,
  divergence,
  eventsOf,
  type Fault,
  flatLoss,
  lossNan,
  noisyVal,
  overfit,
  SIGMOID_NET,
  type SyntheticOptions,
  TANH_NET,
  underfit,
  valStall,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { firstReportStep, resumedAndWhole } from './first-report.js';
import { detect, epochOnly, ofSymptom, ofSymptoms, profileValues, SEEDS } from './harness.js';

const generalisation = (occ: SymptomOccurrence[]) => ofSymptoms(occ, ['overfitting', 'underfitting']);

/** When the generalisation family alone first reports `symptom`. */
const firstReport = (events: TraceEvent[], symptom: string) =>
  firstReportStep(events, symptom, [generalisationFamily]);

const HEALTHY: [string, SyntheticOptions][] = [1, 2, 3].flatMap((seed) => [
  [`noise 0.1, seed ${seed}`, { seed, noise: 0.1 }],
  [`noise 0.3, seed ${seed}`, { seed, noise: 0.3 }],
  [`warm-up, seed ${seed}`, { seed, noise: 0.3, schedule: 'warmup' }],
  [`cosine, seed ${seed}`, { seed, noise: 0.3, schedule: 'cosine' }],
  [`step schedule, seed ${seed}`, { seed, noise: 0.3, schedule: 'step' }],
  [`warm-up + cosine, seed ${seed}`, { seed, noise: 0.3, schedule: 'warmup-cosine' }],
  [`a plateau mid-run, seed ${seed}`, { seed, noise: 0.3, plateau: [300, 450] }],
  [`no layer stats, no accuracy, seed ${seed}`, { seed, statsEvery: 0, accuracy: false }],
  [`2 classes, seed ${seed}`, { seed, numClasses: 2, noise: 0.3 }],
  [`100 classes, seed ${seed}`, { seed, numClasses: 100, noise: 0.3 }],
  [`a sigmoid net, seed ${seed}`, { seed, layers: SIGMOID_NET }],
  [`a tanh net, seed ${seed}`, { seed, layers: TANH_NET }],
  [`a constant val/train loss ratio of 1.3, seed ${seed}`, { seed, valGap: 1.3, noise: 0.3 }],
  [`val loss below train loss, seed ${seed}`, { seed, valGap: 0.8 }],
  [`no epoch events, seed ${seed}`, { seed, epochs: false }],
]);

describe('generalisation on healthy runs', () => {
  it.each(HEALTHY)(
    'reports neither overfitting nor underfitting for a healthy run (%s)',
    async (_name, options) => {
      const events = eventsOf(options);
      expect(generalisation(await detect(events))).toEqual([]);
      expect(generalisation(await detect(epochOnly(events)))).toEqual([]);
    },
  );
});

/** The same trace without accuracy in its epoch metrics: only the loss arms of overfitting can fire. */
const withoutEpochAccuracy = (events: TraceEvent[]): TraceEvent[] =>
  events.map((e) => {
    if (e.type !== 'epoch') return e;
    const { accuracy: _t, ...train } = e.train ?? {};
    const { accuracy: _v, ...val } = e.val ?? {};
    return { ...e, train, val };
  });

describe('overfitting', () => {
  it.each([1, 2, 3])(
    'fires two epochs after the val loss turns up, with val accuracy falling too (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [overfit(3)] });
      // Epoch 3 (ending at step 399) is the val minimum; val accuracy is 6 points down by epoch 5.
      expect(await firstReport(events, 'overfitting')).toBe(599);
      const [o] = ofSymptom(await detect(events), 'overfitting');
      expect(o).toMatchObject({ severity: 'warning' });
      expect(o!.lastStep).toBe(999);
    },
  );

  it.each([1, 2, 3])(
    'fires four epochs after the val minimum on the losses alone, with the val-train gap in the evidence (seed %i)',
    async (seed) => {
      const events = withoutEpochAccuracy(eventsOf({ seed, noise: 0.3, faults: [overfit(3)] }));
      // The val level (median of 3 epochs) has its minimum at epoch 4 (1.15× epoch 3's val), is 13% above it
      // at epoch 6 and 26% at epoch 7: two epochs in a row.
      expect(await firstReport(events, 'overfitting')).toBe(799);
      const [o] = ofSymptom(await detect(events), 'overfitting');
      expect(o).toMatchObject({ firstStep: 699, severity: 'warning' });
      expect(o!.evidence[0]).toMatch(
        /^val loss \(median of the last 3 epochs\) rose 26\.1% from its minimum .* while train loss fell .*mean of the epoch's last \d+ batches\); val is .* above train/,
      );
    },
  );

  it('fires the same way from a trace with epoch metrics only, comparing val with the epoch train loss', async () => {
    const events = withoutEpochAccuracy(epochOnly(eventsOf({ seed: 4, faults: [overfit(3)] })));
    expect(await firstReport(events, 'overfitting')).toBe(799);
    const [o] = ofSymptom(await detect(events), 'overfitting');
    expect(o!.evidence[0]).toContain('epoch mean');
  });

  it.each([1, 2, 3, 4, 5])(
    'does not call a noisy val loss (30 percent epoch to epoch, like a small val set near zero) overfitting (seed %i)',
    async (seed) => {
      for (const valGap of [0.8, 1, 1.1]) {
        const events = eventsOf({ seed, noise: 0.3, valGap, faults: [noisyVal(2, 0.3)] });
        expect(ofSymptom(await detect(events), 'overfitting')).toEqual([]);
      }
    },
  );

  it('does not call a val loss that rises from a lucky minimum overfitting while it stays below the train loss', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const events = eventsOf({ seed, noise: 0.3, valGap: 0.9, faults: [noisyVal(2, 0.5)] });
      expect(ofSymptom(await detect(withoutEpochAccuracy(events)), 'overfitting')).toEqual([]);
    }
  });

  it.each([1, 2, 3])(
    'fires when the val loss stalls while train loss keeps falling (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [valStall(1)] });
      const at = await firstReport(events, 'overfitting');
      expect(at).toBeLessThanOrEqual(599);
      const [o] = ofSymptom(await detect(events), 'overfitting');
      expect(o!.evidence[0]).toMatch(/exceeds train loss .* a widening of/);
    },
  );

  it('resolves to info a val rise that has gone by the end of the run (batch-norm statistics catching up), but not one that lasts', async () => {
    // Val loss held at 1.5× its epoch-2 value in epochs 3-5 only, then back on its falling curve.
    let valAt2 = Number.NaN;
    const valBump: Fault = {
      onset: 0,
      apply(e) {
        if (e.type !== 'epoch' || e.val?.loss === undefined) return;
        if (e.epoch === 2) valAt2 = e.val.loss;
        if (e.epoch >= 3 && e.epoch <= 5) e.val.loss = 1.5 * valAt2;
      },
    };
    for (const seed of [1, 2, 3]) {
      const bumped = withoutEpochAccuracy(eventsOf({ seed, noise: 0.3, faults: [valBump] }));
      expect(await firstReport(bumped, 'overfitting')).toBeLessThanOrEqual(699);
      const [o] = ofSymptom(await detect(bumped), 'overfitting');
      expect(o).toMatchObject({ severity: 'info' });
      expect(o!.evidence.at(-1)).toMatch(
        /^latest: resolved: at the last epoch \(step 999\) the val level .* is back within 10% of its minimum/,
      );
      const [lasting] = ofSymptom(
        await detect(eventsOf({ seed, noise: 0.3, faults: [overfit(3)] })),
        'overfitting',
      );
      expect(lasting).toMatchObject({ severity: 'warning' });
    }
  });

  it('fires within two epochs when val accuracy falls 15 points below train accuracy and val loss stalls', async () => {
    const events = eventsOf({ seed: 1, faults: [valStall(3), accuracyGap(3)] });
    expect(await firstReport(events, 'overfitting')).toBe(599);
    const [o] = ofSymptom(await detect(events), 'overfitting');
    expect(o!.evidence[0]).toContain("AUTOTRAINER's gap");
    expect(o!.evidence[0]).toContain('val loss has not improved');
  });

  describe('a val loss that wobbles at a low floor (a converged run, a small val set)', () => {
    // From epoch 5 on the val loss sits at 0.12 with 10% noise (400 examples at a loss of 0.12
    // wobble about that much), train loss at 0.1 and falling slowly: some val levels land 10%
    // (and 0.014) above the luckiest one.
    const floor = (rise: number): Fault => ({
      onset: 0,
      apply(e, ctx) {
        if (e.type !== 'epoch' || e.epoch < 5 || !e.val || !e.train) return;
        const trend = 1 + rise * Math.max(0, e.epoch - 12);
        e.val.loss = 0.12 * trend * (1 + 0.1 * ctx.rng.normal());
        e.train.loss = 0.1 * (1 - 0.01 * (e.epoch - 5));
      },
    });
    // Two classes: the loss scale is ln 2, so the rise arm's absolute floor (2% of it) is 0.014.
    const run = (seed: number, rise: number) =>
      withoutEpochAccuracy(epochOnly(eventsOf({ seed, steps: 2000, numClasses: 2, faults: [floor(rise)] })));
    const withoutNoiseAllowance = async (events: TraceEvent[]) => {
      const values = await profileValues();
      const generalisation = { ...values.generalisation, overfitRiseSigmas: 0 };
      return detectEvents(events, { ...values, generalisation }).occurrences;
    };

    it('is not overfitting (at most a note the run left behind), though 10% rises above its minimum happen by chance', async () => {
      const warnings = (occ: SymptomOccurrence[]) =>
        ofSymptom(occ, 'overfitting').filter((o) => o.severity !== 'info');
      let withoutAllowance = 0;
      for (const seed of [...SEEDS, 6, 7, 8]) {
        const events = run(seed, 0);
        expect(warnings(await detect(events)), `seed ${seed}`).toEqual([]);
        withoutAllowance += warnings(await withoutNoiseAllowance(events)).length;
      }
      // The noise allowance is what keeps these quiet: without it the 10% rule fires on some.
      expect(withoutAllowance).toBeGreaterThan(0);
    });

    it('is overfitting once the val loss climbs out of its noise (8% more per epoch from epoch 13)', async () => {
      for (const seed of SEEDS) {
        const [o] = ofSymptom(await detect(run(seed, 0.08)), 'overfitting');
        expect(o, `seed ${seed}`).toMatchObject({ severity: 'warning' });
        expect(o!.evidence[0]).toMatch(/by 2 sigmas of the val loss's own epoch-to-epoch noise \(0\.0\d+\)/);
      }
    });
  });

  it('grades an accuracy gap alone: a note under twice its bound (a generalisation gap), a warning from there', async () => {
    // From epoch 3 both losses level off where they are (a converged run): only the accuracy arm can hold.
    const levelled: Fault = {
      onset: 0,
      apply(e) {
        if (e.type === 'epoch' && e.epoch >= 3 && e.train && e.val) {
          e.train.loss = 0.5;
          e.val.loss = 0.6;
        }
      },
    };
    const gapOf = async (drop: number) => {
      const events = eventsOf({ seed: 1, faults: [levelled, accuracyGap(3, drop)] });
      const last = events.filter((e) => e.type === 'epoch').at(-1)!;
      const trainAcc = last.type === 'epoch' ? last.train!.accuracy! : Number.NaN;
      const [o] = ofSymptom(await detect(events), 'overfitting');
      return { o: o!, bound: trainAcc > 0.9 ? 0.07 : 0.1 };
    };
    const narrow = await gapOf(0.12);
    expect(0.12).toBeLessThan(2 * narrow.bound);
    expect(narrow.o).toMatchObject({ severity: 'info' });
    expect(narrow.o.evidence[0]).toContain('a generalisation gap to narrow with regularisation or more data');
    const wide = await gapOf(0.25);
    expect(wide.o).toMatchObject({ severity: 'warning' });
    expect(wide.o.evidence[0]).toContain('2× that bound or more');
  });

  it('judges the accuracy gap of a validation that computes no loss (a script counting its hits)', async () => {
    const withoutValLoss = (events: TraceEvent[]): TraceEvent[] =>
      events.map((e) => {
        if (e.type !== 'epoch' || e.val?.accuracy === undefined) return e;
        return { ...e, val: { accuracy: e.val.accuracy } };
      });
    const gapped = withoutValLoss(eventsOf({ seed: 1, faults: [accuracyGap(3, 0.25)] }));
    const [o] = ofSymptom(await detect(gapped), 'overfitting');
    expect(o).toMatchObject({ severity: 'warning' });
    expect(o!.evidence[0]).toMatch(/^train accuracy [\d.]+% against val accuracy [\d.]+%/);
    for (const seed of [1, 2, 3]) {
      const healthy = withoutValLoss(eventsOf({ seed, noise: 0.3 }));
      expect(ofSymptom(await detect(healthy), 'overfitting')).toEqual([]);
    }
  });

  it('does not call an accuracy gap overfitting while val loss still improves every epoch', async () => {
    const events = eventsOf({ seed: 1, faults: [accuracyGap(3)] });
    expect(ofSymptom(await detect(events), 'overfitting')).toEqual([]);
  });

  it('ignores an accuracy gap within two standard errors of a tiny val set', async () => {
    const events = eventsOf({
      seed: 1,
      faults: [accuracyGap(3, 0.15)],
      run: { dataset: { numClasses: 10, valSize: 30 } },
    });
    expect(ofSymptom(await detect(events), 'overfitting')).toEqual([]);
  });

  it('does not call a model that learned nothing overfitted, however its val loss moves', async () => {
    const events = eventsOf({ seed: 2, faults: [flatLoss(), overfit(3)] });
    expect(ofSymptom(await detect(events), 'overfitting')).toEqual([]);
  });
});

describe('underfitting', () => {
  it.each([1, 2, 3])(
    'fires at the end when the train loss settles at 90 percent of chance (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [underfit()] });
      expect(await firstReport(events, 'underfitting')).toBe(999);
      const [o] = ofSymptom(await detect(events), 'underfitting');
      expect(o).toMatchObject({ firstStep: 999, lastStep: 999, severity: 'warning' });
      expect(o!.evidence[0]).toMatch(/of the chance-level loss 2\.3 for the 10 class shares/);
    },
  );

  it('fires from the last batches when the trace has no epoch events', async () => {
    const events = eventsOf({ seed: 1, epochs: false, faults: [flatLoss()] });
    const [o] = ofSymptom(await detect(events), 'underfitting');
    expect(o!.evidence.join(' ')).toContain('the median of the last 32 batches');
  });

  it('compares a regression MSE with the variance of the labels', async () => {
    const run = {
      task: 'regression',
      loss: 'mse',
      dataset: { labelStats: { mean: 0, std: 2, min: -6, max: 6 } },
    };
    const stuck = eventsOf({ seed: 1, run, faults: [flatLoss({ level: 3.8 })] });
    const [o] = ofSymptom(await detect(stuck), 'underfitting');
    expect(o!.evidence[0]).toMatch(/train MSE at the end is 3\.8.* of the label variance 4/);
    const healthy = eventsOf({ seed: 1, run, lossStart: 4, lossFloor: 0.4 });
    expect(ofSymptom(await detect(healthy), 'underfitting')).toEqual([]);
  });

  it('judges the whole budget only: not a run stopped at 30% of its epochs, nor one that diverged', async () => {
    const stopped = eventsOf({ seed: 1, steps: 300, run: { epochs: 10 }, faults: [flatLoss()] });
    expect(ofSymptom(await detect(stopped), 'underfitting')).toEqual([]);
    const nan = eventsOf({ seed: 1, faults: [lossNan(600)] });
    const end = nan.at(-1)!;
    if (end.type === 'end') end.status = 'diverged';
    expect(ofSymptom(await detect(nan), 'underfitting')).toEqual([]);
  });

  it('also fires for a diverged-then-stuck run that still ends as completed', async () => {
    const events = eventsOf({ seed: 3, faults: [divergence(200, 0.02), flatLoss({ level: 2.35 })] });
    expect(ofSymptom(await detect(events), 'underfitting')).toHaveLength(1);
  });
});

describe('generalisation when resumed', () => {
  const runs: [string, TraceEvent[]][] = [
    ['an overfitting run', eventsOf({ seed: 1, noise: 0.3, faults: [overfit(3)] })],
    [
      'an overfitting run seen through its losses only',
      withoutEpochAccuracy(eventsOf({ seed: 2, noise: 0.3, faults: [overfit(3)] })),
    ],
    ['an underfitting run', eventsOf({ seed: 2, faults: [underfit()] })],
    [
      'an epoch-only run with an accuracy gap',
      epochOnly(eventsOf({ seed: 3, faults: [valStall(2), accuracyGap(2)] })),
    ],
    ['a run without epochs', eventsOf({ seed: 4, epochs: false, faults: [flatLoss()] })],
  ];

  it.each(runs)('gives the same occurrences after a save and resume mid-run (%s)', async (_name, events) => {
    for (const cut of [3, Math.floor(events.length / 2), events.length - 2]) {
      const { resumed, whole } = await resumedAndWhole(events, cut, [generalisationFamily]);
      expect(whole.length).toBeGreaterThan(0);
      expect(resumed).toEqual(whole);
    }
  });
});

describe('generalisation on the sample traces', () => {
  it('finds neither overfitting nor underfitting in the two healthy samples', async () => {
    for (const name of HEALTHY_SAMPLES) {
      const events = await readSample(name);
      expect(generalisation(await detect(events))).toEqual([]);
      expect(generalisation(await detect(epochOnly(events)))).toEqual([]);
    }
  });

  it('finds the two failed samples underfitted at chance and not overfitted', async () => {
    for (const name of ['keras-sgd-lr3-wine', 'pytorch-deep-sigmoid-digits']) {
      const occ = await detect(await readSample(name));
      expect(ofSymptom(occ, 'overfitting')).toEqual([]);
      const [o] = ofSymptom(occ, 'underfitting');
      expect(o!.evidence[0]).toMatch(/train loss at the end is .* of the chance-level loss/);
    }
  });
});
