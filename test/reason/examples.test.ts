import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

// The five hand-written traces of examples/traces (written by write.py): each names its fault's cause first.
const DIR = join(import.meta.dirname, '../../examples/traces');

describe('the hand-written example traces', () => {
  const cases: [string, string][] = [
    ['lr-too-high', 'learning_rate_too_high'],
    ['deep-sigmoid', 'saturating_activation'],
    ['overfitting', 'insufficient_regularization'],
    ['dead-relu', 'dying_relu'],
  ];
  for (const [file, cause] of cases) {
    it(`${file}: ${cause} first, at or above 0.5, explained with the run's numbers`, async () => {
      const d = (await diagnosePath(join(DIR, `${file}.jsonl`)))[0]!;
      expect(d.healthy).toBe(false);
      expect(d.causes[0]!.id).toBe(cause);
      expect(d.causes[0]!.confidence).toBeGreaterThanOrEqual(0.5);
      expect(d.causes[0]!.explanation).toContain(d.causes[0]!.paths[0]!.occurrence.evidence[0]!);
      expect(d.remedies[0]!.forCauses).toContain(cause);
    });
  }

  it('healthy: no symptom, no cause, and it says so', async () => {
    const d = (await diagnosePath(join(DIR, 'healthy.jsonl')))[0]!;
    expect(d).toMatchObject({ healthy: true, symptoms: [], causes: [], structureEdits: [] });
    expect(d.summary).toMatch(/^Healthy/);
  });
});
