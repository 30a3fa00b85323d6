import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConcreteEdit } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { fillSnippets, genericSnippets } from '../../src/reason/index.js';

const loadKnowledge = () => loadSeed([join(import.meta.dirname, '../../graph-seed')]);

const set = (field: string, value: unknown, from?: unknown): ConcreteEdit => ({
  op: 'set',
  at: 'optimizer',
  field,
  value,
  ...(from === undefined ? {} : { from }),
  remedy: 'r',
  forCauses: ['c'],
});

describe('fillSnippets', () => {
  it('writes the edit’s own values and the run’s optimizer into each framework’s code', async () => {
    const { remedies } = await loadKnowledge();
    const lower = remedies.find((r) => r.id === 'lower_learning_rate')!;
    const filled = fillSnippets(lower.snippets, [set('learningRate', 0.3, 3)], { optimizer: 'sgd' });
    expect(filled.keras).toBe('optimizer = keras.optimizers.SGD(learning_rate=0.3)  # a tenth of 3');
    expect(filled.tfjs).toBe('const optimizer = tf.train.sgd(0.3);  // a tenth of 3');
    expect(filled.pytorch).toBe('for g in optimizer.param_groups: g["lr"] = 0.3  # a tenth of 3');
  });

  it('names the optimizer an edit switches to, and keeps the run’s learning rate where no edit changes it', async () => {
    const { remedies } = await loadKnowledge();
    const clip = remedies.find((r) => r.id === 'gradient_clipping')!;
    const filled = fillSnippets(clip.snippets, [set('clipNorm', 1)], {
      optimizer: 'torch.optim.AdamW',
      learningRate: 3,
    });
    expect(filled.keras).toBe('optimizer = keras.optimizers.AdamW(learning_rate=3, clipnorm=1)');
    const adam = remedies.find((r) => r.id === 'switch_to_adam')!;
    const switched = fillSnippets(
      adam.snippets,
      [set('name', 'adam', 'sgd'), set('learningRate', 0.001, 3)],
      {
        optimizer: 'sgd',
        learningRate: 3,
      },
    );
    expect(switched.pytorch).toBe('optimizer = torch.optim.Adam(model.parameters(), lr=0.001)');
  });

  it('reads as a generic example without a run, and no snippet of the knowledge keeps a placeholder', async () => {
    const { remedies } = await loadKnowledge();
    const lower = remedies.find((r) => r.id === 'lower_learning_rate')!;
    expect(genericSnippets(lower.snippets).keras).toBe(
      'optimizer = keras.optimizers.Adam(learning_rate=1e-4)  # a tenth of 1e-3',
    );
    for (const r of remedies)
      for (const code of Object.values(genericSnippets(r.snippets)))
        expect(code, r.id).not.toMatch(/\{\{[A-Za-z0-9_.]+(\|[^}]*)?\}\}/);
  });
});
