import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnosis, KnowledgeSeed, RunEvent, SymptomOccurrence } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import {
  diagnoseRun,
  judgeRetry,
  learnedEffectiveness,
  recommendRemedies,
  resolveEdit,
  resolveRemedyEdit,
  scoreCauses,
} from '../../src/reason/index.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);
const occ = (
  symptomId: string,
  confidence = 0.9,
  extra: Partial<SymptomOccurrence> = {},
): SymptomOccurrence => ({
  symptomId,
  firstStep: 10,
  lastStep: 20,
  severity: 'warning',
  confidence,
  evidence: [`${symptomId}: value 7.5 at step 10`],
  ...extra,
});
const conf = (causes: { id: string; confidence: number }[], id: string) =>
  causes.find((c) => c.id === id)?.confidence ?? 0;

const run: RunEvent = {
  type: 'run',
  formatVersion: 1,
  id: 'r',
  loss: 'categorical_crossentropy',
  optimizer: { name: 'sgd', learningRate: 0.5 },
  dataset: { numClasses: 3 },
  model: {
    layers: [
      {
        name: 'dense_1',
        type: 'Dense',
        activation: 'sigmoid',
        units: 32,
        kernelInitializer: 'glorotUniform',
      },
      { name: 'dense_2', type: 'Dense', activation: 'sigmoid', units: 32 },
      { name: 'dense_3', type: 'Dense', activation: 'sigmoid', units: 32 },
      { name: 'out', type: 'Dense', activation: 'softmax', units: 3 },
    ],
  },
};

describe('negative evidence', () => {
  it('weakens a cause whose predicted symptom was observable and absent, and says which', () => {
    const shown = [occ('loss_divergence')];
    const blind = scoreCauses(shown, seed);
    const seeing = scoreCauses(shown, seed, {
      observable: ['exploding_gradients', 'learning_rate_above_range'],
    });
    expect(conf(seeing, 'learning_rate_too_high')).toBeLessThan(conf(blind, 'learning_rate_too_high'));
    const lr = seeing.find((c) => c.id === 'learning_rate_too_high')!;
    expect(lr.against.map((a) => a.symptomId)).toEqual(
      expect.arrayContaining(['exploding_gradients', 'learning_rate_above_range']),
    );
  });

  it('counts an absent static finding more than an absent dynamic one (a description check does not miss)', () => {
    const shown = [occ('prediction_collapse'), occ('accuracy_at_chance')];
    const dynamicAbsent = scoreCauses(shown, seed, { observable: ['exploding_gradients'] });
    const staticAbsent = scoreCauses(shown, seed, { observable: ['label_imbalance'] });
    const base = conf(scoreCauses(shown, seed), 'class_imbalance');
    expect(conf(staticAbsent, 'class_imbalance')).toBeLessThan(base * 0.6);
    expect(conf(dynamicAbsent, 'class_imbalance')).toBe(base);
  });
});

