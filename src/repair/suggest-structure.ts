import type { Metrics } from '../domain/index.js';
import { isWeighted, type Layer, type TrainingTemplate } from '../train/index.js';
import type { Edit } from './apply-edits.js';
import type { RuleValues } from './rules.js';
import type { RunNumbers } from './run-facts.js';

/** A change to a healthy but weak run's structure, with the run's numbers behind it. */
export interface Suggestion {
  id: string;
  title: string;
  /** The run's numbers that call for it, and the rule with its thresholds. */
  because: string;
  edits: Edit[];
}

/** The numbers the rules compare, computed once from the run and the template. */
export interface StructureFacts {
  task: 'classification' | 'regression';
  epochs: number;
  train: Metrics;
  val: Metrics;
  /** Classification: train − val accuracy; regression: (val − train MSE) / label variance. */
  gap: number;
  /** Classification: train accuracy; regression: 1 − train MSE / label variance (share explained). */
  fit: number;
  /** How much `fit` rose over the last `stillLearningEpochs` epochs. */
  recentGain: number;
  bestValLoss: number;
  finalValLoss: number;
  hidden: Layer[];
  hasDropout: boolean;
  hasL2: boolean;
  hasNormalization: boolean;
  hasEarlyStopping: boolean;
  params?: number;
  trainSize?: number;
  /** Median gradient norm of the first hidden layer ÷ that of the last one, when recorded. */
  gradientRatio?: { first: string; last: string; ratio: number };
}

interface Rule {
  id: string;
  title: string;
  applies(f: StructureFacts, th: RuleValues['suggest']): boolean;
  because(f: StructureFacts, th: RuleValues['suggest']): string;
  edits(f: StructureFacts, t: TrainingTemplate, th: RuleValues['suggest']): Edit[];
}

const underfits = (f: StructureFacts, th: RuleValues['suggest']) =>
  f.task === 'classification'
    ? f.fit < th.underfitTrainAccuracy && Math.abs(f.gap) <= th.underfitGap
    : 1 - f.fit >= th.underfitRelativeLoss && f.gap <= th.underfitGap;
const overfits = (f: StructureFacts, th: RuleValues['suggest']) =>
  f.task === 'classification'
    ? f.fit >= th.overfitTrainAccuracy && f.gap >= th.overfitGap
    : (f.val.mse ?? f.val.loss ?? 0) >= th.overfitLossRatio * (f.train.mse ?? f.train.loss ?? 0);

