/**
 * The faulty templates of bench:repair: the teaching set (37 scenarios on
 * five healthy bases) and a held-out set of the same fault kinds on other
 * data, other widths and another seed.
 *
 * The held-out set was fixed before any tuning of the learning from outcomes
 * (issue 19), by one rule and no choice per scenario: every teaching scenario
 * has one twin with the same fault injected the same way (the same optimizer
 * and rate, the same bias initialiser, the same input scale and offset, the
 * same wrong head or loss, the same frozen layers, the same kind of tiny
 * data, the same two-unit layer), on a held-out base that generates the same
 * kind of data with other parameters (more samples, more noise, more features
 * and classes where the generator has them) and other hidden widths, trained
 * on seed 6 (the teaching pass trains on seed 2, learning off/on on seed 4).
 * Nothing in it was picked for how the ranking or the learning fares on it.
 */

import { parseTemplate, type TemplateInput } from '../src/train/index.js';

const common = {
  preprocessing: { standardize: true },
  loss: 'categoricalCrossentropy',
  epochs: 20,
  batchSize: 32,
} as const;
/** The healthy bases of the teaching set (trained on seeds 2 and 4). */
export const BASES: Record<BaseName, TemplateInput> = {
  blobs: {
    ...common,
    data: { generate: 'blobs', samples: 400, features: 4, classes: 3, noise: 2 },
    model: { preset: 'mlp', hidden: [16] },
    optimizer: { name: 'adam', learningRate: 0.01 },
  },
  moons: {
    ...common,
    data: { generate: 'moons', samples: 400, noise: 0.2 },
    model: { preset: 'mlp', hidden: [32, 32] },
    optimizer: { name: 'adam', learningRate: 0.005 },
  },
  circles: {
    ...common,
    data: { generate: 'circles', samples: 400, noise: 0.08 },
    model: { preset: 'mlp', hidden: [32, 32] },
    optimizer: { name: 'adam', learningRate: 0.01 },
  },
  regression: {
    ...common,
    loss: 'meanSquaredError',
    data: { generate: 'regression', samples: 400, features: 4, noise: 0.1 },
    model: { preset: 'mlp', hidden: [16, 16] },
    optimizer: { name: 'adam', learningRate: 0.01 },
  },
  digits: {
    ...common,
    preprocessing: { scaleToUnit: true },
    epochs: 8,
    data: { generate: 'digits8x8', samples: 1000, noise: 0.3 },
    model: { preset: 'mlp', hidden: [64] },
    optimizer: { name: 'adam', learningRate: 0.005 },
  },
};

type Mutable = Record<string, any>;
type Patch = (t: Mutable) => void;
const opt =
  (name: string, learningRate: number, more: object = {}): Patch =>
  (t) => {
    t.optimizer = { name, learningRate, ...more };
  };
const model =
  (m: object): Patch =>
  (t) => {
    t.model = m;
  };
const both =
  (...patches: Patch[]): Patch =>
  (t) => {
    for (const p of patches) p(t);
  };
const unscaled =
  (scale: number, offset = 0): Patch =>
  (t) => {
    t.preprocessing = { standardize: false };
    Object.assign(t.data, { scale, offset });
  };
const tiny =
  (data: object, epochs: number): Patch =>
  (t) => {
    Object.assign(t, { data, epochs, validationSplit: 0.3 });
  };
const dense = (units: number, more: object = {}) => ({ type: 'dense', units, activation: 'relu', ...more });
const deep = (depth: number) => ({ preset: 'deep-mlp', depth, units: 16, activation: 'sigmoid' });
const deadRelu = model({ preset: 'mlp', hidden: [16, 16], biasInitializer: 'constant(-3)' });

export type BaseName = 'blobs' | 'moons' | 'circles' | 'regression' | 'digits';

export interface Scenario {
  id: string;
  fault: string;
  base: BaseName;
  patch: Patch;
}

