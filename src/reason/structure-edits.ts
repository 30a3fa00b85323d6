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
export function resolveEdit(template: StructureEdit, run: RunEvent): Edit[] {
  const model = modelViewOf(run);
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
      if (norm(run.loss) !== norm(t.loss as string))
        edits.push({ op: 'set', at: 'training', field: 'loss', ...from(run.loss), value: t.loss });
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
const views = new WeakMap<RunEvent, ReturnType<typeof createModelView>>();
function modelViewOf(run: RunEvent) {
  let view = views.get(run);
  if (!view) {
    view = createModelView(run);
    views.set(run, view);
  }
  return view;
}

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
