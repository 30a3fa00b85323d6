import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TraceEvent } from '../../domain/index.js';
import { TraceError } from '../trace-error.js';
import type { Importer, ImportOptions } from './importer.js';
import { createRunBuilder, type RunHeader } from './run-builder.js';

const STATE = 'trainer_state.json';

/**
 * Hugging Face `Trainer` state (`trainer_state.json`, in an output or
 * checkpoint folder): each `log_history` entry is a step's logged values
 * (loss, grad_norm, learning_rate) or an evaluation (eval_* keys), read
 * through the shared field map; `config.json` beside it gives the task.
 * Recognised by a JSON object whose keys include `log_history`. Read whole:
 * it is one JSON document (a few MB for a long run), written with Python's
 * bare `NaN`/`Infinity`, which are kept.
 */
export const hfTrainerStateImporter: Importer = {
  format: 'hf-trainer-state',
  match(probe) {
    if (probe.isDirectory) return probe.entries.includes(STATE);
    const head = probe.head.toString('utf8');
    return /^\s*\{/.test(head) && head.includes('"log_history"');
  },
  async *parse(path, options = {}) {
    const file = statSync(path).isDirectory() ? join(path, STATE) : path;
    yield readState(file, options);
  },
};

interface LogEntry {
  step?: number;
  epoch?: number;
  [key: string]: unknown;
}

function readState(file: string, options: ImportOptions) {
  const dir = dirname(file);
  const name = basename(dir);
  const notes: string[] = [];
  async function* events(): AsyncGenerator<TraceEvent[]> {
    const state = parsePythonJson(await readFile(file, 'utf8'), file) as {
      log_history?: LogEntry[];
      train_batch_size?: number;
      num_train_epochs?: number;
    };
    if (!Array.isArray(state.log_history))
      throw new TraceError({ file }, 'log_history', 'expected a list of logged entries');
    const run: RunHeader = { id: name, name, framework: 'pytorch', ...(await configFacts(dir, notes)) };
    if (Number.isInteger(state.train_batch_size)) run.batchSize = state.train_batch_size;
    if (Number.isInteger(state.num_train_epochs)) run.epochs = state.num_train_epochs;
    const builder = createRunBuilder({ file, run, map: options.map, notes, names: 'keys' });
    for (const entry of state.log_history) {
      // The last entry sums the run up (train_loss is the mean over it): not a step.
      if ('train_runtime' in entry || typeof entry.step !== 'number') continue;
      const step = entry.step;
      // `epoch` is fractional, 1.0 at the end of the first epoch: its index is the one it is in.
      if (typeof entry.epoch === 'number')
        builder.value(step, 'epoch', Math.max(0, Math.ceil(entry.epoch - 1e-9) - 1));
      for (const [key, value] of Object.entries(entry)) {
        if (key === 'step' || key === 'epoch') continue;
        const v = typeof value === 'string' ? nonFinite(value) : value;
        if (typeof v === 'number') builder.value(step, key, v);
      }
    }
    yield builder.finish();
  }
  return { name, source: file, events: events(), notes };
}

/** JSON as Python's json module writes it: bare NaN, Infinity and -Infinity are numbers. */
function parsePythonJson(text: string, file: string): unknown {
  const quoted = text.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"$2"');
  try {
    return JSON.parse(quoted);
  } catch (err) {
    throw new TraceError({ file }, undefined, `not valid JSON: ${(err as Error).message}`);
  }
}

function nonFinite(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** What the model's config.json beside the state says of the run: the task, the model family. */
async function configFacts(dir: string, notes: string[]): Promise<Partial<RunHeader>> {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return {};
  let config: Record<string, unknown>;
  try {
    config = parsePythonJson(await readFile(path, 'utf8'), path) as Record<string, unknown>;
  } catch (err) {
    notes.push(`${path} not read: ${(err as Error).message}`);
    return {};
  }
  const problem = config.problem_type;
  const task =
    problem === 'single_label_classification'
      ? 'classification'
      : problem === 'regression'
        ? 'regression'
        : problem === 'multi_label_classification'
          ? 'other'
          : undefined;
  const tags: Record<string, string> = {};
  if (typeof config.model_type === 'string') tags.modelType = config.model_type;
  return { ...(task ? { task } : {}), ...(Object.keys(tags).length ? { tags } : {}) };
}
