import { describe, expect, it } from 'vitest';
import {
  eventsOf,
  explodingGradients,
  type Fault,
  healthyLayerRuns,
  mlpLayers,
  torchMlpLayers,
  vanishingGradients,
  withoutLayerFields,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { reportsOf, resumedAndWhole } from './first-report.js';
import { detect, ofSymptom, ofSymptoms, SEEDS } from './harness.js';

const GRADIENT_SYMPTOMS = ['exploding_gradients', 'vanishing_gradients'];

/** A fault that multiplies every gradient field (global and per layer) by `f` from onset on. */
const scaleAllGradients = (onset: number, f: number): Fault => ({
  onset,
  apply(e) {
    if (e.type !== 'step') return;
    if (e.gradNorm !== undefined) e.gradNorm *= f;
    for (const s of Object.values(e.layers ?? {})) {
      for (const k of ['gradNorm', 'gradMean', 'gradStd', 'gradMaxAbs'] as const)
        if (s[k] !== undefined) s[k] *= f;
    }
  },
});

describe('exploding_gradients', () => {
  it.each([10, 5])(
    'is reported within 60 steps of an onset where the gradients of dense_1 grow by a tenth a step, naming dense_1 (stats every %i steps)',
    async (statsEvery) => {
      for (const seed of SEEDS) {
        const onset = 400;
        const events = eventsOf({
          seed,
          statsEvery,
          noise: 0.2,
          faults: [explodingGradients(onset, 'dense_1', 1.1)],
        });
        const [r] = await reportsOf(events, 'exploding_gradients');
        expect(r, `seed ${seed}`).toBeDefined();
        // 100× needs 49 steps at ×1.1; 3 of 5 readings adds 2.
        expect(r!.reportedAt - onset).toBeLessThanOrEqual(60);
        expect(r!.occurrence.layer).toBe('dense_1');
      }
    },
  );

  it('is reported by the growth rule, naming the output layer, when every layer explodes', async () => {
    for (const seed of SEEDS) {
      const onset = 400;
      const events = eventsOf({ seed, noise: 0.2, faults: [explodingGradients(onset, 'dense_2', 1.1)] });
      const [r] = await reportsOf(events, 'exploding_gradients');
      expect(r!.reportedAt - onset).toBeLessThanOrEqual(60);
      expect(r!.occurrence.layer).toBe('dense_2');
      expect(r!.occurrence.evidence[0]).toMatch(/^global gradNorm rose from its early level .* ≥ 100×/);
    }
  });

  it('is reported from layer stats alone within 80 steps of the onset when no global gradNorm is written', async () => {
    for (const seed of SEEDS) {
      const onset = 300;
      const dropGlobal: Fault = { onset: 0, apply: (e) => void (e.type === 'step' && delete e.gradNorm) };
      const events = eventsOf({ seed, faults: [dropGlobal, explodingGradients(onset, 'dense_1', 1.1)] });
      const [r] = await reportsOf(events, 'exploding_gradients');
      expect(r!.reportedAt - onset).toBeLessThanOrEqual(80);
      expect(r!.occurrence.layer).toBe('dense_1');
      expect(r!.occurrence.evidence[0]).toMatch(/^gradNorm of dense_1/);
    }
  });

  it('is reported at once, as critical, when a layer reports non-finite values', async () => {
    const nan: Fault = {
      onset: 500,
      apply(e) {
        if (e.type === 'step' && e.layers?.dense_0) e.layers.dense_0.nanCount = 12;
      },
    };
    const [r] = await reportsOf(eventsOf({ seed: 3, faults: [nan] }), 'exploding_gradients');
    expect(r!.reportedAt).toBe(500);
    expect(r!.occurrence).toMatchObject({ severity: 'critical', layer: 'dense_0', firstStep: 500 });
    expect(r!.occurrence.evidence[0]).toContain('12 non-finite values');
  });

  it('is reported at the step where the global gradNorm jumps four orders of magnitude', async () => {
    const spike: Fault = {
      onset: 600,
      apply(e, { since }) {
        if (e.type === 'step' && since === 0) e.gradNorm! *= 3e4;
      },
    };
    const [r] = await reportsOf(eventsOf({ seed: 2, faults: [spike] }), 'exploding_gradients');
    expect(r!.reportedAt).toBe(600);
    expect(r!.occurrence.severity).toBe('critical');
  });

  it('is not reported for a single 50× gradient spike', async () => {
    const spike: Fault = {
      onset: 600,
      apply(e, { since }) {
        if (e.type === 'step' && since === 0) e.gradNorm! *= 50;
      },
    };
    expect(ofSymptom(await detect(eventsOf({ seed: 2, faults: [spike] })), 'exploding_gradients')).toEqual(
      [],
    );
  });
});

describe('vanishing_gradients', () => {
  it.each([10, 5])(
    'is reported within 3 readings of the onset on the first layer of a deep sigmoid net (stats every %i steps)',
    async (statsEvery) => {
      for (const seed of SEEDS) {
        const onset = 300;
        const events = eventsOf({
          seed,
          statsEvery,
          layers: mlpLayers(5, 'sigmoid'),
          faults: [vanishingGradients(onset, 0.1)],
        });
        const [r] = await reportsOf(events, 'vanishing_gradients');
        expect(r, `seed ${seed}`).toBeDefined();
        expect(r!.reportedAt - onset).toBeLessThanOrEqual(3 * statsEvery);
        expect(r!.occurrence.layer).toBe('dense_0');
        expect(r!.occurrence.evidence[0]).toMatch(/AUTOTRAINER β1, β2/);
      }
    },
  );

  it('is reported on a PyTorch-style layout, ignoring the activation layers', async () => {
    const layers = torchMlpLayers(6, 'sigmoid');
    const weighted = layers.filter((l) => l.type === 'Dense').map((l) => l.name);
    const events = eventsOf({
      seed: 4,
      layers,
      numClasses: 5,
      faults: [vanishingGradients(0, 0.15, { layers: weighted })],
    });
    const [r] = await reportsOf(events, 'vanishing_gradients');
    expect(r!.occurrence).toMatchObject({ layer: 'dense_0', firstStep: 0 });
    expect(r!.reportedAt).toBeLessThanOrEqual(20);
  });

  it('is reported when every gradient is below 1e-7 while the loss stays flat', async () => {
    const events = eventsOf({
      seed: 1,
      lossStart: 2.3,
      lossFloor: 2.3,
      faults: [scaleAllGradients(0, 1e-7)],
    });
    const [r] = await reportsOf(events, 'vanishing_gradients');
    expect(r!.occurrence.evidence[0]).toMatch(
      /below 1.00e-7 .*SageMaker VanishingGradient|global gradNorm .* below 1.00e-7/,
    );
    expect(r!.reportedAt).toBeLessThanOrEqual(30);
  });

  it('is not reported when every gradient falls a million-fold late in a converging run', async () => {
    const events = eventsOf({ seed: 1, faults: [scaleAllGradients(600, 1e-6)] });
    expect(ofSymptom(await detect(events), 'vanishing_gradients')).toEqual([]);
  });

  it('is not reported for the zero gradient behind a fully dead ReLU layer (that is dead_units)', async () => {
    const deadAt500: Fault = {
      onset: 500,
      apply(e) {
        const l = e.type === 'step' ? e.layers : undefined;
        if (!l) return;
        l.dense_1!.deadFraction = 1;
        for (const k of ['dense_0', 'dense_1'] as const)
          Object.assign(l[k]!, { gradNorm: 0, gradMean: 0, gradStd: 0, gradMaxAbs: 0 });
      },
    };
    const occ = await detect(eventsOf({ seed: 1, faults: [deadAt500] }));
    expect(ofSymptom(occ, 'vanishing_gradients')).toEqual([]);
    expect(ofSymptom(occ, 'dead_units').map((o) => o.layer)).toEqual(['dense_1']);
  });
});

describe('gradient detectors on healthy runs', () => {
  it.each(healthyLayerRuns())('report nothing for a healthy run: $name', async ({ options }) => {
    const occ = await detect(eventsOf(options));
    expect(ofSymptoms(occ, GRADIENT_SYMPTOMS)).toEqual([]);
  });

  it('stay silent without gradient signals', async () => {
    const events = eventsOf({
      seed: 1,
      faults: [withoutLayerFields('gradNorm', 'gradMean', 'gradStd', 'gradMaxAbs')],
    });
    for (const e of events) if (e.type === 'step') delete e.gradNorm;
    expect(ofSymptoms(await detect(events), GRADIENT_SYMPTOMS)).toEqual([]);
  });
});

describe('gradient detectors on the recorded samples', () => {
  it('find vanishing gradients from dense_0 on in the deep sigmoid net and nothing exploding', async () => {
    const occ = await detect(await readSample('pytorch-deep-sigmoid-digits'));
    expect(ofSymptom(occ, 'vanishing_gradients')).toMatchObject([{ layer: 'dense_0', firstStep: 0 }]);
    expect(ofSymptom(occ, 'exploding_gradients')).toEqual([]);
  });

  it('find exploding gradients at the 1.4e5 spike of the SGD lr=3 run, and no vanishing gradients', async () => {
    const occ = await detect(await readSample('keras-sgd-lr3-wine'));
    expect(ofSymptom(occ, 'exploding_gradients')).toMatchObject([{ firstStep: 23, severity: 'critical' }]);
    expect(ofSymptom(occ, 'vanishing_gradients')).toEqual([]);
  });

  it.each(HEALTHY_SAMPLES)('find nothing in the healthy run %s', async (name) => {
    const occ = await detect(await readSample(name));
    expect(ofSymptoms(occ, GRADIENT_SYMPTOMS)).toEqual([]);
  });
});

describe('gradient detectors resumed from saved state', () => {
  it('report exactly what an uninterrupted run reports', async () => {
    const events = eventsOf({
      seed: 7,
      layers: mlpLayers(5, 'sigmoid'),
      faults: [vanishingGradients(100, 0.1), explodingGradients(600, 'dense_3', 1.1)],
    });
    for (const cut of [3, 150, 640, 655]) {
      const { resumed, whole } = await resumedAndWhole(events, cut);
      expect(ofSymptoms(whole, GRADIENT_SYMPTOMS)).toHaveLength(2);
      expect(resumed).toEqual(whole);
    }
  });
});
