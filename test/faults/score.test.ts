import { describe, expect, it } from 'vitest';
import type { Label } from '../../bench/faults/label.js';
import { figures, scoreRun } from '../../bench/faults/score.js';
import type { Diagnosis } from '../../src/domain/index.js';

const label = (id: string, primaryCause: string, more: Partial<Label> = {}): Label => ({
  id,
  primaryCause,
  acceptableCauses: [],
  expectedSymptoms: [],
  split: 'tune',
  variantOf: id,
  notes: 'test',
  ...more,
});

/** A diagnosis with ranked causes (confidences as given) and reported symptoms. */
const diagnosis = (causes: [string, number][], symptoms: string[] = [], healthy = false): Diagnosis =>
  ({
    runId: 'r',
    healthy,
    summary: '',
    facts: { runId: 'r', layerCount: 0, eventCount: 0 },
    symptoms: symptoms.map((id) => ({
      id,
      confidence: 1,
      severity: 'warning',
      firstStep: 0,
      lastStep: 0,
      evidence: [],
    })),
    causes: causes.map(([id, confidence]) => ({
      id,
      name: id,
      confidence,
      explanation: '',
      path: [],
      paths: [],
      against: [],
    })),
    remedies: [],
    structureEdits: [],
    missingSignals: [],
    toRecord: [],
  }) as Diagnosis;

describe('scoring a diagnosis against its label', () => {
  it('counts the primary or an acceptable cause ranked first as top-1, in the first three as top-3', () => {
    const l = label('a', 'dying_relu', { acceptableCauses: ['learning_rate_too_high'] });
    expect(scoreRun({ label: l, diagnosis: diagnosis([['learning_rate_too_high', 0.8]]) })).toMatchObject({
      top1: true,
      top3: true,
    });
    const third = scoreRun({
      label: l,
      diagnosis: diagnosis([
        ['noisy_labels', 0.9],
        ['class_imbalance', 0.5],
        ['dying_relu', 0.4],
      ]),
    });
    expect(third).toMatchObject({ top1: false, top3: true, trueConfidence: 0.4, topCorrect: false });
    const fourth = diagnosis([
      ['a', 0.9],
      ['b', 0.8],
      ['c', 0.7],
      ['dying_relu', 0.6],
    ]);
    expect(scoreRun({ label: l, diagnosis: fourth })).toMatchObject({ top1: false, top3: false });
  });

  it('counts a healthy run as a hit only when the diagnosis calls it healthy', () => {
    const l = label('h', 'healthy');
    expect(scoreRun({ label: l, diagnosis: diagnosis([['noisy_labels', 0.2]], [], true) })).toMatchObject({
      top1: true,
      topCorrect: false,
    });
    expect(
      scoreRun({ label: l, diagnosis: diagnosis([['noisy_labels', 0.6]], ['overfitting']) }),
    ).toMatchObject({ top1: false, top3: false });
  });

  it('scores symptoms over vocabulary ids, counts false alarms, and measures calibration in ten bins', () => {
    const runs = [
      scoreRun({
        label: label('a', 'dying_relu', { expectedSymptoms: ['dead_units', 'underfitting'] }),
        diagnosis: diagnosis([['dying_relu', 0.95]], ['dead_units', 'loss_nan', 'non_finite_tensors']),
      }),
      scoreRun({ label: label('b', 'noisy_labels'), diagnosis: diagnosis([['insufficient_data', 0.65]]) }),
      scoreRun({
        label: label('h', 'healthy'),
        diagnosis: diagnosis([['overfitting_cause', 0.55]], ['overfitting']),
      }),
    ];
    const f = figures(runs);
    expect(f).toMatchObject({
      runs: 3,
      faulty: 2,
      healthy: 1,
      falseAlarms: 1,
      falseAlarmRate: 1,
      missedFaults: 0,
    });
    expect(f.top1).toBeCloseTo(1 / 3);
    // dead_units right; loss_nan and overfitting wrong (non_finite_tensors is not a vocabulary id); underfitting missed.
    expect(f.symptomPrecision).toBeCloseTo(1 / 3);
    expect(f.symptomRecall).toBeCloseTo(1 / 2);
    // Bins: 0.5–0.6 holds 0.55 (wrong), 0.6–0.7 holds 0.65 (wrong), 0.9–1.0 holds 0.95 (right).
    expect(f.ece).toBeCloseTo((0.55 + 0.65 + 0.05) / 3);
    expect(f.reliability[9]).toMatchObject({ runs: 1, accuracy: 1 });
    expect(f.perCause.find((r) => r.cause === 'dying_relu')).toMatchObject({ runs: 1, top1: 1, top3: 1 });
  });
});
