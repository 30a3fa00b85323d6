import { TraceError } from '../../trace-error.js';
import { ProtoReader } from '../protobuf.js';
import { PointColumns } from './point-columns.js';
import { type CheckedFile, type PurgePlan, planPurges, recordStep, StepCheck } from './purge-plan.js';
import { createSimpleScalars } from './simple-scalars.js';
import { decodeEvent, type Histogram, type SummarySink } from './summary.js';
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
  const decoder = new StreamDecoder();
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
  if (decoder.check.goesBack)
    out.plan = await planPurges(
      checked,
      scope,
      (tag) => decoder.idOf(tag),
      (id) => out.tags[id]!,
    );
  return out;
}

/**
 * The decoding of one read at a time. A method per read, not the generator's
 * loop: V8 keeps its locals in registers. A class, not closures: its methods
 * are the same functions in every import, and the code V8 optimised for them
 * in one import stays valid in the next (a new closure per import had them
 * recompiled, and the loops calling them deoptimised, for several imports).
 */
class StreamDecoder implements SummarySink {
  readonly points = new PointColumns();
  readonly tags: string[] = [];
  readonly out: DecodedStream;
  readonly check = new StepCheck();
  file = '';
  private readonly ids = new Map<string, number>();
  // The tag that followed each tag last time: writers log their tags in the same order every step, so
  // the guess costs one compare of the same string object, no map look-up.
  private readonly nextOf: number[] = [];
  private lastId = 0;
  private readonly reader = new ProtoReader();
  private readonly scalars = createSimpleScalars((tag) => this.idOf(tag));
  private readonly plugins = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor() {
    this.out = {
      points: this.points,
      tags: this.tags,
      reads: [],
      skipped: [],
      plan: { run: [], byTag: new Map() },
      error: undefined,
      malformed: false,
    };
  }

  idOf(tag: string): number {
    const { tags, nextOf } = this;
    const guess = nextOf[this.lastId];
    if (guess !== undefined && tags[guess] === tag) {
      this.lastId = guess;
      return guess;
    }
    let id = this.ids.get(tag);
    if (id === undefined) {
      id = tags.length;
      tags.push(tag);
      this.ids.set(tag, id);
    }
    nextOf[this.lastId] = id;
    this.lastId = id;
    return id;
  }

  // The SummarySink of decodeEvent: the records the simple-scalar reader leaves.
  scalar(step: number, tag: string, value: number): void {
    this.points.scalar(step, this.idOf(tag), value);
  }

  histogram(step: number, tag: string, histogram: Histogram): void {
    this.points.histogram(step, this.idOf(tag), histogram);
  }

  skipped(tag: string, kind: string): void {
    const key = `${kind}\n${tag}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.out.skipped.push({ read: this.out.reads.length, tag, kind });
  }

  decode(batch: RecordBatch): void {
    const { buf, starts, ends, count } = batch;
    const { out, points, reader, scalars, check } = this;
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
        decodeEvent(reader, this.plugins, this);
      } catch (err) {
        out.malformed = true;
        out.error = new TraceError(
          { file: this.file, offset: batch.offsets[i]! },
          undefined,
          `malformed Event record: ${(err as Error).message}`,
        );
      }
    }
  }
}
