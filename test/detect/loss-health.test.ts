import { describe, expect, it } from 'vitest';
import { lossFamily } from '../../src/detect/families/loss-health.js';
import { createDetectorSet } from '../../src/detect/index.js';
import type { RunEvent, SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';
import {
  CLIPPED_CE_CEILING,
  clippedBlowUp,
  divergence,
  eventsOf,
  type Fault,
  flatLoss,
  highStart,
  lossExplosion,
  lossNan,
  oscillation,
  quickStart,
  SIGMOID_NET,
  type SyntheticOptions,
  slowDecay,
  TANH_NET,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { firstReportStep, resumedAndWhole } from './first-report.js';
import { detect, epochOnly, LOSS_SYMPTOMS, ofSymptom, ofSymptoms, profileValues } from './harness.js';

/** Steps at which loss_not_decreasing or slow_convergence was (re)reported: the run's progress verdicts. */
async function progressJudgements(events: TraceEvent[]): Promise<number[]> {
  const set = createDetectorSet({
    run: events[0] as RunEvent,
    profile: await profileValues(),
    families: [lossFamily],
  });
  const at = new Set<number>();
  const note = () => {
    for (const o of set.takeChanged())
      if (o.symptomId === 'loss_not_decreasing' || o.symptomId === 'slow_convergence') at.add(o.lastStep);
  };
  for (const e of events.slice(1)) {
    set.feed(e);
    note();
  }
  set.finish();
  note();
  return [...at].sort((a, b) => a - b);
}

/** When the loss family alone first reports `symptom`. */
const firstReport = (events: TraceEvent[], symptom: string) => firstReportStep(events, symptom, [lossFamily]);

const lossFindings = (occ: SymptomOccurrence[]) => ofSymptoms(occ, LOSS_SYMPTOMS);

/** Healthy runs: none may show a loss symptom, with batch losses or with epoch losses only. */
const HEALTHY: [string, SyntheticOptions][] = [1, 2, 3].flatMap((seed) => [
  [`noise 0.1, seed ${seed}`, { seed, noise: 0.1 }],
  [`noise 0.3, seed ${seed}`, { seed, noise: 0.3 }],
  [`warm-up, seed ${seed}`, { seed, noise: 0.3, schedule: 'warmup' }],
  [`cosine, seed ${seed}`, { seed, noise: 0.3, schedule: 'cosine' }],
  [`step schedule, seed ${seed}`, { seed, noise: 0.3, schedule: 'step' }],
  [`warm-up + cosine, seed ${seed}`, { seed, noise: 0.3, schedule: 'warmup-cosine' }],
  [`a plateau mid-run, seed ${seed}`, { seed, noise: 0.3, plateau: [300, 450] }],
  [`a plateau at the start, seed ${seed}`, { seed, noise: 0.2, plateau: [0, 100] }],
  [`no layer stats, no accuracy, seed ${seed}`, { seed, statsEvery: 0, accuracy: false }],
  [`2 classes, seed ${seed}`, { seed, numClasses: 2, noise: 0.3 }],
  [`100 classes, seed ${seed}`, { seed, numClasses: 100, noise: 0.3 }],
  [`a sigmoid net, seed ${seed}`, { seed, layers: SIGMOID_NET, noise: 0.2 }],
  [`a tanh net, seed ${seed}`, { seed, layers: TANH_NET, noise: 0.2 }],
  [`a loss that ends at half its start, seed ${seed}`, { seed, lossFloor: 0.5 * Math.log(10), noise: 0.3 }],
  [`short epochs of 10 steps, seed ${seed}`, { seed, steps: 300, stepsPerEpoch: 10, noise: 0.3 }],
  // An easy start on a noisy task: most of the fall happens inside the first window (its median is
  // already far below chance), then the loss sits at a high floor or creeps down.
  [
    `2 classes learned within the first window, then a floor at 55% of chance, seed ${seed}`,
    { seed, numClasses: 2, noise: 0.3, faults: [quickStart()] },
  ],
  [
    `2 classes learned within the first window, then a slow creep down, seed ${seed}`,
    { seed, numClasses: 2, noise: 0.4, faults: [quickStart({ creep: 0.35, noise: 0.4 })] },
  ],
  [
    `20,000 steps with warm-up + cosine, seed ${seed}`,
    { seed, steps: 20_000, stepsPerEpoch: 500, noise: 0.3, schedule: 'warmup-cosine' },
  ],
]);

describe('loss health on healthy runs', () => {
  it.each(HEALTHY)('reports no loss symptom for a healthy run (%s)', async (_name, options) => {
    const events = eventsOf(options);
    expect(lossFindings(await detect(events))).toEqual([]);
    expect(lossFindings(await detect(epochOnly(events)))).toEqual([]);
  });
});

describe('loss_nan', () => {
  it('fires on the very step the loss turns NaN, as critical', async () => {
    const events = eventsOf({ seed: 1, faults: [lossNan(400)] });
    expect(await firstReport(events, 'loss_nan')).toBe(400);
    const [o] = ofSymptom(await detect(events), 'loss_nan');
    expect(o).toMatchObject({ firstStep: 400, severity: 'critical', confidence: 1 });
    expect(o!.lastStep).toBe(999);
    expect(o!.evidence[0]).toContain('loss is NaN at step 400');
  });

  it('fires on the epoch whose train loss is NaN when the trace has epochs only', async () => {
    const events = epochOnly(eventsOf({ seed: 2, faults: [lossNan(450)] }));
    // The epoch holding step 450 ends at step 499.
    expect(await firstReport(events, 'loss_nan')).toBe(499);
  });

  it('fires on an infinite val loss or a NaN metric even when the train loss is finite', async () => {
    const run = eventsOf({ seed: 3, steps: 300 });
    const ep = run.find((e) => e.type === 'epoch' && e.epoch === 1)!;
    if (ep.type === 'epoch') ep.val = { ...ep.val, loss: Number.POSITIVE_INFINITY };
    const step = run.find((e) => e.type === 'step' && e.step === 250)!;
    if (step.type === 'step') step.metrics = { accuracy: Number.NaN };
    const [o] = ofSymptom(await detect(run), 'loss_nan');
    expect(o!.firstStep).toBe(199);
    expect(o!.lastStep).toBe(250);
    expect(o!.evidence[0]).toContain('val loss is Infinity');
  });
});

describe('loss_divergence', () => {
  it.each([1, 2, 3])(
    'fires within 160 steps when the loss grows 2 percent per step from step 400 (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [divergence(400, 0.02)] });
      const at = await firstReport(events, 'loss_divergence');
      expect(at).toBeGreaterThan(400);
      expect(at! - 400).toBeLessThanOrEqual(160);
    },
  );

  it.each([1, 2, 3])(
    'fires within 320 steps when the loss grows 0.5 percent per step from step 400 (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [divergence(400, 0.005)] });
      const at = await firstReport(events, 'loss_divergence');
      expect(at! - 400).toBeLessThanOrEqual(320);
      expect(at! - 400).toBeGreaterThan(0);
    },
  );

  it('fires within 200 steps when the loss grows from the first step', async () => {
    const at = await firstReport(
      eventsOf({ seed: 1, noise: 0.3, faults: [divergence(0, 0.01)] }),
      'loss_divergence',
    );
    expect(at).toBeLessThanOrEqual(200);
  });

  it('fires within two epochs when only epoch losses show the rise', async () => {
    const events = epochOnly(eventsOf({ seed: 1, noise: 0.3, faults: [divergence(400, 0.02)] }));
    const at = await firstReport(events, 'loss_divergence');
    // Onset in the epoch ending at 499; two epochs of rise end at 599.
    expect(at).toBe(599);
  });

  it('does not fire when a memorised training loss near 0 wobbles up by a sliver of what it fell', async () => {
    // 2.7 down to 0.004 in 40 epochs, then 0.03 for the last 6: 7× its best, but 1% of the way back up.
    const losses = [
      ...Array.from({ length: 40 }, (_, i) => 2.7 * (0.004 / 2.7) ** (i / 39)),
      ...Array.from({ length: 6 }, () => 0.03),
    ];
    const events: TraceEvent[] = [
      { type: 'run', formatVersion: 1, id: 'r', task: 'regression' } as TraceEvent,
      ...losses.map(
        (loss, i) => ({ type: 'epoch', epoch: i, step: 4 * i + 3, train: { loss } }) as TraceEvent,
      ),
      { type: 'end', step: 4 * losses.length - 1, status: 'completed' } as TraceEvent,
    ];
    expect(ofSymptom(await detect(events), 'loss_divergence')).toEqual([]);
    // The same rise from a loss that fell only to 0.02 gives back far more, and is read.
    const shallow = losses.map((_l, i) => (i < 40 ? 2.7 * (0.02 / 2.7) ** (i / 39) : 2));
    const risen = events.map((e, i) =>
      e.type === 'epoch' ? ({ ...e, train: { loss: shallow[i - 1]! } } as TraceEvent) : e,
    );
    expect(ofSymptom(await detect(risen), 'loss_divergence')).not.toEqual([]);
  });

  it('fires as critical within one window when batches explode 10× above the early loss', async () => {
    const events = eventsOf({ seed: 2, noise: 0.3, faults: [lossExplosion(300)] });
    const at = await firstReport(events, 'loss_divergence');
    expect(at! - 300).toBeLessThanOrEqual(32);
    const [o] = ofSymptom(await detect(events), 'loss_divergence');
    expect(o).toMatchObject({ firstStep: 300, severity: 'critical' });
    expect(o!.evidence[0]).toMatch(/3 batch losses above 10× the (early|chance-level) loss/);
  });

  it('fires on the epoch whose mean loss exploded when the trace has epochs only', async () => {
    const events = epochOnly(eventsOf({ seed: 2, faults: [lossExplosion(300)] }));
    expect(await firstReport(events, 'loss_divergence')).toBe(399);
  });

  it.each([2, 5, 10, 100, 1000])(
    'fires within 80 steps when a clipped cross-entropy jumps from chance to its ceiling at step 1 (%i classes), and never calls that run flat or slow',
    async (numClasses) => {
      for (const seed of [1, 2]) {
        const events = eventsOf({ seed, numClasses, faults: [clippedBlowUp(1)] });
        expect(await firstReport(events, 'loss_divergence')).toBeLessThanOrEqual(80);
        const occ = await detect(events);
        const [o] = ofSymptom(occ, 'loss_divergence');
        expect(o).toMatchObject({ severity: 'critical' });
        expect(o!.firstStep).toBeLessThanOrEqual(8);
        const level = CLIPPED_CE_CEILING * (1 - 1 / numClasses);
        expect(o!.evidence[0]).toMatch(
          new RegExp(
            `× the chance-level loss ${Number(Math.log(numClasses).toPrecision(3))} for the ${numClasses} class shares, and has stayed at or above 2× it since step \\d+; it started at`,
          ),
        );
        expect(level).toBeGreaterThan(2 * Math.log(numClasses));
        expect(ofSymptoms(occ, ['loss_not_decreasing', 'slow_convergence'])).toEqual([]);
      }
    },
  );

  it('fires within 100 steps when a clipped cross-entropy blows up after 300 steps of learning', async () => {
    const events = eventsOf({ seed: 3, noise: 0.3, faults: [clippedBlowUp(300)] });
    const at = await firstReport(events, 'loss_divergence');
    expect(at! - 300).toBeLessThanOrEqual(100);
  });

  it('does not call a blow-up that recovers within 40 steps divergence', async () => {
    for (const seed of [1, 2, 3]) {
      const events = eventsOf({ seed, noise: 0.3, faults: [clippedBlowUp(1, { lasting: 40 })] });
      expect(lossFindings(await detect(events))).toEqual([]);
    }
  });

  it.each([2, 3, 5, 8])(
    'does not call a poor initialisation at %i× the chance-level loss that then recovers divergence',
    async (factor) => {
      for (const tau of [5, 15, 40, 100]) {
        const events = eventsOf({ seed: tau, noise: 0.3, faults: [highStart({ factor, tau })] });
        expect(lossFindings(await detect(events))).toEqual([]);
      }
    },
  );

  it('calls a loss stuck far above chance from the very first batch not learning, not divergence: it never rose', async () => {
    const events = eventsOf({ seed: 1, faults: [flatLoss({ level: 5 * Math.log(10) })] });
    const occ = await detect(events);
    expect(ofSymptom(occ, 'loss_divergence')).toEqual([]);
    expect(ofSymptom(occ, 'loss_not_decreasing')).toHaveLength(1);
  });

  it('judges single bad batches against chance, not against an early level the model already learned below', async () => {
    // Learned within the first window down to 5% of chance; then three batches in one window cost
    // 20× that floor, about chance: hard batches, not a blow-up (which is 10× chance and more).
    const hardBatches: Fault = {
      onset: 300,
      apply(e) {
        if (e.type === 'step' && [300, 310, 320].includes(e.step) && e.loss !== undefined) e.loss *= 20;
      },
    };
    for (const seed of [1, 2, 3]) {
      const events = eventsOf({
        seed,
        numClasses: 2,
        noise: 0.1,
        faults: [quickStart({ floor: 0.05, noise: 0.1, tau: 2 }), hardBatches],
      });
      expect(lossFindings(await detect(events))).toEqual([]);
    }
  });

  it('leaves the chance rule out when the trace names no cross-entropy', async () => {
    const events = eventsOf({ seed: 1, faults: [clippedBlowUp(1)], run: { loss: 'hinge' } });
    expect(ofSymptom(await detect(events), 'loss_divergence')).toEqual([]);
  });

  it('does not call the up-swings of an oscillating loss divergence', async () => {
    for (const seed of [1, 2, 3]) {
      const occ = await detect(eventsOf({ seed, noise: 0.3, faults: [oscillation(300)] }));
      expect(ofSymptom(occ, 'loss_divergence')).toEqual([]);
    }
  });
});

