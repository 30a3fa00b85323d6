import type { ConcreteEdit, Snippets } from '../domain/index.js';

/** What a snippet may name of the run besides its edits. */
export interface SnippetFacts {
  /** The run's optimizer as its `run` event names it (`sgd`, `torch.optim.AdamW`, ...). */
  optimizer?: string;
  /** The run's learning rate: `{{optimizer.learningRate}}` where no edit changes it. */
  learningRate?: number;
}

type Framework = keyof Snippets;

// Each framework's spelling of an optimizer (the part after `tf.train.`,
// `keras.optimizers.`, `torch.optim.`), by the lower-case key traces use.
// tf.js has no AdamW: its Adam is the nearest class the code can name.
const OPTIMIZER_CLASSES: Record<string, Record<Framework, string>> = {
  sgd: { tfjs: 'sgd', keras: 'SGD', pytorch: 'SGD' },
  momentum: { tfjs: 'momentum', keras: 'SGD', pytorch: 'SGD' },
  adam: { tfjs: 'adam', keras: 'Adam', pytorch: 'Adam' },
  adamw: { tfjs: 'adam', keras: 'AdamW', pytorch: 'AdamW' },
  adamax: { tfjs: 'adamax', keras: 'Adamax', pytorch: 'Adamax' },
  rmsprop: { tfjs: 'rmsprop', keras: 'RMSprop', pytorch: 'RMSprop' },
  adagrad: { tfjs: 'adagrad', keras: 'Adagrad', pytorch: 'Adagrad' },
  adadelta: { tfjs: 'adadelta', keras: 'Adadelta', pytorch: 'Adadelta' },
};

// `{{name}}` or `{{name|fallback}}`; the fallback is what a page shows with no run at hand.
const PLACEHOLDER = /\{\{([A-Za-z0-9_.]+)(?:\|([^}]*))?\}\}/g;

/**
 * A remedy's snippets (templates in `graph-seed/remedies.yaml`) filled with
 * this run's values, so the code says what the edit says: `{{at.field}}` is
 * the value a `set` edit gives (`{{optimizer.learningRate}}` → `0.3`),
 * `{{at.field.from}}` the value before it (`3`), and `{{optimizerClass}}` the
 * optimizer the run ends up with, in each framework's spelling (`SGD`,
 * `tf.train.sgd`'s `sgd`). A placeholder the run cannot fill takes its
 * fallback, so the snippet reads as a generic example instead of inventing a
 * number for this run.
 *
 * @example fillSnippets({ keras: 'SGD(learning_rate={{optimizer.learningRate|1e-4}})', tfjs: '', pytorch: '' }, edits).keras // 'SGD(learning_rate=0.3)'
 */
export function fillSnippets(snippets: Snippets, edits: ConcreteEdit[], facts: SnippetFacts = {}): Snippets {
  const values = new Map<string, string>();
  for (const e of edits) {
    if (e.op !== 'set' || !e.field) continue;
    const key = `${e.at}.${e.field}`;
    if (isShown(e.value) && !values.has(key)) values.set(key, String(e.value));
    if (isShown(e.from) && !values.has(`${key}.from`)) values.set(`${key}.from`, String(e.from));
  }
  if (!values.has('optimizer.learningRate') && isShown(facts.learningRate))
    values.set('optimizer.learningRate', String(facts.learningRate));
  const optimizer = optimizerName(values.get('optimizer.name') ?? facts.optimizer);
  const fill = (framework: Framework) =>
    snippets[framework].replace(PLACEHOLDER, (_all, name: string, fallback?: string) => {
      if (name === 'optimizerClass') return OPTIMIZER_CLASSES[optimizer ?? '']?.[framework] ?? fallback ?? '';
      return values.get(name) ?? fallback ?? '';
    });
  return { tfjs: fill('tfjs'), keras: fill('keras'), pytorch: fill('pytorch') };
}

/**
 * The snippets with no run at hand: every placeholder takes its fallback.
 *
 * @example genericSnippets(remedy.snippets).keras // 'optimizer = keras.optimizers.Adam(learning_rate=1e-4)  # a tenth of 1e-3'
 */
export const genericSnippets = (snippets: Snippets): Snippets => fillSnippets(snippets, []);

// Numbers and names read the same in JS and Python; a boolean or an object would not.
const isShown = (v: unknown): v is number | string =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length > 0);

// `torch.optim.AdamW` → adamw, as the table's keys are written.
const optimizerName = (name: string | undefined) =>
  name
    ?.split('.')
    .at(-1)
    ?.toLowerCase()
    .replace(/[^a-z0-9]/g, '');
