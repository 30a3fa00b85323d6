import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES, createDetectorSet } from '../../src/detect/index.js';
import type { RunEvent, SymptomOccurrence, ValueStats } from '../../src/domain/index.js';
import {
  balancedDataset,
  eventsOf,
  type Fault,
  healthyConfigs,
  kerasMlp,
  type RunSpec,
  resnetCnn,
  runEvent,
  runFault,
  torchMlp,
} from '../generators/index.js';
import { readSample } from '../support/samples.js';
import { reportsOf, resumedAndWhole } from './first-report.js';
import { detect, ofSymptom, ofSymptoms, profileValues } from './harness.js';

const CONFIG_SYMPTOMS = [
  'output_loss_mismatch',
  'input_scale_anomaly',
  'label_imbalance',
  'input_nan',
  'saturating_hidden_activation',
  'missing_normalization_layers',
  'deep_plain_network',
  'learning_rate_above_range',
  'learning_rate_below_range',
  'zero_learning_rate',
  'frozen_layers',
  'output_units_mismatch',
  'symmetric_initialization',
  'bottleneck_layer',
  'batch_size_below_range',
  'loss_task_mismatch',
  'small_training_set',
];
const configOf = (occ: SymptomOccurrence[]) => ofSymptoms(occ, CONFIG_SYMPTOMS);
/** The config findings of a run event alone (no steps). */
const findings = async (spec: RunSpec | RunEvent) =>
  configOf(await detect(['type' in spec ? spec : runEvent(spec)]));
const ids = (occ: SymptomOccurrence[]) => occ.map((o) => o.symptomId).sort();

describe('the config family on healthy configurations', () => {
  it.each(Object.entries(healthyConfigs()))('reports nothing for %s', async (name, run) => {
    // A frozen backbone is the plan under the fine-tuning profile (under the default one it is advice: see frozen_layers).
    const profile = name.startsWith('fine-tuning') ? 'fine-tuning' : 'default';
    expect(configOf(await detect([run], profile))).toEqual([]);
  });

  it('reports every finding once, at step 0', async () => {
    const occ = await findings({
      optimizer: { name: 'sgd', learningRate: 5 },
      dataset: { ...balancedDataset(10), inputStats: { mean: 120, std: 80, min: 0, max: 255 } },
    });
    expect(ids(occ)).toEqual(['input_scale_anomaly', 'learning_rate_above_range']);
    for (const o of occ) expect([o.firstStep, o.lastStep]).toEqual([0, 0]);
  });
});

describe('the config family on sparse run events', () => {
  it('reports nothing for a run event with only its id, or steps without a learning rate', async () => {
    const bare: RunEvent = { type: 'run', formatVersion: 1, id: 'bare' };
    expect(configOf(await detect([bare, { type: 'step', step: 0, loss: 1 }]))).toEqual([]);
  });
});

describe('the config family on the samples', () => {
  it.each([
    ['keras-healthy-digits-mlp128', []],
    ['pytorch-healthy-blobs-tanh', []],
    ['keras-sgd-lr3-wine', ['learning_rate_above_range']],
    ['pytorch-deep-sigmoid-digits', ['missing_normalization_layers', 'saturating_hidden_activation']],
  ])('reports %s as %j', async (name, expected) => {
    expect(ids(configOf(await detect(await readSample(name))))).toEqual(expected);
  });
});

