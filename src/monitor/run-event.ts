import type { RunEvent } from '../domain/index.js';
import { type DataTensors, describeData } from './data-facts.js';
import { describeLoss, describeModel, describeOptimizer, inferTask } from './model-facts.js';
import type { MonitorSettings } from './settings.js';
import type { TF, Tf } from './tf-types.js';

export interface RunContext {
  tf: Tf;
  model: TF.LayersModel;
  settings: MonitorSettings;
  runId: string;
  optimizer: TF.Optimizer | undefined;
  data: DataTensors | undefined;
  /** What `model.fit` tells its callbacks (batch size, epochs), over the settings'. */
  fit?: { batchSize?: number; epochs?: number };
  /** The run's target, when already refined from its labels (default: `targetOf`). */
  target?: RunTarget;
  warn: (message: string) => void;
}

/** What the run's outputs are: the task and, for classification, the number of classes. */
export interface RunTarget {
  task?: string;
  numClasses?: number;
}

/** The task and class count of a model: the settings' task, or the one its loss implies. */
export function targetOf(model: TF.LayersModel, settings: MonitorSettings): RunTarget {
  const lastDim = model.outputs[0]?.shape.at(-1);
  const units = typeof lastDim === 'number' ? lastDim : undefined;
  const { loss } = settings.loss ? describeLoss(settings.loss) : describeLoss(compiledLoss(model));
  const task = settings.task ?? inferTask(loss, units);
  const numClasses =
    task === 'binary-classification'
      ? 2
      : task === 'classification' && units && units >= 2
        ? units
        : undefined;
  return { task, numClasses };
}

/**
 * The target once the labels are known: one-hot rows ([n, k ≥ 2] of 0/1,
 * one 1 per row) are classes, whatever the loss implies. A classifier
 * trained with a regression loss (MAE on one-hot labels, a classic bug) is
 * then described as the classifier it is, so the loss is what looks wrong.
 * The caller's own `task` is kept.
 *
 * @example await refineTarget(tf, { task: 'regression' }, settings, { x, y: oneHotY }) // { task: 'classification', numClasses: 10 }
 */
export async function refineTarget(
  tf: Tf,
  target: RunTarget,
  settings: MonitorSettings,
  data: DataTensors | undefined,
): Promise<RunTarget> {
  const y = data?.y;
  const k = y && y.rank === 2 ? y.shape[1] : undefined;
  if (settings.task !== undefined || /classification/.test(target.task ?? '') || !y || !k || k < 2)
    return target;
  try {
    const flags = tf.tidy(() => {
      const v = tf.cast(y, 'float32');
      const binary = tf.all(tf.logicalOr(tf.equal(v, 0), tf.equal(v, 1)));
      const single = tf.all(tf.equal(tf.sum(v, -1), 1));
      return tf.stack([tf.cast(binary, 'float32'), tf.cast(single, 'float32')]);
    });
    const [binary, single] = await flags.data();
    flags.dispose();
    return binary === 1 && single === 1 ? { task: 'classification', numClasses: k } : target;
  } catch {
    // Labels that cannot be read as numbers leave the target to the loss.
    return target;
  }
}

/** The model's compiled loss, or undefined before `compile` (reading it then is harmless). */
const compiledLoss = (model: TF.LayersModel): unknown => (model as { loss?: unknown }).loss;

/**
 * The `run` event, written from the model itself (layers, parameters,
 * optimizer, loss), the fit's batch size and epochs, and the training data
 * the caller handed over (input statistics, class counts, sizes).
 *
 * @example await buildRunEvent({ tf, model, settings, runId: 'mlp-1', optimizer: model.optimizer, data: { x, y } })
 */
export async function buildRunEvent(ctx: RunContext): Promise<RunEvent> {
  const { tf, model, settings } = ctx;
  const target = ctx.target ?? targetOf(model, settings);
  const run: RunEvent = { type: 'run', formatVersion: 1, id: ctx.runId };
  if (settings.name) run.name = settings.name;
  run.framework = 'tfjs';
  if (target.task) run.task = target.task;
  if (settings.parentRunId) run.parentRunId = settings.parentRunId;
  if (settings.appliedRemedies) run.appliedRemedies = settings.appliedRemedies;
  run.model = describeModel(model);
  const optimizer = describeOptimizer(ctx.optimizer);
  if (optimizer) run.optimizer = optimizer;
  Object.assign(run, settings.loss ? describeLoss(settings.loss) : describeLoss(compiledLoss(model)));
  if (settings.fromLogits !== undefined) run.fromLogits = settings.fromLogits;
  const batchSize = ctx.fit?.batchSize ?? settings.batchSize;
  if (batchSize) run.batchSize = batchSize;
  const epochs = ctx.fit?.epochs ?? settings.epochs;
  if (epochs) run.epochs = epochs;
  if (target.numClasses) run.dataset = { numClasses: target.numClasses };
  if (ctx.data) {
    // Odd data (strings, ragged shapes) costs the run its data facts, not its training.
    try {
      run.dataset = await describeData(tf, ctx.data, target);
    } catch (err) {
      ctx.warn(`traindx monitor: the training data could not be described (${(err as Error).message})`);
    }
  }
  run.tags = {
    monitor: 'traindx-tfjs',
    backend: tf.getBackend(),
    tfjs: tf.version.tfjs,
    statsEvery: String(settings.every),
    ...settings.tags,
  };
  return run;
}
