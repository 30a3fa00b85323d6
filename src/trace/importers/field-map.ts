import { InputError } from '../../errors/index.js';

/**
 * Where a logged value goes in the trace format, as `--map tag=field` writes it:
 * `loss`, `learningRate`, `gradNorm` (step fields; in a log whose rows are
 * epochs, `loss` is the epoch's training loss), `metrics.NAME` (a training
 * metric), `train.NAME` / `val.NAME` (an `epoch` event's metric), `epoch`,
 * `step` (the counters), `layers.LAYER.weights|biases|gradients` (a histogram),
 * or `ignore` (known, not imported).
 */
export type TraceField = string;

/**
 * The one table of tag / column / key names every importer shares (matched
 * lower-cased). Names not here go through SCOPED_METRIC, then are listed as
 * unknown: never guessed.
 */
export const FIELD_MAP: Readonly<Record<string, TraceField>> = {
  // Training loss of a step (or of an epoch row).
  loss: 'loss',
  'train/loss': 'loss',
  train_loss: 'loss',
  'training/loss': 'loss',
  batch_loss: 'loss',
  train_loss_step: 'loss',
  'train/loss_step': 'loss',
  loss_step: 'loss',
  // Learning rate: Keras/HF names, Lightning's LearningRateMonitor (`lr-SGD`), DeepFD's adjusted_lr.
  lr: 'learningRate',
  learning_rate: 'learningRate',
  'train/lr': 'learningRate',
  'train/learning_rate': 'learningRate',
  epoch_learning_rate: 'learningRate',
  epoch_lr: 'learningRate',
  adjusted_lr: 'learningRate',
  // Whole-gradient L2 norm.
  grad_norm: 'gradNorm',
  'train/grad_norm': 'gradNorm',
  gradient_norm: 'gradNorm',
  global_grad_norm: 'gradNorm',
  // Epoch-level training values (Keras TensorBoard, Lightning on_epoch).
  epoch_loss: 'train.loss',
  train_loss_epoch: 'train.loss',
  'train/loss_epoch': 'train.loss',
  epoch_accuracy: 'train.accuracy',
  epoch_acc: 'train.accuracy',
  train_acc_epoch: 'train.accuracy',
  // Validation values.
  val_loss: 'val.loss',
  'val/loss': 'val.loss',
  'validation/loss': 'val.loss',
  valid_loss: 'val.loss',
  eval_loss: 'val.loss',
  'eval/loss': 'val.loss',
  epoch_val_loss: 'val.loss',
  val_loss_epoch: 'val.loss',
  // Counters.
  epoch: 'epoch',
  'train/epoch': 'epoch',
  step: 'step',
  _step: 'step',
  global_step: 'step',
  'train/global_step': 'step',
  // Bookkeeping of the tools, known and not imported.
  _runtime: 'ignore',
  _timestamp: 'ignore',
  eval_runtime: 'ignore',
  eval_model_preparation_time: 'ignore',
  eval_samples_per_second: 'ignore',
  eval_steps_per_second: 'ignore',
  train_runtime: 'ignore',
  train_samples_per_second: 'ignore',
  train_steps_per_second: 'ignore',
  total_flos: 'ignore',
  train_loss_mean: 'ignore',
  // DeepFD / Deep4ge per-epoch indicators: the trace has no model-wide field for them, so they are
  // kept as training metrics under their own names (visible in reports, read by no detector).
  mean_gradient: 'metrics.mean_gradient',
  gradient_vanish: 'metrics.gradient_vanish',
  gradient_explode: 'metrics.gradient_explode',
  dying_relu: 'metrics.dying_relu',
  nan_weight_count: 'metrics.nan_weight_count',
};

/** Metric names understood behind a scope prefix: `val_acc` → `val.accuracy`, `train/f1` → `metrics.f1`. */
const METRICS: Readonly<Record<string, string>> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  f1: 'f1',
  auc: 'auc',
  mae: 'mae',
  mse: 'mse',
  rmse: 'rmse',
  perplexity: 'perplexity',
  top5_accuracy: 'top5_accuracy',
};
const SCOPES: readonly [RegExp, string][] = [
  [/^(val|validation|valid|eval)[_/]/, 'val.'],
  [/^epoch_val_/, 'val.'],
  [/^epoch_/, 'train.'],
  [/^(train|training|batch)[_/]/, 'metrics.'],
  [/^/, 'metrics.'],
];
// Lightning's LearningRateMonitor: `lr-SGD`, `lr-Adam/pg1` (first param group: `lr-Adam` or `/pg1`).
const LIGHTNING_LR = /^lr-[a-z0-9]+(\/pg1)?$/;