/** The teaching set: 37 faulty templates, the scenarios every pass but the held-out ones repair. */
export const SCENARIOS: Scenario[] = [
  { id: 'lr-sgd-blobs', fault: 'learning rate too high', base: 'blobs', patch: opt('sgd', 30) },
  { id: 'lr-sgd-moons', fault: 'learning rate too high', base: 'moons', patch: opt('sgd', 3) },
  {
    id: 'lr-momentum-circles',
    fault: 'learning rate too high',
    base: 'circles',
    patch: opt('momentum', 1, { momentum: 0.9 }),
  },
  { id: 'lr-adam-blobs', fault: 'learning rate too high', base: 'blobs', patch: opt('adam', 2) },
  { id: 'lr-adam-moons', fault: 'learning rate too high', base: 'moons', patch: opt('adam', 1) },
  { id: 'lr-rmsprop-circles', fault: 'learning rate too high', base: 'circles', patch: opt('rmsprop', 0.3) },
  { id: 'lr-sgd-regression', fault: 'learning rate too high', base: 'regression', patch: opt('sgd', 0.5) },
  { id: 'lr-adam-regression', fault: 'learning rate too high', base: 'regression', patch: opt('adam', 1) },
  { id: 'lr-sgd-digits', fault: 'learning rate too high', base: 'digits', patch: opt('sgd', 5) },
  { id: 'lr-adagrad-moons', fault: 'learning rate too high', base: 'moons', patch: opt('adagrad', 5) },
  {
    id: 'deep-sigmoid-blobs',
    fault: 'deep sigmoid stack',
    base: 'blobs',
    patch: both(model(deep(8)), opt('sgd', 0.1)),
  },
  {
    id: 'deep-sigmoid-moons',
    fault: 'deep sigmoid stack',
    base: 'moons',
    patch: both(model(deep(10)), opt('sgd', 0.05)),
  },
  {
    id: 'deep-sigmoid-circles',
    fault: 'deep sigmoid stack',
    base: 'circles',
    patch: both(model(deep(8)), opt('sgd', 0.1)),
  },
  { id: 'dead-relu-blobs', fault: 'dead ReLU (bias init -3)', base: 'blobs', patch: deadRelu },
  { id: 'dead-relu-moons', fault: 'dead ReLU (bias init -3)', base: 'moons', patch: deadRelu },
  { id: 'dead-relu-circles', fault: 'dead ReLU (bias init -3)', base: 'circles', patch: deadRelu },
  { id: 'unscaled-blobs', fault: 'unnormalised inputs', base: 'blobs', patch: unscaled(100, 500) },
  { id: 'unscaled-moons', fault: 'unnormalised inputs', base: 'moons', patch: unscaled(1, 1000) },
  { id: 'unscaled-regression', fault: 'unnormalised inputs', base: 'regression', patch: unscaled(200) },
  { id: 'unscaled-circles', fault: 'unnormalised inputs', base: 'circles', patch: unscaled(1000) },
  {
    id: 'linear-output-ce',
    fault: 'wrong output activation / loss',
    base: 'blobs',
    patch: (t) => {
      t.model.output = { activation: 'linear' };
    },
  },
  {
    id: 'linear-output-bce',
    fault: 'wrong output activation / loss',
    base: 'moons',
    patch: (t) => {
      t.loss = 'binaryCrossentropy';
      t.model.output = { activation: 'linear', units: 1 };
    },
  },
  {
    id: 'softmax-one-unit',
    fault: 'wrong output activation / loss',
    base: 'moons',
    patch: (t) => {
      t.loss = 'binaryCrossentropy';
      t.model.output = { activation: 'softmax', units: 1 };
    },
  },
  {
    id: 'softmax-regression',
    fault: 'wrong output activation / loss',
    base: 'regression',
    patch: (t) => {
      t.model.output = { activation: 'softmax' };
    },
  },
  {
    id: 'sigmoid-regression',
    fault: 'wrong output activation / loss',
    base: 'regression',
    patch: (t) => {
      t.model.output = { activation: 'sigmoid' };
    },
  },
  {
    id: 'frozen-all-blobs',
    fault: 'frozen layers',
    base: 'blobs',
    patch: model({
      layers: [
        dense(16, { trainable: false }),
        { type: 'dense', units: 3, activation: 'softmax', trainable: false },
      ],
    }),
  },
  {
    id: 'frozen-all-moons',
    fault: 'frozen layers',
    base: 'moons',
    patch: model({
      layers: [
        dense(32, { trainable: false }),
        dense(32, { trainable: false }),
        { type: 'dense', units: 2, activation: 'softmax', trainable: false },
      ],
    }),
  },
  {
    id: 'frozen-all-regression',
    fault: 'frozen layers',
    base: 'regression',
    patch: model({
      layers: [dense(16, { trainable: false }), { type: 'dense', units: 1, trainable: false }],
    }),
  },
  { id: 'zero-lr-adam-blobs', fault: 'zero or too low learning rate', base: 'blobs', patch: opt('adam', 0) },
  {
    id: 'zero-lr-momentum-moons',
    fault: 'zero or too low learning rate',
    base: 'moons',
    patch: opt('momentum', 0, { momentum: 0.9 }),
  },
  {
    id: 'low-lr-adam-moons',
    fault: 'zero or too low learning rate',
    base: 'moons',
    patch: opt('adam', 1e-5),
  },
  {
    id: 'low-lr-adam-circles',
    fault: 'zero or too low learning rate',
    base: 'circles',
    patch: opt('adam', 1e-6),
  },
  {
    id: 'low-lr-rmsprop-regression',
    fault: 'zero or too low learning rate',
    base: 'regression',
    patch: opt('rmsprop', 1e-6),
  },
  {
    id: 'overfit-tiny-moons',
    fault: 'overfitting on tiny data',
    base: 'moons',
    patch: both(
      tiny({ generate: 'moons', samples: 60, noise: 0.3 }, 100),
      model({ preset: 'mlp', hidden: [128, 128] }),
    ),
  },
  {
    id: 'overfit-noisy-moons',
    fault: 'overfitting on tiny data',
    base: 'moons',
    patch: both(
      tiny({ generate: 'moons', samples: 100, noise: 0.25, labelNoise: 0.15 }, 100),
      model({ preset: 'mlp', hidden: [128, 128] }),
    ),
  },
  {
    id: 'overfit-tiny-digits',
    fault: 'overfitting on tiny data',
    base: 'digits',
    patch: both(
      tiny({ generate: 'digits8x8', samples: 150, noise: 1 }, 60),
      model({ preset: 'mlp', hidden: [128] }),
    ),
  },
  {
    id: 'narrow-circles',
    fault: 'too little capacity',
    base: 'circles',
    patch: model({ preset: 'mlp', hidden: [2] }),
  },
];

