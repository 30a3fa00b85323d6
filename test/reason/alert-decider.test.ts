import { describe, expect, it } from 'vitest';
import { createAlertDecider, materiallyDiffers } from '../../src/reason/index.js';

const vanishing = (lastStep: number, latest = '1.2e-7', severity = 'critical') => ({
  id: 'vanishing_gradients',
  layer: 'dense_0',
  severity,
  confidence: 0.83,
  firstStep: 0,
  lastStep,
  evidence: [
    `gradNorm of dense_0 is 2.15e-7 at step 10`,
    `latest: gradNorm of dense_0 is ${latest} at step ${lastStep}`,
  ],
});

describe('the alert rule', () => {
  it('starts a (symptom, layer) once and stays silent while it only grows by the next readings', () => {
    const decide = createAlertDecider();
    expect(decide.changes([vanishing(15)], 15).map((c) => c.change)).toEqual(['started']);
    for (let step = 25; step < 260; step += 10)
      expect(decide.changes([vanishing(step, step % 20 ? '9.5e-8' : '3.1e-7')], step)).toEqual([]);
  });

  it('updates it in place when its severity changes or a measured value moves tenfold', () => {
    const decide = createAlertDecider();
    decide.changes([vanishing(15)], 15);
    expect(decide.changes([vanishing(25, '1.2e-7', 'warning')], 25).map((c) => c.change)).toEqual([
      'updated',
    ]);
    expect(decide.changes([vanishing(35, '1.1e-8', 'warning')], 35).map((c) => c.change)).toEqual([
      'updated',
    ]);
    expect(decide.changes([vanishing(45, '1.3e-8', 'warning')], 45)).toEqual([]);
  });

  it('resolves it once it stopped growing for longer than it lasted, and starts it again when it comes back', () => {
    const decide = createAlertDecider();
    decide.changes([vanishing(60)], 60);
    expect(decide.changes([vanishing(60)], 120)).toEqual([]);
    expect(decide.changes([vanishing(60)], 121).map((c) => c.change)).toEqual(['resolved']);
    expect(decide.changes([vanishing(60)], 300)).toEqual([]);
    expect(decide.changes([vanishing(310)], 310).map((c) => c.change)).toEqual(['started']);
  });

  it('never resolves a one-off finding (a step-0 static check)', () => {
    const decide = createAlertDecider();
    const lr = {
      id: 'learning_rate_out_of_range',
      severity: 'warning',
      firstStep: 0,
      lastStep: 0,
      evidence: ['lr 3'],
    };
    expect(decide.changes([lr], 0)).toHaveLength(1);
    expect(decide.changes([lr], 5_000)).toEqual([]);
  });

  it('carries on from a stored history, as another replica left it', () => {
    const first = createAlertDecider();
    const history = first.changes([vanishing(15)], 15).map((c) => ({ kind: 'symptom', ...c }));
    const next = createAlertDecider(history);
    expect(next.changes([vanishing(25)], 25)).toEqual([]);
    expect(next.learn({ kind: 'symptom', change: 'updated', symptom: vanishing(25) })).toBe(false);
  });

  it('counts a new word as material, a list that gains a member of the same kind as not', () => {
    const a = { id: 's', severity: 'warning', evidence: ['later layers too: dense_1, dense_2'] };
    expect(materiallyDiffers(a, { ...a, evidence: ['later layers too: dense_1, dense_2, dense_4'] })).toBe(
      false,
    );
    expect(
      materiallyDiffers(a, { ...a, evidence: ['later layers too: dense_1, dense_2; val loss climbs'] }),
    ).toBe(true);
    expect(materiallyDiffers({ ...a, confidence: 0.8 }, { ...a, confidence: 0.9 })).toBe(true);
  });
});
