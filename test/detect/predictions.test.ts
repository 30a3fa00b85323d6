import { describe, expect, it } from 'vitest';
import {
  chanceAccuracy,
  collapse,
  eventsOf,
  eventsWithEvals,
  type Fault,
  runFault,
  type SyntheticOptions,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { reportsOf, resumedAndWhole } from './first-report.js';
import { detect, ofSymptom, ofSymptoms, SEEDS } from './harness.js';

const MINE = ['accuracy_at_chance', 'prediction_collapse'];
const mine = (occ: Awaited<ReturnType<typeof detect>>) => ofSymptoms(occ, MINE);

/** Healthy runs: noise, schedules, a plateau, missing signals, 2 and 100 classes, several seeds. */
const HEALTHY: [string, SyntheticOptions][] = [
  ['noise 0.1', { noise: 0.1 }],
  ['noise 0.3', { noise: 0.3 }],
  ['warm-up', { schedule: 'warmup', warmupSteps: 100 }],
  ['cosine', { schedule: 'cosine' }],
  ['step schedule', { schedule: 'step' }],
  ['warm-up then cosine', { schedule: 'warmup-cosine', warmupSteps: 150 }],
  ['a short plateau', { plateau: [300, 400] }],
  ['no layer stats', { statsEvery: 0 }],
  ['no accuracy', { accuracy: false }],
  ['2 classes', { numClasses: 2 }],
  ['100 classes', { numClasses: 100 }],
  ['no epoch events', { epochs: false }],
  ['a slow start (tau = steps)', { tau: 1000 }],
];

describe('accuracy_at_chance', () => {
  it('is reported within two epochs when accuracy never leaves chance (10, 2 and 100 classes)', async () => {
    for (const numClasses of [10, 2, 100]) {
      for (const seed of SEEDS) {
        const [r] = await reportsOf(
          eventsOf({ seed, numClasses, faults: [chanceAccuracy(0)] }),
          'accuracy_at_chance',
        );
        expect(r, `${numClasses} classes, seed ${seed}`).toBeDefined();
        // Two epochs of 100 steps: the step window and the epoch rule both need them.
        expect(r!.reportedAt).toBeLessThanOrEqual(200);
        expect(r!.occurrence.firstStep).toBe(0);
        expect(r!.occurrence.evidence.join(' ')).toMatch(/within the chance bound/);
      }
    }
  });

  it('is reported within two epochs and a window when a learning run falls back to chance at step 400', async () => {
    for (const seed of SEEDS) {
      const onset = 400;
      const [r] = await reportsOf(eventsOf({ seed, faults: [chanceAccuracy(onset)] }), 'accuracy_at_chance');
      expect(r, `seed ${seed}`).toBeDefined();
      expect(r!.reportedAt - onset).toBeLessThanOrEqual(225);
      expect(r!.occurrence.firstStep).toBeGreaterThanOrEqual(onset - 25);
    }
  });

  it('is resolved to info when accuracy leaves chance for good after a slow start, and stays a warning when it falls back', async () => {
    // Accuracy at chance for the first 400 steps (a symmetric start), learning as generated afterwards.
    const chanceUntil = (end: number): Fault => ({
      onset: 0,
      apply(e, { rng, options }) {
        const chance = 1 / options.numClasses;
        const at = (v: number | undefined) => (v === undefined ? v : Math.min(1, Math.max(0, chance + v)));
        if (e.type === 'step' && e.step < end && e.metrics?.accuracy !== undefined)
          e.metrics.accuracy = at(0.05 * rng.normal())!;
        if (e.type === 'epoch' && (e.step ?? 0) < end) {
          if (e.train?.accuracy !== undefined) e.train.accuracy = at(0.005 * rng.normal())!;
          if (e.val?.accuracy !== undefined) e.val.accuracy = at(0.01 * rng.normal())!;
        }
      },
    });
    for (const seed of SEEDS) {
      const [early] = ofSymptom(
        await detect(eventsOf({ seed, faults: [chanceUntil(400)] })),
        'accuracy_at_chance',
      );
      expect(early, `seed ${seed}`).toMatchObject({ severity: 'info', firstStep: 0 });
      expect(early!.evidence.at(-1)).toMatch(/^resolved: accuracy was clearly above chance after step \d+/);
      const [late] = ofSymptom(
        await detect(eventsOf({ seed, faults: [chanceAccuracy(400)] })),
        'accuracy_at_chance',
      );
      expect(late, `seed ${seed}`).toMatchObject({ severity: 'warning' });
    }
  });

  it('is reported at the majority-class share of imbalanced labels, not only at 1/classes', async () => {
    const run = { dataset: { trainSize: 3200, valSize: 800, numClasses: 2, classCounts: [2880, 320] } };
    for (const seed of SEEDS) {
      const events = eventsOf({
        seed,
        numClasses: 2,
        run,
        faults: [runFault(run), chanceAccuracy(0, { level: 0.9 })],
      });
      const [r] = await reportsOf(events, 'accuracy_at_chance');
      expect(r, `seed ${seed}`).toBeDefined();
      expect(r!.occurrence.evidence.join(' ')).toMatch(/majority class 0 share 0\.9/);
    }
  });

  it('is reported from epoch accuracy alone when steps carry no accuracy', async () => {
    const events = eventsOf({ accuracy: false, faults: [chanceAccuracy(0)] }).map((e) => {
      if (e.type === 'epoch' && e.train) e.train.accuracy = 0.1;
      if (e.type === 'epoch' && e.val) e.val.accuracy = 0.1;
      return e;
    });
    const [r] = await reportsOf(events, 'accuracy_at_chance');
    // The end of epoch 1 (step 199) completes two epochs at chance.
    expect(r?.reportedAt).toBe(199);
    expect(r!.occurrence.evidence[0]).toMatch(
      /^train accuracy 0\.1 at epoch 9; within the chance bound 0\.145 in epochs 0–9/,
    );
  });

  it('reads accuracy logged in percent', async () => {
    const percent: Fault = {
      onset: 0,
      apply(e) {
        if (e.type === 'step' && e.metrics?.accuracy !== undefined) e.metrics.accuracy *= 100;
        if (e.type === 'epoch')
          for (const m of [e.train, e.val]) if (m?.accuracy !== undefined) m.accuracy *= 100;
      },
    };
    expect(
      ofSymptom(await detect(eventsOf({ faults: [chanceAccuracy(0), percent] })), 'accuracy_at_chance'),
    ).toHaveLength(1);
    expect(ofSymptom(await detect(eventsOf({ faults: [percent] })), 'accuracy_at_chance')).toHaveLength(0);
  });

  it('waits for the end of a learning-rate warm-up before counting a stretch at chance', async () => {
    // At chance through 400 warm-up steps (four epochs), learning afterwards: no report.
    const chance = chanceAccuracy(0);
    const untilWarm: Fault = { onset: 0, apply: (e, ctx) => void (ctx.step < 400 && chance.apply(e, ctx)) };
    for (const seed of SEEDS) {
      const events = eventsOf({ seed, schedule: 'warmup', warmupSteps: 400, faults: [untilWarm] });
      expect(ofSymptom(await detect(events), 'accuracy_at_chance')).toHaveLength(0);
    }
  });

  it('stays silent when the number of classes is unknown', async () => {
    const run = { model: { layers: [] }, dataset: { trainSize: 3200 } };
    expect(mine(await detect(eventsOf({ run, faults: [chanceAccuracy(0)], evalAtEnd: true })))).toHaveLength(
      0,
    );
  });

  it('does not fire on regression runs', async () => {
    const run = { task: 'regression', loss: 'mse', dataset: { trainSize: 3200 } };
    expect(mine(await detect(eventsOf({ run, faults: [chanceAccuracy(0)] })))).toHaveLength(0);
  });
});

describe('prediction_collapse', () => {
  it('is reported at the first eval after the model starts predicting one class, naming that class', async () => {
    for (const seed of SEEDS) {
      const onset = 450;
      const events = eventsWithEvals({ seed, faults: [collapse(onset, 3)] });
      const [r] = await reportsOf(events, 'prediction_collapse');
      expect(r, `seed ${seed}`).toBeDefined();
      // Evals follow each epoch (every 100 steps): the first one after the onset is at step 499.
      expect(r!.reportedAt - onset).toBeLessThanOrEqual(100);
      expect(r!.occurrence.severity).toBe('critical');
      expect(r!.occurrence.evidence[0]).toMatch(
        /800 of 800 predictions \(100%\) are class 3, whose true share is 10%/,
      );
    }
  });

  it('is reported for a binary model that always answers the minority class', async () => {
    const events = eventsWithEvals({ numClasses: 2, faults: [collapse(300, 1)] });
    const [r] = await reportsOf(events, 'prediction_collapse');
    expect(r!.occurrence.evidence[0]).toMatch(/are class 1, whose true share is 50%/);
  });

  it('compares with the true label distribution: 96% majority predictions on 95:5 labels are no collapse', async () => {
    const eval95 = {
      type: 'eval' as const,
      step: 999,
      split: 'test',
      metrics: { accuracy: 0.97 },
      confusion: [
        [945, 5],
        [15, 35],
      ],
    };
    const events = [...eventsOf({ numClasses: 2, end: false }), eval95];
    expect(ofSymptom(await detect(events), 'prediction_collapse')).toHaveLength(0);
    const all = {
      ...eval95,
      confusion: [
        [950, 0],
        [50, 0],
      ],
    };
    const [o] = ofSymptom(
      await detect([...eventsOf({ numClasses: 2, end: false }), all]),
      'prediction_collapse',
    );
    expect(o?.evidence[0]).toMatch(/1000 of 1000 predictions \(100%\) are class 0, whose true share is 95%/);
  });

  it('is reported, with lower confidence, when train accuracy is pinned at the majority share of imbalanced labels', async () => {
    const run = { dataset: { trainSize: 3200, valSize: 800, numClasses: 2, classCounts: [2400, 800] } };
    const pinned: Fault = {
      onset: 0,
      apply(e) {
        if (e.type === 'epoch' && e.train) e.train.accuracy = 0.75;
      },
    };
    const [o] = ofSymptom(
      await detect(eventsOf({ numClasses: 2, run, faults: [pinned] })),
      'prediction_collapse',
    );
    expect(o?.confidence).toBe(0.5);
    expect(o?.evidence[0]).toMatch(
      /train accuracy 0\.75 in epochs 0–9 equals the majority class 0 share 0\.75/,
    );
  });

  it('does not fire with fewer predictions than the minimum', async () => {
    const tiny = {
      type: 'eval' as const,
      step: 999,
      split: 'val',
      metrics: {},
      predictedClassCounts: [0, 5],
    };
    expect(
      ofSymptom(await detect([...eventsOf({ numClasses: 2, end: false }), tiny]), 'prediction_collapse'),
    ).toHaveLength(0);
  });
});

describe('the predictions family on healthy runs', () => {
  it.each(HEALTHY)('reports neither symptom with %s', async (_, options) => {
    for (const seed of SEEDS) {
      expect(mine(await detect(eventsWithEvals({ seed, ...options })))).toEqual([]);
      expect(mine(await detect(eventsOf({ seed, evalAtEnd: true, ...options })))).toEqual([]);
    }
  });
});

describe('the predictions family on the samples', () => {
  it('reports accuracy at chance and a collapse into one class for keras-sgd-lr3-wine', async () => {
    const occ = await detect(await readSample('keras-sgd-lr3-wine'));
    const [chance] = ofSymptom(occ, 'accuracy_at_chance');
    expect(chance?.firstStep).toBe(0);
    expect(chance?.evidence.join(' ')).toMatch(/majority class 1 share 0\.398/);
    expect(ofSymptom(occ, 'prediction_collapse')[0]?.evidence[0]).toMatch(
      /45 of 45 predictions \(100%\) are class 2/,
    );
  });

  it('reports accuracy at chance and a collapse into class 3 for pytorch-deep-sigmoid-digits', async () => {
    const occ = await detect(await readSample('pytorch-deep-sigmoid-digits'));
    expect(ofSymptom(occ, 'accuracy_at_chance')).toHaveLength(1);
    expect(ofSymptom(occ, 'prediction_collapse')[0]?.evidence[0]).toMatch(
      /450 of 450 predictions \(100%\) are class 3/,
    );
  });

  it.each(HEALTHY_SAMPLES)('reports neither symptom for %s', async (name) => {
    expect(mine(await detect(await readSample(name)))).toEqual([]);
  });
});

describe('resuming the predictions family', () => {
  it('gives the same occurrences as an uninterrupted run when the state is saved mid-stretch', async () => {
    for (const cut of [150, 260, 610]) {
      const events = eventsWithEvals({ faults: [chanceAccuracy(200), collapse(600, 2)] });
      const { resumed, whole } = await resumedAndWhole(events, cut);
      expect(mine(resumed)).toEqual(mine(whole));
      expect(
        mine(whole)
          .map((o) => o.symptomId)
          .sort(),
      ).toEqual(MINE);
    }
  });
});
