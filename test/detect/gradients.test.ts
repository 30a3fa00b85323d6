import { describe, expect, it } from 'vitest';
import {
  eventsOf,
  explodingGradients,
  type Fault,
  healthyLayerRuns,
  mlpLayers,
  nonFiniteTensors,
  torchMlpLayers,
  vanishingGradients,
  withoutLayerFields,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { reportsOf, resumedAndWhole } from './first-report.js';
import { detect, ofSymptom, ofSymptoms, SEEDS } from './harness.js';

const GRADIENT_SYMPTOMS = ['exploding_gradients', 'vanishing_gradients', 'non_finite_tensors'];
const GROWTH_SYMPTOMS = ['exploding_gradients', 'exploding_weights'];

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

  it('is not reported when a layer reports non-finite values: non_finite_tensors is, at once, as critical', async () => {
    const nan: Fault = {
      onset: 500,
      apply(e) {
        if (e.type === 'step' && e.layers?.dense_0) e.layers.dense_0.nanCount = 12;
      },
    };
    const events = eventsOf({ seed: 3, faults: [nan] });
    expect(ofSymptom(await detect(events), 'exploding_gradients')).toEqual([]);
    const [r] = await reportsOf(events, 'non_finite_tensors');
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

describe('non_finite_tensors', () => {
  it('is reported at the first step, naming dense_0 and its gradNorm, when gradients are NaN from the first reading while the loss stays finite', async () => {
    for (const seed of SEEDS) {
      const events = eventsOf({ seed, faults: [nonFiniteTensors(0, { in: 'gradients' })] });
      const [r] = await reportsOf(events, 'non_finite_tensors');
      expect(r, `seed ${seed}`).toBeDefined();
      expect(r!.reportedAt).toBe(0);
      expect(r!.occurrence).toMatchObject({ layer: 'dense_0', firstStep: 0, severity: 'critical' });
      expect(r!.occurrence.evidence[0]).toMatch(
        /^gradNorm of dense_0 is NaN at step 0, at the first reading/,
      );
      expect(r!.occurrence.evidence).toContainEqual(
        expect.stringMatching(/dense_1 \(gradNorm.*global gradNorm/),
      );
      expect(r!.occurrence.evidence).toContainEqual(
        expect.stringMatching(/^the loss at step 0 is still finite/),
      );
      const occ = await detect(events);
      expect(ofSymptoms(occ, [...GROWTH_SYMPTOMS, 'vanishing_gradients'])).toEqual([]);
    }
  });

  it('is reported after exploding_gradients, with the growth that led to it, when the blown-up gradients turn NaN', async () => {
    for (const seed of SEEDS) {
      const events = eventsOf({
        seed,
        faults: [explodingGradients(300, 'dense_2', 1.3), nonFiniteTensors(360, { loss: true })],
      });
      const [exploding] = await reportsOf(events, 'exploding_gradients');
      const [r] = await reportsOf(events, 'non_finite_tensors');
      expect(exploding!.reportedAt, `seed ${seed}`).toBeLessThan(360);
      expect(r!.reportedAt).toBe(360);
      expect(r!.occurrence).toMatchObject({ layer: 'dense_0', firstStep: 360, severity: 'critical' });
      expect(r!.occurrence.evidence[0]).toMatch(
        /^weightNorm of dense_0 is NaN at step 360, not at the first reading/,
      );
      expect(r!.occurrence.evidence).toContainEqual(
        expect.stringMatching(/^before it: global gradNorm went from .* to .* \(step 359\), [0-9.e]+×/),
      );
      expect(r!.occurrence.evidence).toContainEqual('the loss at step 360 is NaN too');
    }
  });

  it('names the layer and the stat that turned, here an infinite gradient in dense_1 only', async () => {
    const events = eventsOf({
      seed: 2,
      faults: [
        nonFiniteTensors(400, { in: 'gradients', layers: ['dense_1'], value: Number.POSITIVE_INFINITY }),
      ],
    });
    const [r] = await reportsOf(events, 'non_finite_tensors');
    expect(r!.occurrence).toMatchObject({ layer: 'dense_1', firstStep: 400 });
    expect(r!.occurrence.evidence[0]).toMatch(
      /^gradNorm of dense_1 is Infinity at step 400, not at the first reading/,
    );
  });

  it('is reported from the global gradNorm alone when the trace has no layer stats', async () => {
    const events = eventsOf({ seed: 1, statsEvery: 0, faults: [nonFiniteTensors(250, { in: 'gradients' })] });
    const [r] = await reportsOf(events, 'non_finite_tensors');
    expect(r!.reportedAt).toBe(250);
    expect(r!.occurrence.layer).toBeUndefined();
    expect(r!.occurrence.evidence[0]).toBe('global gradNorm is NaN at step 250, not at the first reading');
    expect(ofSymptom(await detect(events), 'exploding_gradients')).toEqual([]);
  });

  it('leaves dead_units and saturated_activations silent when the outputs they are counted over are NaN', async () => {
    const allDead: Fault = {
      onset: 300,
      apply(e) {
        for (const s of Object.values((e.type === 'step' && e.layers) || {})) {
          if (s.deadFraction !== undefined) s.deadFraction = 1;
          if (s.saturatedFraction !== undefined) s.saturatedFraction = 1;
        }
      },
    };
    for (const layers of [mlpLayers(2, 'relu'), mlpLayers(2, 'tanh'), torchMlpLayers(2, 'relu')]) {
      const events = eventsOf({
        seed: 1,
        layers,
        numClasses: layers.at(-1)!.units!,
        faults: [nonFiniteTensors(300, { in: 'weights', nanCount: 50 }), allDead],
      });
      const occ = await detect(events);
      expect(ofSymptoms(occ, ['dead_units', 'saturated_activations'])).toEqual([]);
      expect(ofSymptom(occ, 'non_finite_tensors')).toMatchObject([{ firstStep: 300 }]);
    }
  });

  it('is not reported for a NaN standard deviation alone (the unbiased std of a single value)', async () => {
    const oneWeight: Fault = {
      onset: 0,
      apply(e) {
        const s = e.type === 'step' ? e.layers?.dense_2 : undefined;
        if (s) s.weightStd = Number.NaN;
      },
    };
    expect(ofSymptom(await detect(eventsOf({ seed: 1, faults: [oneWeight] })), 'non_finite_tensors')).toEqual(
      [],
    );
  });

  it('reports exactly what an uninterrupted run reports when resumed from saved state', async () => {
    const events = eventsOf({ seed: 6, faults: [nonFiniteTensors(300, { in: 'weights' })] });
    for (const cut of [2, 290, 305, 330]) {
      const { resumed, whole } = await resumedAndWhole(events, cut);
      expect(ofSymptom(whole, 'non_finite_tensors')).toHaveLength(1);
      expect(resumed).toEqual(whole);
    }
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
