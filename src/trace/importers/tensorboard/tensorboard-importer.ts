import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TraceEvent } from '../../../domain/index.js';
import type { ImportedRun, Importer, ImportOptions } from '../importer.js';
import { readHead } from '../read-head.js';
import { createRunBuilder } from '../run-builder.js';
import { BuilderSink } from './builder-sink.js';
import { maskedCrc32c } from './crc32c.js';
import { type Point, readEventStream, type StreamReport } from './event-stream.js';
import { mergeByStep } from './merge-by-step.js';

const EVENT_FILE = /^events\.out\.tfevents\./;
// Keras's TensorBoard callback writes a run as train/ and validation/ writers.
const VAL_FOLDERS = new Set(['validation', 'val', 'eval', 'valid']);
const TRAIN_FOLDERS = new Set(['train', 'training']);

/**
 * TensorBoard event files (`events.out.tfevents.*`): recognised by content,
 * a first TFRecord frame whose length CRC holds and whose Event says
 * `brain.Event:`. A folder is one run when it holds event files or Keras's
 * `train/` and `validation/` writers (merged by step); a folder of run
 * folders is read run by run (importRuns walks it). Every point is read.
 */
export const tensorboardImporter: Importer = {
  format: 'tensorboard',
  match(probe) {
    if (!probe.isDirectory) return isEventFileHead(probe.head);
    return runParts(probe.path, probe.entries) !== undefined;
  },
  async *parse(path, options = {}) {
    const isDir = statSync(path).isDirectory();
    const parts = isDir
      ? runParts(path, readdirSync(path).sort())
      : [{ files: [path], val: false, keras: false }];
    if (!parts) return;
    const runDir = isDir ? path : dirname(path);
    yield readRun(basename(runDir), path, parts, options);
  },
};

interface Part {
  files: string[];
  /** Validation values (a `validation/` writer): tags read as `val_*`. */
  val: boolean;
  /** Written by Keras's TensorBoard callback (its train/ or validation/ writer): two x axes, see onKerasAxes. */
  keras: boolean;
}

// Keras logs every validation value again at the optimizer's iteration (`evaluation_loss_vs_iterations`,
// by on_test_end): the same values as its `epoch_*` ones, on the other axis.
const KERAS_EVALUATION = /^evaluation_.+_vs_iterations$/;

/** Reads Keras's validation writers whole (a few values per epoch), by the epoch they were logged at; returns the error that ended one, if any. */
async function collectValidation(streams: AsyncIterable<Point[]>[], byEpoch: Map<number, Point[]>) {
  try {
    for (const s of streams)
      for await (const points of s)
        for (const p of points) {
          if (KERAS_EVALUATION.test(p.tag.replace(/^val_/, ''))) continue;
          const list = byEpoch.get(p.step) ?? [];
          byEpoch.set(p.step, list);
          list.push(p);
        }
  } catch (err) {
    return err;
  }
  return undefined;
}

/**
 * Keras's TensorBoard callback writes two x axes into its train writer: with
 * `update_freq="batch"` (or N), `batch_*` values at the global batch (1, 2,
 * ...), and always the `epoch_*` values and weight histograms at the epoch
 * index (0, 1, ...), after that epoch's batches. On one axis they would
 * interleave and go back; here each epoch's values move to the last batch
 * step logged before them (no batch values: they stay at the epoch index),
 * joined by that epoch's validation values.
 */
async function* onKerasAxes(
  stream: AsyncIterable<Point[]>,
  validation: Map<number, Point[]>,
): AsyncGenerator<Point[]> {
  let lastBatch = -1;
  let emitted = -1;
  for await (const points of stream) {
    const out: Point[] = [];
    for (const p of points) {
      if (p.histogram === undefined && !p.tag.startsWith('epoch_')) {
        lastBatch = Math.max(lastBatch, p.step);
        out.push(p);
        continue;
      }
      const epoch = p.step;
      const step = lastBatch >= 0 ? lastBatch : epoch;
      out.push({ ...p, step });
      for (const v of validation.get(epoch) ?? []) out.push({ ...v, step });
      validation.delete(epoch);
      emitted = Math.max(emitted, step);
    }
    yield out;
  }
  // Validation epochs the train writer never reached (a run stopped mid-epoch) close the run.
  for (const [epoch, points] of [...validation].sort((a, b) => a[0] - b[0])) {
    const step = Math.max(epoch, emitted, lastBatch);
    yield points.map((p) => ({ ...p, step }));
  }
}

