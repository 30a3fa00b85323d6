import { TraceError } from '../../trace-error.js';
import { ProtoReader } from '../protobuf.js';
import { PointColumns } from './point-columns.js';
import { type CheckedFile, createStepCheck, type PurgePlan, planPurges, recordStep } from './purge-plan.js';
import { createSimpleScalars } from './simple-scalars.js';
import { decodeEvent, type SummarySink } from './summary.js';
import { type RecordBatch, readTfRecords } from './tfrecord.js';

/** A stream's event files read once: their points as numbers, and what the caller needs to hand them on. */
export interface DecodedStream {
  points: PointColumns;
  /** Tag names by id. */
  tags: string[];
  /** The point count at the end of each whole read of the files: where the caller hands on what it built. */
  reads: number[];
  /** Each kind of value not read, with its tag, at its first sighting: the read it was in. */
  skipped: { read: number; tag: string; kind: string }[];
  /** The restarts to purge; none when the steps never go back. */
  plan: PurgePlan;
  /** What ends the stream after its points: a damaged record (CRC, cut off) or a malformed Event. */
  error: TraceError | undefined;
  /** The error is a malformed Event, met part-way through a read: thrown after that read's points decoded before it. */
  malformed: boolean;
}

/**
 * Reads a stream's event files (in name order, as TensorBoard reads them:
 * one logical stream) once: checks both CRCs of every record and, while the
 * record is still in the cache from its CRC, decodes it into compact columns
 * (point-columns.ts) and checks whether the steps go back. Nothing is
 * handed on yet: a restart late in the files can drop points logged early.
 * Only a stream that goes back is read again, to plan its purge
 * (planPurges). Decoding stops at a malformed Event; the steps of the records
 * after it are still checked, as a stream that goes back anywhere is planned
 * (up to that record).
 *
 * @example const stream = await decodeStream(files, 'run'); stream.points.length
 */
export async function decodeStream(files: readonly string[], scope: 'run' | 'tag'): Promise<DecodedStream> {
  const decoder = createDecoder();
  const { out } = decoder;
  const checked: CheckedFile[] = [];
  try {
    for (const file of files) {
      const extent: CheckedFile = { file, limit: 0 };
      checked.push(extent);
      decoder.file = file;
      for await (const records of readTfRecords(file)) {
        const last = records.count - 1;
        extent.limit = records.offsets[last]! + records.ends[last]! - records.starts[last]! + 16;
        decoder.decode(records);
        if (!out.malformed) out.reads.push(out.points.length);
      }
    }
  } catch (err) {
    if (!(err instanceof TraceError)) throw err;
    if (!out.malformed) out.error = err;
  }
  if (decoder.goesBack()) out.plan = await planPurges(checked, scope, decoder.idOf, (id) => out.tags[id]!);
  return out;
}

/**
 * The decoding of one read at a time. A plain function per read, not the
 * generator's loop: V8 keeps its locals in registers.
 */
function createDecoder() {
  const points = new PointColumns();
  const tags: string[] = [];
  const ids = new Map<string, number>();
  // The tag that followed each tag last time: writers log their tags in the same order every step, so
  // the guess costs one compare of the same string object, no map look-up.
  const nextOf: number[] = [];
  let lastId = 0;
  const idOf = (tag: string): number => {
    const guess = nextOf[lastId];
    if (guess !== undefined && tags[guess] === tag) {
      lastId = guess;
      return guess;
    }
    let id = ids.get(tag);
    if (id === undefined) {
      id = tags.length;
      tags.push(tag);
      ids.set(tag, id);
    }
    nextOf[lastId] = id;
    lastId = id;
    return id;
  };
  const reader = new ProtoReader();
  const scalars = createSimpleScalars(idOf);
  const plugins = new Map<string, string>();
  const check = createStepCheck();
  let file = '';
  const seen = new Set<string>();
  const out: DecodedStream = {
    points,
    tags,
    reads: [],
    skipped: [],
    plan: { run: [], byTag: new Map() },
    error: undefined,
    malformed: false,
  };
  const sink: SummarySink = {
    scalar(step, tag, value) {
      points.scalar(step, idOf(tag), value);
    },
    histogram(step, tag, histogram) {
      points.histogram(step, idOf(tag), histogram);
    },
    skipped(tag, kind) {
      const key = `${kind}\n${tag}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.skipped.push({ read: out.reads.length, tag, kind });
    },
  };
  return {
    out,
    idOf,
    goesBack: () => check.goesBack,
    set file(name: string) {
      file = name;
    },
    decode(batch: RecordBatch) {
      const { buf, starts, ends, count } = batch;
      reader.reset(buf, 0, 0);
      scalars.use(buf);
      for (let i = 0; i < count; i++) {
        if (out.malformed) {
          check.record(recordStep(reader, buf, starts[i]!, ends[i]!));
          continue;
        }
        // Nearly every record is a simple scalar: those from i on go straight into the columns.
        i = points.float32Run(scalars, starts, ends, i, count, check);
        if (i === count) break;
        const start = starts[i]!;
        const end = ends[i]!;
        check.record(recordStep(reader, buf, start, end));
        reader.pos = start;
        reader.end = end;
        try {
          decodeEvent(reader, plugins, sink);
        } catch (err) {
          out.malformed = true;
          out.error = new TraceError(
            { file, offset: batch.offsets[i]! },
            undefined,
            `malformed Event record: ${(err as Error).message}`,
          );
        }
      }
    },
  };
}