describe('risky setups', () => {
  const deepTanh = [occ('saturating_hidden_activation', 0.8, { firstStep: 0, lastStep: 0 })];
  const satConf = (shown: SymptomOccurrence[], observable?: string[]) =>
    conf(scoreCauses(shown, seed, observable ? { observable } : {}), 'saturating_activation');

  it('count as advice when the run could show its outcome and shows no failure', () => {
    expect(seed.symptoms.find((s) => s.id === 'saturating_hidden_activation')?.risk).toBe(true);
    const unknown = satConf(deepTanh);
    const trainedWell = satConf(deepTanh, ['underfitting', 'loss_not_decreasing']);
    expect(unknown).toBeGreaterThanOrEqual(0.5);
    expect(trainedWell).toBeLessThan(0.5);
  });

  it('count in full when the run fails, or when its outcome could not be seen', () => {
    const failing = [...deepTanh, occ('underfitting', 0.85)];
    expect(satConf(failing, ['underfitting', 'loss_not_decreasing'])).toBeGreaterThanOrEqual(0.5);
    // Only gradients were recorded: whether the run learned is unknown, so the risk stays a warning.
    expect(satConf(deepTanh, ['vanishing_gradients'])).toBeGreaterThan(satConf(deepTanh, ['underfitting']));
  });

  it('are shown as advice in a finished run that shows no failure, and as warnings while it could still fail', () => {
    const diagnose = (occurrences: SymptomOccurrence[], observable?: string[]) =>
      diagnoseRun({
        run,
        progress: { eventCount: 400, lastStep: 399 },
        occurrences,
        missingSignals: [],
        observable,
        knowledge: seed,
      });
    const done = diagnose(deepTanh, ['underfitting', 'loss_not_decreasing']);
    expect(done.healthy).toBe(true);
    expect(done.symptoms[0]).toMatchObject({ id: 'saturating_hidden_activation', severity: 'info' });
    expect(done.symptoms[0]!.evidence.at(-1)).toMatch(/^not borne out: the run could show its outcome/);
    expect(diagnose(deepTanh).symptoms[0]).toMatchObject({ severity: 'warning' });
    const failing = diagnose([...deepTanh, occ('underfitting', 0.85)], ['underfitting']);
    expect(failing.symptoms.find((s) => s.id === 'saturating_hidden_activation')).toMatchObject({
      severity: 'warning',
    });
  });

  it('leave a definite bug alone: an output/loss mismatch is not a risk', () => {
    const mismatch = [occ('output_loss_mismatch', 0.9, { firstStep: 0, lastStep: 0 })];
    const top = (o?: string[]) => scoreCauses(mismatch, seed, o ? { observable: o } : {})[0]!;
    expect(top(['underfitting']).confidence).toBe(top().confidence);
  });
});

describe('explaining away', () => {
  it('lets a specific symptom claim a generic one, so the generic one does not lift every cause', () => {
    const generic = [occ('accuracy_at_chance')];
    const withSpecific = [...generic, occ('label_imbalance')];
    const a = scoreCauses(generic, seed);
    const b = scoreCauses(withSpecific, seed);
    expect(b[0]!.id).toBe('class_imbalance');
    // Causes the specific symptom does not point at lose part of the generic symptom's credit.
    for (const other of ['wrong_output_activation', 'noisy_labels'])
      expect(conf(b, other)).toBeLessThanOrEqual(conf(a, other));
  });
});

describe('priors', () => {
  it('multiply the odds: a rare cause needs more evidence', () => {
    const rare: KnowledgeSeed = {
      ...seed,
      causes: seed.causes.map((c) => (c.id === 'learning_rate_too_high' ? { ...c, prior: 0.1 } : c)),
    };
    const shown = [occ('exploding_gradients')];
    expect(conf(scoreCauses(shown, rare), 'learning_rate_too_high')).toBeLessThan(
      conf(scoreCauses(shown, seed), 'learning_rate_too_high'),
    );
  });
});

describe('the diagnosis', () => {
  it('is healthy and says so when no cause reaches 0.5', () => {
    const d = diagnoseRun({
      run,
      progress: { eventCount: 40, lastStep: 39 },
      occurrences: [],
      missingSignals: [],
      knowledge: seed,
    });
    expect(d.healthy).toBe(true);
    expect(d.summary).toMatch(/^Healthy: no symptom in 40 events up to step 39/);
    expect(d.structureEdits).toEqual([]);
  });

  it('explains the top cause in a few sentences made of the run’s numbers, the link’s rationale and its source', () => {
    const d = diagnoseRun({
      run,
      progress: { eventCount: 40 },
      occurrences: [
        occ('exploding_gradients', 0.9, { layer: 'dense_1', severity: 'critical' }),
        occ('loss_divergence'),
      ],
      missingSignals: [],
      knowledge: seed,
    });
    const top = d.causes[0]!;
    expect(d.healthy).toBe(false);
    expect(top.id).toBe('learning_rate_too_high');
    expect(top.explanation).toContain('dense_1');
    expect(top.explanation).toContain('7.5 at step 10');
    const link = seed.suggests.find((l) => l.symptom === top.paths[0]!.occurrence.id && l.cause === top.id)!;
    expect(top.explanation).toContain(link.rationale.replace(/[.\s]+$/, ''));
    expect(top.explanation).toContain(seed.sources.find((s) => s.id === link.source)!.title);
    expect(top.explanation.split(/(?<=\.) (?=[A-Z])/).length).toBeLessThanOrEqual(4);
    expect(top.paths[0]!.fixedBy.length).toBeGreaterThan(0);
    expect(top.path.some((p) => p.rel === 'FIXED_BY')).toBe(true);
    expect(d.summary).toMatch(/^Most likely learning rate too high/i);
  });
});

