import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TraceEvent } from '../../../domain/index.js';
import type { ImportedRun, Importer, ImportOptions } from '../importer.js';
import { ProtoReader } from '../protobuf.js';
import { readHead } from '../read-head.js';
import { createRunBuilder, type RunHeader } from '../run-builder.js';
import { readLevelDbLog, WANDB_MAGIC } from './leveldb-log.js';
import { decodeWandbRecord } from './wandb-record.js';

const RUN_FILE = /^run-.+\.wandb$/;

/**
 * W&B offline runs (`wandb/offline-run-*​/run-*.wandb`): the transaction log
 * wandb-core writes, recognised by its `:W&B` header. The run record gives
 * the run's name and config (optimizer, learning rate, batch size, epochs);
 * history rows are steps, read through the shared field map. Values W&B's
 * charts hide (NaN, Infinity) are kept.
 */
export const wandbImporter: Importer = {
  format: 'wandb',
  match(probe) {
    if (!probe.isDirectory) return probe.head.subarray(0, WANDB_MAGIC.length).equals(WANDB_MAGIC);
    return runFileIn(probe.path, probe.entries) !== undefined;
  },
  async *parse(path, options = {}) {
    const file = statSync(path).isDirectory() ? runFileIn(path, readdirSync(path).sort()) : path;
    if (file) yield await readWandbRun(file, options);
  },
};

function runFileIn(dir: string, entries: readonly string[]): string | undefined {
  const name = entries.find((e) => RUN_FILE.test(e) && readHead(join(dir, e), 7).equals(WANDB_MAGIC));
  return name ? join(dir, name) : undefined;
}

/** The run record comes first in the log: read up to it so the run has its W&B name before it streams. */
async function readWandbRun(file: string, options: ImportOptions): Promise<ImportedRun> {
  const reader = new ProtoReader();
  const records = readLevelDbLog(file);
  let header: RunHeader = { id: basename(file).replace(/^run-|\.wandb$/g, '') };
  const pending: { data: Buffer }[][] = [];
  // next(), not for-await: a break would close the stream the events read on.
  for (let r = await records.next(); !r.done; r = await records.next()) {
    const batch = r.value;
    pending.push(batch);
    const run = batch
      .map((r) => decodeWandbRecord(reader.reset(r.data, 0, r.data.length)))
      .find((r) => r.kind === 'run');
    if (run?.kind === 'run') {
      header = { id: run.runId || header.id, name: run.displayName ?? run.runId, ...configFacts(run.config) };
      break;
    }
  }
  const name = header.name ?? header.id;
  const notes: string[] = [];
  async function* events(): AsyncGenerator<TraceEvent[]> {
    const builder = createRunBuilder({ file, run: header, map: options.map, notes, names: 'keys' });
    const read = (batch: { data: Buffer }[]) => {
      for (const record of batch) {
        const r = decodeWandbRecord(reader.reset(record.data, 0, record.data.length));
        if (r.kind !== 'history') continue;
        const values = r.items.map(([key, json]): [string, number | undefined] => [
          key,
          parseJsonNumber(json),
        ]);
        const step = r.step ?? values.find(([k]) => k === '_step')?.[1];
        if (step === undefined || !Number.isInteger(step)) continue;
        for (const [key, value] of values) if (value !== undefined) builder.value(step, key, value);
      }
    };
    try {
      for (const batch of pending) read(batch);
      for (let r = await records.next(); !r.done; r = await records.next()) {
        read(r.value);
        const done = builder.take();
        if (done.length) yield done;
      }
    } catch (err) {
      yield builder.drain();
      throw err;
    }
    yield builder.finish();
  }
  return { name, source: file, events: events(), notes };
}

/** A value_json that is a number; W&B writes NaN and Infinity bare, as Python's json does. */
function parseJsonNumber(json: string): number | undefined {
  if (json === 'NaN') return Number.NaN;
  if (json === 'Infinity') return Number.POSITIVE_INFINITY;
  if (json === '-Infinity') return Number.NEGATIVE_INFINITY;
  const value = Number(json);
  return json.trim() !== '' && !Number.isNaN(value) ? value : undefined;
}

/** The run facts a W&B config holds, under the names people give them. */
function configFacts(items: [string, string][]): Partial<RunHeader> {
  const config = new Map<string, unknown>();
  for (const [key, json] of items) {
    try {
      const parsed = JSON.parse(json) as unknown;
      // Older SDKs wrap each value as {"value": ..., "desc": ...}.
      config.set(key.toLowerCase(), (parsed as { value?: unknown })?.value ?? parsed);
    } catch {
      // A value that is not JSON is not a fact traindx reads.
    }
  }
  const num = (...keys: string[]) =>
    keys.map((k) => config.get(k)).find((v): v is number => typeof v === 'number');
  const str = (...keys: string[]) =>
    keys.map((k) => config.get(k)).find((v): v is string => typeof v === 'string');
  const lr = num('learning_rate', 'lr', 'learningrate');
  const optimizer = str('optimizer', 'optimizer_name', 'optim');
  const batchSize = num('batch_size', 'batchsize');
  const epochs = num('epochs', 'max_epochs', 'num_train_epochs');
  return {
    ...(optimizer
      ? { optimizer: { name: optimizer.toLowerCase(), ...(lr !== undefined ? { learningRate: lr } : {}) } }
      : {}),
    ...(Number.isInteger(batchSize) ? { batchSize } : {}),
    ...(Number.isInteger(epochs) ? { epochs } : {}),
  };
}
