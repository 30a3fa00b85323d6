import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagnosedSymptom, Diagnosis } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { judgeAttempt, type ValMetric } from '../../src/reason/index.js';
import { ruleValues } from '../../src/repair/index.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);
const rules = ruleValues().repair;

const symptom = (id: string, firstStep: number, lastStep: number): DiagnosedSymptom => ({
  id,
  confidence: 0.8,
  severity: 'warning',
  firstStep,
  lastStep,
  evidence: [`${id} at step ${firstStep}`],
});
const diagnosis = (symptoms: DiagnosedSymptom[], lastStep = 199): Diagnosis => ({
  runId: 'r',
  healthy: symptoms.length === 0,
  summary: '',
  facts: { runId: 'r', layerCount: 2, eventCount: 200, lastStep },
  symptoms,
  causes: [
    {
      id: 'learning_rate_too_high',
      name: 'lr',
      confidence: 0.9,
      explanation: '',
      path: [],
      paths: [],
      against: [],
    },
  ],
  remedies: [],
  structureEdits: [],
  missingSignals: [],
  toRecord: [],
});
const accuracy = (value: number): ValMetric => ({ name: 'val accuracy', value, higherIsBetter: true, n: 80 });
const parent = {
  diagnosis: diagnosis([symptom('learning_rate_above_range', 0, 0), symptom('accuracy_at_chance', 0, 199)]),
  metric: accuracy(0.4),
};

describe('judging an attempt against the run it edited', () => {
  it('calls it resolved when the failure symptoms are gone and the metric is better', () => {
    const j = judgeAttempt(
      parent,
      { diagnosis: diagnosis([]), metric: accuracy(0.9) },
      'lower_learning_rate',
      seed,
      rules,
    );
    expect(j).toMatchObject({
      verdict: 'resolved',
      resolvedSymptoms: ['accuracy_at_chance', 'learning_rate_above_range'],
      remainingSymptoms: [],
      causeIds: ['learning_rate_too_high'],
    });
  });

  it('counts a dynamic symptom seen only early in the child as passed, a static finding as remaining', () => {
    const slowStart = diagnosis([symptom('accuracy_at_chance', 0, 49)]);
    expect(
      judgeAttempt(parent, { diagnosis: slowStart, metric: accuracy(0.9) }, 'x', seed, rules).verdict,
    ).toBe('resolved');
    const stillStatic = diagnosis([symptom('learning_rate_above_range', 0, 0)]);
    const j = judgeAttempt(parent, { diagnosis: stillStatic, metric: accuracy(0.9) }, 'x', seed, rules);
    expect(j).toMatchObject({ verdict: 'improved', remainingSymptoms: ['learning_rate_above_range'] });
  });

  it('asks an improvement with failures left to beat the validation set’s noise', () => {
    const left = diagnosis([symptom('learning_rate_above_range', 0, 0)]);
    // One binomial standard error of 0.4 on 80 examples is 0.055.
    expect(judgeAttempt(parent, { diagnosis: left, metric: accuracy(0.44) }, 'x', seed, rules).verdict).toBe(
      'not improved',
    );
    expect(judgeAttempt(parent, { diagnosis: left, metric: accuracy(0.46) }, 'x', seed, rules).verdict).toBe(
      'improved',
    );
    // Without failures left, any gain of at least accuracyGain resolves it.
    expect(
      judgeAttempt(parent, { diagnosis: diagnosis([]), metric: accuracy(0.41) }, 'x', seed, rules).verdict,
    ).toBe('resolved');
    expect(
      judgeAttempt(parent, { diagnosis: diagnosis([]), metric: accuracy(0.4) }, 'x', seed, rules).verdict,
    ).toBe('not improved');
  });
});
