import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { recommendRemedies } from '../../src/reason/index.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);

const softmaxRun = (optimizer: RunEvent['optimizer']): RunEvent => ({
  type: 'run',
  formatVersion: 1,
  id: 'r',
  loss: 'categoricalCrossentropy',
  optimizer,
  dataset: { numClasses: 10 },
  model: {
    layers: [
      { name: 'dense_1', type: 'Dense', activation: 'relu', units: 64, trainable: true },
      { name: 'out', type: 'Dense', activation: 'softmax', units: 10, trainable: true },
    ],
  },
});

describe('advice that fits the run', () => {
  it('puts a fix of the top cause first, even when a remedy shared by lesser causes scores higher', () => {
    // Batch normalisation fixes every one of these a little; only the rate fixes the top cause.
    const causes = [
      { id: 'learning_rate_too_high', confidence: 0.9 },
      { id: 'poor_weight_initialization', confidence: 0.6 },
      { id: 'missing_normalization', confidence: 0.6 },
      { id: 'saturating_activation', confidence: 0.6 },
      { id: 'dying_relu', confidence: 0.6 },
    ];
    const remedies = recommendRemedies(causes, seed, softmaxRun({ name: 'sgd', learningRate: 3 }));
    expect(remedies[0]!.forCauses).toContain('learning_rate_too_high');
  });

  it('does not open with "unfreeze layers" when nothing is frozen', () => {
    const causes = [{ id: 'weights_not_updating', confidence: 0.8 }];
    const remedies = recommendRemedies(causes, seed, softmaxRun({ name: 'adam', learningRate: 0 }));
    const unfreeze = remedies.findIndex((r) => r.id === 'unfreeze_layers');
    expect(unfreeze).toBeGreaterThan(0);
    expect(remedies[0]!.id).not.toBe('unfreeze_layers');
    for (const r of remedies.slice(0, unfreeze)) expect(r.id).not.toBe('unfreeze_layers');
  });

  it('offers the softmax form of the fused loss to a 10-class softmax model, never the sigmoid one', () => {
    const causes = [{ id: 'numerical_instability', confidence: 0.8 }];
    const remedies = recommendRemedies(causes, seed, softmaxRun({ name: 'adam', learningRate: 1e-3 }));
    const edits = remedies.flatMap((r) => r.edits).filter((e) => e.field === 'loss');
    expect(edits.length).toBeGreaterThan(0);
    for (const e of edits) expect(String(e.value)).not.toMatch(/sigmoid|binary/i);
  });
});
