import type { ProtoReader } from '../protobuf.js';

/** A histogram as TensorBoard stores it: legacy `HistogramProto` (exact moments) or a TF2 `[k, 3]` tensor (buckets only). */
export interface Histogram {
  /** Legacy histograms carry the exact min, max, count, sum and sum of squares of the values. */
  moments?: { min: number; max: number; num: number; sum: number; sumSquares: number };
  /** Bucket i holds `counts[i]` values in (lefts[i], rights[i]]. */
  lefts: number[];
  rights: number[];
  counts: number[];
}

/** Where the values of an event file go. */
export interface SummarySink {
  scalar(step: number, tag: string, value: number): void;
  histogram(step: number, tag: string, histogram: Histogram): void;
  /** A value of a kind traindx does not read (images, text, audio, other plugins). */
  skipped(tag: string, kind: string): void;
}

// tensorflow/core/framework/types.proto
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;

/**
 * Decodes one `Event` (tensorflow/core/util/event.proto) into the sink: its
 * step, and each `Summary.Value` as a scalar (legacy `simple_value`, or a TF2
 * tensor of the `scalars` plugin) or a histogram (legacy `histo`, or a tensor
 * of the `histograms` plugin). TF2 writers send a tag's plugin metadata with
 * its first value only, so `plugins` remembers it per tag. Returns whether the
 * event held a summary (file_version, graph and session-log events do not).
 * Callers try the simple-scalar reader (simple-scalars.ts) first.
 *
 * @example decodeEvent(reader.reset(buf, start, end), plugins, sink)
 */
export function decodeEvent(r: ProtoReader, plugins: Map<string, string>, sink: SummarySink): boolean {
  let step = 0;
  // Positions, not r.bytes() pairs: this runs for every record of a large file (no garbage per field).
  let summaryStart = -1;
  let end = 0;
  while (r.more()) {
    const key = r.tag();
    if (key === 0x10) step = r.varint();
    else if (key === 0x2a) {
      end = r.skipLength();
      summaryStart = r.lastStart;
    } else r.skip(key & 7);
  }
  if (summaryStart < 0) return false;
  r.pos = summaryStart;
  r.end = end;
  while (r.more()) {
    const key = r.tag();
    if (key !== 0x0a) {
      r.skip(key & 7);
      continue;
    }
    const e = r.skipLength();
    r.pos = r.lastStart;
    r.end = e;
    decodeValue(r, step, plugins, sink);
    r.pos = e;
    r.end = end;
  }
  return true;
}

/**
 * The step of an Event whose `session_log` says START (event.proto: field 7,
 * its status field 1, START = 1), else -1: a TF1 session writes one when it
 * starts, and again from its checkpoint's step when it restarts.
 *
 * @example readSessionStart(reader, start, end) // 2000
 */
export function readSessionStart(r: ProtoReader, start: number, end: number): number {
  r.pos = start;
  r.end = end;
  let step = 0;
  let started = false;
  while (r.more()) {
    const key = r.tag();
    if (key === 0x10) step = r.varint();
    else if (key === 0x3a) {
      const e = r.skipLength();
      r.pos = r.lastStart;
      r.end = e;
      while (r.more()) {
        const k = r.tag();
        if (k === 0x08) started = r.varint() === 1;
        else r.skip(k & 7);
      }
      r.end = end;
    } else r.skip(key & 7);
  }
  return started ? step : -1;
}

function decodeValue(r: ProtoReader, step: number, plugins: Map<string, string>, sink: SummarySink) {
  let tag = '';
  let simple: number | undefined;
  let histo: [number, number] | undefined;
  let tensor: [number, number] | undefined;
  let plugin: string | undefined;
  let other: string | undefined;
  while (r.more()) {
    const key = r.tag();
    if (key === 0x0a) tag = r.cachedString();
    else if (key === 0x15) simple = r.float();
    else if (key === 0x2a) histo = r.bytes();
    else if (key === 0x42) tensor = r.bytes();
    else if (key === 0x4a) plugin = pluginName(r, r.bytes());
    else if (key === 0x22 || key === 0x32) {
      other = key === 0x22 ? 'image' : 'audio';
      r.skip(2);
    } else r.skip(key & 7);
  }
  if (plugin) plugins.set(tag, plugin);
  else plugin = plugins.get(tag);
  if (simple !== undefined) sink.scalar(step, tag, simple);
  else if (histo) sink.histogram(step, tag, legacyHistogram(r, histo));
  else if (tensor && plugin === 'scalars') sink.scalar(step, tag, tensorValues(r, tensor)[0] ?? Number.NaN);
  else if (tensor && plugin === 'histograms')
    sink.histogram(step, tag, tensorHistogram(tensorValues(r, tensor)));
  else sink.skipped(tag, other ?? plugin ?? 'tensor');
}