// --- the held-out set (fixed before tuning; see the note at the top) ----------------------

/** The held-out bases: the same generators with other parameters and other widths (checked healthy on seed 6). */
export const HELDOUT_BASES: Record<BaseName, TemplateInput> = {
  blobs: {
    ...common,
    data: { generate: 'blobs', samples: 500, features: 6, classes: 4, noise: 2.5 },
    model: { preset: 'mlp', hidden: [24] },
    optimizer: { name: 'adam', learningRate: 0.01 },
  },
  moons: {
    ...common,
    data: { generate: 'moons', samples: 500, noise: 0.25 },
    model: { preset: 'mlp', hidden: [24, 24] },
    optimizer: { name: 'adam', learningRate: 0.005 },
  },
  circles: {
    ...common,
    data: { generate: 'circles', samples: 500, noise: 0.1 },
    model: { preset: 'mlp', hidden: [24, 24] },
    optimizer: { name: 'adam', learningRate: 0.01 },
  },
  regression: {
    ...common,
    loss: 'meanSquaredError',
    data: { generate: 'regression', samples: 500, features: 6, noise: 0.2 },
    model: { preset: 'mlp', hidden: [24, 24] },
    optimizer: { name: 'adam', learningRate: 0.01 },
  },
  digits: {
    ...common,
    preprocessing: { scaleToUnit: true },
    epochs: 8,
    data: { generate: 'digits8x8', samples: 1200, noise: 0.4 },
    model: { preset: 'mlp', hidden: [48] },
    optimizer: { name: 'adam', learningRate: 0.005 },
  },
};

/**
 * The held-out twins' own model and data where a teaching fault carries them
 * (wider deep sigmoid stacks, dead ReLU and frozen layers at the held-out
 * widths and class counts, other tiny data sets); every other fault is the
 * teaching patch itself on the held-out base.
 */