describe('loss_not_decreasing', () => {
  it.each([1, 2, 3])(
    'fires by step 260 when the loss stays at chance from the start (noise 0.1, seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, faults: [flatLoss()] });
      expect(await firstReport(events, 'loss_not_decreasing')).toBeLessThanOrEqual(260);
      const [o] = ofSymptom(await detect(events), 'loss_not_decreasing');
      expect(o!.firstStep).toBe(0);
    },
  );

  it.each([1, 2, 3])(
    'fires by step 520 when the flat loss has 30 percent batch noise (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [flatLoss({ noise: 0.3 })] });
      expect(await firstReport(events, 'loss_not_decreasing')).toBeLessThanOrEqual(520);
    },
  );

  it('fires after three flat epochs when the trace has epochs only, for 100 classes too', async () => {
    for (const numClasses of [10, 100]) {
      const events = epochOnly(eventsOf({ seed: 1, numClasses, faults: [flatLoss()] }));
      expect(await firstReport(events, 'loss_not_decreasing')).toBe(299);
    }
  });

  it('is resolved to info, not withdrawn, when the loss learns after a long flat start', async () => {
    for (const seed of [1, 2, 3]) {
      const events = eventsOf({ seed, steps: 2000, noise: 0.2, plateau: [0, 600] });
      expect(await firstReport(events, 'loss_not_decreasing')).toBeLessThan(600);
      const [o] = ofSymptom(await detect(events), 'loss_not_decreasing');
      expect(o).toMatchObject({ severity: 'info', firstStep: 0 });
      expect(o!.evidence.at(-1)).toMatch(/^latest: resolved: .* the run learned after all$/);
    }
  });

  it('waits for the warm-up to end before judging', async () => {
    const events = eventsOf({
      seed: 4,
      schedule: 'warmup',
      warmupSteps: 400,
      steps: 2000,
      faults: [flatLoss()],
    });
    expect(await firstReport(events, 'loss_not_decreasing')).toBeGreaterThanOrEqual(400 + 32);
  });
});