function pluginName(r: ProtoReader, [s, e]: [number, number]): string | undefined {
  const saved = r.end;
  r.pos = s;
  r.end = e;
  let name: string | undefined;
  while (r.more()) {
    const key = r.tag();
    if (key !== 0x0a) {
      r.skip(key & 7);
      continue;
    }
    const [ps, pe] = r.bytes();
    r.pos = ps;
    r.end = pe;
    while (r.more()) {
      const k = r.tag();
      if (k === 0x0a) name = r.string();
      else r.skip(k & 7);
    }
    r.end = e;
  }
  r.pos = e;
  r.end = saved;
  return name;
}

// The doubles of a histogram are read into these, then copied out at their exact length by slice():
// pushed into new arrays, each list was grown, and copied, twice in every histogram.
const LIMITS: number[] = [];
const COUNTS: number[] = [];
const LEFTS: number[] = [];

function legacyHistogram(r: ProtoReader, [s, e]: [number, number]): Histogram {
  const saved = r.end;
  r.pos = s;
  r.end = e;
  const m = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0 };
  let nLimits = 0;
  let nCounts = 0;
  while (r.more()) {
    const key = r.tag();
    const field = key >>> 3;
    if (field === 1) m.min = r.double();
    else if (field === 2) m.max = r.double();
    else if (field === 3) m.num = r.double();
    else if (field === 4) m.sum = r.double();
    else if (field === 5) m.sumSquares = r.double();
    else if (field === 6) nLimits = r.doublesAt(key & 7, LIMITS, nLimits);
    else if (field === 7) nCounts = r.doublesAt(key & 7, COUNTS, nCounts);
    else r.skip(key & 7);
  }
  r.pos = e;
  r.end = saved;
  // Bucket i covers (limit[i-1], limit[i]]; the first reaches down to min.
  for (let i = 0; i < nLimits; i++) LEFTS[i] = i === 0 ? Math.min(m.min, LIMITS[0]!) : LIMITS[i - 1]!;
  return {
    moments: m,
    lefts: LEFTS.slice(0, nLimits),
    rights: LIMITS.slice(0, nLimits),
    counts: COUNTS.slice(0, nCounts),
  };
}

function tensorHistogram(v: number[]): Histogram {
  const h: Histogram = { lefts: [], rights: [], counts: [] };
  for (let i = 0; i + 2 < v.length; i += 3) {
    h.lefts.push(v[i]!);
    h.rights.push(v[i + 1]!);
    h.counts.push(v[i + 2]!);
  }
  return h;
}

/** The values of a `TensorProto` (tensor.proto) of a numeric dtype, as Numbers. */
function tensorValues(r: ProtoReader, [s, e]: [number, number]): number[] {
  const saved = r.end;
  r.pos = s;
  r.end = e;
  let dtype = 0;
  let content: [number, number] | undefined;
  const values: number[] = [];
  while (r.more()) {
    const key = r.tag();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1) dtype = r.varint();
    else if (field === 4) content = r.bytes();
    else if (field === 5 && wire === 5) values.push(r.float());
    else if (field === 5) {
      const [a, b] = r.bytes();
      for (let p = a; p + 4 <= b; p += 4) values.push(r.buf.readFloatLE(p));
    } else if (field === 6) r.doubles(wire, values);
    else if ((field === 7 || field === 10) && wire === 0) values.push(r.varint());
    else if (field === 7 || field === 10) {
      const [a, b] = r.bytes();
      r.pos = a;
      r.end = b;
      while (r.more()) values.push(r.varint());
      r.end = e;
    } else r.skip(wire);
  }
  if (content) {
    const [a, b] = content;
    const buf = r.buf;
    if (dtype === DT_FLOAT) for (let p = a; p + 4 <= b; p += 4) values.push(buf.readFloatLE(p));
    else if (dtype === DT_DOUBLE) for (let p = a; p + 8 <= b; p += 8) values.push(buf.readDoubleLE(p));
    else if (dtype === DT_INT32) for (let p = a; p + 4 <= b; p += 4) values.push(buf.readInt32LE(p));
    else if (dtype === DT_INT64)
      for (let p = a; p + 8 <= b; p += 8) values.push(Number(buf.readBigInt64LE(p)));
  }
  r.pos = e;
  r.end = saved;
  return values;
}