describe('output_loss_mismatch', () => {
  const mismatch = async (spec: RunSpec) => ofSymptom(await findings(spec), 'output_loss_mismatch');

  it.each<[string, RunSpec, RegExp]>([
    [
      'softmax with binary cross-entropy over 10 classes',
      { loss: 'binary_crossentropy' },
      /softmax over 10 units with binary loss binary_crossentropy \(10 classes\)/,
    ],
    [
      'sigmoid with categorical cross-entropy over 10 classes',
      { layers: kerasMlp(10, [64], 'relu', 'sigmoid'), loss: 'categorical_crossentropy' },
      /activation sigmoid, not a probability distribution/,
    ],
    [
      'a linear output into sparse categorical cross-entropy without fromLogits',
      { layers: kerasMlp(10, [64], 'relu', 'linear') },
      /activation linear, not a probability distribution, but loss sparse_categorical_crossentropy expects probabilities \(fromLogits not given, keras default false\)/,
    ],
    [
      'a relu output into categorical cross-entropy',
      { layers: kerasMlp(10, [64], 'relu', 'relu'), fromLogits: false },
      /activation relu.*\(fromLogits false\)/,
    ],
    [
      'softmax with fromLogits true (double softmax)',
      { fromLogits: true },
      /applies softmax and loss .* applies softmax again \(fromLogits true\): a double softmax/,
    ],
    [
      'a PyTorch Softmax layer before CrossEntropyLoss',
      {
        framework: 'pytorch',
        layers: torchMlp(10, [32], 'relu', 'softmax'),
        loss: 'categorical_crossentropy',
        tags: { lossFn: 'torch.nn.CrossEntropyLoss' },
      },
      /dense_1 \(Dense, 10 units\) applies softmax .*torch\.nn\.CrossEntropyLoss\) applies softmax again \(the loss class takes logits\): a double softmax/,
    ],
    [
      'softmax before NLLLoss',
      { framework: 'pytorch', layers: torchMlp(10, [32], 'relu', 'softmax'), loss: 'nll_loss' },
      /activation softmax, but loss nll_loss expects log-probabilities/,
    ],
    [
      'sigmoid before BCEWithLogitsLoss',
      {
        framework: 'pytorch',
        task: 'binary-classification',
        layers: torchMlp(1, [16], 'relu', 'sigmoid'),
        loss: 'binary_crossentropy',
        tags: { lossFn: 'torch.nn.BCEWithLogitsLoss' },
        dataset: balancedDataset(2),
      },
      /applies sigmoid and loss .* applies a sigmoid again/,
    ],
    [
      'a tanh output into binary cross-entropy',
      {
        task: 'binary-classification',
        layers: kerasMlp(1, [16], 'relu', 'tanh'),
        loss: 'binary_crossentropy',
        dataset: balancedDataset(2),
      },
      /activation tanh, not a probability/,
    ],
    [
      'softmax outputs for a regression',
      { task: 'regression', layers: kerasMlp(3, [16]), loss: 'mse', dataset: { trainSize: 100 } },
      /softmax outputs, which sum to 1, for the regression loss mse/,
    ],
    [
      'a sigmoid output for labels up to 250',
      {
        task: 'regression',
        layers: kerasMlp(1, [16], 'relu', 'sigmoid'),
        loss: 'mae',
        dataset: { trainSize: 100, labelStats: { mean: 80, std: 40, min: 3, max: 250 } },
      },
      /activation sigmoid with range \[0, 1\], but the labels span \[3, 250\]/,
    ],
  ])('is reported, on the output layer, for %s', async (_, spec, evidence) => {
    const [o] = await mismatch(spec);
    expect(o?.evidence.join(' ')).toMatch(evidence);
    expect(o?.layer).toMatch(/^dense_\d$/);
  });

  it('is critical for a softmax over a single unit and for one unit under categorical cross-entropy', async () => {
    const single = await mismatch({
      task: 'binary-classification',
      layers: kerasMlp(1, [16]),
      loss: 'binary_crossentropy',
      dataset: balancedDataset(2),
    });
    expect(single[0]?.severity).toBe('critical');
    expect(single[0]?.evidence[0]).toMatch(/softmax to a single unit, which outputs 1\.0 for every input/);
    const oneUnit = await mismatch({
      layers: kerasMlp(1, [16], 'relu', 'sigmoid'),
      loss: 'categorical_crossentropy',
      dataset: balancedDataset(2),
    });
    expect(oneUnit[0]?.severity).toBe('critical');
  });

  it('trusts a PyTorch cross-entropy to take logits even when the recorder omits fromLogits', async () => {
    expect(
      await mismatch({ framework: 'pytorch', layers: torchMlp(10), loss: 'categorical_crossentropy' }),
    ).toEqual([]);
  });

  it('says nothing when the output activation is not stated', async () => {
    const layers = kerasMlp(10).map(({ activation: _, ...l }) => l);
    expect(await mismatch({ layers, loss: 'binary_crossentropy' })).toEqual([]);
  });
});

