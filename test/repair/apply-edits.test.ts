import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { resolveEdit } from '../../src/reason/index.js';
import { applyEdits, type Edit } from '../../src/repair/index.js';
import { parseTemplate, type TrainingTemplate } from '../../src/train/index.js';

const seed = await loadSeed([join(import.meta.dirname, '../../graph-seed')]);

/** A deep sigmoid MLP as `traindx train` resolves it: explicit, named layers. */
const deepSigmoid = (): TrainingTemplate =>
  parseTemplate(
    {
      name: 'deep',
      data: { generate: 'moons' },
      model: {
        layers: [
          { name: 'dense_0', type: 'dense', units: 16, activation: 'sigmoid' },
          { name: 'dense_1', type: 'dense', units: 16, activation: 'sigmoid' },
          { name: 'dense_2', type: 'dense', units: 16 },
          { name: 'leaky_relu_0', type: 'leakyReLU' },
          { name: 'dense_3', type: 'dense', units: 2, activation: 'softmax' },
        ],
      },
      optimizer: { name: 'sgd', learningRate: 5 },
      loss: 'categoricalCrossentropy',
      epochs: 10,
    },
    'deep',
  );

const layersOf = (t: TrainingTemplate) => t.model.layers!.map((l) => `${l.name}:${l.type}`);
const apply = (edits: Edit[], t = deepSigmoid()) => applyEdits(t, edits);
const refusal = (edits: Edit[]) => {
  const r = apply(edits);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.reason;
};

