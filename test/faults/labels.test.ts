import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelsFile } from '../../bench/faults/label.js';
import { ALL_VARIANTS } from '../../bench/faults/scenarios/index.js';
import { testVariants } from '../../bench/faults/split.js';
import { LABELS_PATH, storedTraceIds, tracePath } from '../../bench/faults/store.js';
import { CAUSE_IDS, SYMPTOM_IDS } from '../../bench/faults/vocabulary.js';
import { seedDir } from '../../src/config/index.js';
import { loadSeed } from '../../src/knowledge/index.js';

const VOCABULARY = readFileSync(join(import.meta.dirname, '../../docs/spec/vocabulary.md'), 'utf8');
const vocabularyIds = (section: 'Symptoms' | 'Causes') =>
  [
    ...VOCABULARY.split(`## ${section}`)[1]!
      .split('## ')[0]!
      .matchAll(/^\| `([a-z_]+)` \|/gm),
  ].map((m) => m[1]!);

const file = LabelsFile.parse(JSON.parse(readFileSync(LABELS_PATH, 'utf8')));
const faulty = file.labels.filter((l) => l.primaryCause !== 'healthy');
const healthy = file.labels.filter((l) => l.primaryCause === 'healthy');

describe('the fault benchmark labels', () => {
  it('validate against the label schema, one per stored trace, with unique ids', () => {
    const ids = file.labels.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...storedTraceIds()].sort()).toEqual([...ids].sort());
    expect(Object.keys(file.seeds).sort()).toEqual([...ids].sort());
  });

  it('name only vocabulary (or seed) causes and vocabulary symptoms', async () => {
    expect([...CAUSE_IDS]).toEqual(vocabularyIds('Causes'));
    expect([...SYMPTOM_IDS]).toEqual(vocabularyIds('Symptoms'));
    const seedCauses = (await loadSeed([seedDir()])).causes.map((c) => c.id);
    const known = new Set<string>([...vocabularyIds('Causes'), ...seedCauses]);
    for (const l of faulty) expect(known.has(l.primaryCause), `${l.id}: ${l.primaryCause}`).toBe(true);
    for (const l of file.labels) {
      for (const c of l.acceptableCauses) expect(known.has(c), `${l.id}: ${c}`).toBe(true);
      for (const s of l.expectedSymptoms) expect(SYMPTOM_IDS as readonly string[], l.id).toContain(s);
      expect(l.acceptableCauses, l.id).not.toContain(l.primaryCause);
    }
  });

  it('split by variant: every run of a variant in the same split, a third of each cause’s variants held out', () => {
    const splitOf = new Map<string, string>();
    for (const l of file.labels) {
      expect(splitOf.get(l.variantOf) ?? l.split, `${l.id} of ${l.variantOf}`).toBe(l.split);
      splitOf.set(l.variantOf, l.split);
    }
    // The held-out variants are fixed by the variant ids up front, whatever the traces showed.
    const held = testVariants(ALL_VARIANTS);
    for (const [variant, split] of splitOf) expect(split, variant).toBe(held.has(variant) ? 'test' : 'tune');
    const causes = new Set(file.labels.map((l) => l.primaryCause));
    for (const cause of causes) {
      const variants = ALL_VARIANTS.filter((v) => v.cause === cause);
      const test = variants.filter((v) => held.has(v.id)).length;
      expect(test, cause).toBe(variants.length < 2 ? 0 : Math.max(1, Math.round(variants.length / 3)));
    }
  });

  it('meet the issue: at least 50 faulty runs over at least 14 causes in several variants, and 12 healthy runs', () => {
    expect(faulty.length).toBeGreaterThanOrEqual(50);
    const causes = new Set(faulty.map((l) => l.primaryCause));
    expect(causes.size).toBeGreaterThanOrEqual(14);
    for (const cause of causes) {
      const variants = new Set(faulty.filter((l) => l.primaryCause === cause).map((l) => l.variantOf));
      expect(variants.size, cause).toBeGreaterThanOrEqual(3);
    }
    expect(healthy.length).toBeGreaterThanOrEqual(12);
    expect(new Set(healthy.map((l) => l.variantOf)).size).toBeGreaterThanOrEqual(6);
  });

  it('keep the stored traces small (under 8 MB in all)', () => {
    const bytes = file.labels.reduce((n, l) => n + statSync(tracePath(l.id)).size, 0);
    expect(bytes).toBeLessThan(8e6);
  });
});
