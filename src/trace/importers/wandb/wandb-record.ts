import type { ProtoReader } from '../protobuf.js';

/** What traindx reads of one W&B `Record` (wandb/proto/wandb_internal.proto). */
export type WandbRecord =
  | { kind: 'history'; step?: number; items: [string, string][] }
  | { kind: 'config'; items: [string, string][] }
  | { kind: 'run'; runId: string; displayName?: string; config: [string, string][] }
  | { kind: 'other' };

// Record fields: history = 2, config = 5, run = 17. HistoryRecord: item = 1, step = 2 (HistoryStep.num = 1).
// ConfigRecord: update = 1. HistoryItem/ConfigItem: key = 1, nested_key = 2 (repeated), value_json = 16.
// RunRecord: run_id = 1, config = 4, display_name = 8.

/**
 * Decodes the parts of a record traindx needs: history rows (key → JSON
 * text of the value, and the step), config updates and the run record.
 *
 * @example decodeWandbRecord(reader.reset(record.data, 0, record.data.length))
 */
export function decodeWandbRecord(r: ProtoReader): WandbRecord {
  while (r.more()) {
    const key = r.tag();
    if (key === 0x12) return inside(r, history);
    if (key === 0x2a) return { kind: 'config', items: inside(r, items) };
    if (key === (17 << 3) + 2) return inside(r, run);
    r.skip(key & 7);
  }
  return { kind: 'other' };
}

/** Runs `read` on the length-delimited field at the reader, then moves past it. */
function inside<T>(r: ProtoReader, read: (r: ProtoReader) => T): T {
  const [s, e] = r.bytes();
  const saved = r.end;
  r.pos = s;
  r.end = e;
  const value = read(r);
  r.pos = e;
  r.end = saved;
  return value;
}

function history(r: ProtoReader): WandbRecord {
  const out: [string, string][] = [];
  let step: number | undefined;
  while (r.more()) {
    const key = r.tag();
    if (key === 0x0a) out.push(inside(r, item));
    else if (key === 0x12)
      step = inside(r, (s) => {
        let num: number | undefined;
        while (s.more()) {
          const k = s.tag();
          if (k === 0x08) num = s.varint();
          else s.skip(k & 7);
        }
        return num;
      });
    else r.skip(key & 7);
  }
  return { kind: 'history', step, items: out };
}

function items(r: ProtoReader): [string, string][] {
  const out: [string, string][] = [];
  while (r.more()) {
    const key = r.tag();
    if (key === 0x0a) out.push(inside(r, item));
    else r.skip(key & 7);
  }
  return out;
}

function item(r: ProtoReader): [string, string] {
  let name = '';
  const nested: string[] = [];
  let json = '';
  while (r.more()) {
    const key = r.tag();
    if (key === 0x0a) name = r.string();
    else if (key === 0x12) nested.push(r.string());
    else if (key === (16 << 3) + 2) json = r.string();
    else r.skip(key & 7);
  }
  return [nested.length ? nested.join('/') : name, json];
}

function run(r: ProtoReader): WandbRecord {
  let runId = '';
  let displayName: string | undefined;
  let config: [string, string][] = [];
  while (r.more()) {
    const key = r.tag();
    if (key === 0x0a) runId = r.string();
    else if (key === 0x22) config = inside(r, items);
    else if (key === 0x42) displayName = r.string();
    else r.skip(key & 7);
  }
  return { kind: 'run', runId, displayName, config };
}
