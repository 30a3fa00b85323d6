import { isAbsolute, resolve } from 'node:path';
import { type TrainingTemplate, taskOfLoss } from '../template.js';
import { type Dataset, exampleSize, subset } from './dataset.js';
import { generateDataset } from './generate.js';
import { loadDataFile } from './load-file.js';
import { createRng } from './rng.js';

export type Task = 'classification' | 'binary-classification' | 'regression';

/** The examples a run trains and validates on, preprocessed, still plain arrays. */
export interface PreparedData {
  task: Task;
  inputShape: number[];
  numClasses?: number;
  train: Dataset;
  val: Dataset;
  /** One line for the terminal, e.g. `moons: 320 train / 80 validation examples of shape [2], 2 classes`. */
  description: string;
}

/**
 * Loads or generates the template's data, shuffles it (seeded), holds out
 * the validation split and preprocesses both splits with statistics of the
 * training split only (so nothing about the validation set leaks in).
 *
 * @example await prepareData(template, dirname(templatePath))
 */
export async function prepareData(t: TrainingTemplate, baseDir: string): Promise<PreparedData> {
  const lossTask = taskOfLoss(t.loss);
  const all = t.data.file
    ? await loadDataFile(
        isAbsolute(t.data.file) ? t.data.file : resolve(baseDir, t.data.file),
        t.data,
        lossTask !== 'regression',
      )
    : generateDataset(t.data, t.seed);
  const rows = createRng(t.seed + 1).shuffle(Array.from({ length: all.n }, (_, i) => i));
  const nVal = Math.max(1, Math.round(all.n * t.validationSplit));
  let train = subset(all, rows.slice(0, all.n - nVal));
  let val = subset(all, rows.slice(all.n - nVal));
  if (t.preprocessing.standardize) [train, val] = standardize(train, val);
  if (t.preprocessing.scaleToUnit) [train, val] = scaleToUnit(train, val);
  const k = all.numClasses;
  // The data decides the task; a binary loss on two classes makes it binary.
  const task: Task =
    k === undefined
      ? 'regression'
      : k === 2 && lossTask === 'binary-classification'
        ? lossTask
        : 'classification';
  const classes = k !== undefined ? `, ${k} classes` : '';
  return {
    task,
    inputShape: all.shape,
    ...(k !== undefined ? { numClasses: k } : {}),
    train,
    val,
    description: `${all.name}: ${train.n} train / ${val.n} validation examples of shape [${all.shape.join(', ')}]${classes}`,
  };
}

function standardize(train: Dataset, val: Dataset): [Dataset, Dataset] {
  const size = exampleSize(train);
  const mean = new Float64Array(size);
  const sq = new Float64Array(size);
  for (let i = 0; i < train.n; i++)
    for (let j = 0; j < size; j++) {
      const v = train.x[i * size + j]!;
      mean[j]! += v / train.n;
      sq[j]! += (v * v) / train.n;
    }
  // A constant feature keeps its centred value 0 instead of dividing by 0.
  const std = mean.map((m, j) => Math.sqrt(Math.max(sq[j]! - m * m, 0)) || 1);
  const apply = (d: Dataset): Dataset => ({
    ...d,
    x: d.x.map((v, i) => (v - mean[i % size]!) / std[i % size]!),
  });
  return [apply(train), apply(val)];
}

function scaleToUnit(train: Dataset, val: Dataset): [Dataset, Dataset] {
  const max = train.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  return [
    { ...train, x: train.x.map((v) => v / max) },
    { ...val, x: val.x.map((v) => v / max) },
  ];
}
