import { ProtoReader } from '../protobuf.js';
import { createSimpleScalars } from './simple-scalars.js';
import { decodeEvent, readSessionStart, type SummarySink } from './summary.js';
import { readTfRecords } from './tfrecord.js';

/** Where a run went back in steps: the points logged before record `index` at steps ≥ `step` are dropped. */
export interface Restart {
  /** Of the record, counting every record of the stream's files from 0. */
  index: number;
  /** How many points the stream's records before it held: the points below it are the ones it may drop. */
  point: number;
  step: number;
  file: string;
  offset: number;
  /** The tag whose step went back, when only its own points are dropped (scope 'tag'). */
  tag?: string;
}

/** The restarts of a stream: those that drop every tag's later points, and those that drop one tag's (by tag id). */
export interface PurgePlan {
  run: Restart[];
  byTag: Map<number, Restart[]>;
}

/** Where the record being read is: what a restart found in it records. */
export interface RecordPlace {
  index: number;
  point: number;
  file: string;
  offset: number;
}

/**
 * What a restarted run leaves behind, found as TensorBoard finds it. Its
 * EventAccumulator drops, at a `SessionLog.START` event of step s, every
 * point logged before at a step ≥ s (`_CheckForRestartAndMaybePurge`,
 * `_Purge(by_tags=False)`); its data server drops a series' points at steps
 * ≥ s when that series logs step s again (reservoir preemption, per tag).
 * Here a tag going back to s is such a restart too: with scope `run` it drops
 * every tag's earlier points at ≥ s (a resumed run re-logs all of them; a tag
 * it no longer logs must not leave points after the restart's step, or the
 * stream would go back in steps), with scope `tag` only that tag's (Keras's
 * train writer keeps its epoch_* and batch_* tags on two step axes). With
 * scope `run`, a tag logged again at the step being built is not a restart:
 * the later value wins there anyway.
 *
 * Fed every point in order (tags as small ids), by planPurges.
 *
 * @example const planner = createPurgePlanner('run', (id) => tags[id], where); planner.point(step, tagId); planner.plan.run
 */
export function createPurgePlanner(
  scope: 'run' | 'tag',
  tagName: (id: number) => string,
  where: () => RecordPlace,
) {
  const plan: PurgePlan = { run: [], byTag: new Map() };
  // The last step of each tag id (NaN: not logged yet).
  const last: number[] = [];
  let highest = -1;
  const lower = (step: number) => {
    for (let id = 0; id < last.length; id++) if (last[id]! >= step) last[id] = step - 1;
    highest = Math.min(highest, step - 1);
  };
  return {
    plan,
    /** A point of tag `id` at `step`, of the record `where` tells. */
    point(step: number, id: number) {
      const before = id < last.length ? last[id]! : Number.NaN;
      // Step s again preempts the earlier point at s too (the data server's rule); across a whole run only
      // once another step came between, so that values of one step logged in two events stay together.
      const back = step < before || (step === before && (scope === 'tag' || step < highest));
      if (back && scope === 'run') {
        plan.run.push({ ...where(), step });
        lower(step);
      } else if (back) {
        const list = plan.byTag.get(id) ?? [];
        plan.byTag.set(id, list);
        list.push({ ...where(), step, tag: tagName(id) });
      }
      while (last.length <= id) last.push(Number.NaN);
      last[id] = step;
      if (step > highest) highest = step;
    },
    /** A SessionLog.START at `step`; a START with nothing logged at or after its step drops nothing: the first session's. */
    sessionStart(step: number) {
      if (step > highest) return;
      plan.run.push({ ...where(), step });
      lower(step);
    },
  };
}

/** How far a file's records were read whole, their CRCs checked. */
export interface CheckedFile {
  file: string;
  /** End of the last good record: planPurges reads no further. */
  limit: number;
}

/**
 * The purge plan of a stream that the step check saw go back: its files read
 * again up to where the first read found them whole (no CRC: that read
 * checked them), decoded as that read decoded them, so the points counted
 * here are the points it kept. Only such a stream pays this second read; most
 * never go back. A malformed event ends the plan: the restarts before it stand.
 *
 * @example const plan = await planPurges(checked, 'run', idOf, (id) => tags[id]);
 */
