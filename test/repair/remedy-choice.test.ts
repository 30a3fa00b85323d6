import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/detect/index.js';
import type { RunEvent } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { initTfjsBackend, type Tf } from '../../src/monitor/index.js';
import { editForOptimizer } from '../../src/reason/index.js';
import { allCandidates, type RemedyCandidate } from '../../src/repair/index.js';
import { orderByStaticChecks, staticFailures } from '../../src/repair/static-preflight.js';
import {
  type PreparedData,
  parseTemplate,
  prepareData,
  type TrainingTemplate,
} from '../../src/train/index.js';

const SEED = join(import.meta.dirname, '../../graph-seed');
const knowledge = await loadSeed([SEED]);
const profile = (await loadProfile('small-tabular', join(SEED, 'profiles'))).values;

/** Three blobs, one hidden layer of 16 units, as `traindx train` resolves it. */
const blobs = (optimizer: { name: string; learningRate: number }): TrainingTemplate =>
  parseTemplate(
    {
      name: 'blobs',
      seed: 4,
      data: { generate: 'blobs', samples: 60, features: 4, classes: 3 },
      preprocessing: { standardize: true },
      model: {
        layers: [
          { name: 'dense_0', type: 'dense', units: 16, activation: 'relu' },
          { name: 'dense_1', type: 'dense', units: 3, activation: 'softmax' },
        ],
      },
      optimizer,
      loss: 'categoricalCrossentropy',
      epochs: 20,
    },
    'blobs',
  );

/** The run event a template's run writes, as far as the edits read it. */
const runOf = (t: TrainingTemplate): RunEvent => ({
  type: 'run',
  formatVersion: 1,
  id: 'blobs',
  task: 'classification',
  loss: 'categorical_crossentropy',
  optimizer: { name: t.optimizer.name, learningRate: t.optimizer.learningRate },
  batchSize: t.batchSize,
  epochs: t.epochs,
  dataset: { numClasses: 3 },
  model: {
    layers: [
      { name: 'dense_0', type: 'Dense', units: 16, activation: 'relu' },
      { name: 'dense_1', type: 'Dense', units: 3, activation: 'softmax' },
    ],
  },
});

const candidatesFor = (t: TrainingTemplate) =>
  allCandidates(knowledge, runOf(t), t, { exclude: new Set(), seen: new Set() }).candidates;
const changesOf = (cs: RemedyCandidate[], id: string) => cs.find((c) => c.remedyId === id)?.changes;

describe("a remedy's edits as the graph gives them", () => {
  it("resets the learning rate to each optimizer's own documented default", () => {
    expect(
      changesOf(candidatesFor(blobs({ name: 'sgd', learningRate: 30 })), 'use_default_learning_rate'),
    ).toEqual(['optimizer.learningRate 30 → 0.01']);
    expect(
      changesOf(candidatesFor(blobs({ name: 'adam', learningRate: 2 })), 'use_default_learning_rate'),
    ).toEqual(['optimizer.learningRate 2 → 0.001']);
  });

  it('takes the value of the optimizer an edit switches to, and the plain value for one the table does not name', () => {
    const edit = {
      op: 'set_optimizer',
      optimizer: 'adam',
      param: 'learningRate',
      value: 0.1,
      byOptimizer: { adam: 0.001 },
    };
    expect(editForOptimizer(edit, 'sgd')).toMatchObject({ value: 0.001 });
    expect(editForOptimizer({ ...edit, optimizer: 'lamb' }, 'sgd')).toMatchObject({ value: 0.1 });
    expect(editForOptimizer({ op: 'set_hyperparameter', value: 3 }, 'sgd')).toEqual({
      op: 'set_hyperparameter',
      value: 3,
    });
  });

  it('applies a regulariser together with early stopping that keeps the best epoch', () => {
    const cs = candidatesFor(blobs({ name: 'adam', learningRate: 0.01 }));
    expect(changesOf(cs, 'add_dropout')).toEqual([
      'insert dropout (rate 0.25) after dense_0',
      'schedule.earlyStoppingPatience (unset) → 5',
    ]);
    expect(changesOf(cs, 'l2_weight_decay')).toContain('schedule.earlyStoppingPatience (unset) → 5');
    expect(changesOf(cs, 'early_stopping')).toEqual(['schedule.earlyStoppingPatience (unset) → 5']);
  });
});

describe('trying first what the static checks would no longer flag', () => {
  let tf: Tf;
  let data: PreparedData;
  const out = mkdtempSync(join(tmpdir(), 'traindx-preflight-'));

  beforeAll(async () => {
    ({ tf } = await initTfjsBackend());
    data = await prepareData(blobs({ name: 'adam', learningRate: 2 }), out);
  });

  const order = (t: TrainingTemplate, ids: string[]) => {
    const cs = candidatesFor(t);
    const ranked = ids.map((id) => cs.find((c) => c.remedyId === id)!);
    const base = { event: runOf(t), template: t, data };
    return orderByStaticChecks(ranked, (c) => staticFailures(tf, base, c, profile, knowledge));
  };

  it('names learning_rate_above_range for Adam at 0.2 before it trains, and nothing at 0.001', () => {
    const t = blobs({ name: 'adam', learningRate: 2 });
    const base = { event: runOf(t), template: t, data };
    const check = (lr: number) =>
      staticFailures(tf, base, { ...t, optimizer: { ...t.optimizer, learningRate: lr } }, profile, knowledge);
    const tensors = tf.memory().numTensors;
    expect([...check(0.2)!]).toEqual(['learning_rate_above_range']);
    expect([...check(0.001)!]).toEqual([]);
    // The models it builds to describe are freed again.
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('defers dividing by 10 when the rate is more than 10× above its range, and says why', () => {
    const { candidates, deferred } = order(blobs({ name: 'adam', learningRate: 2 }), [
      'lower_learning_rate',
      'use_default_learning_rate',
    ]);
    expect(candidates.map((c) => c.remedyId)).toEqual(['use_default_learning_rate', 'lower_learning_rate']);
    expect(deferred).toEqual([
      {
        remedyId: 'lower_learning_rate',
        reason: 'its template would still show learning_rate_above_range before training',
      },
    ]);
  });

  it('keeps the ranking when dividing by 10 reaches the range', () => {
    const { candidates, deferred } = order(blobs({ name: 'adam', learningRate: 0.05 }), [
      'lower_learning_rate',
      'use_default_learning_rate',
    ]);
    expect(candidates.map((c) => c.remedyId)).toEqual(['lower_learning_rate', 'use_default_learning_rate']);
    expect(deferred).toEqual([]);
  });
});