describe('loss_task_mismatch', () => {
  const offTask = async (spec: RunSpec) => ofSymptom(await findings(spec), 'loss_task_mismatch');

  it('is reported for a classifier trained with a regression loss, beside the output/loss mismatch', async () => {
    const spec: RunSpec = { task: 'classification', layers: kerasMlp(10), loss: 'mean_absolute_error' };
    const [o, ...rest] = await offTask(spec);
    expect(rest).toEqual([]);
    expect(o).toMatchObject({ severity: 'warning', layer: 'dense_2' });
    expect(o!.evidence[0]).toMatch(
      /^task classification with 10 classes is trained with the regression loss mean_absolute_error/,
    );
    const [mismatch] = ofSymptom(await findings(spec), 'output_loss_mismatch');
    expect(mismatch!.evidence[0]).toMatch(/has softmax outputs, but the loss is the regression loss/);
  });

  it('is reported for a regression trained with a classification loss', async () => {
    const [o] = await offTask({
      task: 'regression',
      layers: kerasMlp(1, [16], 'relu', 'linear'),
      loss: 'categorical_crossentropy',
      dataset: { trainSize: 100 },
    });
    expect(o!.evidence[0]).toMatch(/^task regression is trained with the classification loss/);
  });

  it('is not reported when loss and task fit', async () => {
    expect(await offTask({ task: 'classification', layers: kerasMlp(10) })).toEqual([]);
    expect(
      await offTask({ task: 'regression', layers: kerasMlp(1, [16], 'relu', 'linear'), loss: 'mse' }),
    ).toEqual([]);
  });
});

describe('output_units_mismatch', () => {
  it('is critical when a softmax head has fewer units than classes', async () => {
    const [o] = ofSymptom(await findings({ layers: kerasMlp(5) }), 'output_units_mismatch');
    expect(o).toMatchObject({ layer: 'dense_2', severity: 'critical' });
    expect(o?.evidence[0]).toMatch(
      /has 5 softmax units but the dataset has 10 classes \(numClasses 10\); expected 10 units, one per class/,
    );
  });

  it('is reported for a binary task with three outputs, and for one sigmoid unit over ten classes', async () => {
    expect(
      ofSymptom(
        await findings({ layers: kerasMlp(3), dataset: balancedDataset(2) }),
        'output_units_mismatch',
      ),
    ).toHaveLength(1);
    const sig = await findings({ layers: kerasMlp(1, [16], 'relu', 'sigmoid'), loss: 'binary_crossentropy' });
    expect(ofSymptom(sig, 'output_units_mismatch')[0]?.evidence[0]).toMatch(
      /has 1 sigmoid units but the dataset has 10 classes/,
    );
  });

  it('accepts 1 sigmoid unit or 2 softmax units for two classes', async () => {
    for (const layers of [kerasMlp(1, [16], 'relu', 'sigmoid'), kerasMlp(2, [16])]) {
      expect(
        await findings({
          layers,
          loss: 'binary_crossentropy',
          dataset: balancedDataset(2),
          task: 'binary-classification',
        }),
      ).toEqual([]);
    }
  });
});

