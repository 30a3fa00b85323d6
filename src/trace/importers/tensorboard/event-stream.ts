import { open } from 'node:fs/promises';
import { TraceError } from '../../trace-error.js';
import { ProtoReader } from '../protobuf.js';
import { decodeEvent, decodeSimpleScalar, type Histogram } from './summary.js';
import { readTfRecords } from './tfrecord.js';

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
  restarts: { file: string; offset: number; step: number }[];
  /** Tags whose values are of a kind traindx does not read, by kind. */
  skipped: Map<string, Set<string>>;
}

/** Where a single stream's points go when they need no merge: straight to the caller, no Point objects. */
export interface PointSink {
  scalar(step: number, tag: string, value: number): void;
  histogram(step: number, tag: string, histogram: Histogram): void;
}

// With a direct sink, a read is handed on every this many records, not only every 4 MiB read: the
// events built from them are then taken while young, before a scavenge has to copy them.
const DIRECT_RECORDS = 4096;

/**
 * The points of one folder's event files (in name order, as TensorBoard reads
 * them: one logical stream), in batches, steps never decreasing. A run
 * restarted from a checkpoint logs from an earlier step again; as
 * TensorBoard's purge does, the points logged before the restart at that step
 * or later are dropped and the later ones kept. With several files, a first
 * pass reads only the steps to find the restarts (they need what comes after),
 * the second reads and checks everything; a single file is read once. `rename` turns a tag into the name the field map
 * reads (`validation/` folders: `epoch_loss` → `epoch_val_loss`). With
 * `direct`, points go to it as they are read and the batches yielded are
 * empty: each marks where the caller can hand on what it built.
 *
 * @example for await (const points of readEventStream(files, report)) ...
 */
export async function* readEventStream(
  files: readonly string[],
  report: StreamReport,
  rename?: (tag: string) => string,
  direct?: PointSink,
): AsyncGenerator<Point[]> {
  // A restarted run resumes in a new event file (every writer opens one), so only a stream of several
  // files is scanned for restarts first; one file is read once, and should it go back in steps the
  // run builder drops the later values at steps already passed, and says so.
  const restarts = files.length > 1 ? await findRestarts(files) : [];
  report.restarts.push(...restarts.map((r) => ({ file: r.file, offset: r.offset, step: r.step })));
  // Suffix minimum of the restart steps: a point is purged when a later restart goes to a step ≤ its own.
  const suffixMin = restarts.map((r) => r.step);
  for (let i = suffixMin.length - 2; i >= 0; i--) suffixMin[i] = Math.min(suffixMin[i]!, suffixMin[i + 1]!);
  const reader = new ProtoReader();
  const plugins = new Map<string, string>();
  const renamed = new Map<string, string>();
  const nameOf = rename
    ? (tag: string) => {
        let name = renamed.get(tag);
        if (name === undefined) {
          name = rename(tag);
          renamed.set(tag, name);
        }
        return name;
      }
    : (tag: string) => tag;
  let index = 0; // of summary events, across the files
  let next = 0; // first restart after the current event
  let nextAt = restarts.length ? restarts[0]!.index : Number.POSITIVE_INFINITY; // its index
  let batch: Point[] = [];
  let purgeAbove = restarts.length ? suffixMin[0]! : Number.POSITIVE_INFINITY;
  const purge = (step: number) => {
    report.purged++;
    report.purgedSteps[0] = Math.min(report.purgedSteps[0], step);
    report.purgedSteps[1] = Math.max(report.purgedSteps[1], step);
  };
  const out: PointSink = direct ?? {
    scalar: (step, tag, value) => batch.push({ step, tag, value, histogram: undefined }),
    histogram: (step, tag, histogram) => batch.push({ step, tag, value: 0, histogram }),
  };
  const sink = {
    scalar(step: number, tag: string, value: number) {
      if (step < purgeAbove) out.scalar(step, nameOf(tag), value);
      else purge(step);
    },
    histogram(step: number, tag: string, histogram: Histogram) {
      if (step < purgeAbove) out.histogram(step, nameOf(tag), histogram);
      else purge(step);
    },
    skipped(tag: string, kind: string) {
      const tags = report.skipped.get(kind) ?? new Set<string>();
      report.skipped.set(kind, tags.add(tag));
    },
  };
  // With nothing to purge or rename and a direct sink, simple scalars go straight to it: one call per
  // value instead of three.
  const fast = direct && !rename && restarts.length === 0 ? direct : sink;
  let untilYield = DIRECT_RECORDS;
  for (const file of files) {
    for await (const records of readTfRecords(file)) {
      const { starts, ends, count } = records;
      reader.reset(records.buf, 0, 0); // one reset per read: the simple path reads by position
      for (let i = 0; i < count; i++) {
        if (index >= nextAt) {
          while (next < restarts.length && restarts[next]!.index <= index) next++;
          nextAt = next < restarts.length ? restarts[next]!.index : Number.POSITIVE_INFINITY;
          purgeAbove = next < restarts.length ? suffixMin[next]! : Number.POSITIVE_INFINITY;
        }
        const start = starts[i]!;
        const end = ends[i]!;
        if (decodeSimpleScalar(reader, start, end, fast)) index++;
        else {
          reader.pos = start;
          reader.end = end;
          try {
            if (decodeEvent(reader, plugins, sink)) index++;
          } catch (err) {
            if (batch.length) yield batch;
            const where = { file, offset: records.offsets[i]! };
            throw new TraceError(where, undefined, `malformed Event record: ${(err as Error).message}`);
          }
        }
        if (direct && --untilYield === 0) {
          untilYield = DIRECT_RECORDS;
          yield batch;
        }
      }
      // With `direct`, an empty batch still marks a read: the caller hands on what it built.
      yield batch;
      batch = [];
    }
  }
}

