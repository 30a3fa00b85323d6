import {
  ACTIVATIONS,
  freshName,
  isActivationOnly,
  isWeighted,
  keyPath,
  Layer,
  LOSSES,
  OPTIMIZERS,
  type TrainingTemplate,
} from '../train/index.js';
import { InapplicableEdit, normalise } from './inapplicable-edit.js';

const OPTIMIZER_FIELDS = new Set([
  'learningRate',
  'momentum',
  'beta1',
  'beta2',
  'epsilon',
  'clipNorm',
  'weightDecay',
]);

/** `set optimizer.<field>`: the name (one tfjs has) or a hyper-parameter. */
export function setOptimizerField(t: TrainingTemplate, field: string, value: unknown): string | undefined {
  const o = t.optimizer as Record<string, unknown>;
  if (field === 'name') {
    const name = OPTIMIZERS.find((n) => normalise(n) === normalise(value));
    if (!name) throw new InapplicableEdit(`optimizer ${String(value)} is not one tfjs has`);
    return change(o, 'name', name, 'optimizer.name');
  }
  if (!OPTIMIZER_FIELDS.has(field))
    throw new InapplicableEdit(`optimizer.${field} cannot be set in a template`);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InapplicableEdit(`optimizer.${field} needs a number, got ${JSON.stringify(value)}`);
  return change(o, field, value, `optimizer.${field}`);
}

// Where each training setting an edit names lives in a template.
const TRAINING_FIELDS: Record<string, { path: string[]; check: (v: unknown) => boolean }> = {
  loss: { path: ['loss'], check: () => true },
  fromLogits: { path: ['fromLogits'], check: (v) => typeof v === 'boolean' },
  labelSmoothing: { path: ['labelSmoothing'], check: isNumber },
  batchSize: { path: ['batchSize'], check: isNumber },
  epochs: { path: ['epochs'], check: isNumber },
  warmupFraction: { path: ['schedule', 'warmupFraction'], check: isNumber },
  lrSchedule: { path: ['schedule', 'lrSchedule'], check: (v) => v === 'cosine' || v === 'constant' },
  reduceLrOnPlateauFactor: { path: ['schedule', 'reduceLrOnPlateauFactor'], check: isNumber },
  earlyStoppingPatience: { path: ['schedule', 'earlyStoppingPatience'], check: isNumber },
  standardize: { path: ['preprocessing', 'standardize'], check: (v) => typeof v === 'boolean' },
  scaleToUnit: { path: ['preprocessing', 'scaleToUnit'], check: (v) => typeof v === 'boolean' },
};

// Losses the graph names that a template writes as a loss plus fromLogits.
const LOSS_ALIASES: Record<string, { loss: (typeof LOSSES)[number]; fromLogits?: boolean }> = {
  sigmoidcrossentropywithlogits: { loss: 'binaryCrossentropy', fromLogits: true },
  softmaxcrossentropywithlogits: { loss: 'categoricalCrossentropy', fromLogits: true },
  mse: { loss: 'meanSquaredError' },
  mae: { loss: 'meanAbsoluteError' },
};

/** `set training.<field>`: loss, batch size, epochs, the schedule, preprocessing. */
export function setTrainingField(t: TrainingTemplate, field: string, value: unknown): string | undefined {
  if (field === 'loss') {
    const alias = LOSS_ALIASES[normalise(value)];
    const loss = alias?.loss ?? LOSSES.find((l) => normalise(l) === normalise(value));
    if (!loss) throw new InapplicableEdit(`loss ${String(value)} is not one a template can name`);
    const changed = [change(t as Record<string, unknown>, 'loss', loss, 'loss')];
    if (alias?.fromLogits !== undefined)
      changed.push(change(t as Record<string, unknown>, 'fromLogits', alias.fromLogits, 'fromLogits'));
    return joined(changed);
  }
  const spec = TRAINING_FIELDS[field];
  if (!spec) throw new InapplicableEdit(`the training setting '${field}' cannot be expressed in a template`);
  if (!spec.check(value)) throw new InapplicableEdit(`${field} cannot be ${JSON.stringify(value)}`);
  let holder = t as Record<string, unknown>;
  for (const key of spec.path.slice(0, -1)) {
    holder[key] ??= {};
    holder = holder[key] as Record<string, unknown>;
  }
  return change(holder, spec.path.at(-1)!, value, spec.path.join('.'));
}

const LAYER_FIELDS = new Set([
  'units',
  'filters',
  'activation',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'trainable',
  'useBias',
  'rate',
  'stddev',
  'alpha',
]);