describe('input data findings', () => {
  const withInputs = (inputStats: ValueStats) =>
    findings({ dataset: { ...balancedDataset(10), inputStats } });

  it.each([
    ['raw 0–255 pixels', { mean: 33.3, std: 78.6, min: 0, max: 255 }, /std 78\.6 > 10/],
    [
      'features with std 1e3',
      { mean: 12, std: 1500, min: -4000, max: 9000 },
      /std 1500 > 10; largest \|value\| 9000 > 1000/,
    ],
    [
      'a large offset',
      { mean: 1995, std: 8, min: 1980, max: 2020 },
      /mean 2000, std 8, min 1980, max 2020; \|mean\| 2000 > 3/,
    ],
    [
      'pixels divided by 255 twice',
      { mean: 0.0012, std: 0.0015, min: 0, max: 0.0039 },
      /every \|value\| ≤ 0\.0039/,
    ],
  ])('input_scale_anomaly is reported for %s', async (_, stats, evidence) => {
    const [o] = ofSymptom(await withInputs(stats), 'input_scale_anomaly');
    expect(o?.evidence[0]).toMatch(evidence);
  });

  it.each([
    ['standardised features (wine sample)', { mean: -3.3e-9, std: 1, min: -3.64, max: 3.77 }],
    ['[0,1]-scaled pixels (digits sample)', { mean: 0.305, std: 0.376, min: 0, max: 1 }],
    ['[-1,1]-scaled inputs', { mean: -0.1, std: 0.55, min: -1, max: 1 }],
    ['standardised data with outliers', { mean: 0, std: 1, min: -12, max: 40 }],
  ])('input_scale_anomaly is not reported for %s', async (_, stats) => {
    expect(await withInputs(stats)).toEqual([]);
  });

  it('input_nan is reported, critical, for a NaN count or non-finite input statistics', async () => {
    for (const stats of [
      { mean: 0, std: 1, min: -3, max: 3, nanCount: 12 },
      { mean: Number.NaN, std: 1, min: -3, max: Number.POSITIVE_INFINITY },
    ]) {
      const occ = await withInputs(stats);
      expect(ids(occ)).toEqual(['input_nan']);
      expect(occ[0]?.severity).toBe('critical');
    }
  });

  it('label_imbalance is reported above a 10:1 ratio with the majority share', async () => {
    const [o] = ofSymptom(
      await findings({ dataset: { ...balancedDataset(3), classCounts: [900, 60, 40] }, layers: kerasMlp(3) }),
      'label_imbalance',
    );
    expect(o?.evidence[0]).toMatch(
      /class 0 has 900 examples, class 2 has 40 \(ratio 22\.5, bound 10\); the majority class holds 90% of 1000 labels/,
    );
    const empty = await findings({
      dataset: { ...balancedDataset(2), classCounts: [500, 0] },
      layers: kerasMlp(2),
    });
    expect(ofSymptom(empty, 'label_imbalance')[0]?.evidence[0]).toMatch(/the smallest class is empty/);
    expect(
      await findings({ dataset: { ...balancedDataset(2), classCounts: [600, 61] }, layers: kerasMlp(2) }),
    ).toEqual([]);
  });

  it('label_imbalance judges the counts of one batch with their sampling error', async () => {
    const imbalance = async (dataset: Record<string, unknown>, k: number) =>
      ofSymptom(
        await findings({ dataset: { ...balancedDataset(k), ...dataset }, layers: kerasMlp(k) }),
        'label_imbalance',
      );
    // 32 labels of ten balanced classes: some class is missing by chance, no imbalance shown.
    expect(
      await imbalance({ classCounts: [4, 6, 0, 3, 5, 2, 4, 1, 3, 4], classCountsSampled: true }, 10),
    ).toEqual([]);
    // The same counts as a whole training set of 32: an empty class is an empty class.
    expect(await imbalance({ classCounts: [4, 6, 0, 3, 5, 2, 4, 1, 3, 4], trainSize: 32 }, 10)).toHaveLength(
      1,
    );
    // 31 of 32 in one of four classes: past 10:1 even at the limits of sampling.
    const [skewed] = await imbalance({ classCounts: [31, 0, 1, 0], classCountsSampled: true }, 4);
    expect(skewed?.evidence[0]).toMatch(
      /classCounts \(a sample of 32 labels\).*allowing for sampling the ratio is at least 11\.2/,
    );
    // 29 of 32: too large a share for any four classes within 10:1.
    const [share] = await imbalance({ classCounts: [29, 1, 1, 1], classCountsSampled: true }, 4);
    expect(share?.evidence[0]).toMatch(
      /allowing for sampling its share is at least 78\.\d%, above the 76\.9% any 4 classes within the bound allow/,
    );
    // Fewer labels counted than trainSize is a sample too; a large one keeps a clear ratio.
    const [large] = await imbalance({ classCounts: [3000, 100], trainSize: 50000 }, 2);
    expect(large?.evidence[0]).toMatch(/allowing for sampling the ratio is at least 2\d\./);
    expect(await imbalance({ classCounts: [22, 2], trainSize: 5000 }, 2)).toEqual([]);
  });
});