// The rules, in the order they are reported. Each quotes the run's numbers and its own thresholds.
const RULES: Rule[] = [
  {
    id: 'train-longer',
    title: 'Train for more epochs',
    applies: (f, th) => underfits(f, th) && f.recentGain >= th.stillLearningGain,
    because: (f, th) =>
      `${fitText(f)} after ${f.epochs} epochs, and still rising: +${n(f.recentGain)} over the last ${th.stillLearningEpochs} epochs ` +
      `(rule: under ${fitBound(f, th)}, still gaining ≥ ${th.stillLearningGain})`,
    edits: (f) => [{ op: 'set', at: 'training', field: 'epochs', value: f.epochs * 2 }],
  },
  {
    id: 'widen',
    title: 'Widen the hidden layers',
    applies: (f, th) =>
      underfits(f, th) &&
      f.hidden.length > 0 &&
      (f.recentGain < th.stillLearningGain || narrowest(f) <= th.narrowLayerUnits),
    because: (f, th) =>
      `${fitText(f)} after all ${f.epochs} epochs, ${gapText(f)}, ` +
      (f.recentGain < th.stillLearningGain
        ? `no longer rising (+${n(f.recentGain)} over the last ${th.stillLearningEpochs}), `
        : `rising only slowly (+${n(f.recentGain)} over the last ${th.stillLearningEpochs}), `) +
      `with ${layersText(f.hidden)}: the model cannot fit its own training data ` +
      `(rule: under ${fitBound(f, th)}, gap ≤ ${th.underfitGap}, and gain < ${th.stillLearningGain} or a layer of ≤ ${th.narrowLayerUnits} units)`,
    edits: (f, t, th) => {
      const widths = f.hidden.map(widthOf);
      const edits: Edit[] = f.hidden.map((l) => ({
        op: 'set',
        at: l.name!,
        field: l.type === 'conv2d' ? 'filters' : 'units',
        from: widthOf(l),
        value: Math.min(th.maxUnits, widthOf(l) * th.widenFactor),
      }));
      // One narrow hidden layer: also add a second one of the new width.
      const last = f.hidden.at(-1)!;
      if (f.hidden.length === 1 && last.type === 'dense' && Math.max(...widths) <= th.narrowLayerUnits) {
        const activation = last.activation ?? 'relu';
        edits.push({
          op: 'insert',
          at: ownActivation(t, last),
          layer: { type: 'dense', units: Math.min(th.maxUnits, widthOf(last) * th.widenFactor), activation },
        });
      }
      return edits;
    },
  },
  {
    id: 'dropout',
    title: 'Add dropout',
    applies: (f, th) => overfits(f, th) && !f.hasDropout && f.hidden.some((l) => l.type === 'dense'),
    because: (f, th) =>
      `${fitText(f)} against ${gapText(f)}, and no dropout: the model memorises its training set ` +
      `(rule: ${overfitRule(f, th)})`,
    edits: (f, t, th) =>
      f.hidden
        .filter((l) => l.type === 'dense')
        .map((l) => ({
          op: 'insert',
          at: ownActivation(t, l),
          layer: { type: 'dropout', rate: th.dropoutRate },
        })),
  },
  {
    id: 'l2',
    title: 'Add L2 weight decay',
    applies: (f, th) => overfits(f, th) && !f.hasL2 && f.hidden.length > 0,
    because: (f, th) =>
      `${fitText(f)} against ${gapText(f)}, and no weight penalty on ${layersText(f.hidden)} ` +
      `(rule: ${overfitRule(f, th)})`,
    edits: (f, _t, th) =>
      f.hidden.map((l) => ({ op: 'set', at: l.name!, field: 'kernelRegularizer', value: { l2: th.l2 } })),
  },
  {
    id: 'narrow',
    title: 'Reduce the hidden layers’ width',
    applies: (f, th) =>
      overfits(f, th) &&
      f.params !== undefined &&
      f.trainSize !== undefined &&
      f.params / f.trainSize >= th.paramsPerExample &&
      f.hidden.some((l) => widthOf(l) >= 8),
    because: (f, th) =>
      `${f.params} parameters for ${f.trainSize} training examples (${n(f.params! / f.trainSize!)} per example) and ${gapText(f)} ` +
      `(rule: ≥ ${th.paramsPerExample} parameters per example while overfitting)`,
    edits: (f) =>
      f.hidden
        .filter((l) => widthOf(l) >= 8)
        .map((l) => ({
          op: 'set',
          at: l.name!,
          field: l.type === 'conv2d' ? 'filters' : 'units',
          from: widthOf(l),
          value: Math.max(4, Math.round(widthOf(l) / 2)),
        })),
  },
  {
    id: 'early-stopping',
    title: 'Stop early at the best validation loss',
    applies: (f, th) =>
      !f.hasEarlyStopping &&
      Number.isFinite(f.bestValLoss) &&
      f.finalValLoss >= f.bestValLoss * (1 + th.valLossRise),
    because: (f, th) =>
      `validation loss ended at ${n(f.finalValLoss)}, ${pct(f.finalValLoss / f.bestValLoss - 1)} above its best ${n(f.bestValLoss)} ` +
      `(rule: ≥ ${pct(th.valLossRise)} above the best at the end)`,
    edits: () => [{ op: 'set', at: 'training', field: 'earlyStoppingPatience', value: 5 }],
  },
  {
    id: 'batch-norm',
    title: 'Normalise the deep stack',
    applies: (f, th) =>
      f.hidden.length >= th.deepStackLayers &&
      !f.hasNormalization &&
      !f.hidden.every((l) => isWeighted(l) && l.activation === 'selu'),
    because: (f, th) =>
      `${f.hidden.length} hidden weighted layers and no normalisation layer` +
      (f.gradientRatio
        ? `; the gradient norm of ${f.gradientRatio.first} is ${n(f.gradientRatio.ratio)}× that of ${f.gradientRatio.last} (medians over the run)`
        : '') +
      ` (rule: ≥ ${th.deepStackLayers} hidden weighted layers without BatchNormalization/LayerNormalization)`,
    edits: (f, t) =>
      f.hidden
        .filter((l) => l.type === 'dense')
        .map((l) => ({ op: 'insert', at: ownActivation(t, l), layer: { type: 'batchNormalization' } })),
  },
];

/**
 * Structure changes for a run that trained without failing but could do
 * better: too little capacity (train and validation both low and flat),
 * too much or too little regularisation (a train/validation gap), no early
 * stop, no normalisation in a deep stack. Thresholds come from the rules'
 * `suggest` section (a profile may override them); each suggestion quotes
 * the run's numbers and carries concrete edits against the template's layers.
 *
 * @example suggestStructure(await readRunNumbers(trace), template, ruleValues()) // [{ id: 'widen', ... }]
 */
export function suggestStructure(
  numbers: RunNumbers,
  template: TrainingTemplate,
  rules: RuleValues,
): Suggestion[] {
  const facts = structureFacts(numbers, template, rules.suggest);
  if (!facts) return [];
  return RULES.filter((r) => r.applies(facts, rules.suggest)).map((r) => ({
    id: r.id,
    title: r.title,
    because: r.because(facts, rules.suggest),
    edits: r.edits(facts, template, rules.suggest),
  }));
}