describe('applying edits to a template', () => {
  it('inserts a layer after the one named, with a fresh name, once', () => {
    const r = apply([{ op: 'insert', at: 'dense_0', layer: { type: 'batchNormalization' } }]);
    expect(r.ok && layersOf(r.template).slice(0, 3)).toEqual([
      'dense_0:dense',
      'batch_normalization_0:batchNormalization',
      'dense_1:dense',
    ]);
    expect(r.ok && r.changes).toEqual(['insert batchNormalization after dense_0']);
    // The same edit again changes nothing, so as a remedy it is inapplicable.
    const again = r.ok
      ? applyEdits(r.template, [{ op: 'insert', at: 'dense_0', layer: { type: 'batchNormalization' } }])
      : r;
    expect(again).toEqual({ ok: false, reason: 'the edits change nothing in this template' });
  });

  it('inserts dropout with the rate the edit gives, and refuses a layer a template cannot hold', () => {
    const r = apply([{ op: 'insert', at: 'dense_1', layer: { type: 'dropout', rate: 0.25 } }]);
    expect(r.ok && r.template.model.layers![2]).toEqual({ name: 'dropout_0', type: 'dropout', rate: 0.25 });
    expect(refusal([{ op: 'insert', at: 'dense_1', layer: { type: 'lstm', units: 4 } }])).toBe(
      'a lstm layer cannot be expressed in a template',
    );
    expect(refusal([{ op: 'insert', at: 'dense_1', layer: { type: 'dropout', rate: 2 } }])).toMatch(
      /the new dropout layer: rate: expected a rate in \[0, 1\)/,
    );
  });

  it('replaces an activation, and refuses an edit made for another activation', () => {
    const r = apply([{ op: 'replace', at: 'dense_0', field: 'activation', from: 'sigmoid', value: 'selu' }]);
    expect(r.ok && r.template.model.layers![0]).toMatchObject({ name: 'dense_0', activation: 'selu' });
    expect(r.ok && r.changes).toEqual(['dense_0 activation sigmoid → selu']);
    expect(
      refusal([{ op: 'replace', at: 'dense_0', field: 'activation', from: 'tanh', value: 'relu' }]),
    ).toBe('dense_0 has activation sigmoid, not tanh as the edit expects');
  });

  it('turns leaky ReLU, a layer in tfjs, into a linear layer followed by a LeakyReLU layer', () => {
    const r = apply([{ op: 'replace', at: 'dense_1', field: 'activation', value: 'leakyReLU' }]);
    expect(r.ok && layersOf(r.template).slice(1, 3)).toEqual(['dense_1:dense', 'leaky_relu_1:leakyReLU']);
    expect(r.ok && r.template.model.layers![1]).toMatchObject({ activation: 'linear' });
    // An activation layer is replaced in place.
    const back = apply([
      { op: 'replace', at: 'leaky_relu_0', field: 'activation', from: 'leakyReLU', value: 'relu' },
    ]);
    expect(back.ok && back.template.model.layers![3]).toEqual({
      name: 'activation_0',
      type: 'activation',
      activation: 'relu',
    });
  });

  it('removes a layer with its own activation layer, never the output', () => {
    const r = apply([{ op: 'remove', at: 'dense_2' }]);
    expect(r.ok && layersOf(r.template)).toEqual(['dense_0:dense', 'dense_1:dense', 'dense_3:dense']);
    expect(refusal([{ op: 'remove', at: 'dense_3' }])).toBe(
      'dense_3 is the output layer; removing it leaves no output',
    );
    expect(refusal([{ op: 'remove', at: 'dense_9' }])).toBe("the model has no layer 'dense_9'");
  });

  it('sets a layer’s field, checked like a template', () => {
    const r = apply([
      { op: 'set', at: 'dense_0', field: 'units', from: 16, value: 32 },
      { op: 'set', at: 'dense_1', field: 'kernelInitializer', value: 'heNormal' },
      { op: 'set', at: 'dense_3', field: 'trainable', value: false },
      { op: 'set', at: 'dense_1', field: 'kernelRegularizer', value: { l2: 0.0001 } },
    ]);
    expect(r.ok && r.template.model.layers![0]).toMatchObject({ units: 32 });
    expect(r.ok && r.template.model.layers![1]).toMatchObject({
      kernelInitializer: 'heNormal',
      kernelRegularizer: { l2: 0.0001 },
    });
    expect(refusal([{ op: 'set', at: 'dense_0', field: 'units', value: 0 }])).toMatch(
      /dense_0\.units: units: expected a positive integer/,
    );
    expect(refusal([{ op: 'set', at: 'dense_3', field: 'biasInitializer', value: 'constant' }])).toMatch(
      /constant needs a value/,
    );
    expect(refusal([{ op: 'set', at: 'dense_0', field: 'poolSize', value: 2 }])).toMatch(
      /dense_0\.poolSize cannot be set/,
    );
  });

  it('sets optimizer and training settings, mapping the graph’s names onto the template’s', () => {
    const r = apply([
      { op: 'set', at: 'optimizer', field: 'name', from: 'sgd', value: 'adam' },
      { op: 'set', at: 'optimizer', field: 'learningRate', from: 5, value: 0.001 },
      { op: 'set', at: 'optimizer', field: 'clipNorm', value: 1 },
      { op: 'set', at: 'training', field: 'loss', value: 'sigmoidCrossEntropyWithLogits' },
      { op: 'set', at: 'training', field: 'warmupFraction', value: 0.05 },
      { op: 'set', at: 'training', field: 'standardize', value: true },
    ]);
    expect(r.ok && r.template).toMatchObject({
      optimizer: { name: 'adam', learningRate: 0.001, clipNorm: 1 },
      loss: 'binaryCrossentropy',
      fromLogits: true,
      schedule: { warmupFraction: 0.05 },
      preprocessing: { standardize: true },
    });
    expect(refusal([{ op: 'set', at: 'optimizer', field: 'name', value: 'lamb' }])).toBe(
      'optimizer lamb is not one tfjs has',
    );
    expect(refusal([{ op: 'set', at: 'training', field: 'mixedPrecision', value: true }])).toBe(
      "the training setting 'mixedPrecision' cannot be expressed in a template",
    );
  });

  it('applies all edits or none: one it cannot express leaves the template as it was', () => {
    const t = deepSigmoid();
    const before = JSON.stringify(t);
    const r = applyEdits(t, [
      { op: 'set', at: 'optimizer', field: 'learningRate', value: 0.5 },
      { op: 'insert', at: 'nowhere', layer: { type: 'dropout', rate: 0.1 } },
    ]);
    expect(r).toEqual({ ok: false, reason: "the model has no layer 'nowhere'" });
    expect(JSON.stringify(t)).toBe(before);
  });

  it('applies or refuses with a reason every remedy edit of the knowledge graph, resolved against the run', () => {
    const t = deepSigmoid();
    const run: RunEvent = {
      type: 'run',
      formatVersion: 1,
      id: 'deep',
      loss: 'categorical_crossentropy',
      optimizer: { name: 'sgd', learningRate: 5 },
      batchSize: 32,
      epochs: 10,
      dataset: { numClasses: 2 },
      model: {
        layers: t.model.layers!.map((l) => ({
          name: l.name!,
          type: l.type === 'leakyReLU' ? 'LeakyReLU' : 'Dense',
          ...('units' in l ? { units: l.units } : {}),
          ...('activation' in l && l.activation ? { activation: l.activation } : {}),
        })),
      },
    };
    const outcomes = seed.remedies
      .filter((r) => r.edit)
      .map((r) => {
        const edits = resolveEdit(r.edit!, run);
        return { id: r.id, result: edits.length ? applyEdits(t, edits) : undefined };
      });
    for (const { id, result } of outcomes) if (result && !result.ok) expect(result.reason, id).toMatch(/\w/);
    const applied = outcomes.filter((o) => o.result?.ok).map((o) => o.id);
    expect(applied).toEqual(
      expect.arrayContaining([
        'lower_learning_rate',
        'add_batch_normalization',
        'switch_to_relu',
        'add_dropout',
        'switch_to_adam',
      ]),
    );
  });
});
