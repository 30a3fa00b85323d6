import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SymptomOccurrence } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { diagnoseRun } from '../../src/reason/index.js';

/**
 * Issue 19 (generality): a risky dynamic finding that the run's own outcome
 * contradicts is advice (`info`), as a risky setup is. The real runs are
 * bench/pyfaults/dead-units/dead_share.py recorded with the Python client's
 * runner (commands in that folder's README): a healthy ReLU MLP whose middle
 * layer ends with ~62% dead units at 94% held-out accuracy, and its faulty
 * twin whose dead units stall the loss at chance.
 */
const RUNS = join(import.meta.dirname, '../../bench/pyfaults/dead-units');
const diagnose = async (name: string) => (await diagnosePath(join(RUNS, `${name}.jsonl.gz`)))[0]!;
const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);

describe('a real PyTorch run that learns well with most of a middle layer dead', () => {
  it('is healthy, its dead units shown as info with the reason', async () => {
    const d = await diagnose('dead-share-healthy');
    expect(d.healthy).toBe(true);
    const dead = d.symptoms.filter((s) => s.id === 'dead_units');
    expect(dead.length).toBeGreaterThan(0);
    for (const s of dead) {
      expect(s.severity).toBe('info');
      expect(s.evidence.at(-1)).toMatch(/^not borne out/);
    }
    expect(d.symptoms.every((s) => s.severity === 'info')).toBe(true);
  });

  it('is not taken for a loop without zero_grad: its gradient norm drifts up as it leaves the plateau, not from the first step', async () => {
    const d = await diagnose('dead-share-healthy');
    expect(d.symptoms.map((s) => s.id)).not.toContain('gradient_norm_accumulating');
  });
});

describe('its faulty twin, whose dead units stall the loss', () => {
  it('is still a failure named dying ReLU first, the dead layers critical', async () => {
    const d = await diagnose('dead-share-faulty');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('dying_relu');
    const dead = d.symptoms.filter((s) => s.id === 'dead_units');
    expect(dead.some((s) => s.severity === 'critical')).toBe(true);
    expect(d.symptoms.map((s) => s.id)).toContain('loss_not_decreasing');
  });
});

describe('the outcome rule on its own', () => {
  const run = {
    type: 'run' as const,
    formatVersion: 1 as const,
    id: 'r',
    framework: 'pytorch',
    task: 'classification',
  };
  const at = (symptomId: string, severity: SymptomOccurrence['severity']): SymptomOccurrence => ({
    symptomId,
    layer: 'dense_1',
    firstStep: 10,
    lastStep: 90,
    severity,
    confidence: 0.7,
    evidence: [`${symptomId} at step 10`],
  });
  const observable = [
    'accuracy_at_chance',
    'dead_units',
    'loss_not_decreasing',
    'overfitting',
    'underfitting',
  ];
  const diagnoseWith = (occurrences: SymptomOccurrence[], seen: string[] = observable) =>
    diagnoseRun({
      run,
      progress: { eventCount: 100, lastStep: 99, status: 'completed' },
      occurrences,
      missingSignals: [],
      observable: seen,
      knowledge: seed,
    });
  const deadSeverity = (d: ReturnType<typeof diagnoseWith>) =>
    d.symptoms.find((s) => s.id === 'dead_units')!.severity;

  it('lowers a warning of dead units when every outcome detector stayed silent', () => {
    expect(deadSeverity(diagnoseWith([at('dead_units', 'warning')]))).toBe('info');
  });

  it('keeps it a warning when the run learned only part of its task (an info note of underfitting)', () => {
    expect(deadSeverity(diagnoseWith([at('dead_units', 'warning'), at('underfitting', 'info')]))).toBe(
      'warning',
    );
  });

  it('keeps it a warning beside a finding that could be the same failure, even a note (a diverging loss: the rate kills units too)', () => {
    expect(
      deadSeverity(
        diagnoseWith(
          [at('dead_units', 'warning'), at('loss_divergence', 'info')],
          [...observable, 'loss_divergence'],
        ),
      ),
    ).toBe('warning');
  });

  it('weighs it as advice beside overfitting, which shares no cause with it: the training data was fitted, which dead units would have prevented', () => {
    const d = diagnoseWith([at('dead_units', 'warning'), at('overfitting', 'warning')]);
    expect(d.causes[0]!.id).not.toBe('dying_relu');
    expect(d.causes.find((c) => c.id === 'dying_relu')?.confidence ?? 0).toBeLessThan(0.5);
    // Beside a flat loss it is the candidate it was.
    const flat = diagnoseWith([at('dead_units', 'warning'), at('loss_not_decreasing', 'warning')]);
    expect(flat.causes[0]!.id).toBe('dying_relu');
  });

  it('keeps it a warning while the outcome cannot be seen (a live run: only setup findings observable)', () => {
    expect(deadSeverity(diagnoseWith([at('dead_units', 'warning')], ['deep_plain_network']))).toBe('warning');
  });

  it('never lowers a critical layer, and a critical one keeps a risky setup beside it a warning', () => {
    const d = diagnoseWith([at('dead_units', 'critical'), at('deep_plain_network', 'warning')]);
    expect(deadSeverity(d)).toBe('critical');
    expect(d.symptoms.find((s) => s.id === 'deep_plain_network')!.severity).toBe('warning');
  });
});