/** The facts the rules compare; undefined when the run has no finished epoch with validation numbers. */
export function structureFacts(
  numbers: RunNumbers,
  template: TrainingTemplate,
  th: RuleValues['suggest'],
): StructureFacts | undefined {
  const epochs = numbers.epochs.filter((e) => e.train && e.val);
  const last = epochs.at(-1);
  if (!last?.train || !last.val) return undefined;
  const task = last.train.accuracy !== undefined ? 'classification' : 'regression';
  const variance = (numbers.run.dataset?.labelStats?.std ?? 1) ** 2;
  const fitOf = (m: Metrics | undefined) =>
    task === 'classification' ? (m?.accuracy ?? 0) : 1 - (m?.mse ?? m?.loss ?? 0) / variance;
  const back = epochs[Math.max(0, epochs.length - 1 - th.stillLearningEpochs)]!;
  const layers = template.model.layers ?? [];
  const hidden = layers.filter(isWeighted).slice(0, -1);
  const valLosses = epochs.map((e) => e.val?.loss ?? Number.NaN).filter(Number.isFinite);
  const gap =
    task === 'classification'
      ? (last.train.accuracy ?? 0) - (last.val.accuracy ?? 0)
      : ((last.val.mse ?? last.val.loss ?? 0) - (last.train.mse ?? last.train.loss ?? 0)) / variance;
  return {
    task,
    epochs: epochs.length,
    train: last.train,
    val: last.val,
    gap,
    fit: fitOf(last.train),
    recentGain: fitOf(last.train) - fitOf(back.train),
    bestValLoss: valLosses.length ? Math.min(...valLosses) : Number.NaN,
    finalValLoss: last.val.loss ?? Number.NaN,
    hidden,
    hasDropout: layers.some((l) => l.type === 'dropout' || l.type === 'gaussianNoise'),
    hasL2:
      hidden.some((l) => isWeighted(l) && (l.kernelRegularizer?.l2 ?? 0) > 0) ||
      (template.optimizer.weightDecay ?? 0) > 0,
    hasNormalization: layers.some((l) => l.type === 'batchNormalization' || l.type === 'layerNormalization'),
    hasEarlyStopping: template.schedule?.earlyStoppingPatience !== undefined,
    ...(numbers.run.model?.params !== undefined ? { params: numbers.run.model.params } : {}),
    ...(numbers.run.dataset?.trainSize !== undefined ? { trainSize: numbers.run.dataset.trainSize } : {}),
    ...gradientRatio(numbers, hidden),
  };
}

function gradientRatio(numbers: RunNumbers, hidden: Layer[]): Pick<StructureFacts, 'gradientRatio'> {
  const first = hidden[0]?.name;
  const last = hidden.at(-1)?.name;
  const a = first ? numbers.gradNorms.get(first) : undefined;
  const b = last ? numbers.gradNorms.get(last) : undefined;
  if (!first || !last || first === last || a === undefined || !b) return {};
  return { gradientRatio: { first, last, ratio: a / b } };
}

const narrowest = (f: StructureFacts) => Math.min(...f.hidden.map(widthOf));
const widthOf = (l: Layer): number => (l.type === 'dense' ? l.units : l.type === 'conv2d' ? l.filters : 0);

/** Where to insert after a layer: after its own activation layer when it has one. */
function ownActivation(t: TrainingTemplate, l: Layer): string {
  const layers = t.model.layers ?? [];
  const i = layers.indexOf(l);
  const next = layers[i + 1];
  return next && (next.type === 'leakyReLU' || next.type === 'activation') ? next.name! : l.name!;
}

function layersText(hidden: Layer[]): string {
  const widths = hidden.map(widthOf);
  const same = widths.every((w) => w === widths[0]);
  const what = hidden.every((l) => l.type === 'conv2d') ? 'filters' : 'units';
  if (hidden.length === 1) return `1 hidden layer of ${widths[0]} ${what}`;
  return same
    ? `${hidden.length} hidden layers of ${widths[0]} ${what}`
    : `${hidden.length} hidden layers of ${widths.join(', ')} ${what}`;
}

const fitText = (f: StructureFacts) =>
  f.task === 'classification'
    ? `train accuracy ${n(f.train.accuracy ?? 0)}`
    : `train MSE ${n(f.train.mse ?? f.train.loss ?? 0)} (${pct(1 - f.fit)} of the label variance)`;
const valText = (f: StructureFacts) =>
  f.task === 'classification'
    ? `validation ${n(f.val.accuracy ?? 0)}`
    : `validation MSE ${n(f.val.mse ?? f.val.loss ?? 0)}`;
const gapText = (f: StructureFacts) =>
  f.task === 'classification'
    ? `${valText(f)}, a gap of ${n(f.gap)}`
    : `${valText(f)}, ${pct(f.gap)} of the label variance above train`;
const fitBound = (f: StructureFacts, th: RuleValues['suggest']) =>
  f.task === 'classification'
    ? `${th.underfitTrainAccuracy} train accuracy`
    : `${pct(1 - th.underfitRelativeLoss)} of the variance explained`;
const overfitRule = (f: StructureFacts, th: RuleValues['suggest']) =>
  f.task === 'classification'
    ? `train accuracy ≥ ${th.overfitTrainAccuracy} and a gap ≥ ${th.overfitGap}`
    : `validation error ≥ ${th.overfitLossRatio}× the training error`;
const n = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(2)).toString());
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
