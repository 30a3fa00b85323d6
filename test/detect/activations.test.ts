import { describe, expect, it } from 'vitest';
import {
  dyingRelu,
  eventsOf,
  healthyLayerRuns,
  mlpLayers,
  saturation,
  torchMlpLayers,
  withoutLayerFields,
} from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { reportsOf, resumedAndWhole } from './first-report.js';
import { detect, ofSymptom, ofSymptoms, SEEDS } from './harness.js';

const ACTIVATION_SYMPTOMS = ['dead_units', 'saturated_activations'];

describe('dead_units', () => {
  it.each([10, 5])(
    'is reported on dense_1 within 3 readings of the onset when most of its units die (stats every %i steps)',
    async (statsEvery) => {
      for (const seed of SEEDS) {
        const onset = 400;
        const events = eventsOf({ seed, statsEvery, faults: [dyingRelu(onset, 'dense_1', 0.8)] });
        const found = await reportsOf(events, 'dead_units');
        expect(found.map((r) => r.occurrence.layer)).toEqual(['dense_1']);
        expect(found[0]!.reportedAt - onset).toBeLessThanOrEqual(3 * statsEvery);
        expect(found[0]!.occurrence.evidence[0]).toMatch(
          /deadFraction of dense_1 is [78]\d(\.\d)?%.*SageMaker DeadRelu/,
        );
      }
    },
  );

  it('names the separate activation layer relu_1 of a PyTorch-style net, with dense_1 in the evidence', async () => {
    const events = eventsOf({
      seed: 2,
      layers: torchMlpLayers(3, 'relu'),
      numClasses: 5,
      faults: [dyingRelu(300, 'relu_1', 0.7)],
    });
    const [r] = await reportsOf(events, 'dead_units');
    expect(r!.occurrence.layer).toBe('relu_1');
    expect(r!.occurrence.evidence[0]).toContain('relu_1 (the activation of dense_1)');
    expect(r!.reportedAt - 300).toBeLessThanOrEqual(30);
  });

  it('is reported from zero gradients (AUTOTRAINER) when the recorder writes no deadFraction', async () => {
    for (const seed of SEEDS) {
      const events = eventsOf({
        seed,
        faults: [dyingRelu(300, 'dense_1', 0.9), withoutLayerFields('deadFraction')],
      });
      const [r] = await reportsOf(events, 'dead_units');
      expect(r!.occurrence).toMatchObject({ layer: 'dense_1', severity: 'warning' });
      expect(r!.occurrence.evidence[0]).toMatch(/zeroGradFraction of the ReLU layer dense_1/);
      expect(r!.reportedAt - 300).toBeLessThanOrEqual(30);
    }
  });

  it('is not reported for a layer ramping up to 40% dead units', async () => {
    const occ = await detect(
      eventsOf({ seed: 1, faults: [dyingRelu(200, 'dense_0', 0.4, { rampSteps: 300 })] }),
    );
    expect(ofSymptom(occ, 'dead_units')).toEqual([]);
  });
});

describe('saturated_activations', () => {
  it.each([10, 5])(
    'is reported on a hidden sigmoid layer within 3 readings of the onset (stats every %i steps)',
    async (statsEvery) => {
      for (const seed of SEEDS) {
        const onset = 400;
        const events = eventsOf({
          seed,
          statsEvery,
          layers: mlpLayers(2, 'sigmoid'),
          faults: [saturation(onset, 'dense_0', 0.8)],
        });
        const found = await reportsOf(events, 'saturated_activations');
        expect(found.map((r) => r.occurrence.layer)).toEqual(['dense_0']);
        expect(found[0]!.reportedAt - onset).toBeLessThanOrEqual(3 * statsEvery);
      }
    },
  );

  it('names the separate activation layer tanh_1 of a PyTorch-style net', async () => {
    const events = eventsOf({
      seed: 3,
      layers: torchMlpLayers(2, 'tanh'),
      numClasses: 5,
      faults: [saturation(200, 'tanh_1', 0.7)],
    });
    const [r] = await reportsOf(events, 'saturated_activations');
    expect(r!.occurrence.layer).toBe('tanh_1');
    expect(r!.occurrence.evidence[0]).toContain('tanh_1 (the activation of dense_1)');
  });

  it.each(['sigmoid', 'tanh'] as const)(
    'is reported from actMean and actStd alone when nearly every %s output sits at its bound',
    async (activation) => {
      const events = eventsOf({
        seed: 1,
        layers: mlpLayers(2, activation),
        faults: [saturation(300, 'dense_1', 0.995, { moments: activation, momentsOnly: true })],
      });
      const [r] = await reportsOf(events, 'saturated_activations');
      expect(r!.occurrence.layer).toBe('dense_1');
      expect(r!.occurrence.evidence[0]).toMatch(/must be saturated \(bound from mean and std\)/);
      expect(r!.reportedAt - 300).toBeLessThanOrEqual(30);
    },
  );

  it('is not reported from moments that leave most outputs free (80% saturated cannot be proven)', async () => {
    const events = eventsOf({
      seed: 1,
      layers: mlpLayers(2, 'sigmoid'),
      faults: [saturation(300, 'dense_1', 0.8, { moments: 'sigmoid', momentsOnly: true })],
    });
    expect(ofSymptom(await detect(events), 'saturated_activations')).toEqual([]);
  });

  it('is not reported for the sigmoid output of a confident binary classifier', async () => {
    const layers = [
      ...mlpLayers(1, 'relu', 32, 1).slice(0, 1),
      { name: 'out', type: 'Dense', activation: 'sigmoid', units: 1 },
    ];
    const occ = await detect(
      eventsOf({ seed: 1, numClasses: 2, layers, faults: [saturation(100, 'out', 0.95)] }),
    );
    expect(ofSymptom(occ, 'saturated_activations')).toEqual([]);
  });
});