const HELDOUT_PATCHES: Record<string, Patch> = {
  'deep-sigmoid-blobs': both(model({ ...deep(8), units: 24 }), opt('sgd', 0.1)),
  'deep-sigmoid-moons': both(model({ ...deep(10), units: 24 }), opt('sgd', 0.05)),
  'deep-sigmoid-circles': both(model({ ...deep(8), units: 24 }), opt('sgd', 0.1)),
  'dead-relu-blobs': model({ preset: 'mlp', hidden: [24], biasInitializer: 'constant(-3)' }),
  'dead-relu-moons': model({ preset: 'mlp', hidden: [24, 24], biasInitializer: 'constant(-3)' }),
  'dead-relu-circles': model({ preset: 'mlp', hidden: [24, 24], biasInitializer: 'constant(-3)' }),
  'frozen-all-blobs': model({
    layers: [
      dense(24, { trainable: false }),
      { type: 'dense', units: 4, activation: 'softmax', trainable: false },
    ],
  }),
  'frozen-all-moons': model({
    layers: [
      dense(24, { trainable: false }),
      dense(24, { trainable: false }),
      { type: 'dense', units: 2, activation: 'softmax', trainable: false },
    ],
  }),
  'frozen-all-regression': model({
    layers: [
      dense(24, { trainable: false }),
      dense(24, { trainable: false }),
      { type: 'dense', units: 1, trainable: false },
    ],
  }),
  'overfit-tiny-moons': both(
    tiny({ generate: 'moons', samples: 80, noise: 0.3 }, 100),
    model({ preset: 'mlp', hidden: [96, 96] }),
  ),
  'overfit-noisy-moons': both(
    tiny({ generate: 'moons', samples: 120, noise: 0.25, labelNoise: 0.15 }, 100),
    model({ preset: 'mlp', hidden: [96, 96] }),
  ),
  'overfit-tiny-digits': both(
    tiny({ generate: 'digits8x8', samples: 200, noise: 1 }, 60),
    model({ preset: 'mlp', hidden: [96] }),
  ),
};

/** The held-out set: one twin per teaching scenario, named `held-<id>`. */
export const HELDOUT: Scenario[] = SCENARIOS.map((s) => ({
  ...s,
  id: `held-${s.id}`,
  patch: HELDOUT_PATCHES[s.id] ?? s.patch,
}));

/** A scenario's template: its base (of the given set) with its fault, named and seeded. */
export function templateOf(bases: Record<BaseName, TemplateInput>, s: Scenario, seed: number) {
  const t = structuredClone(bases[s.base]) as Mutable;
  s.patch(t);
  return parseTemplate({ ...t, name: s.id, seed }, s.id);
}

// --- more kinds (added after the first held-out measurement; opt in with BENCH_MORE=1) ----------

const keepModel =
  (more: object): Patch =>
  (t) => {
    t.model = { ...t.model, ...more };
  };

/**
 * Three fault kinds the teaching set lacks, added to both sets after the
 * held-out set was first measured, as a check that the lift is not four runs'
 * luck: weights initialised to zero (every unit of a layer the same), weights
 * drawn with a standard deviation of 10, and dropout of 0.9 after every hidden
 * layer. Each kept on the bases where it shows a failure on the teaching seed
 * (zeros everywhere; the wide init and the dropout train healthy on blobs),
 * found without looking at any remedy; each applied to the base's own model,
 * so its held-out twin (same patch on the held-out base, seed 6) follows the
 * set's one rule.
 */
export const MORE_KINDS: Scenario[] = [
  ...(['blobs', 'moons', 'circles'] as const).map((base) => ({
    id: `zero-init-${base}`,
    fault: 'weights initialised to zero',
    base,
    patch: keepModel({ kernelInitializer: 'zeros' }),
  })),
  ...(['moons', 'circles'] as const).map((base) => ({
    id: `huge-init-${base}`,
    fault: 'weights initialised far too large',
    base,
    patch: keepModel({ kernelInitializer: 'randomNormal(10)' }),
  })),
  ...(['moons', 'circles'] as const).map((base) => ({
    id: `heavy-dropout-${base}`,
    fault: 'dropout far too high',
    base,
    patch: keepModel({ dropout: 0.9 }),
  })),
];

/** The held-out twins of MORE_KINDS. */
export const MORE_HELDOUT: Scenario[] = MORE_KINDS.map((s) => ({ ...s, id: `held-${s.id}` }));