export async function planPurges(
  files: readonly CheckedFile[],
  scope: 'run' | 'tag',
  idOf: (tag: string) => number,
  tagName: (id: number) => string,
): Promise<PurgePlan> {
  let index = 0; // of the record, across the files
  let point = 0; // of the stream's points
  let first = 0; // the first point of the record being read
  let file = '';
  let offset = 0;
  const planner = createPurgePlanner(scope, tagName, () => ({ index, point: first, file, offset }));
  const value = (step: number, tag: string) => {
    planner.point(step, idOf(tag));
    point++;
  };
  const sink: SummarySink = { scalar: value, histogram: value, skipped() {} };
  const r = new ProtoReader();
  const scalars = createSimpleScalars(idOf);
  const plugins = new Map<string, string>();
  try {
    for (const checked of files) {
      file = checked.file;
      for await (const records of readTfRecords(file, { verify: false, limit: checked.limit })) {
        r.reset(records.buf, 0, 0);
        scalars.use(records.buf);
        for (let i = 0; i < records.count; i++, index++) {
          const start = records.starts[i]!;
          const end = records.ends[i]!;
          offset = records.offsets[i]!;
          first = point;
          const step = scalars.decode(start, end);
          if (step >= 0) {
            value(step, scalars.tag);
            continue;
          }
          r.pos = start;
          r.end = end;
          if (decodeEvent(r, plugins, sink)) continue;
          const session = readSessionStart(r, start, end);
          if (session >= 0) planner.sessionStart(session);
        }
      }
    }
  } catch {
    // A malformed event: the decoding stops there with the error; the restarts before it stand.
  }
  return planner.plan;
}

/**
 * Whether a stream's steps ever go back: a summary's step below the one
 * before it, or a session START at or below it. Fed every record's step as
 * recordStep reads it; a stream that never goes back needs no purge. A class:
 * the same record() in every import, for the decoding loop that calls it.
 *
 * @example const check = new StepCheck(); check.record(recordStep(...)); check.goesBack
 */
export class StepCheck {
  goesBack = false;
  /** The last summary's step (-1: none yet): a field, so that PointColumns.float32Run checks its records' steps inline. */
  previous = -1;

  /** A record's step as recordStep gives it. */
  record(step: number): void {
    if (this.goesBack) return;
    if (step >= 0) {
      if (step < this.previous) this.goesBack = true;
      this.previous = step;
    } else if (step <= -2 && -2 - step <= this.previous) this.goesBack = true;
  }
}

/**
 * The step of the record `b[start, end)`: of an Event holding a summary, or
 * -2 - step for a SessionLog.START, else -1 (malformed ones too: the decoder
 * names them). The layout writers give a summary (wall_time, step, summary)
 * is read without the field loop.
 *
 * @example recordStep(reader, buf, start, end) // 1200
 */
export function recordStep(r: ProtoReader, b: Buffer, start: number, end: number): number {
  // A step of 1-3 bytes right before the summary, in a record longer than 13 bytes.
  const at = start + 9;
  if (b[start] === 0x09 && b[at] === 0x10 && at + 4 < end) {
    const s0 = b[at + 1]!;
    if (s0 < 0x80 && b[at + 2] === 0x2a) return s0;
    const s1 = b[at + 2]!;
    if (s0 >= 0x80 && s1 < 0x80 && b[at + 3] === 0x2a) return (s0 & 0x7f) | (s1 << 7);
    const s2 = b[at + 3]!;
    if (s0 >= 0x80 && s1 >= 0x80 && s2 < 0x80 && b[at + 4] === 0x2a)
      return (s0 & 0x7f) | ((s1 & 0x7f) << 7) | (s2 << 14);
  }
  // Longer steps, the same layout.
  let p = start + 10;
  if (p + 8 <= end && b[start] === 0x09 && b[p - 1] === 0x10) {
    let step = 0;
    let shift = 1;
    for (let k = 0; k < 7; k++) {
      const byte = b[p++]!;
      step += (byte & 0x7f) * shift;
      if (byte < 0x80) {
        if (b[p] === 0x2a) return step;
        break;
      }
      shift *= 128;
    }
  }
  try {
    r.reset(b, start, end);
    let step = 0;
    let summary = false;
    while (r.more()) {
      const key = r.tag();
      if (key === 0x10) step = r.varint();
      else if (key === 0x2a) {
        summary = true;
        r.skip(2);
      } else r.skip(key & 7);
    }
    if (summary) return step;
    const started = readSessionStart(r, start, end);
    return started >= 0 ? -2 - started : -1;
  } catch {
    return -1;
  }
}
