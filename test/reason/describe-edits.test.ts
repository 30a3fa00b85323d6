import { describe, expect, it } from 'vitest';
import type { ConcreteEdit } from '../../src/domain/index.js';
import { describeEdits } from '../../src/reason/index.js';

const edit = (e: Omit<ConcreteEdit, 'remedy' | 'forCauses'>): ConcreteEdit => ({
  ...e,
  remedy: 'r',
  forCauses: ['c'],
});

describe('describeEdits', () => {
  it('says a setting with its old and new value', () => {
    expect(
      describeEdits([
        edit({ op: 'set', at: 'optimizer', field: 'name', from: 'sgd', value: 'adam' }),
        edit({ op: 'set', at: 'optimizer', field: 'learningRate', from: 3, value: 0.001 }),
        edit({ op: 'set', at: 'training', field: 'warmupFraction', value: 0.05 }),
      ]),
    ).toBe('optimizer.name sgd → adam; optimizer.learningRate 3 → 0.001; training.warmupFraction 0.05');
  });

  it('says the same change at several layers once, naming the first three', () => {
    const at = ['d0', 'd1', 'd2', 'd3'];
    expect(
      describeEdits(
        at.map((a) => edit({ op: 'replace', at: a, field: 'activation', from: 'sigmoid', value: 'relu' })),
      ),
    ).toBe('activation sigmoid → relu at d0, d1, d2, …');
    expect(
      describeEdits(
        at.slice(0, 2).map((a) => edit({ op: 'insert', at: a, layer: { type: 'dropout', rate: 0.2 } })),
      ),
    ).toBe('insert dropout {"rate":0.2} after d0, d1');
    expect(
      describeEdits([
        edit({ op: 'set', at: 'd0', field: 'kernelInitializer', from: 'zeros', value: 'heNormal' }),
        edit({ op: 'set', at: 'd1', field: 'kernelInitializer', from: 'zeros', value: 'heNormal' }),
        edit({ op: 'remove', at: 'd2' }),
      ]),
    ).toBe('kernelInitializer zeros → heNormal at d0, d1; remove d2');
  });

  it('is empty for a remedy without edits', () => {
    expect(describeEdits([])).toBe('');
  });
});