/**
 * The trace field a logged name goes to: the user's `--map` first, then the
 * shared table, then a known metric behind a scope prefix; `undefined` when
 * unknown (the importer lists it, and imports nothing of it).
 *
 * @example resolveField('val_acc') // 'val.accuracy'
 */
export function resolveField(
  name: string,
  overrides?: Readonly<Record<string, string>>,
): TraceField | undefined {
  return overrides?.[name] ?? resolveKnown(name.toLowerCase());
}

function resolveKnown(key: string): TraceField | undefined {
  const direct = FIELD_MAP[key];
  if (direct) return direct;
  if (LIGHTNING_LR.test(key)) return 'learningRate';
  // Lightning's on_step/on_epoch pair: `NAME_step` is NAME per step, `NAME_epoch` its epoch mean.
  const perStep = /^(.+)[_/]step$/.exec(key);
  if (perStep) return resolveKnown(perStep[1]!);
  const perEpoch = /^(.+)[_/]epoch$/.exec(key);
  if (perEpoch) {
    const inner = resolveKnown(perEpoch[1]!);
    if (inner === 'loss') return 'train.loss';
    return inner?.startsWith('metrics.') ? `train.${inner.slice('metrics.'.length)}` : inner;
  }
  for (const [prefix, scope] of SCOPES) {
    if (!prefix.test(key)) continue;
    const metric = METRICS[key.replace(prefix, '')];
    if (metric) return scope + metric;
  }
  return undefined;
}

const FIELD_SYNTAX =
  /^(loss|learningRate|gradNorm|epoch|step|ignore|(metrics|train|val)\.[\w.-]+|layers\.[^.]+(\.[^.]+)*\.(weights|biases|gradients))$/;

/**
 * `--map tag=field` options as given on the command line (repeatable) → an
 * override map; a field outside the trace format's is an input error naming it.
 *
 * @example parseFieldMap(['my/loss=loss', 'noise=ignore']) // { 'my/loss': 'loss', noise: 'ignore' }
 */
export function parseFieldMap(pairs: readonly string[] = []): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const tag = pair.slice(0, at);
    const field = pair.slice(at + 1);
    if (at <= 0 || !FIELD_SYNTAX.test(field))
      throw new InputError(
        `--map ${pair}: expected tag=field, field one of loss, learningRate, gradNorm, epoch, step, ignore, ` +
          'metrics.NAME, train.NAME, val.NAME, layers.LAYER.weights|biases|gradients',
      );
    map[tag] = field;
  }
  return map;
}

const GRADIENT = /(^|[/._])(grad|grads|gradient|gradients)($|[/._])/;
const BIAS = /(^|[/._])(bias|biases)($|[/._])/;
const WEIGHT = /(^|[/._])(weight|weights|kernel|param|params|parameters)($|[/._])/;
// The words that say what a histogram holds, with the separator before them: what is left names the layer.
const KIND_WORD =
  /(^|[._])(grad|grads|gradient|gradients|weight|weights|kernel|bias|biases|param|params|parameters|histogram|histograms)(?=$|[._])/gi;

/**
 * The field of a histogram tag: `--map` first, else the layer and what it
 * holds, read from the tag's words: a `grad` word means gradients, `bias`
 * biases, `weight`/`kernel` weights; the other words name the layer
 * (`gradients/fc1` → `layers.fc1.gradients`, `sequential/dense/kernel/histogram`
 * → `layers.sequential/dense.weights`, `fc1.weight.grad` → `layers.fc1.gradients`).
 * `undefined` when no word says what the values are.
 *
 * @example histogramField('weights/fc1') // 'layers.fc1.weights'
 */
export function histogramField(
  tag: string,
  overrides?: Readonly<Record<string, string>>,
): TraceField | undefined {
  const given = overrides?.[tag];
  if (given !== undefined) return given;
  const key = tag.toLowerCase();
  const kind = GRADIENT.test(key)
    ? 'gradients'
    : BIAS.test(key)
      ? 'biases'
      : WEIGHT.test(key)
        ? 'weights'
        : undefined;
  if (!kind) return undefined;
  const layer = tag
    .split('/')
    .map((part) => part.replace(KIND_WORD, '').replace(/^[._]+/, ''))
    .filter((part) => part !== '')
    .join('/');
  return layer ? `layers.${layer}.${kind}` : undefined;
}