describe('slow_convergence', () => {
  it.each([
    [1, 0.1],
    [2, 0.1],
    [1, 0.3],
    [2, 0.3],
    [3, 0.3],
  ])(
    'fires between half and 70 percent of the budget when the loss decays over 3 budgets (seed %i, noise %f)',
    async (seed, noise) => {
      const events = eventsOf({ seed, noise, faults: [slowDecay(3, noise)] });
      const at = await firstReport(events, 'slow_convergence');
      expect(at).toBeGreaterThanOrEqual(499);
      expect(at).toBeLessThanOrEqual(700);
    },
  );

  it('fires at half the planned epochs when the trace has epochs only', async () => {
    const events = epochOnly(eventsOf({ seed: 1, faults: [slowDecay(2)] }));
    expect(await firstReport(events, 'slow_convergence')).toBe(499);
    const [o] = ofSymptom(await detect(events), 'slow_convergence');
    expect(o!.evidence[0]).toMatch(/loss fell only 1\d\.\d% in 50% of the planned 10 epochs/);
  });

  it('is judged at the end when the run does not say how many epochs it planned', async () => {
    const events = eventsOf({ seed: 1, faults: [slowDecay(3)], run: { epochs: undefined } });
    expect(await firstReport(events, 'slow_convergence')).toBe(999);
  });

  it.each([8, 10, 12])(
    'leaves no blind stretch between loss_not_decreasing and slow_convergence for a loss still falling 5-10 percent (decay over %i budgets)',
    async (budgets) => {
      for (const seed of [1, 2, 3]) {
        const at = await progressJudgements(eventsOf({ seed, faults: [slowDecay(budgets)] }));
        // Judged every 32-batch block from the minimum stretch on; a few blocks may fall to noise.
        expect(at[0]).toBeLessThanOrEqual(400);
        expect(999 - at.at(-1)!).toBeLessThanOrEqual(128);
        for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeLessThanOrEqual(128);
      }
    },
  );

  it('stays silent for a flat loss, which is loss_not_decreasing', async () => {
    const occ = await detect(eventsOf({ seed: 1, faults: [flatLoss()] }));
    expect(ofSymptom(occ, 'slow_convergence')).toEqual([]);
  });
});

