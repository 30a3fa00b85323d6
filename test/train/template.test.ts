import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandModel,
  generateDataset,
  loadTemplate,
  parseTemplate,
  prepareData,
  TemplateError,
} from '../../src/train/index.js';

const TEMPLATES = join(import.meta.dirname, '../../templates');
const dir = mkdtempSync(join(tmpdir(), 'traindx-templates-'));

const valid = {
  name: 'ok',
  data: { generate: 'blobs', samples: 120 },
  model: {
    layers: [
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  optimizer: { name: 'adam', learningRate: 0.01 },
  loss: 'categoricalCrossentropy',
  epochs: 5,
};

/** The error lines of a template that must not validate. */
function problems(doc: unknown): string[] {
  try {
    parseTemplate(doc, 'templates/x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return (err as Error).message.split('\n');
  }
  throw new Error('the template validated');
}

const withLayer = (i: number, layer: object) => ({
  ...valid,
  model: { layers: valid.model.layers.map((l, k) => (k === i ? layer : l)) },
});

describe('training templates', () => {
  it('names the file and the key of a bad value, and what was expected', () => {
    expect(problems(withLayer(2, { type: 'dense', units: -3 }))).toEqual([
      'templates/x.yaml: model.layers[2].units: expected a positive integer',
    ]);
  });

  it('reports every problem at once, one line each', () => {
    const lines = problems({
      ...valid,
      optimizer: { name: 'sgdd', learningRate: -1 },
      epochs: 0,
      validationSplit: 1.5,
    });
    expect(lines).toEqual([
      'templates/x.yaml: optimizer.name: expected one of sgd, momentum, adam, adamw, adamax, rmsprop, adagrad, adadelta',
      'templates/x.yaml: optimizer.learningRate: expected a number ≥ 0',
      'templates/x.yaml: epochs: expected a positive integer',
      'templates/x.yaml: validationSplit: expected a share between 0 and 1',
    ]);
  });

  it('says a key is required, and suggests the key meant for a misspelt one', () => {
    const lines = problems(withLayer(0, { type: 'dense', unit: 8 }));
    expect(lines).toContain('templates/x.yaml: model.layers[0].units: required: expected a positive integer');
    expect(lines).toContain("templates/x.yaml: model.layers[0]: unknown key 'unit' (did you mean 'units'?)");
  });

  it('lists the layer types, activations and initializers it knows', () => {
    expect(problems(withLayer(1, { type: 'danse', units: 8 }))[0]).toMatch(
      /model\.layers\[1\]\.type: expected type to be one of dense, conv2d, .*add$/,
    );
    expect(problems(withLayer(1, { type: 'dense', units: 8, activation: 'relux' }))[0]).toMatch(
      /model\.layers\[1\]\.activation: expected one of linear, relu/,
    );
    expect(problems(withLayer(1, { type: 'dense', units: 8, biasInitializer: 'minus-five' }))[0]).toMatch(
      /model\.layers\[1\]\.biasInitializer: expected an initializer: .*constant\(V\)/,
    );
  });

  it('checks keys against each other: one of layers or preset, labels fit for the loss', () => {
    expect(problems({ ...valid, model: { preset: 'mlp', layers: valid.model.layers } })).toEqual([
      'templates/x.yaml: model: expected exactly one of `layers` or `preset`',
    ]);
    expect(problems({ ...valid, data: { generate: 'regression' } })[0]).toMatch(
      /^templates\/x\.yaml: loss: categoricalCrossentropy needs class labels/,
    );
    expect(problems({ ...valid, preprocessing: { oneHot: false } })[0]).toMatch(
      /preprocessing\.oneHot: categoricalCrossentropy takes one-hot labels/,
    );
  });

  it('names the file of a template that is not YAML', async () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'data: [unclosed\n');
    await expect(loadTemplate(path)).rejects.toThrow(/broken\.yaml: not valid YAML/);
  });

  it('ships templates that all validate and build their model', async () => {
    const files = readdirSync(TEMPLATES).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const template = await loadTemplate(join(TEMPLATES, file));
      const data = await prepareData(template, TEMPLATES);
      expect(expandModel(template, data).length, file).toBeGreaterThan(0);
    }
  });

  it('expands a preset into named layers whose output fits the data', async () => {
    const template = parseTemplate(
      { ...valid, model: { preset: 'mlp', hidden: [16, 8], dropout: 0.2 } },
      'x',
    );
    const layers = expandModel(template, await prepareData(template, dir));
    expect(layers.map((l) => l.name)).toEqual(['dense_0', 'dropout_0', 'dense_1', 'dropout_1', 'dense_2']);
    expect(layers.at(-1)).toMatchObject({ type: 'dense', units: 3, activation: 'softmax' });
  });
});

describe('data sets', () => {
  it('generates the same examples for the same seed, other examples for another', () => {
    const a = generateDataset({ generate: 'moons', samples: 50 }, 7);
    const b = generateDataset({ generate: 'moons', samples: 50 }, 7);
    const c = generateDataset({ generate: 'moons', samples: 50 }, 8);
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    expect(generateDataset({ generate: 'digits8x8', samples: 20 }, 1)).toMatchObject({
      shape: [8, 8, 1],
      numClasses: 10,
    });
  });

  it('reads a CSV with named columns, class names as labels, and holds out the validation split', async () => {
    const template = await loadTemplate(join(TEMPLATES, 'cultivars-csv.yaml'));
    const data = await prepareData(template, TEMPLATES);
    expect(data).toMatchObject({ task: 'classification', numClasses: 3, inputShape: [5] });
    expect(data.train.n + data.val.n).toBe(240);
    expect(data.train.classNames).toEqual(['A', 'B', 'C']);
  });

  it('standardises with the training split’s statistics', async () => {
    const template = parseTemplate(
      {
        ...valid,
        data: { generate: 'blobs', samples: 200, scale: 100, offset: 500 },
        preprocessing: { standardize: true },
      },
      'x',
    );
    const { train } = await prepareData(template, dir);
    const mean = train.x.reduce((s, v) => s + v, 0) / train.x.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
  });

  it('names the line and column of a value that is not a number', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'a,b,label\n1,2,x\n3,oops,y\n');
    const template = parseTemplate({ ...valid, data: { file: 'bad.csv', label: 'label' } }, 'x');
    await expect(prepareData(template, dir)).rejects.toThrow(/bad\.csv:3: column 'b' is not a number/);
  });
});
