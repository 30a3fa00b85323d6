import type { ConcreteEdit } from '../domain/index.js';
import {
  freshName,
  isActivationOnly,
  isWeighted,
  keyPath,
  Layer,
  TrainingTemplate as TemplateSchema,
  type TrainingTemplate,
} from '../train/index.js';
import { setLayerField, setOptimizerField, setTrainingField } from './edit-fields.js';
import { InapplicableEdit, normalise } from './inapplicable-edit.js';

/** An edit as the reasoner resolves it (`remedy` and `forCauses` are not needed to apply it). */
export type Edit = Pick<ConcreteEdit, 'op' | 'at' | 'layer' | 'field' | 'value' | 'from'>;

export type EditOutcome =
  | { ok: true; template: TrainingTemplate; changes: string[] }
  | { ok: false; reason: string };

/**
 * Applies concrete edits (from a diagnosis' remedies) to a copy of a
 * template whose model is an explicit list of named layers:
 * - `insert` a layer after the layer `at`;
 * - `replace` the activation of `at` (a weighted layer, or an activation layer);
 * - `remove` the layer `at` (with the activation layers that belong to it);
 * - `set` a `field` of layer `at`, or of the `optimizer`, or of the `training`
 *   setup (loss, batch size, epochs, schedule, preprocessing).
 * All edits apply or none does: an edit the template cannot express (an unknown
 * layer or setting, a value the schema refuses, a model left without its
 * output) makes the whole list inapplicable, and so does a list that changes
 * nothing. The result is validated like a template read from YAML.
 *
 * @example applyEdits(template, [{ op: 'set', at: 'optimizer', field: 'learningRate', value: 0.05 }])
 */
export function applyEdits(template: TrainingTemplate, edits: Edit[]): EditOutcome {
  if (!template.model.layers)
    return { ok: false, reason: 'the model is a preset; expand it to layers first' };
  const t: TrainingTemplate = structuredClone(template);
  const changes: string[] = [];
  try {
    for (const edit of edits) {
      const change = applyOne(t, edit);
      if (change) changes.push(change);
    }
  } catch (err) {
    if (err instanceof InapplicableEdit) return { ok: false, reason: err.message };
    throw err;
  }
  if (changes.length === 0) return { ok: false, reason: 'the edits change nothing in this template' };
  const checked = TemplateSchema.safeParse(t);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return { ok: false, reason: `the edited template is invalid: ${keyPath(issue.path)}: ${issue.message}` };
  }
  return { ok: true, template: checked.data, changes };
}

/** Applies one edit in place; returns what changed, or undefined when it was already so. */
function applyOne(t: TrainingTemplate, e: Edit): string | undefined {
  if (e.op === 'set' && e.at === 'optimizer') return setOptimizerField(t, need(e.field, e), e.value);
  if (e.op === 'set' && e.at === 'training') return setTrainingField(t, need(e.field, e), e.value);
  const layers = t.model.layers!;
  const i = layers.findIndex((l) => l.name === e.at);
  if (i < 0) throw new InapplicableEdit(`the model has no layer '${e.at}'`);
  switch (e.op) {
    case 'insert':
      return insertAfter(layers, i, e.layer);
    case 'remove':
      return removeLayer(layers, i);
    case 'replace':
    case 'set':
      return setLayerField(layers, i, need(e.field, e), e.value, e.op === 'replace' ? e.from : undefined);
  }
}

function insertAfter(layers: Layer[], i: number, spec: Edit['layer']): string | undefined {
  if (!spec || typeof spec.type !== 'string') throw new InapplicableEdit('an insert without a layer type');
  const type = LAYER_ALIASES[normalise(spec.type)];
  if (!type) throw new InapplicableEdit(`a ${spec.type} layer cannot be expressed in a template`);
  const next = layers[i + 1];
  // Inserting what is already there (batch norm after batch norm, dropout after dropout) changes nothing.
  if (next?.type === type && IDEMPOTENT_INSERTS.has(type)) return undefined;
  const used = new Set(layers.map((l) => l.name!));
  const parsed = Layer.safeParse({ ...spec, type, name: freshName(type, used) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InapplicableEdit(`the new ${type} layer: ${keyPath(issue.path)}: ${issue.message}`);
  }
  if (parsed.data.type === 'add') {
    const earlier = new Set(layers.slice(0, i + 1).map((l) => l.name));
    const missing = parsed.data.inputs.find((n) => !earlier.has(n));
    if (missing)
      throw new InapplicableEdit(
        `the add layer sums '${missing}', which is not at or before ${layers[i]!.name}`,
      );
  }
  layers.splice(i + 1, 0, parsed.data);
  return `insert ${type}${describeArgs(parsed.data)} after ${layers[i]!.name}`;
}

function removeLayer(layers: Layer[], i: number): string {
  const target = layers[i]!;
  const weighted = layers.filter(isWeighted);
  if (isWeighted(target) && weighted.at(-1) === target)
    throw new InapplicableEdit(`${target.name} is the output layer; removing it leaves no output`);
  const referenced = layers.find((l) => l.type === 'add' && l.inputs.includes(target.name!));
  if (referenced) throw new InapplicableEdit(`${target.name} feeds the residual ${referenced.name}`);
  // Its own activation layers go with it.
  let end = i + 1;
  while (end < layers.length && isActivationOnly(layers[end]!)) end++;
  const removed = layers.splice(i, end - i);
  return `remove ${removed.map((l) => l.name).join(', ')}`;
}

function need(field: string | undefined, e: Edit): string {
  if (!field) throw new InapplicableEdit(`a ${e.op} on ${e.at} without a field`);
  return field;
}

function describeArgs(l: Layer): string {
  if (l.type === 'dropout') return ` (rate ${l.rate})`;
  if (l.type === 'gaussianNoise') return ` (stddev ${l.stddev})`;
  if (l.type === 'add') return ` of ${l.inputs.join(' + ')}`;
  if (l.type === 'dense') return ` (${l.units} ${l.activation ?? 'linear'})`;
  return '';
}

const IDEMPOTENT_INSERTS = new Set<Layer['type']>([
  'batchNormalization',
  'layerNormalization',
  'dropout',
  'gaussianNoise',
]);

// Layer types as the graph's edits and other frameworks name them → the template's type.
const LAYER_ALIASES: Record<string, Layer['type']> = {
  batchnormalization: 'batchNormalization',
  batchnorm: 'batchNormalization',
  layernormalization: 'layerNormalization',
  layernorm: 'layerNormalization',
  dropout: 'dropout',
  gaussiannoise: 'gaussianNoise',
  add: 'add',
  dense: 'dense',
  leakyrelu: 'leakyReLU',
  activation: 'activation',
};