describe('loss_oscillation', () => {
  it.each([1, 2, 3])(
    'fires within 320 steps when the loss swings ±50 percent with a 200-step period from step 300 (seed %i)',
    async (seed) => {
      const events = eventsOf({ seed, noise: 0.3, faults: [oscillation(300)] });
      const at = await firstReport(events, 'loss_oscillation');
      expect(at).toBeGreaterThan(300);
      expect(at! - 300).toBeLessThanOrEqual(320);
    },
  );

  it('fires on swinging epoch losses when the trace has epochs only', async () => {
    const events = epochOnly(eventsOf({ seed: 1, faults: [oscillation(300, { amplitude: 0.3 })] }));
    expect(await firstReport(events, 'loss_oscillation')).toBeLessThanOrEqual(799);
  });

  it('does not call 30 percent mini-batch noise on a flat loss oscillation', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const occ = await detect(eventsOf({ seed, noise: 0.3, faults: [flatLoss({ noise: 0.3 })] }));
      expect(ofSymptom(occ, 'loss_oscillation')).toEqual([]);
    }
  });
});

describe('loss health when resumed', () => {
  const runs: [string, TraceEvent[]][] = [
    ['a diverging run', eventsOf({ seed: 1, noise: 0.3, faults: [divergence(400, 0.01)] })],
    ['a flat run', eventsOf({ seed: 2, noise: 0.3, faults: [flatLoss({ noise: 0.3 })] })],
    ['a slow run', eventsOf({ seed: 3, faults: [slowDecay(2)] })],
    ['an oscillating run', eventsOf({ seed: 4, noise: 0.3, faults: [oscillation(300)] })],
    ['a run that turns NaN', eventsOf({ seed: 5, faults: [lossNan(500)] })],
    ['an epoch-only diverging run', epochOnly(eventsOf({ seed: 6, faults: [divergence(300, 0.02)] }))],
    ['a clipped cross-entropy blown up from step 1', eventsOf({ seed: 7, faults: [clippedBlowUp(1)] })],
  ];

  it.each(runs)('gives the same occurrences after a save and resume mid-run (%s)', async (_name, events) => {
    for (const cut of [
      17,
      Math.floor(events.length / 3),
      Math.floor(events.length / 2) + 5,
      events.length - 40,
    ]) {
      const { resumed, whole } = await resumedAndWhole(events, cut, [lossFamily]);
      expect(whole.length).toBeGreaterThan(0);
      expect(resumed).toEqual(whole);
    }
  });
});

