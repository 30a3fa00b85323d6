import { createModelView, type LayerView } from '../detect/index.js';
import type { ConcreteEdit, RunEvent, StructureEdit } from '../domain/index.js';

type Edit = Omit<ConcreteEdit, 'remedy' | 'forCauses'>;

/**
 * Resolves a remedy's edit template from the graph (e.g. `{ op: insert_layer,
 * layerType: batchNormalization, where: after_each_dense }`) into concrete
 * edits against the run's own layers and settings (`insert BatchNormalization
 * after dense_2`, `set optimizer.learningRate from 0.5 to 0.05`). Returns []
 * when the run lacks what the edit needs (no layers listed, no learning
 * rate to scale): an edit is never guessed.
 */
export function resolveEdit(template: StructureEdit, run: RunEvent, model = createModelView(run)): Edit[] {
  const t = template as StructureEdit & Record<string, unknown>;
  const targets = pickLayers(model.hidden, model.output, t.where as string | undefined);
  const info = (name: string) => run.model?.layers.find((l) => l.name === name);
  switch (t.op) {
    case 'insert_layer': {
      const layer = {
        type: t.layerType as string,
        ...(t.value !== undefined ? { [RATE[t.layerType as string] ?? 'value']: t.value } : {}),
      };
      // Noise regularises the input to the stack: once, after the first hidden layer.
      const at = t.where === 'hidden' ? targets.slice(0, 1) : targets;
      return at.map((l) => ({ op: 'insert', at: l.name, layer }));
    }
    case 'replace_activation': {
      const to = t.activation as string;
      return targets
        .filter((l) => norm(l.activation) !== norm(to) && norm(l.activation) !== 'linear')
        .map((l) => ({
          op: 'replace',
          at: l.activationLayers[0] ?? l.name,
          field: 'activation',
          from: l.activation,
          value: to,
        }));
    }
    case 'change_initializer': {
      const field = t.param === 'bias' ? 'biasInitializer' : 'kernelInitializer';
      return targets
        .filter((l) => norm(info(l.name)?.[field]) !== norm(t.initializer as string))
        .map((l) => ({ op: 'set', at: l.name, field, ...from(info(l.name)?.[field]), value: t.initializer }));
    }
    case 'remove_layer': {
      // Halve the depth of a too-deep stack, keeping the first two hidden layers.
      const removable = model.hidden.slice(2);
      return removable.slice(Math.ceil(removable.length / 2)).map((l) => ({ op: 'remove', at: l.name }));
    }
    case 'add_residual':
      // A skip connection around every pair of equally wide hidden layers.
      return model.hidden.flatMap((l, i) => {
        const prev = model.hidden[i - 1];
        if (!prev || i % 2 === 0 || l.units === undefined || l.units !== prev.units) return [];
        return [{ op: 'insert' as const, at: l.name, layer: { type: 'add', inputs: [prev.name, l.name] } }];
      });
    case 'change_units': {
      if (t.value === 'numClasses') {
        const n = run.dataset?.numClasses;
        const out = model.output;
        if (!out || n === undefined || out.units === n) return [];
        return [{ op: 'set', at: out.name, field: 'units', ...from(out.units), value: n }];
      }
      const factor = t.factor as number;
      return targets
        .filter((l) => l.units !== undefined)
        .map((l) => ({
          op: 'set',
          at: l.name,
          field: 'units',
          from: l.units,
          value: Math.max(1, Math.round(l.units! * factor)),
        }));
    }
    case 'change_output_activation': {
      const out = model.output;
      const edits: Edit[] = [];
      if (out && norm(out.activation) !== norm(t.activation as string))
        edits.push({
          op: 'set',
          at: out.activationLayers[0] ?? out.name,
          field: 'activation',
          from: out.activation,
          value: t.activation,
        });
      if (t.loss && norm(run.loss) !== norm(t.loss as string))
        edits.push({ op: 'set', at: 'training', field: 'loss', ...from(run.loss), value: t.loss });
      return edits;
    }
    case 'change_loss': {
      const edits: Edit[] = [];
      // `forOutput` names the loss that fits another output activation (a softmax output needs
      // the softmax form of a fused loss, never the sigmoid one).
      const forOutput = (t.forOutput ?? {}) as Record<string, string>;
      const loss = forOutput[norm(model.output?.activation)] ?? (t.loss as string);
      if (norm(run.loss) !== norm(loss))
        edits.push({ op: 'set', at: 'training', field: 'loss', ...from(run.loss), value: loss });
      if (t.param) edits.push({ op: 'set', at: 'training', field: t.param as string, value: t.value });
      return edits;
    }
    case 'set_optimizer': {
      const edits: Edit[] = [];
      const name = run.optimizer?.name;
      if (norm(name) !== norm(t.optimizer as string))
        edits.push({ op: 'set', at: 'optimizer', field: 'name', ...from(name), value: t.optimizer });
      if (t.param)
        edits.push({
          op: 'set',
          at: 'optimizer',
          field: t.param as string,
          ...from(optimizerField(run, t.param as string)),
          value: t.value,
        });
      return edits;
    }
    case 'set_hyperparameter':
      return setHyperparameter(t, run, model.hidden);
    case 'set_trainable':
      // where: frozen — the weighted layers the run froze go back to training.
      return model.weighted
        .filter((l) => !l.trainable)
        .map((l) => ({ op: 'set', at: l.name, field: 'trainable', from: false, value: true }));
    default:
      return [];
  }
}