/**
 * `set`/`replace` a field of layer i. An activation becomes a field of a
 * weighted layer, or replaces an activation layer; leaky ReLU is a layer in
 * tfjs, so a weighted layer switching to it turns linear and gets one after it.
 */
export function setLayerField(
  layers: Layer[],
  i: number,
  field: string,
  value: unknown,
  from: unknown,
): string | undefined {
  const layer = layers[i]!;
  if (!LAYER_FIELDS.has(field))
    throw new InapplicableEdit(`${layer.name}.${field} cannot be set in a template`);
  if (field === 'activation') return setActivation(layers, i, value, from);
  const current = (layer as Record<string, unknown>)[field];
  if (field === 'kernelInitializer' || field === 'biasInitializer') {
    if (value === 'constant') throw new InapplicableEdit(`${layer.name}.${field}: constant needs a value`);
    if (current === undefined && value === DEFAULT_INITIALIZERS[field]) return undefined;
  }
  if (field === 'trainable' && current === undefined && value === true) return undefined;
  if (JSON.stringify(current) === JSON.stringify(value)) return undefined;
  layers[i] = parseLayer({ ...layer, [field]: value }, `${layer.name}.${field}`);
  return `${layer.name}.${field} ${show(current)} → ${show(value)}`;
}

// What a layer that names no initializer gets (build-model.ts): setting the default changes nothing.
const DEFAULT_INITIALIZERS: Record<string, string> = {
  kernelInitializer: 'glorotUniform',
  biasInitializer: 'zeros',
};

function setActivation(layers: Layer[], i: number, value: unknown, from: unknown): string | undefined {
  const layer = layers[i]!;
  const leaky = normalise(value) === 'leakyrelu';
  const activation = ACTIVATIONS.find((a) => normalise(a) === normalise(value));
  if (!leaky && !activation) throw new InapplicableEdit(`activation ${String(value)} is not one tfjs has`);
  const current = currentActivation(layers, i);
  if (from !== undefined && normalise(from) !== normalise(current))
    throw new InapplicableEdit(
      `${layer.name} has activation ${current}, not ${String(from)} as the edit expects`,
    );
  if (normalise(current) === normalise(value)) return undefined;
  const used = new Set(layers.map((l) => l.name!));
  if (isActivationOnly(layer)) {
    const type = leaky ? 'leakyReLU' : 'activation';
    layers[i] = parseLayer(
      leaky ? { type, name: freshName(type, used) } : { type, activation, name: freshName(type, used) },
      String(layer.name),
    );
  } else if (isWeighted(layer)) {
    const own = layers[i + 1] && isActivationOnly(layers[i + 1]!) ? i + 1 : undefined;
    if (own !== undefined) return setActivation(layers, own, value, undefined);
    layers[i] = parseLayer(
      { ...layer, activation: leaky ? 'linear' : activation },
      `${layer.name}.activation`,
    );
    if (leaky)
      layers.splice(
        i + 1,
        0,
        parseLayer({ type: 'leakyReLU', name: freshName('leakyReLU', used) }, 'leakyReLU'),
      );
  } else {
    throw new InapplicableEdit(`${layer.name} (${layer.type}) has no activation`);
  }
  return `${layer.name} activation ${current} → ${leaky ? 'leakyReLU' : activation}`;
}

/** The activation applied after layer i: its own, or that of the activation layer after it. */
function currentActivation(layers: Layer[], i: number): string {
  const l = layers[i]!;
  if (l.type === 'leakyReLU') return 'leakyReLU';
  if (l.type === 'activation') return l.activation;
  const next = layers[i + 1];
  if (isWeighted(l) && next && isActivationOnly(next)) return currentActivation(layers, i + 1);
  return isWeighted(l) ? (l.activation ?? 'linear') : 'linear';
}

function parseLayer(raw: unknown, what: string): Layer {
  const parsed = Layer.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InapplicableEdit(
    `${what}: ${keyPath(issue.path)}${issue.path.length ? ': ' : ''}${issue.message}`,
  );
}

function change(
  holder: Record<string, unknown>,
  key: string,
  value: unknown,
  label: string,
): string | undefined {
  const current = holder[key];
  if (JSON.stringify(current) === JSON.stringify(value)) return undefined;
  holder[key] = value;
  return `${label} ${show(current)} → ${show(value)}`;
}

const joined = (parts: (string | undefined)[]) => parts.filter(Boolean).join('; ') || undefined;
const show = (v: unknown) =>
  v === undefined ? '(unset)' : typeof v === 'object' ? JSON.stringify(v) : String(v);
function isNumber(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}
