import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SymptomOccurrence } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { diagnoseRun, explainCause, scoreCauses } from '../../src/reason/index.js';
import { SAMPLES_DIR } from '../support/samples.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);
const occ = (symptomId: string, confidence: number, layer?: string): SymptomOccurrence => ({
  symptomId,
  firstStep: 10,
  lastStep: 20,
  ...(layer ? { layer } : {}),
  severity: 'warning',
  confidence,
  evidence: [`${symptomId} seen with value 4.2e3 at step 10`],
});

describe('ranking causes', () => {
  it('ranks a cause that several symptoms point at above one that a single symptom suggests', () => {
    const single = scoreCauses([occ('exploding_gradients', 0.9)], seed);
    const several = scoreCauses(
      [occ('exploding_gradients', 0.9), occ('loss_divergence', 0.9), occ('loss_nan', 0.9)],
      seed,
    );
    const lrSingle = single.find((c) => c.id === 'learning_rate_too_high')!.confidence;
    const lrSeveral = several.find((c) => c.id === 'learning_rate_too_high')!.confidence;
    expect(lrSeveral).toBeGreaterThan(lrSingle);
    expect(several[0]!.id).toBe('learning_rate_too_high');
  });

  it('explains each cause with the path from the symptoms and the run’s own numbers', () => {
    const top = explainCause(scoreCauses([occ('dead_units', 0.9, 'dense_1')], seed)[0]!, seed);
    expect(top.path[0]).toMatchObject({ from: 'dead_units', rel: 'SUGGESTS', to: top!.id });
    expect(top.explanation).toContain('4.2e3');
    expect(top.explanation).toContain('dense_1');
  });

  it('names no cause without a symptom behind it', () => {
    expect(scoreCauses([], seed)).toEqual([]);
  });
});

describe('diagnosing the recorded samples', () => {
  it('blames the learning rate for the SGD lr=3 wine run and recommends lowering it first', async () => {
    const d = (await diagnosePath(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl')))[0]!;
    expect(d.causes[0]!.id).toBe('learning_rate_too_high');
    expect(d.remedies[0]!.forCauses).toContain('learning_rate_too_high');
    expect(d.remedies.map((r) => r.id)).toContain('lower_learning_rate');
  });

  it('blames the deep stack of sigmoids for the flat deep-sigmoid run and proposes concrete edits', async () => {
    const d = (await diagnosePath(join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl')))[0]!;
    expect(d.causes.slice(0, 2).map((c) => c.id)).toContain('saturating_activation');
    expect(d.structureEdits.length).toBeGreaterThan(0);
    // Concrete edits against the run's own layers: e.g. insert batch normalisation after dense_0.
    expect(d.structureEdits.some((e) => e.op === 'insert' && e.at === 'dense_0')).toBe(true);
    expect(d.structureEdits.every((e) => ['insert', 'replace', 'remove', 'set'].includes(e.op))).toBe(true);
  });

  it('finds nothing to blame in the healthy samples', async () => {
    for (const name of ['keras-healthy-digits-mlp128', 'pytorch-healthy-blobs-tanh']) {
      const d = (await diagnosePath(join(SAMPLES_DIR, `${name}.jsonl`)))[0]!;
      expect(d.symptoms).toEqual([]);
      expect(d.causes).toEqual([]);
    }
  });

  it('keeps causes sorted by confidence and remedies tied to listed causes', async () => {
    const d = (await diagnosePath(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl')))[0]!;
    const conf = d.causes.map((c) => c.confidence);
    expect([...conf].sort((a, b) => b - a)).toEqual(conf);
    const causeIds = new Set(d.causes.map((c) => c.id));
    for (const r of d.remedies) for (const c of r.forCauses) expect(causeIds.has(c)).toBe(true);
  });

  it('is a pure function of its input: the same answer twice, and the input untouched', () => {
    const input = {
      run: { type: 'run' as const, formatVersion: 1 as const, id: 'x' },
      progress: { eventCount: 3 },
      occurrences: [occ('loss_nan', 1)],
      missingSignals: [],
      knowledge: seed,
    };
    const before = structuredClone(input);
    const first = diagnoseRun(input);
    expect(diagnoseRun(input)).toEqual(first);
    expect(input).toEqual(before);
    // And that answer is the one a NaN loss calls for, stated apart from the code under test:
    expect(first).toMatchObject({
      runId: 'x',
      healthy: false,
      symptoms: [{ id: 'loss_nan', confidence: 1, firstStep: 10, lastStep: 20 }],
    });
    // The seed's SUGGESTS weight of loss_nan -> learning_rate_too_high (0.8) times the occurrence's confidence (1).
    expect(first.causes[0]).toMatchObject({ id: 'learning_rate_too_high', confidence: 0.8 });
    expect(first.remedies[0]!.id).toBe('lower_learning_rate');
  });
});

describe('advice-level findings', () => {
  it('count half as much as an observed failure', () => {
    const info = { ...occ('missing_normalization_layers', 0.6), severity: 'info' as const };
    const warn = { ...info, severity: 'warning' as const };
    const [fromInfo] = scoreCauses([info], seed);
    const [fromWarn] = scoreCauses([warn], seed);
    expect(fromInfo!.confidence).toBeCloseTo(fromWarn!.confidence / 2, 3);
  });
});
