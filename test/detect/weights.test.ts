import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES, createDetectorSet } from '../../src/detect/index.js';
import type { TraceEvent } from '../../src/domain/index.js';
import {
  DEFAULT_LAYERS,
  eventsOf,
  type Fault,
  frozenUpdates,
  growingWeights,
  healthyLayerRuns,
  learningRateAt,
  withoutLayerFields,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { reportsOf, resumedAndWhole } from './first-report.js';
import { detect, ofSymptom, ofSymptoms, profileValues, SEEDS } from './harness.js';

const WEIGHT_SYMPTOMS = ['unchanged_weights', 'exploding_weights'];

describe('unchanged_weights', () => {
  it.each([10, 5])(
    'is reported on dense_1 within 3 readings of the step its updates stop (stats every %i steps)',
    async (statsEvery) => {
      for (const seed of SEEDS) {
        const onset = 400;
        const events = eventsOf({ seed, statsEvery, faults: [frozenUpdates(onset, 'dense_1')] });
        const found = await reportsOf(events, 'unchanged_weights');
        expect(found.map((r) => r.occurrence.layer)).toEqual(['dense_1']);
        expect(found[0]!.reportedAt - onset).toBeLessThanOrEqual(3 * statsEvery);
        expect(found[0]!.occurrence.evidence[0]).toMatch(/updateRatio of dense_1 is exactly 0/);
      }
    },
  );

  it('is reported from identical weight stats when the recorder writes no updateRatio', async () => {
    for (const seed of SEEDS) {
      const onset = 300;
      const events = eventsOf({
        seed,
        faults: [withoutLayerFields('updateRatio'), frozenUpdates(onset, 'dense_0')],
      });
      const found = await reportsOf(events, 'unchanged_weights');
      expect(found.map((r) => r.occurrence.layer)).toEqual(['dense_0']);
      expect(found[0]!.reportedAt - onset).toBeLessThanOrEqual(40);
      expect(found[0]!.occurrence.evidence[0]).toMatch(
        /weightNorm, weightMean, weightStd, weightMaxAbs of dense_0 unchanged/,
      );
    }
  });

  it('is reported for a detached layer whose gradient is exactly 0, without calling it vanishing gradients', async () => {
    const occ = await detect(
      eventsOf({ seed: 3, faults: [frozenUpdates(300, 'dense_1', { zeroGrad: true })] }),
    );
    expect(ofSymptom(occ, 'unchanged_weights').map((o) => o.layer)).toEqual(['dense_1']);
    expect(ofSymptom(occ, 'unchanged_weights')[0]!.evidence[0]).toContain('its gradNorm is 0');
    expect(ofSymptom(occ, 'vanishing_gradients')).toEqual([]);
  });

  it('is reported for a learning rate of 0 from the start', async () => {
    const zeroLr: Fault = {
      onset: 0,
      apply(e) {
        if (e.type !== 'step') return;
        e.learningRate = 0;
        for (const s of Object.values(e.layers ?? {})) s.updateRatio = 0;
      },
    };
    const found = ofSymptom(await detect(eventsOf({ seed: 1, faults: [zeroLr] })), 'unchanged_weights');
    expect(found.map((o) => o.layer)).toEqual(['dense_0', 'dense_1', 'dense_2']);
  });

  it('is not reported for a layer the model marks as frozen (trainable: false)', async () => {
    const layers = DEFAULT_LAYERS.map((l, i) => (i === 0 ? { ...l, trainable: false } : l));
    const occ = await detect(eventsOf({ seed: 1, layers, faults: [frozenUpdates(0, 'dense_0')] }));
    expect(ofSymptom(occ, 'unchanged_weights')).toEqual([]);
  });

  it('is not reported when a cosine schedule brings the learning rate, and so the updates, to about zero', async () => {
    const options = { seed: 2, schedule: 'cosine' as const };
    const lrUpdates: Fault = {
      onset: 0,
      apply(e) {
        if (e.type !== 'step') return;
        for (const s of Object.values(e.layers ?? {})) s.updateRatio = learningRateAt(options, e.step);
      },
    };
    const occ = await detect(eventsOf({ ...options, faults: [lrUpdates] }));
    expect(ofSymptom(occ, 'unchanged_weights')).toEqual([]);
  });
});

describe('exploding_weights', () => {
  it('is reported on dense_1 within 150 steps of an onset where its weights grow 2% a step', async () => {
    for (const seed of SEEDS) {
      const onset = 300;
      const events = eventsOf({ seed, faults: [growingWeights(onset, 'dense_1', 1.02)] });
      const [r] = await reportsOf(events, 'exploding_weights');
      // 10× needs 117 steps at ×1.02; 3 of 5 readings adds 2 readings.
      expect(r!.reportedAt - onset).toBeLessThanOrEqual(150);
      expect(r!.occurrence.layer).toBe('dense_1');
    }
  });

  it('is not reported when a weight norm turns non-finite: non_finite_tensors is, at once, on that layer', async () => {
    const inf: Fault = {
      onset: 500,
      apply(e) {
        if (e.type === 'step' && e.layers) e.layers.dense_2!.weightNorm = Number.POSITIVE_INFINITY;
      },
    };
    const events = eventsOf({ seed: 1, faults: [inf] });
    expect(ofSymptom(await detect(events), 'exploding_weights')).toEqual([]);
    const [r] = await reportsOf(events, 'non_finite_tensors');
    expect(r!.reportedAt).toBe(500);
    expect(r!.occurrence).toMatchObject({ layer: 'dense_2', severity: 'critical' });
    expect(r!.occurrence.evidence[0]).toBe(
      'weightNorm of dense_2 is Infinity at step 500, not at the first reading',
    );
    expect(r!.occurrence.evidence).toContainEqual(
      expect.stringMatching(/before it: .*weightNorm of dense_2 went from .* \(step 0\) to .* \(step 490\)/),
    );
  });

  it('is not reported for weights that double over a run', async () => {
    const occ = await detect(eventsOf({ seed: 1, faults: [growingWeights(0, null, 1.0007)] }));
    expect(ofSymptom(occ, 'exploding_weights')).toEqual([]);
  });
});

describe('weight detectors on healthy runs', () => {
  it.each(healthyLayerRuns())('report nothing for a healthy run: $name', async ({ options }) => {
    const occ = await detect(eventsOf(options));
    expect(ofSymptoms(occ, WEIGHT_SYMPTOMS)).toEqual([]);
  });

  it('report nothing for a healthy run whose recorder writes no updateRatio', async () => {
    for (const seed of SEEDS) {
      const occ = await detect(eventsOf({ seed, faults: [withoutLayerFields('updateRatio')] }));
      expect(ofSymptoms(occ, WEIGHT_SYMPTOMS)).toEqual([]);
    }
  });
});

describe('weight detectors on the recorded samples', () => {
  it('find the weights of the SGD lr=3 run exploding and then stuck in every layer', async () => {
    const occ = await detect(await readSample('keras-sgd-lr3-wine'));
    expect(ofSymptom(occ, 'exploding_weights')).toMatchObject([{ layer: 'dense_0', severity: 'critical' }]);
    expect(ofSymptom(occ, 'unchanged_weights').map((o) => [o.layer, o.firstStep])).toEqual([
      ['dense_0', 20],
      ['dense_1', 20],
      ['dense_2', 20],
    ]);
  });

  it('leave the barely moving first layers of the deep sigmoid net to vanishing gradients (gradNorm 2e-7, not 0)', async () => {
    const occ = await detect(await readSample('pytorch-deep-sigmoid-digits'));
    expect(ofSymptom(occ, 'unchanged_weights')).toEqual([]);
    expect(ofSymptom(occ, 'vanishing_gradients').map((o) => o.layer)).toEqual(['dense_0']);
    expect(ofSymptom(occ, 'exploding_weights')).toEqual([]);
  });

  it.each(HEALTHY_SAMPLES)('find nothing in the healthy run %s', async (name) => {
    const occ = await detect(await readSample(name));
    expect(ofSymptoms(occ, WEIGHT_SYMPTOMS)).toEqual([]);
  });
});

describe('weight detectors resumed from saved state', () => {
  it('report exactly what an uninterrupted run reports', async () => {
    const events = eventsOf({
      seed: 5,
      faults: [
        withoutLayerFields('updateRatio'),
        frozenUpdates(200, 'dense_0'),
        growingWeights(500, 'dense_2', 1.03),
      ],
    });
    for (const cut of [4, 230, 560, 600]) {
      const { resumed, whole } = await resumedAndWhole(events, cut);
      expect(ofSymptoms(whole, WEIGHT_SYMPTOMS)).toHaveLength(2);
      expect(resumed).toEqual(whole);
    }
  });
});

describe('init_scale_anomaly', () => {
  // dense_0: 64 units, 4,160 parameters with bias → fan-in 64, fan-out 64: the standard initializers'
  // range runs from PyTorch's default √(1/192) = 0.072 to He's √(2/64) = 0.177.
  const runWith = (stats: Record<string, number>, step = 0, params = 4160, units = 64): TraceEvent[] => [
    {
      type: 'run',
      formatVersion: 1,
      id: 'init',
      model: {
        layers: [
          { name: 'dense_0', type: 'Dense', activation: 'tanh', units, params },
          { name: 'out', type: 'Dense', activation: 'softmax', units: 10, params: 650 },
        ],
      },
    },
    { type: 'step', step, loss: 2.3, layers: { dense_0: { biasMean: 0, updateRatio: 0.001, ...stats } } },
  ];
  const found = async (events: TraceEvent[]) => ofSymptom(await detect(events), 'init_scale_anomaly');

  it.each([
    [
      3,
      /kernel std 3, 17× the top of the standard initializers' range 0\.0722–0\.177 for fan-in 64 and fan-out 64 .*above 3× its top is too large/,
    ],
    [0.01, /kernel std 0\.01, 0\.139× the bottom of .*below 0\.33× its bottom is too small/],
  ])(
    'names the layer whose kernel starts with std %s, with the fan-in scale',
    async (weightStd, evidence) => {
      const [o, ...rest] = await found(runWith({ weightStd }));
      expect(rest).toEqual([]);
      expect(o).toMatchObject({ layer: 'dense_0', severity: 'warning', firstStep: 0 });
      expect(o!.evidence[0]).toMatch(evidence);
    },
  );

  it('reads the spread from the norm when the recorder writes no std', async () => {
    const [o] = await found(runWith({ weightNorm: 3 * Math.sqrt(4096) }));
    expect(o!.evidence[0]).toMatch(/kernel std 3, 17× the top/);
  });

  it.each([
    ['PyTorch default', { weightStd: 0.072 }, 0, 4160, 64],
    ['He', { weightStd: 0.177 }, 0, 4160, 64],
    ['Glorot', { weightStd: 0.125 }, 0, 4160, 64],
    // 2 inputs, 128 units: Glorot's √(2/130) = 0.124 is a sixth of √(1/2), and standard.
    ['Glorot on a wide first layer over 2 inputs', { weightStd: 0.124 }, 0, 384, 128],
    ['a first reading at step 50, after training moved it', { weightStd: 3 }, 50, 4160, 64],
    [
      'a first step that moved the weights by half their norm',
      { weightStd: 3, updateRatio: 0.5 },
      0,
      4160,
      64,
    ],
    // 2 inputs × 8 units: the std of 16 draws is too noisy to judge.
    ['a kernel of 16 weights', { weightStd: 0.01 }, 0, 24, 8],
  ])('is not reported for %s', async (_name, stats, step, params, units) => {
    expect(await found(runWith(stats, step, params, units))).toEqual([]);
  });

  it('judges a 2-input layer once its kernel has 32 weights or more', async () => {
    expect(await found(runWith({ weightStd: 0.01 }, 0, 48, 16))).toHaveLength(1);
  });

  it('is not reported on the healthy samples', async () => {
    for (const name of HEALTHY_SAMPLES) expect(await found(await readSample(name)), name).toEqual([]);
  });
});

describe('learning_rate_vanished', () => {
  const vanished = async (events: TraceEvent[]) => ofSymptom(await detect(events), 'learning_rate_vanished');
  // An exponential decay meant per epoch applied per step: 0.9 per step is 1% of the peak by step 44.
  const perStepDecay: Fault = {
    onset: 0,
    apply(e) {
      if (e.type === 'step') e.learningRate = 1e-3 * 0.9 ** e.step;
    },
  };

  it('is reported at the end of a run whose rate decayed to a sliver of its peak within the first steps', async () => {
    for (const seed of SEEDS) {
      const [o, ...rest] = await vanished(eventsOf({ seed, faults: [perStepDecay] }));
      expect(rest).toEqual([]);
      expect(o).toMatchObject({ severity: 'warning', firstStep: 44 });
      expect(o!.evidence[0]).toMatch(
        /^the learning rate was below 1% of its peak 0\.001 for 956 of 1000 steps \(95\.6%\) \(without a break since step 44\)/,
      );
    }
  });

  it.each(['constant', 'warmup', 'cosine', 'step', 'warmup-cosine'] as const)(
    'is not reported for a %s schedule',
    async (schedule) => {
      for (const seed of SEEDS) expect(await vanished(eventsOf({ seed, schedule }))).toEqual([]);
    },
  );

  it('is not judged before the run ends', async () => {
    const [run, ...rest] = eventsOf({ seed: 1, faults: [perStepDecay] }).filter((e) => e.type !== 'end');
    if (run?.type !== 'run') throw new Error('a trace starts with its run event');
    const live = createDetectorSet({ run, profile: await profileValues(), families: ALL_FAMILIES });
    for (const e of rest) live.feed(e);
    expect(ofSymptom(live.occurrences(), 'learning_rate_vanished')).toEqual([]);
    live.finish();
    expect(ofSymptom(live.occurrences(), 'learning_rate_vanished')).toHaveLength(1);
  });
});
