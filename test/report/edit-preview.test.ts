import { describe, expect, it } from 'vitest';
import type { ConcreteEdit, RunEvent } from '../../src/domain/index.js';
import { previewEdits } from '../../src/report/index.js';

const run: RunEvent = {
  type: 'run',
  formatVersion: 1,
  id: 'r',
  model: {
    layers: [
      { name: 'dense_0', type: 'Dense', activation: 'sigmoid', units: 32 },
      { name: 'dense_1', type: 'Dense', activation: 'sigmoid', units: 32 },
      { name: 'dense_2', type: 'Dense', activation: 'softmax', units: 10 },
    ],
  },
  optimizer: { name: 'sgd', learningRate: 8 },
};
const edit = (e: Omit<ConcreteEdit, 'forCauses'>): ConcreteEdit => ({ forCauses: ['c'], ...e });

describe('structure edits as before/after layer lists', () => {
  it('inserts layers after the named ones, in order, and leaves the rest as they were', () => {
    const [p] = previewEdits(run, [
      edit({ op: 'insert', at: 'dense_0', layer: { type: 'batchNormalization' }, remedy: 'add_bn' }),
      edit({ op: 'insert', at: 'dense_0', layer: { type: 'dropout', rate: 0.25 }, remedy: 'add_bn' }),
    ]);
    expect(p!.rows.map((r) => [r.mark, r.before, r.after])).toEqual([
      ['same', 'dense_0 · Dense · 32 units · sigmoid', 'dense_0 · Dense · 32 units · sigmoid'],
      ['insert', undefined, '(new) · batchNormalization'],
      ['insert', undefined, '(new) · dropout · rate 0.25'],
      ['same', 'dense_1 · Dense · 32 units · sigmoid', 'dense_1 · Dense · 32 units · sigmoid'],
      ['same', 'dense_2 · Dense · 10 units · softmax', 'dense_2 · Dense · 10 units · softmax'],
    ]);
  });

  it('shows replaced activations, changed fields and removed layers, each with what changed', () => {
    const [p] = previewEdits(run, [
      edit({
        op: 'replace',
        at: 'dense_0',
        field: 'activation',
        from: 'sigmoid',
        value: 'relu',
        remedy: 'r',
      }),
      edit({ op: 'set', at: 'dense_1', field: 'kernelInitializer', value: 'heNormal', remedy: 'r' }),
      edit({ op: 'remove', at: 'dense_1', remedy: 'r' }),
    ]);
    expect(p!.rows[0]).toEqual({
      mark: 'change',
      before: 'dense_0 · Dense · 32 units · sigmoid',
      after: 'dense_0 · Dense · 32 units · relu',
      note: 'activation: sigmoid → relu',
    });
    expect(p!.rows[1]).toMatchObject({ mark: 'remove', before: 'dense_1 · Dense · 32 units · sigmoid' });
    expect(p!.rows[1]!.after).toBeUndefined();
    expect(p!.rows[1]!.note).toBe('kernelInitializer: (unset) → heNormal; removed');
  });

  it('lists optimizer and training settings apart, and keeps the remedies apart', () => {
    const previews = previewEdits(run, [
      edit({
        op: 'set',
        at: 'optimizer',
        field: 'learningRate',
        from: 8,
        value: 0.8,
        remedy: 'lower_learning_rate',
      }),
      edit({
        op: 'replace',
        at: 'dense_1',
        field: 'activation',
        from: 'sigmoid',
        value: 'relu',
        remedy: 'switch_to_relu',
      }),
    ]);
    expect(previews.map((p) => p.remedy)).toEqual(['lower_learning_rate', 'switch_to_relu']);
    expect(previews[0]!.settings).toEqual([
      { target: 'optimizer', field: 'learningRate', from: '8', to: '0.8' },
    ]);
    expect(previews[0]!.rows.every((r) => r.mark === 'same')).toBe(true);
    expect(previews[1]!.rows.filter((r) => r.mark === 'change')).toHaveLength(1);
  });
});