describe('capacity and initialisation findings', () => {
  it('symmetric_initialization is reported for a zero or constant kernel, not for a constant bias or a random kernel', async () => {
    const zeros = kerasMlp(10, [32, 32]).map((l, i) => (i === 0 ? { ...l, kernelInitializer: 'zeros' } : l));
    const [f] = ofSymptom(await findings({ layers: zeros }), 'symmetric_initialization');
    expect(f?.evidence[0]).toMatch(/1 weighted layer\(s\) \(dense_0\) start with kernelInitializer zeros/);
    const bias = kerasMlp(10, [32, 32]).map((l) => ({
      ...l,
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
    }));
    expect(await findings({ layers: bias })).toEqual([]);
  });

  it('bottleneck_layer is reported for a dense hidden layer narrower than classes − 1, not for conv filters or binary tasks', async () => {
    const narrow = await findings({ layers: kerasMlp(10, [64, 2]) });
    expect(ofSymptom(narrow, 'bottleneck_layer')[0]).toMatchObject({ layer: 'dense_1', severity: 'warning' });
    expect(ofSymptom(narrow, 'bottleneck_layer')[0]!.evidence[0]).toMatch(
      /narrower than 10 classes − 1 = 9 \(dense_1: 2\)/,
    );
    const none = async (layers: Parameters<typeof kerasMlp>) =>
      expect(
        ofSymptom(
          await findings({ layers: kerasMlp(...layers), dataset: balancedDataset(layers[0]) }),
          'bottleneck_layer',
        ),
      ).toEqual([]);
    await none([10, [64, 9]]);
    await none([2, [1], 'relu', 'sigmoid']);
    const conv = [{ name: 'conv', type: 'Conv2D', activation: 'relu', units: 4 }, ...kerasMlp(10, [])];
    expect(ofSymptom(await findings({ layers: conv }), 'bottleneck_layer')).toEqual([]);
  });
});

describe('architecture findings', () => {
  it('saturating_hidden_activation is reported for 4 tanh hidden layers but not for 3 or for LSTM gates', async () => {
    const four = await findings({ layers: kerasMlp(10, [32, 32, 32, 32], 'tanh') });
    expect(ofSymptom(four, 'saturating_hidden_activation')[0]?.evidence[0]).toMatch(
      /4 of 4 hidden weighted layers use tanh \(dense_0, dense_1, dense_2, dense_3\); bound 4/,
    );
    expect(await findings({ layers: kerasMlp(10, [32, 32, 32], 'tanh') })).toEqual([]);
    const lstm = Array.from({ length: 4 }, (_, i) => ({
      name: `lstm_${i}`,
      type: 'LSTM',
      activation: 'tanh',
      units: 32,
    }));
    expect(await findings({ layers: [...lstm, ...kerasMlp(10, [])] })).toEqual([]);
  });

  it('missing_normalization_layers is reported for 8 weighted layers without BatchNorm, not with it or with SELU', async () => {
    const deep = kerasMlp(10, [64, 64, 64, 64, 64, 64, 64]);
    expect(ids(await findings({ layers: deep }))).toEqual(['missing_normalization_layers']);
    const withBn = [...deep.slice(0, 2), { name: 'bn', type: 'BatchNormalization' }, ...deep.slice(2)];
    expect(await findings({ layers: withBn })).toEqual([]);
    expect(await findings({ layers: kerasMlp(10, [64, 64, 64, 64, 64, 64, 64], 'selu') })).toEqual([]);
  });

  it('deep_plain_network is reported for 20 plain weighted layers, not for a residual network', async () => {
    const plain = kerasMlp(10, new Array<number>(19).fill(64));
    const found = await findings({ layers: plain });
    const [o] = ofSymptom(found, 'deep_plain_network');
    // Surer than the missing normalisation beside it: normalisation alone does not undo plain depth (He et al. 2016).
    expect(o!.confidence).toBeGreaterThan(ofSymptom(found, 'missing_normalization_layers')[0]!.confidence);
    expect(o?.evidence[0]).toMatch(
      /20 weighted layers in a plain stack with no Add\/residual layer; bound 20/,
    );
    expect(await findings({ layers: resnetCnn(10, 12) })).toEqual([]);
  });

  it('frozen_layers is reported for a frozen output layer, a fully frozen model and zero trainable params', async () => {
    const headFrozen = kerasMlp(10).map((l) => (l.name === 'dense_2' ? { ...l, trainable: false } : l));
    expect(ofSymptom(await findings({ layers: headFrozen }), 'frozen_layers')[0]).toMatchObject({
      layer: 'dense_2',
      severity: 'warning',
    });
    const allFrozen = kerasMlp(10).map((l) => ({ ...l, trainable: false }));
    expect(ofSymptom(await findings({ layers: allFrozen }), 'frozen_layers')[0]).toMatchObject({
      severity: 'critical',
    });
    const none = await findings({ params: 9000, trainableParams: 0 });
    expect(ofSymptom(none, 'frozen_layers')[0]?.evidence[0]).toBe(
      'model.trainableParams is 0 of 9000 params',
    );
  });

  it('frozen_layers is advice for a frozen body holding most weights under a trainable head, outside the fine-tuning profile', async () => {
    const bodyFrozen = kerasMlp(10, [64, 64]).map((l, i) => (i < 2 ? { ...l, trainable: false } : l));
    const [o] = ofSymptom(await findings({ layers: bodyFrozen }), 'frozen_layers');
    expect(o).toMatchObject({ severity: 'info' });
    expect(o!.layer).toBeUndefined();
    expect(o!.evidence[0]).toMatch(
      /^2 of 3 weighted layers have trainable: false .*% of the weighted params/,
    );
    expect(
      ofSymptom(await detect([runEvent({ layers: bodyFrozen })], 'fine-tuning'), 'frozen_layers'),
    ).toEqual([]);
    // Weights loaded before the first step: the frozen body is the pretrained one it should be.
    const loaded = runEvent({ layers: bodyFrozen });
    const pretrained = { ...loaded, model: { ...loaded.model!, pretrained: true } };
    expect(ofSymptom(await findings(pretrained), 'frozen_layers')).toEqual([]);
    // A frozen first layer holding a small share of the weights is not the setup it speaks of.
    const stemFrozen = kerasMlp(10, [8, 256]).map((l, i) => (i === 0 ? { ...l, trainable: false } : l));
    expect(ofSymptom(await findings({ layers: stemFrozen }), 'frozen_layers')).toEqual([]);
  });
});