// Every remedy of a diagnosis resolves against the same run: build its model view once.
/**
 * A remedy's graph edit as it applies to a run, with what its entry says
 * beyond one edit (graph-seed/remedies.yaml):
 * - `byOptimizer`: a value per optimizer (each optimizer's documented
 *   default learning rate: SGD's 0.01 is ten times Adam's 0.001), the one
 *   for the run's optimizer (or the one the edit switches to);
 * - `with`: companion edits applied together with the remedy's own (dropout
 *   with early stopping that keeps the best epoch), only where the remedy's
 *   own edit applies.
 * The diagnosis shows these edits, and auto-repair applies the same ones.
 *
 * @example resolveRemedyEdit(graph.remedies.use_default_learning_rate.edit, runWithSgd) // learningRate → 0.01
 */
export function resolveRemedyEdit(
  edit: StructureEdit,
  run: RunEvent,
  optimizer = optimizerKey(run),
  model = createModelView(run),
): Edit[] {
  const own = resolveEdit(editForOptimizer(edit, optimizer), run, model);
  return own.length === 0 ? own : [...own, ...companionEdits(edit, run, optimizer, model)];
}

/** The `with` companions of a remedy's graph edit, resolved against the run (see resolveRemedyEdit). */
export function companionEdits(
  edit: StructureEdit,
  run: RunEvent,
  optimizer = optimizerKey(run),
  model = createModelView(run),
): Edit[] {
  const companions = Array.isArray(edit.with) ? (edit.with as unknown[]).filter(isEdit) : [];
  return companions.flatMap((e) => resolveEdit(editForOptimizer(e, optimizer), run, model));
}

/**
 * A graph edit for an optimizer: the value its `byOptimizer` table gives for
 * that optimizer (the one the edit switches to, else the given one) replaces
 * `value`; an optimizer the table does not name, or an edit without a table,
 * keeps `value`.
 *
 * @example editForOptimizer({ op: 'set_hyperparameter', param: 'learningRate', value: 0.001, byOptimizer: { sgd: 0.01 } }, 'sgd') // value 0.01
 */
export function editForOptimizer(edit: StructureEdit, optimizer: string | undefined): StructureEdit {
  const table = edit.byOptimizer;
  if (!isValueTable(table)) return edit;
  const target = typeof edit.optimizer === 'string' ? edit.optimizer : optimizer;
  const value = target === undefined ? undefined : table[target];
  return value === undefined ? edit : { ...edit, value };
}

/** The run's optimizer by the names `byOptimizer` tables use: `torch.optim.AdamW` → adamw, SGD with momentum → momentum. */
export function optimizerKey(run: RunEvent): string | undefined {
  const opt = run.optimizer;
  if (!opt?.name) return undefined;
  const key = opt.name
    .split('.')
    .at(-1)!
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const momentum = (opt as { momentum?: unknown }).momentum;
  return key === 'sgd' && typeof momentum === 'number' && momentum > 0 ? 'momentum' : key;
}

function isValueTable(v: unknown): v is Record<string, number> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x))
  );
}

const isEdit = (v: unknown): v is StructureEdit =>
  typeof v === 'object' && v !== null && typeof (v as { op?: unknown }).op === 'string';

function setHyperparameter(t: Record<string, unknown>, run: RunEvent, hidden: LayerView[]): Edit[] {
  const param = t.param as string;
  if (param === 'l2')
    return hidden.map((l) => ({ op: 'set', at: l.name, field: 'kernelRegularizer', value: { l2: t.value } }));
  const at = OPTIMIZER_PARAMS.has(param) ? 'optimizer' : 'training';
  const current = at === 'optimizer' ? optimizerField(run, param) : trainingField(run, param);
  if (typeof t.factor === 'number') {
    // A relative change needs the current value; without it there is nothing concrete to say.
    if (typeof current !== 'number' || !Number.isFinite(current)) return [];
    const value =
      param === 'batchSize' || param === 'epochs' ? Math.round(current * t.factor) : sig(current * t.factor);
    return [{ op: 'set', at, field: param, from: current, value }];
  }
  if (current === t.value) return [];
  return [{ op: 'set', at, field: param, ...from(current), value: t.value }];
}

function pickLayers(
  hidden: LayerView[],
  output: LayerView | undefined,
  where: string | undefined,
): LayerView[] {
  switch (where) {
    case 'output':
    case 'before_output':
      return output ? [output] : [];
    case 'all':
      return output ? [...hidden, output] : hidden;
    default:
      // hidden, after_each_dense: the hidden stack (normalising or changing the output head is a different remedy).
      return hidden;
  }
}

const OPTIMIZER_PARAMS = new Set([
  'learningRate',
  'momentum',
  'weightDecay',
  'clipNorm',
  'beta1',
  'beta2',
  'epsilon',
]);
const RATE: Record<string, string> = { dropout: 'rate', gaussianNoise: 'stddev' };

const optimizerField = (run: RunEvent, field: string): unknown =>
  (run.optimizer as Record<string, unknown> | undefined)?.[field];
const trainingField = (run: RunEvent, field: string): unknown => (run as Record<string, unknown>)[field];
const from = (v: unknown) => (v === undefined ? {} : { from: v });
const norm = (s: unknown) =>
  String(s ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
const sig = (x: number) => Number(x.toPrecision(3));