describe('loss health on the sample traces', () => {
  it('finds nothing wrong with the loss of the two healthy samples, with or without batch events', async () => {
    for (const name of HEALTHY_SAMPLES) {
      const events = await readSample(name);
      expect(lossFindings(await detect(events))).toEqual([]);
      expect(lossFindings(await detect(epochOnly(events)))).toEqual([]);
    }
  });

  it('names the spike-then-stuck loss of SGD at learning rate 3 divergence, from batches or from epochs', async () => {
    const events = await readSample('keras-sgd-lr3-wine');
    const [byBatch] = ofSymptom(await detect(events), 'loss_divergence');
    expect(byBatch).toMatchObject({ severity: 'critical' });
    expect(byBatch!.firstStep).toBeLessThanOrEqual(14);
    const [byEpoch] = ofSymptom(await detect(epochOnly(events)), 'loss_divergence');
    expect(byEpoch!.evidence.join(' ')).toContain('3.83e5');
    for (const id of ['loss_not_decreasing', 'slow_convergence', 'loss_oscillation', 'loss_nan']) {
      expect(ofSymptom(await detect(events), id)).toEqual([]);
    }
  });

  it('names the deep sigmoid net stuck at ln 10 loss_not_decreasing, from batches or from epochs', async () => {
    const events = await readSample('pytorch-deep-sigmoid-digits');
    const occ = await detect(events);
    expect(ofSymptom(occ, 'loss_not_decreasing')).toHaveLength(1);
    expect(await firstReport(events, 'loss_not_decreasing')).toBeLessThanOrEqual(100);
    expect(ofSymptom(await detect(epochOnly(events)), 'loss_not_decreasing')).toHaveLength(1);
    for (const id of ['loss_divergence', 'slow_convergence', 'loss_oscillation'])
      expect(ofSymptom(occ, id)).toEqual([]);
  });
});