describe('small_training_set', () => {
  const sized = (trainSize: number) => runEvent({ dataset: { ...balancedDataset(10), trainSize } });
  it('is reported below 100 training examples, surer below 50, and not from 100 on', async () => {
    const [few] = ofSymptom(await findings(sized(60)), 'small_training_set');
    expect(few).toMatchObject({ severity: 'warning', confidence: 0.7 });
    expect(few!.evidence[0]).toBe('dataset.trainSize is 60, fewer than 100 training examples');
    expect(ofSymptom(await findings(sized(30)), 'small_training_set')[0]!.confidence).toBe(0.85);
    expect(ofSymptom(await findings(sized(100)), 'small_training_set')).toEqual([]);
  });

  it('is not reported under the fine-tuning profile for a few dozen examples (pretrained features)', async () => {
    expect(ofSymptom(await detect([sized(30)], 'fine-tuning'), 'small_training_set')).toEqual([]);
  });
});

describe('learning_rate_above_range and learning_rate_below_range', () => {
  it.each([
    ['sgd', 3, /learningRate 3, above 1/],
    ['adam', 0.1, /learningRate 0\.1, above 0\.01/],
    ['Adam', 1e-7, /learningRate 1\.00e-7, below 1\.00e-6/],
    ['torch.optim.AdamW', 0.05, /above 0\.01/],
    ['RMSprop', 0.5, /above 0\.01/],
    ['sgd', 1e-8, /below 1\.00e-6/],
  ])('is reported for %s at %s', async (name, lr, evidence) => {
    const [o] = ofSymptom(
      await findings({ optimizer: { name, learningRate: lr } }),
      evidence.source.includes('above') ? 'learning_rate_above_range' : 'learning_rate_below_range',
    );
    expect(o?.evidence[0]).toMatch(evidence);
  });

  it.each([
    ['sgd', 0.1],
    ['adam', 3e-4],
    ['adamw', 2e-5],
    ['adadelta', 1],
    ['adagrad', 0.01],
    ['lars', 5],
  ])('is not reported for %s at %s', async (name, lr) => {
    expect(await findings({ optimizer: { name, learningRate: lr } })).toEqual([]);
  });
});