describe('remedies', () => {
  it('rank a remedy that fixes two likely causes above one that fixes one of them', () => {
    const ranked = recommendRemedies(
      [
        { id: 'a', confidence: 0.8 },
        { id: 'b', confidence: 0.7 },
      ],
      {
        ...seed,
        remedies: ['both', 'one'].map((id) => ({ ...seed.remedies[0]!, id })),
        fixedBy: [
          {
            cause: 'a',
            remedy: 'both',
            effectiveness: 0.6,
            rationale: 'r',
            source: 's',
            tries: 0,
            successes: 0,
          },
          {
            cause: 'b',
            remedy: 'both',
            effectiveness: 0.6,
            rationale: 'r',
            source: 's',
            tries: 0,
            successes: 0,
          },
          {
            cause: 'a',
            remedy: 'one',
            effectiveness: 0.7,
            rationale: 'r',
            source: 's',
            tries: 0,
            successes: 0,
          },
        ],
      },
    );
    expect(ranked.map((r) => r.id)).toEqual(['both', 'one']);
  });

  it('learn from outcomes: successes raise a remedy’s effectiveness, failures lower it', () => {
    expect(learnedEffectiveness({ effectiveness: 0.6, tries: 4, successes: 4 })).toBeCloseTo(0.867, 3);
    expect(learnedEffectiveness({ effectiveness: 0.6, tries: 4, successes: 0 })).toBeCloseTo(0.2, 3);
    expect(learnedEffectiveness({ effectiveness: 0.6, tries: 0, successes: 0 })).toBe(0.6);
  });
});

