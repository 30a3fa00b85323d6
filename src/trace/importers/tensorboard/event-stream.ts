import { type DecodedStream, decodeStream } from './decode-stream.js';
import type { Restart } from './purge-plan.js';
import type { Histogram } from './summary.js';
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
  /**
   * Optional, with scalarAt: a tag's scalars resolved once (null: dropped), then handed over by
   * that, not by name, each as `values[at]` (a number passed to a call is boxed).
   */
  slot?(tag: string): object | null;
  scalarAt?(slot: object, step: number, values: ArrayLike<number>, at: number): void;
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
 * them: one logical stream), in batches, one per read of the files. The files
 * are read once (decodeStream: CRCs, points as numbers, the purge plan), then
 * the points are handed on. A run restarted from a checkpoint logs from an
 * earlier step again, in a new file or in the same one; as TensorBoard does,
 * the points logged before the restart at that step or later are dropped and
 * the later ones kept (purge-plan.ts). Damage ends the stream with a
 * TraceError naming the file and the byte offset, after the points before it.
 *
 * @example for await (const points of readEventStream(files, report)) ...
 */
export async function* readEventStream(
  files: readonly string[],
  report: StreamReport,
  options: EventStreamOptions = {},
): AsyncGenerator<Point[]> {
  const stream = await decodeStream(files, options.purgeScope ?? 'run');
  const { plan } = stream;
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
  const hand = createHandOn(stream, out, report, options.rename);
  let from = 0;
  for (let read = 0; read < stream.reads.length; read++) {
    const to = stream.reads[read]!;
    hand(from, to, read);
    from = to;
    // With `direct`, an empty batch still marks a read: the caller hands on what it built.
    yield batch.splice(0);
  }
  if (stream.malformed) {
    // The points of the read the malformed Event ended, decoded before it.
    hand(from, stream.points.length, stream.reads.length);
    if (batch.length) yield batch.splice(0);
  }
  if (stream.error) throw stream.error;
}

/**
 * Hands the points `[from, to)` of a decoded stream to a sink, dropping what
 * the purge plan drops, and notes the kinds of values skipped in that read.
 * A plain function, not the generator's loop: V8 keeps its locals in registers.
 */
function createHandOn(
  stream: DecodedStream,
  out: PointSink,
  report: StreamReport,
  rename: ((tag: string) => string) | undefined,
) {
  const { plan, skipped } = stream;
  const names = rename ? stream.tags.map(rename) : stream.tags;
  const purging = plan.run.length > 0 || plan.byTag.size > 0;
  const runBound = createBound(plan.run);
  const tagBounds = stream.tags.map((_, id) => {
    const list = plan.byTag.get(id);
    return list ? createBound(list) : undefined;
  });
  const kept = (step: number, id: number, point: number) => {
    const byTag = tagBounds[id];
    if (step < runBound(point) && (byTag === undefined || step < byTag(point))) return true;
    report.purged++;
    report.purgedSteps[0] = Math.min(report.purgedSteps[0], step);
    report.purgedSteps[1] = Math.max(report.purgedSteps[1], step);
    return false;
  };
  // By tag id, for a sink that resolves each tag once.
  // Filled with undefined to the number of tags, not grown from []: an empty array starts as one
  // of small integers in every import, and the hand-on loop optimised for the array of slots an
  // earlier import left was deoptimised at its first look-up.
  const slots = out.slot && out.scalarAt ? stream.tags.map(() => undefined) : undefined;
  let noted = 0;
  return (from: number, to: number, read: number) => {
    for (; noted < skipped.length && skipped[noted]!.read === read; noted++) {
      const { kind, tag } = skipped[noted]!;
      const tags = report.skipped.get(kind) ?? new Set<string>();
      report.skipped.set(kind, tags.add(tag));
    }
    // The purge check only where there is something to purge: most streams never go back.
    stream.points.handOn(from, to, names, out, purging ? kept : undefined, slots);
  };
}

/**
 * The lowest restart step after the current point, as a function of the
 * point's index (called with indices that never decrease): a point at that
 * step or above was logged before a restart that drops it.
 */
function createBound(restarts: readonly Restart[]): (point: number) => number {
  if (restarts.length === 0) return () => Number.POSITIVE_INFINITY;
  // Suffix minimum: a point is dropped when any later restart goes to a step ≤ its own.
  const min = restarts.map((r) => r.step);
  for (let i = min.length - 2; i >= 0; i--) min[i] = Math.min(min[i]!, min[i + 1]!);
  let next = 0;
  // A restart drops the points of the records before its own: those below its first point.
  return (point) => {
    while (next < restarts.length && restarts[next]!.point <= point) next++;
    return next < restarts.length ? min[next]! : Number.POSITIVE_INFINITY;
  };
}
