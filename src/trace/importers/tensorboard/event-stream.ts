import { stat } from 'node:fs/promises';
import { TraceError } from '../../trace-error.js';
import { ProtoReader } from '../protobuf.js';
import { checkStream, type PurgePlan, planPurges, type Restart } from './purge-plan.js';
import { createSimpleScalars } from './simple-scalars.js';
import { decodeEvent, type Histogram, type SummarySink } from './summary.js';
import { type RecordBatch, readTfRecords } from './tfrecord.js';

/** One logged value: a scalar or a histogram of a tag at a step. */
export interface Point {
  step: number;
  tag: string;
  value: number;
  histogram: Histogram | undefined;
}

/** What one folder's event files said besides their points. */
export interface StreamReport {
  /** Points dropped because the run went back to an earlier step (a restart from a checkpoint). */
  purged: number;
  purgedSteps: [number, number];
  restarts: { file: string; offset: number; step: number; tag?: string }[];
  /** Tags whose values are of a kind traindx does not read, by kind. */
  skipped: Map<string, Set<string>>;
}

/** Where a single stream's points go when they need no merge: straight to the caller, no Point objects. */
export interface PointSink {
  scalar(step: number, tag: string, value: number): void;
  histogram(step: number, tag: string, histogram: Histogram): void;
}

export interface EventStreamOptions {
  /** Turns a tag into the name the field map reads (`validation/` folders: `epoch_loss` → `epoch_val_loss`). */
  rename?: (tag: string) => string;
  /** Points go to it as they are read, and the batches yielded are empty: each marks where the caller can hand on what it built. */
  direct?: PointSink;
  /** What a tag going back in steps drops: every tag's later points (`run`, the default) or its own (`tag`). See planPurges. */
  purgeScope?: 'run' | 'tag';
}

/**
 * The points of one folder's event files (in name order, as TensorBoard reads
 * them: one logical stream), in batches. Two passes: the first checks every
 * record's CRCs and whether the steps go back (checkStream), the second
 * decodes. A run restarted from a checkpoint logs from an earlier step again,
 * in a new file or in the same one; as TensorBoard does, the points logged
 * before the restart at that step or later are dropped and the later ones
 * kept (planPurges). Damage ends the stream with a TraceError naming the file
 * and the byte offset, after the points before it.
 *
 * @example for await (const points of readEventStream(files, report)) ...
 */
export async function* readEventStream(
  files: readonly string[],
  report: StreamReport,
  options: EventStreamOptions = {},
): AsyncGenerator<Point[]> {
  const check = await checkStream(files);
  const plan = await planPurges(check, options.purgeScope ?? 'run');
  const restarts = [...plan.run, ...[...plan.byTag.values()].flat()].sort((a, b) => a.index - b.index);
  report.restarts.push(
    ...restarts.map((r) => ({
      file: r.file,
      offset: r.offset,
      step: r.step,
      ...(r.tag ? { tag: r.tag } : {}),
    })),
  );
  const batch: Point[] = [];
  const out: PointSink = options.direct ?? {
    scalar: (step, tag, value) => batch.push({ step, tag, value, histogram: undefined }),
    histogram: (step, tag, histogram) => batch.push({ step, tag, value: 0, histogram }),
  };
  const decoder = createDecoder(out, report, plan, options.rename);
  for (const { file, limit, size, mtimeMs } of check.files) {
    // The checking pass checked every CRC up to `limit`; a file changed since is checked again.
    const now = await stat(file);
    const verify = now.size !== size || now.mtimeMs !== mtimeMs;
    for await (const records of readTfRecords(file, { verify, limit })) {
      try {
        decoder.decode(records);
      } catch (err) {
        if (batch.length) yield batch.splice(0);
        const i = decoder.failedAt;
        const where = { file, offset: records.offsets[i]! };
        throw new TraceError(where, undefined, `malformed Event record: ${(err as Error).message}`);
      }
      // With `direct`, an empty batch still marks a read: the caller hands on what it built.
      yield batch.splice(0);
    }
  }
  if (check.damage) throw check.damage;
}

/**
 * Decodes batches of records into a sink, dropping what the purge plan
 * drops. A plain function per batch, not the generator's loop: V8 keeps its
 * locals in registers.
 */
function createDecoder(
  out: PointSink,
  report: StreamReport,
  plan: PurgePlan,
  rename: ((tag: string) => string) | undefined,
) {
  const reader = new ProtoReader();
  const scalars = createSimpleScalars();
  const plugins = new Map<string, string>();
  const renamed = new Map<string, string>();
  const nameOf = (tag: string) => {
    if (!rename) return tag;
    let name = renamed.get(tag);
    if (name === undefined) {
      name = rename(tag);
      renamed.set(tag, name);
    }
    return name;
  };
  let index = 0; // of the record, across the files
  const runBound = createBound(plan.run);
  const tagBounds = new Map([...plan.byTag].map(([tag, list]) => [tag, createBound(list)]));
  const kept = (step: number, tag: string) => {
    const byTag = tagBounds.get(tag);
    if (step < runBound(index) && (byTag === undefined || step < byTag(index))) return true;
    report.purged++;
    report.purgedSteps[0] = Math.min(report.purgedSteps[0], step);
    report.purgedSteps[1] = Math.max(report.purgedSteps[1], step);
    return false;
  };
  const sink: SummarySink = {
    scalar(step, tag, value) {
      if (kept(step, tag)) out.scalar(step, nameOf(tag), value);
    },
    histogram(step, tag, histogram) {
      if (kept(step, tag)) out.histogram(step, nameOf(tag), histogram);
    },
    skipped(tag, kind) {
      const tags = report.skipped.get(kind) ?? new Set<string>();
      report.skipped.set(kind, tags.add(tag));
    },
  };
  // With nothing to drop or rename, simple scalars go straight to the caller's sink: one call per value.
  const fast: Pick<SummarySink, 'scalar'> =
    !rename && plan.run.length === 0 && plan.byTag.size === 0 ? out : sink;
  return {
    /** The record of the batch that failed to decode. */
    failedAt: 0,
    decode(records: RecordBatch) {
      const { starts, ends, count } = records;
      reader.reset(records.buf, 0, 0);
      scalars.use(records.buf);
      for (let i = 0; i < count; i++, index++) {
        const start = starts[i]!;
        const end = ends[i]!;
        if (scalars.decode(start, end, fast)) continue;
        reader.pos = start;
        reader.end = end;
        try {
          decodeEvent(reader, plugins, sink);
        } catch (err) {
          this.failedAt = i;
          throw err;
        }
      }
    },
  };
}

/**
 * The lowest restart step after the current record, as a function of the
 * record's index (called with indices that never decrease): a point at that
 * step or above was logged before a restart that drops it.
 */
function createBound(restarts: readonly Restart[]): (index: number) => number {
  if (restarts.length === 0) return () => Number.POSITIVE_INFINITY;
  // Suffix minimum: a point is dropped when any later restart goes to a step ≤ its own.
  const min = restarts.map((r) => r.step);
  for (let i = min.length - 2; i >= 0; i--) min[i] = Math.min(min[i]!, min[i + 1]!);
  let next = 0;
  return (index) => {
    while (next < restarts.length && restarts[next]!.index <= index) next++;
    return next < restarts.length ? min[next]! : Number.POSITIVE_INFINITY;
  };
}