describe('structure edits against the run’s own layers', () => {
  const edit = (id: string) => resolveEdit(seed.remedies.find((r) => r.id === id)!.edit!, run);

  it('inserts batch normalisation after each hidden dense layer', () => {
    expect(edit('add_batch_normalization')).toEqual(
      ['dense_1', 'dense_2', 'dense_3'].map((at) => ({
        op: 'insert',
        at,
        layer: { type: 'batchNormalization' },
      })),
    );
  });

  it('replaces sigmoid with relu in the hidden layers, naming the old value', () => {
    expect(edit('switch_to_relu')).toEqual(
      ['dense_1', 'dense_2', 'dense_3'].map((at) => ({
        op: 'replace',
        at,
        field: 'activation',
        from: 'sigmoid',
        value: 'relu',
      })),
    );
  });

  it('sets the learning rate from the run’s own value', () => {
    expect(edit('lower_learning_rate')).toEqual([
      { op: 'set', at: 'optimizer', field: 'learningRate', from: 0.5, value: 0.05 },
    ]);
  });

  it('sets the kernel initializer where it differs', () => {
    const he = seed.remedies.find((r) => r.edit?.initializer === 'heNormal')!;
    expect(resolveEdit(he.edit!, run)).toEqual(
      ['dense_1', 'dense_2', 'dense_3'].map((at) => ({
        op: 'set',
        at,
        field: 'kernelInitializer',
        ...(at === 'dense_1' ? { from: 'glorotUniform' } : {}),
        value: 'heNormal',
      })),
    );
  });

  it('unfreezes the layers the run froze, and turns on input standardisation', () => {
    const frozen: RunEvent = {
      ...run,
      model: {
        layers: run.model!.layers.map((l) => (l.name === 'dense_2' ? { ...l, trainable: false } : l)),
      },
    };
    const fix = seed.remedies.find((r) => r.id === 'unfreeze_layers')!;
    expect(resolveEdit(fix.edit!, frozen)).toEqual([
      { op: 'set', at: 'dense_2', field: 'trainable', from: false, value: true },
    ]);
    expect(edit('standardize_inputs')).toEqual([
      { op: 'set', at: 'training', field: 'standardize', value: true },
    ]);
  });

  it('resets the learning rate to the run optimizer’s own default, and brings a remedy’s companions', () => {
    const remedy = (id: string) => seed.remedies.find((r) => r.id === id)!.edit!;
    // SGD's documented default is 0.01, Adam's 0.001 (graph-seed byOptimizer); momentum counts as SGD with momentum.
    expect(resolveRemedyEdit(remedy('use_default_learning_rate'), run)).toEqual([
      { op: 'set', at: 'optimizer', field: 'learningRate', from: 0.5, value: 0.01 },
    ]);
    const adam: RunEvent = { ...run, optimizer: { name: 'torch.optim.Adam', learningRate: 0.5 } };
    expect(resolveRemedyEdit(remedy('use_default_learning_rate'), adam)[0]).toMatchObject({ value: 0.001 });
    // Dropout comes with early stopping that keeps the best epoch.
    const dropout = resolveRemedyEdit(remedy('add_dropout'), run);
    expect(dropout.filter((e) => e.op === 'insert')).toHaveLength(3);
    expect(dropout.at(-1)).toMatchObject({ at: 'training', field: 'earlyStoppingPatience', value: 5 });
    // And the diagnosis shows exactly these edits.
    const shown = recommendRemedies([{ id: 'insufficient_regularization', confidence: 0.9 }], seed, run).find(
      (r) => r.id === 'add_dropout',
    )!;
    expect(shown.edits.map(({ remedy: _r, forCauses: _f, ...e }) => e)).toEqual(dropout);
  });

  it('says nothing concrete when the run lacks what the edit needs', () => {
    const bare: RunEvent = { type: 'run', formatVersion: 1, id: 'bare' };
    expect(resolveEdit(seed.remedies.find((r) => r.id === 'lower_learning_rate')!.edit!, bare)).toEqual([]);
    expect(resolveEdit(seed.remedies.find((r) => r.id === 'add_batch_normalization')!.edit!, bare)).toEqual(
      [],
    );
  });
});

describe('judging a retry', () => {
  const diagnosis = (ids: string[], causes: [string, number][] = []): Diagnosis =>
    ({
      symptoms: ids.map((id) => ({
        id,
        confidence: 0.9,
        severity: 'warning',
        firstStep: 0,
        lastStep: 1,
        evidence: ['x'],
      })),
      causes: causes.map(([id, confidence]) => ({ id, confidence })),
    }) as unknown as Diagnosis;

  it('succeeds when the child shows none of the parent’s failure symptoms, crediting the causes the remedy fixes', () => {
    const v = judgeRetry(
      diagnosis(
        ['loss_divergence', 'exploding_gradients'],
        [
          ['learning_rate_too_high', 0.9],
          ['poor_weight_initialization', 0.3],
        ],
      ),
      diagnosis([]),
      'lower_learning_rate',
      seed,
    );
    expect(v).toMatchObject({ success: true, causeIds: ['learning_rate_too_high'], remainingSymptoms: [] });
  });

  it('fails when a failure symptom remains', () => {
    const v = judgeRetry(
      diagnosis(['loss_divergence']),
      diagnosis(['loss_divergence']),
      'lower_learning_rate',
      seed,
    );
    expect(v.success).toBe(false);
    expect(v.remainingSymptoms).toEqual(['loss_divergence']);
  });
});