function readRun(name: string, source: string, parts: Part[], options: ImportOptions): ImportedRun {
  const notes: string[] = [];
  const file = parts[0]!.files[0]!;
  async function* events(): AsyncGenerator<TraceEvent[]> {
    const builder = createRunBuilder({ file, run: { id: name, name }, map: options.map, notes });
    const report: StreamReport = {
      purged: 0,
      purgedSteps: [Infinity, -Infinity],
      restarts: [],
      skipped: new Map(),
    };
    const sink = new BuilderSink(builder, options.map);
    const onPoint = (p: Point) =>
      p.histogram ? sink.histogram(p.step, p.tag, p.histogram) : sink.scalar(p.step, p.tag, p.value);
    // Keras's train writer logs epoch_* and batch_* tags on two step axes: a tag going back drops its own points only.
    const stream = (p: Part) =>
      readEventStream(p.files, report, {
        rename: p.val ? asValidation : undefined,
        purgeScope: p.keras ? 'tag' : 'run',
      });
    const train = parts.filter((p) => !p.val || !parts.some((q) => q.keras && !q.val));
    let late: unknown;
    let streams: AsyncIterator<Point[]>[];
    if (parts.length === 1 && !parts[0]!.keras) {
      // A single stream needs no merge: its points go straight to the builder.
      streams = [readEventStream(parts[0]!.files, report, { direct: sink })];
    } else {
      // Keras's validation writer holds a few values per epoch: read first, they join the train
      // writer's values of the same epoch. A damaged validation file ends the run after the rest.
      const byEpoch = new Map<number, Point[]>();
      if (train.length < parts.length)
        late = await collectValidation(parts.filter((p) => !train.includes(p)).map(stream), byEpoch);
      streams = train.map((p) => (p.keras && !p.val ? onKerasAxes(stream(p), byEpoch) : stream(p)));
    }
    try {
      for await (const points of mergeByStep(streams)) {
        for (const p of points) onPoint(p);
        const done = builder.take();
        if (done.length) yield done;
      }
      if (late) throw late;
    } catch (err) {
      // Damage ends the stream: what was read before it, the last step's points too, is still the run's.
      yield builder.drain();
      throw err;
    }
    if (report.restarts.length)
      notes.push(
        `the run restarts from an earlier step (${report.restarts.map((r) => `step ${r.step}${r.tag ? ` of ${r.tag}` : ''} at ${r.file}, byte ${r.offset}`).join('; ')}): ` +
          `the ${report.purged} values logged before at steps ${report.purgedSteps[0]}..${report.purgedSteps[1]} were replaced by the later ones`,
      );
    for (const [kind, tags] of report.skipped)
      notes.push(`${kind} values are not read (tags: ${[...tags].join(', ')})`);
    yield builder.finish();
  }
  return { name, source, events: events(), notes };
}

const asValidation = (tag: string) => (tag.startsWith('epoch_') ? `epoch_val_${tag.slice(6)}` : `val_${tag}`);

/** The event files of a run folder, directly in it or in Keras's train/ and validation/ folders. */
function runParts(dir: string, entries: readonly string[]): Part[] | undefined {
  const parts: Part[] = [];
  const own = eventFiles(dir, entries);
  if (own.length) parts.push({ files: own, val: false, keras: false });
  for (const entry of entries) {
    const lower = entry.toLowerCase();
    if (!VAL_FOLDERS.has(lower) && !TRAIN_FOLDERS.has(lower)) continue;
    const sub = join(dir, entry);
    let inner: string[];
    try {
      if (!statSync(sub).isDirectory()) continue;
      inner = readdirSync(sub).sort();
    } catch {
      continue;
    }
    const files = eventFiles(sub, inner);
    if (files.length) parts.push({ files, val: VAL_FOLDERS.has(lower), keras: true });
  }
  return parts.length ? parts : undefined;
}

function eventFiles(dir: string, entries: readonly string[]): string[] {
  return entries
    .filter((e) => EVENT_FILE.test(e))
    .map((e) => join(dir, e))
    .filter((f) => isEventFileHead(readHead(f, 64)));
}

/** A first TFRecord frame whose length CRC holds, holding an Event whose file_version is `brain.Event:N`. */
export function isEventFileHead(head: Buffer): boolean {
  if (head.length < 12 + 14) return false;
  if (maskedCrc32c(head, 0, 8) !== head.readUInt32LE(8)) return false;
  return head.subarray(12, Math.min(head.length, 12 + 64)).includes('brain.Event:');
}