describe('batch_size_below_range', () => {
  it.each([
    [1, /batchSize 1 with learning rate 0\.5, below 4: each step follows the gradient of one example/],
    [2, /batchSize 2 with learning rate 0\.5, below 4: each step follows the gradient of 2 examples/],
    [3, /batchSize 3/],
  ])('is reported, as a risk, for batches of %i', async (batchSize, evidence) => {
    const occ = await findings({ batchSize, optimizer: { name: 'sgd', learningRate: 0.5 } });
    expect(ids(occ)).toEqual(['batch_size_below_range']);
    expect(occ[0]).toMatchObject({ severity: 'warning', firstStep: 0 });
    expect(occ[0]!.evidence[0]).toMatch(evidence);
  });

  it.each([4, 8, 32, 4096])('is not reported for batches of %i', async (batchSize) => {
    expect(await findings({ batchSize })).toEqual([]);
  });

  it('is reported without a learning rate, and not when the run does not say its batch size', async () => {
    const [o] = await findings({ batchSize: 1, optimizer: { name: 'sgd' } });
    expect(o!.evidence[0]).toMatch(/^batchSize 1, below 4/);
    const noBatch = runEvent({});
    delete noBatch.batchSize;
    expect(await findings(noBatch)).toEqual([]);
  });
});

describe('zero_learning_rate', () => {
  const lrAfter = (onset: number, lr: (step: number) => number): Fault => ({
    onset,
    apply(e, ctx) {
      if (e.type === 'step') e.learningRate = lr(ctx.step);
    },
  });

  it('is reported at step 0 when the optimizer is configured with learningRate 0 and the steps do not say otherwise', async () => {
    const [o] = ofSymptom(
      await findings({ optimizer: { name: 'adam', learningRate: 0 } }),
      'zero_learning_rate',
    );
    expect(o).toMatchObject({ firstStep: 0, lastStep: 0, severity: 'critical' });
    expect(o?.evidence[0]).toBe('optimizer adam has learningRate 0');
  });

  it('is reported within 20 steps when every step from 500 on has learningRate 0', async () => {
    for (const seed of [1, 2, 3]) {
      const [r] = await reportsOf(eventsOf({ seed, faults: [lrAfter(500, () => 0)] }), 'zero_learning_rate');
      expect(r?.occurrence.firstStep).toBe(500);
      expect(r!.reportedAt - 500).toBeLessThanOrEqual(19);
      expect(r?.occurrence.lastStep).toBe(999);
      expect(r?.occurrence.evidence[0]).toBe(
        'learningRate is 0 at every step from 500 to 999 (500 steps); bound 20 steps',
      );
    }
  });

  it('is not reported for a warm-up that starts from 0, nor for a decay that reaches 0 on the last step', async () => {
    const warmFromZero = [
      runFault({ optimizer: { name: 'adamw', learningRate: 0 } }),
      lrAfter(0, (s) => (1e-3 * s) / 100),
    ];
    expect(ofSymptom(await detect(eventsOf({ faults: warmFromZero })), 'zero_learning_rate')).toEqual([]);
    const decayToZero = lrAfter(0, (s) => 1e-3 * (1 - s / 999));
    expect(ofSymptom(await detect(eventsOf({ faults: [decayToZero] })), 'zero_learning_rate')).toEqual([]);
  });
});

describe('resuming the config family', () => {
  it('does not emit the run event findings again after a resume, and matches an uninterrupted run', async () => {
    const bad = runFault({
      optimizer: { name: 'sgd', learningRate: 0 },
      model: { layers: kerasMlp(10, [32, 32, 32, 32], 'sigmoid') },
    });
    const events = eventsOf({ faults: [bad] });
    for (const cut of [1, 10, 300]) {
      const { resumed, whole } = await resumedAndWhole(events, cut);
      expect(configOf(resumed)).toEqual(configOf(whole));
    }
    const values = await profileValues();
    const first = createDetectorSet({ run: events[0] as RunEvent, profile: values, families: ALL_FAMILIES });
    expect(ids(configOf(first.takeChanged()))).toEqual(['saturating_hidden_activation']);
    const second = createDetectorSet({
      run: events[0] as RunEvent,
      profile: values,
      families: ALL_FAMILIES,
      saved: first.save(),
    });
    expect(configOf(second.takeChanged())).toEqual([]);
  });
});