describe('saturated_activations without a model description', () => {
  // Recorders that write no `model` still write layer stats in forward order: the last entry is the output.
  it('is not reported for the confident sigmoid output, the last entry the recorder wrote', async () => {
    const layers = [
      ...mlpLayers(1, 'relu', 32, 1).slice(0, 1),
      { name: 'out', type: 'Dense', activation: 'sigmoid', units: 1 },
    ];
    const events = eventsOf({
      seed: 1,
      numClasses: 2,
      layers,
      run: { model: undefined },
      faults: [saturation(100, 'out', 0.95)],
    });
    expect(ofSymptom(await detect(events), 'saturated_activations')).toEqual([]);
  });

  it('is still reported on a saturated hidden layer', async () => {
    const events = eventsOf({
      seed: 1,
      layers: mlpLayers(2, 'sigmoid'),
      run: { model: undefined },
      faults: [saturation(300, 'dense_0', 0.8)],
    });
    const found = ofSymptom(await detect(events), 'saturated_activations');
    expect(found.map((o) => o.layer)).toEqual(['dense_0']);
  });
});

describe('activation detectors on healthy runs', () => {
  it.each(healthyLayerRuns())('report nothing for a healthy run: $name', async ({ options }) => {
    const occ = await detect(eventsOf(options));
    expect(ofSymptoms(occ, ACTIVATION_SYMPTOMS)).toEqual([]);
  });

  it('report nothing from the moments of healthy sigmoid and tanh nets when no saturatedFraction is written', async () => {
    for (const activation of ['sigmoid', 'tanh']) {
      for (const layers of [mlpLayers(2, activation), torchMlpLayers(2, activation)]) {
        const occ = await detect(
          eventsOf({ seed: 2, layers, faults: [withoutLayerFields('saturatedFraction')] }),
        );
        expect(ofSymptoms(occ, ACTIVATION_SYMPTOMS)).toEqual([]);
      }
    }
  });
});

describe('activation detectors on the recorded samples', () => {
  it('find dense_1 of the SGD lr=3 run dying from step 5 on', async () => {
    const occ = await detect(await readSample('keras-sgd-lr3-wine'));
    expect(ofSymptom(occ, 'dead_units')).toMatchObject([
      { layer: 'dense_1', firstStep: 5, severity: 'critical' },
    ]);
    expect(ofSymptom(occ, 'saturated_activations')).toEqual([]);
  });

  it.each([...HEALTHY_SAMPLES, 'pytorch-deep-sigmoid-digits'])(
    'find nothing in %s (the deep sigmoid net vanishes without saturating)',
    async (name) => {
      const events = await readSample(name);
      expect(ofSymptoms(await detect(events), ACTIVATION_SYMPTOMS)).toEqual([]);
      // The same trace from a recorder that writes only actMean/actStd.
      for (const e of events)
        if (e.type === 'step') for (const s of Object.values(e.layers ?? {})) delete s.saturatedFraction;
      expect(ofSymptoms(await detect(events), ACTIVATION_SYMPTOMS)).toEqual([]);
    },
  );
});

describe('activation detectors resumed from saved state', () => {
  it('report exactly what an uninterrupted run reports', async () => {
    const events = eventsOf({
      seed: 9,
      layers: [
        ...mlpLayers(3, 'relu').slice(0, 2),
        { name: 'dense_t', type: 'Dense', activation: 'tanh', units: 64 },
        ...mlpLayers(3, 'relu').slice(3),
      ],
      faults: [dyingRelu(200, 'dense_1', 0.75), saturation(500, 'dense_t', 0.7)],
    });
    for (const cut of [2, 215, 520, 700]) {
      const { resumed, whole } = await resumedAndWhole(events, cut);
      expect(ofSymptoms(whole, ACTIVATION_SYMPTOMS)).toHaveLength(2);
      expect(resumed).toEqual(whole);
    }
  });
});
