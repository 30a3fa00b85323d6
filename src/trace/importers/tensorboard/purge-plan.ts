import { stat } from 'node:fs/promises';
import { TraceError } from '../../trace-error.js';
import { ProtoReader } from '../protobuf.js';
import { createSimpleScalars } from './simple-scalars.js';
import { decodeEvent, readSessionStart, type SummarySink } from './summary.js';
import { type RecordBatch, readTfRecords } from './tfrecord.js';

/** What the checking pass found of one file: how far its records are whole and their CRCs hold. */
export interface CheckedFile {
  file: string;
  /** End of the last good record: the second pass reads no further. */
  limit: number;
  /** The file's size and time when checked: a file changed since is checked again as it is read. */
  size: number;
  mtimeMs: number;
}

/** The checking pass over a stream's files. */
export interface StreamCheck {
  files: CheckedFile[];
  /** The damage that ends the stream (after the records before it), if any. */
  damage: TraceError | undefined;
  /** Whether a summary's step ever goes below one before it, or a session restarts at or below one. */
  mayGoBack: boolean;
}

/**
 * The first of two passes over a stream's event files: reads every record and
 * checks both CRCs of its frame (as the bare pass of bench:import does), and
 * while each record is in the cache, whether its step goes back. The second
 * pass decodes only records this one checked, so it needs no CRC of its own
 * unless the file changed in between; damage found here is thrown there,
 * after the points before it.
 *
 * @example const check = await checkStream(files); if (check.mayGoBack) ...
 */
export async function checkStream(files: readonly string[]): Promise<StreamCheck> {
  const out: StreamCheck = { files: [], damage: undefined, mayGoBack: false };
  const reader = new ProtoReader();
  let highest = -1;
  for (const file of files) {
    const { size, mtimeMs } = await stat(file);
    const checked: CheckedFile = { file, limit: 0, size, mtimeMs };
    out.files.push(checked);
    try {
      for await (const records of readTfRecords(file)) {
        const last = records.count - 1;
        checked.limit = records.offsets[last]! + records.ends[last]! - records.starts[last]! + 16;
        if (out.mayGoBack) continue;
        const { buf: b, starts, ends, count } = records;
        for (let i = 0; i < count; i++) {
          // Inline, the layout writers give a summary (wall_time, step < 2^21, summary): no call per record.
          const at = starts[i]! + 9;
          if (b[at - 9] === 0x09 && b[at] === 0x10 && at + 4 < ends[i]!) {
            const s0 = b[at + 1]!;
            if (s0 < 0x80 && b[at + 2] === 0x2a) {
              if (s0 < highest) out.mayGoBack = true;
              highest = s0;
              continue;
            }
            const s1 = b[at + 2]!;
            if (s0 >= 0x80 && s1 < 0x80 && b[at + 3] === 0x2a) {
              const step = (s0 & 0x7f) | (s1 << 7);
              if (step < highest) out.mayGoBack = true;
              highest = step;
              continue;
            }
            const s2 = b[at + 3]!;
            if (s0 >= 0x80 && s1 >= 0x80 && s2 < 0x80 && b[at + 4] === 0x2a) {
              const step = (s0 & 0x7f) | ((s1 & 0x7f) << 7) | (s2 << 14);
              if (step < highest) out.mayGoBack = true;
              highest = step;
              continue;
            }
          }
          const step = eventStep(reader, records, i);
          if (step >= 0) {
            if (step < highest) out.mayGoBack = true;
            highest = step;
          } else if (step <= -2 && -2 - step <= highest) out.mayGoBack = true;
        }
      }
    } catch (err) {
      if (!(err instanceof TraceError)) throw err;
      out.damage = err;
      return out;
    }
  }
  return out;
}

/** Where a run went back in steps: the points logged before record `index` at steps ≥ `step` are dropped. */
export interface Restart {
  /** Of the record, counting every record of the stream's files from 0. */
  index: number;
  step: number;
  file: string;
  offset: number;
  /** The tag whose step went back, when only its own points are dropped (scope 'tag'). */
  tag?: string;
}

/** The restarts of a stream: those that drop every tag's later points, and those that drop one tag's. */
export interface PurgePlan {
  run: Restart[];
  byTag: Map<string, Restart[]>;
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
 * the later value wins there anyway. Only a stream the checking pass saw go back is read
 * again here, in full; most never go back.
 *
 * @example const plan = await planPurges(check, 'run'); // plan.run: [{ index: 5021, step: 2000, ... }]
 */
export async function planPurges(check: StreamCheck, scope: 'run' | 'tag'): Promise<PurgePlan> {
  const plan: PurgePlan = { run: [], byTag: new Map() };
  if (!check.mayGoBack) return plan;
  const last = new Map<string, number>();
  let highest = -1;
  let index = 0;
  let file = '';
  let offset = 0; // of the record being read
  const lower = (step: number) => {
    for (const [tag, s] of last) if (s >= step) last.set(tag, step - 1);
    highest = Math.min(highest, step - 1);
  };
  const point = (step: number, tag: string) => {
    const before = last.get(tag);
    // Step s again preempts the earlier point at s too (the data server's rule); across a whole run only
    // once another step came between, so that values of one step logged in two events stay together.
    const back =
      before !== undefined && (step < before || (step === before && (scope === 'tag' || step < highest)));
    if (back && scope === 'run') {
      plan.run.push({ index, step, file, offset });
      lower(step);
    } else if (back) {
      const list = plan.byTag.get(tag) ?? [];
      plan.byTag.set(tag, list);
      list.push({ index, step, file, offset, tag });
    }
    last.set(tag, step);
    if (step > highest) highest = step;
  };
  const sink: SummarySink = { scalar: point, histogram: point, skipped() {} };
  const r = new ProtoReader();
  const scalars = createSimpleScalars();
  const plugins = new Map<string, string>();
  try {
    for (const checked of check.files) {
      file = checked.file;
      for await (const records of readTfRecords(file, { verify: false, limit: checked.limit })) {
        r.reset(records.buf, 0, 0);
        scalars.use(records.buf);
        for (let i = 0; i < records.count; i++, index++) {
          const start = records.starts[i]!;
          const end = records.ends[i]!;
          offset = records.offsets[i]!;
          if (scalars.decode(start, end, sink)) continue;
          r.pos = start;
          r.end = end;
          if (decodeEvent(r, plugins, sink)) continue;
          const session = readSessionStart(r, start, end);
          // A START with nothing logged at or after its step drops nothing: the first session's.
          if (session >= 0 && session <= highest) {
            plan.run.push({ index, step: session, file, offset });
            lower(session);
          }
        }
      }
    }
  } catch {
    // A malformed event: the main pass stops there with the error; the restarts before it stand.
  }
  return plan;
}

/**
 * The step of record i: of an Event holding a summary, or -2 - step for a
 * SessionLog.START, else -1. The layout writers give a summary (wall_time,
 * step, summary) is read without the field loop.
 */
function eventStep(r: ProtoReader, records: RecordBatch, i: number): number {
  const b = records.buf;
  const start = records.starts[i]!;
  const end = records.ends[i]!;
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
    return -1; // malformed: the main pass names it
  }
}