/**
 * Summary events whose step is below an earlier one's: where a restarted run
 * logs again. A tight loop over the frames (no CRC: the full pass checks them,
 * and damage ends this one quietly where it starts), reading each Event's
 * step and whether it has a summary.
 */
async function findRestarts(files: readonly string[]) {
  const restarts: { index: number; step: number; file: string; offset: number }[] = [];
  const r = new ProtoReader();
  let index = 0;
  let highest = -1;
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      let buf = Buffer.allocUnsafe(16 << 20);
      let have = 0;
      let base = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, have, buf.length - have, base + have);
        have += bytesRead;
        let pos = 0;
        while (pos + 12 <= have) {
          const length = u32(buf, pos) + u32(buf, pos + 4) * 2 ** 32;
          if (length > buf.length) return restarts; // damage, or a record beyond any summary's size
          if (pos + 16 + length > have) break;
          let step = scalarStep(buf, pos + 12, pos + 12 + length);
          let summary = step >= 0;
          if (!summary) {
            r.reset(buf, pos + 12, pos + 12 + length);
            step = 0;
            while (r.more()) {
              const key = r.tag();
              if (key === 0x10) step = r.varint();
              else if (key === 0x2a) {
                summary = true;
                break;
              } else r.skip(key & 7);
            }
          }
          if (summary) {
            // A restart logs on from its step: the steps after it are its own, not restarts again.
            if (step < highest) restarts.push({ index, step, file, offset: base + pos });
            highest = step < highest ? step : Math.max(highest, step);
            index++;
          }
          pos += 16 + length;
        }
        if (bytesRead === 0) break;
        buf.copy(buf, 0, pos, have);
        base += pos;
        have -= pos;
        if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      }
    } catch {
      return restarts;
    } finally {
      await handle.close();
    }
  }
  return restarts;
}

/**
 * The step of an Event laid out as writers lay out a summary: wall_time (field
 * 1), step (2), then the summary (5). -1 for any other layout, which the
 * general field loop reads instead.
 */
function scalarStep(b: Buffer, start: number, end: number): number {
  let p = start + 10;
  if (p + 8 > end || b[start] !== 0x09 || b[p - 1] !== 0x10) return -1;
  let step = 0;
  let shift = 1;
  for (let i = 0; i < 7; i++) {
    const byte = b[p++]!;
    step += (byte & 0x7f) * shift;
    if (byte < 0x80) return b[p] === 0x2a ? step : -1;
    shift *= 128;
  }
  return -1;
}

// Little-endian uint32 without Buffer.readUInt32LE's argument checks (the caller checked the bounds).
function u32(b: Buffer, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
