import type { RunEvent } from '../../domain/index.js';
import { type ModelView, normaliseName } from '../model-view.js';

/** What a loss expects from the output layer. */
export type LossKind = 'categorical' | 'nll' | 'binary' | 'regression' | 'other';

export interface LossInfo {
  kind: LossKind;
  /** The loss as the trace names it, for evidence (`categorical_crossentropy (torch.nn.CrossEntropyLoss)`). */
  label: string;
  /** The loss applies softmax/sigmoid itself, i.e. the model must output raw scores. */
  fromLogits: boolean;
  /** Where `fromLogits` comes from, for evidence: the run's own field or a framework convention. */
  logitsSource: 'field' | 'loss class' | 'framework default';
}

// PyTorch loss classes fix the output they expect, whatever a recorder writes in
// `fromLogits` (docs: CrossEntropyLoss and BCEWithLogitsLoss take logits,
// BCELoss probabilities, NLLLoss log-probabilities).
const CLASSES: Record<string, { kind: LossKind; logits: boolean }> = {
  crossentropyloss: { kind: 'categorical', logits: true },
  bcewithlogitsloss: { kind: 'binary', logits: true },
  bceloss: { kind: 'binary', logits: false },
  nllloss: { kind: 'nll', logits: false },
};

const KINDS: [RegExp, LossKind][] = [
  [/^(sparse)?(categorical)?(focal)?crossentropy$|^softmaxcrossentropy|^crossentropy/, 'categorical'],
  [/^nll/, 'nll'],
  [/^(binary)(focal)?crossentropy|^bce|^logloss$|^sigmoidcrossentropy/, 'binary'],
  [
    /^(mse|mae|msle|mape|l1|l2|huber|smoothl1|logcosh|meansquared|meanabsolute|squarederror|rmse)/,
    'regression',
  ],
];

/**
 * A loss name reduced to compare with patterns: its last dotted part, lower
 * case, letters and digits only ('' when not given).
 *
 * @example lossKey('torch.nn.CrossEntropyLoss') // 'crossentropyloss'; 'sparse_categorical_crossentropy' → 'sparsecategoricalcrossentropy'
 */
export const lossKey = (s: string | undefined): string => normaliseName(s?.split('.').at(-1));

function kindOf(key: string): LossKind | undefined {
  if (CLASSES[key]) return CLASSES[key].kind;
  for (const [re, kind] of KINDS) if (re.test(key)) return kind;
  return undefined;
}

/**
 * Reads the loss of a run: its kind and whether it takes logits. PyTorch's
 * cross-entropy always takes logits (a linear last layer is correct there);
 * Keras and tfjs default to probabilities (`from_logits=False`).
 *
 * @example lossInfo(run)?.kind === 'categorical'
 */
export function lossInfo(run: RunEvent): LossInfo | undefined {
  const names = [run.tags?.lossFn, run.loss].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  if (names.length === 0) return undefined;
  const label = names.length === 2 && names[0] !== names[1] ? `${names[1]} (${names[0]})` : names[0]!;
  const cls = names.map(lossKey).find((k) => CLASSES[k] !== undefined);
  if (cls)
    return { kind: CLASSES[cls]!.kind, label, fromLogits: CLASSES[cls]!.logits, logitsSource: 'loss class' };
  const kind = names.map((n) => kindOf(lossKey(n))).find((k) => k !== undefined) ?? 'other';
  if (typeof run.fromLogits === 'boolean')
    return { kind, label, fromLogits: run.fromLogits, logitsSource: 'field' };
  const torch = normaliseName(run.framework) === 'pytorch';
  return { kind, label, fromLogits: torch && kind === 'categorical', logitsSource: 'framework default' };
}

/**
 * Number of classes the dataset declares: numClasses, else the length of
 * classCounts (two or more).
 *
 * @example declaredClasses({ ...run, dataset: { classCounts: [50, 50, 50] } }) // 3
 */
export function declaredClasses(run: RunEvent): number | undefined {
  const d = run.dataset;
  return d?.numClasses ?? (d?.classCounts && d.classCounts.length >= 2 ? d.classCounts.length : undefined);
}

const REGRESSION_TASK = /^regression/;
const MULTILABEL_TASK = /multilabel/;

/** True when the run is a regression (by its task, or by a regression loss and no class count). */
export function isRegression(run: RunEvent, loss: LossInfo | undefined): boolean {
  const task = normaliseName(run.task);
  if (REGRESSION_TASK.test(task)) return true;
  if (task.includes('classification')) return false;
  return loss?.kind === 'regression' && run.dataset?.numClasses === undefined && !run.dataset?.classCounts;
}

/**
 * True when the outputs are scored as independent yes/no labels: the task
 * says multi-label, or binary cross-entropy runs over more than two output
 * units. Accuracy there is per label (Keras binary_accuracy), so chance is
 * not 1/classes.
 */
export function isMultiLabel(run: RunEvent, model: ModelView, loss: LossInfo | undefined): boolean {
  if (MULTILABEL_TASK.test(normaliseName(run.task))) return true;
  return loss?.kind === 'binary' && (model.output?.units ?? 1) > 2;
}

/** The output layer's activation when the trace states it (a layer field or a separate activation layer). */
export function statedOutputActivation(run: RunEvent, model: ModelView): string | undefined {
  const out = model.output;
  if (!out) return undefined;
  if (out.activationLayers.length > 0) return out.activation;
  const info = run.model?.layers.find((l) => l.name === out.name);
  return info?.activation !== undefined ? out.activation : undefined;
}
