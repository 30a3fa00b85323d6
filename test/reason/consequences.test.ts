import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SymptomOccurrence } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { explainCause, scoreCauses } from '../../src/reason/index.js';
import { SAMPLES_DIR } from '../support/samples.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);
const occ = (
  symptomId: string,
  firstStep: number,
  extra: Partial<SymptomOccurrence> = {},
): SymptomOccurrence => ({
  symptomId,
  firstStep,
  lastStep: firstStep + 10,
  severity: 'critical',
  confidence: 0.9,
  evidence: [`${symptomId}: value 7.5 at step ${firstStep}`],
  ...extra,
});
const byId = <T extends { id: string }>(causes: T[], id: string): T | undefined =>
  causes.find((c) => c.id === id);

describe('consequences, not rivals', () => {
  // A rate far above the usual range (a setup finding), the loss diverging at
  // step 2, then ReLU units dying at step 5: one problem, not three.
  const diverging = [
    occ('learning_rate_above_range', 0, { severity: 'warning', lastStep: 0 }),
    occ('loss_divergence', 2),
  ];

  it('credits a symptom that began after the top cause’s own evidence to that cause alone', () => {
    const causes = scoreCauses([...diverging, occ('dead_units', 5, { layer: 'dense_1' })], seed);
    expect(causes[0]!.id).toBe('learning_rate_too_high');
    const dying = byId(causes, 'dying_relu');
    // dying_relu had nothing but the dead units: with them explained, nothing is left.
    expect(dying).toBeUndefined();
    const alone = scoreCauses([occ('dead_units', 5, { layer: 'dense_1' })], seed);
    expect(byId(alone, 'dying_relu')!.confidence).toBeGreaterThan(0.5);
  });

  it('keeps the evidence that is the lower cause’s own, and says what went to the higher one', () => {
    // Skewed labels are class imbalance's own finding; the collapse of predictions is an outcome the rate explains too.
    const imbalanced = [
      occ('label_imbalance', 0, { severity: 'warning', lastStep: 0 }),
      occ('prediction_collapse', 30),
    ];
    const causes = scoreCauses([...diverging, ...imbalanced], seed);
    const imbalance = byId(causes, 'class_imbalance')!;
    expect(imbalance.support.map((s) => s.link.symptom)).toEqual(['label_imbalance']);
    expect(imbalance.attributed?.map((a) => [a.support.link.symptom, a.to])).toEqual([
      ['prediction_collapse', 'learning_rate_too_high'],
    ]);
    const alone = byId(scoreCauses(imbalanced, seed), 'class_imbalance')!;
    expect(imbalance.confidence).toBeLessThan(alone.confidence);
  });

  it('leaves a rival alone when its symptom came first (order in time separates rival from consequence)', () => {
    // Dead units from step 0, before the loss diverged at step 40, and no setup finding for the rate.
    const causes = scoreCauses(
      [occ('dead_units', 0, { layer: 'dense_1' }), occ('loss_divergence', 40)],
      seed,
    );
    const dying = byId(causes, 'dying_relu');
    expect(dying?.support.map((s) => s.link.symptom)).toContain('dead_units');
    expect(dying?.attributed ?? []).toEqual([]);
  });

  it('credits a top cause’s symptoms to a lower one whose own evidence came first, when the top has no evidence of its own', () => {
    // A first loss 1e7× chance at step 0, before any update, then NaN from step 3: the rate
    // (in range: no setup finding) had only what the initialisation explains as its consequences.
    const farOff = [
      occ('initial_loss_far_above_chance', 0, { severity: 'warning', confidence: 0.85, lastStep: 0 }),
      occ('loss_nan', 3),
      occ('non_finite_tensors', 5, { layer: 'dense' }),
      occ('accuracy_at_chance', 0, { severity: 'warning' }),
      occ('prediction_collapse', 189),
    ];
    const observable = ['learning_rate_above_range', 'symmetric_initialization', 'input_scale_anomaly'];
    const causes = scoreCauses(farOff, seed, { observable });
    expect(causes[0]!.id).toBe('poor_weight_initialization');
    expect(byId(causes, 'learning_rate_too_high')?.confidence ?? 0).toBeLessThan(0.5);
    // With the rate out of range (evidence of its own), the rate keeps its rank and its symptoms.
    const withRate = scoreCauses(
      [...farOff, occ('learning_rate_above_range', 0, { severity: 'warning', lastStep: 0 })],
      seed,
      { observable },
    );
    expect(withRate[0]!.id).toBe('learning_rate_too_high');
    expect(byId(withRate, 'learning_rate_too_high')!.attributed ?? []).toEqual([]);
  });

  it('strips a cause built on outcome symptoms alone beside an established cause with specific evidence, whatever their rank', () => {
    // A batch of one (the setup's own finding) beside a loss that barely moves: flat-loss
    // symptoms alone are no rival to it, though their noisy-OR ranks a too-low rate above it.
    const causes = scoreCauses(
      [
        occ('batch_size_below_range', 0, { severity: 'warning', confidence: 0.8, lastStep: 0 }),
        occ('slow_convergence', 0, { severity: 'warning', confidence: 0.8 }),
        occ('loss_not_decreasing', 0, { severity: 'info', confidence: 0.7 }),
        occ('underfitting', 599, { severity: 'warning', confidence: 0.85 }),
      ],
      seed,
    );
    expect(causes[0]!.id).toBe('batch_size_too_small');
    const low = byId(causes, 'learning_rate_too_low');
    expect(low?.confidence ?? 0).toBeLessThan(causes[0]!.confidence);
  });

  it('never changes the top cause when it has evidence of its own, and never raises a lower one', () => {
    const occurrences = [
      ...diverging,
      occ('dead_units', 5, { layer: 'dense_1' }),
      occ('exploding_gradients', 3),
    ];
    const causes = scoreCauses(occurrences, seed);
    expect(causes[0]!.id).toBe('learning_rate_too_high');
    for (const c of causes.slice(1)) expect(c.confidence).toBeLessThanOrEqual(causes[0]!.confidence);
  });

  it('shows it on the Keras SGD run at learning rate 3: the dead units follow from the rate', async () => {
    const [diagnosis] = await diagnosePath(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'));
    if (!diagnosis) throw new Error('no diagnosis');
    expect(diagnosis.causes[0]!.id).toBe('learning_rate_too_high');
    // Before: dying ReLU 0.566 and poor initialisation 0.544 beside the rate's 0.994.
    for (const rival of ['dying_relu', 'poor_weight_initialization'])
      expect(
        byId(diagnosis.causes, rival)?.paths.some((p) => p.occurrence.id === 'dead_units') ?? false,
      ).toBe(false);
    // Weights that stopped changing at step 20, after the divergence, no longer make a second cause beside the rate.
    const explained = diagnosis.causes.flatMap((c) => c.explainedBy ?? []);
    expect(explained).toContainEqual({
      symptomId: 'unchanged_weights',
      layer: 'dense_0',
      cause: 'learning_rate_too_high',
    });
    expect(diagnosis.causes[1]?.confidence ?? 0).toBeLessThan(0.5);
    expect(diagnosis.causes.find((c) => c.explainedBy)?.explanation).toMatch(
      /follow from learning rate too high/,
    );
  });
});

describe('words that follow what the run showed', () => {
  const deepSigmoid = [
    occ('saturating_hidden_activation', 0, { severity: 'warning', lastStep: 0 }),
    occ('vanishing_gradients', 0, { layer: 'dense_0' }),
  ];
  const top = (occurrences: SymptomOccurrence[]) => {
    const scored = scoreCauses(occurrences, seed)[0]!;
    return explainCause(scored, seed);
  };

  it('speaks of saturation only where saturation was measured', () => {
    const unsaturated = top(deepSigmoid);
    expect(unsaturated.id).toBe('saturating_activation');
    expect(unsaturated.name).not.toMatch(/saturat/i);
    expect(unsaturated.explanation).toMatch(/at most 0\.25/);
    const saturated = top([...deepSigmoid, occ('saturated_activations', 5, { layer: 'dense_3' })]);
    expect(saturated.id).toBe('saturating_activation');
    expect(saturated.name).toBe('Saturating hidden activations');
  });

  it('names the deep-sigmoid sample, whose saturatedFraction is 0 in every reading, without saturation', async () => {
    const [diagnosis] = await diagnosePath(join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl'));
    const cause = diagnosis!.causes[0]!;
    expect(cause.id).toBe('saturating_activation');
    expect(`${cause.name} ${diagnosis!.summary}`).not.toMatch(/saturating hidden/i);
  });
});
