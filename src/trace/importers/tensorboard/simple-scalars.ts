/**
 * The bytes after the step of a simple-scalar record of one tag: summary (0x2a) { value (0x0a)
 * { tag (0x0a), simple_value (0x15) } } up to the float. They are the same at every step, so one
 * compare of them checks the layout and names the tag at once.
 */
interface Layout {
  /** The bytes 8 at a time as little-endian doubles, and the same as int32s (two per double). */
  doubles: Float64Array;
  words: Int32Array;
  /** The 1-7 bytes after the doubles, as the int32s ending at `length` and, past 4 bytes, starting after the doubles. */
  rest: number;
  restHead: number;
  restLast: number;
  length: number;
  tag: string;
  /** The tag's id, as the caller numbers tags. */
  id: number;
  /** The layout read after this one last time: writers log their tags in the same order every step. */
  next: Layout | undefined;
}

/**
 * Reads the shape nearly every record of a large event file has: wall_time
 * (field 1), step (2), and a summary (5) of one value holding a tag (1) and a
 * simple_value (2), each length a single byte. Any other shape, or bytes that
 * do not end exactly at the record's end, return -1 and are left to the
 * general decoder (decodeEvent, which reads the same fields the same way and
 * throws on malformed input). Each tag's layout is learned once; after that a
 * record is its step and one compare with the layout that followed the last
 * one (no string decoded, no map looked up). The value read is left in the
 * reader's fields, not passed to a sink: no call per record. A class, not
 * closures: its methods are the same functions in every import, so the
 * decoding loop that calls them, optimised in one import, stays valid in the
 * next (a new closure per import deoptimised it: 'wrong call target').
 *
 * @example const s = createSimpleScalars(idOf); s.use(buf); const step = s.decode(start, end); if (step >= 0) use(step, s.id, s.value);
 */
export function createSimpleScalars(idOf: (tag: string) => number = () => 0): SimpleScalars {
  return new SimpleScalars(idOf);
}

export class SimpleScalars {
  /** The tag, its id and the value of the record decode last read. */
  tag = '';
  id = 0;
  // A double from the start: a field that starts as a small integer changes its kind at the first
  // value, deoptimising the code that read it.
  value = Number.NaN;
  private b: Buffer = Buffer.alloc(0);
  private view = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
  private readonly layouts = new Map<string, Layout>();
  private last: Layout | undefined;

  constructor(private readonly idOf: (tag: string) => number) {}

  /** The buffer the next records are in. */
  use(buf: Buffer): void {
    if (buf === this.b) return;
    this.b = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads the record `[start, end)` if it is a simple scalar and returns its step; -1 if not (nothing read). */
  decode(start: number, end: number): number {
    const b = this.b;
    let p = start + 10;
    if (p + 12 > end || b[start] !== 0x09 || b[p - 1] !== 0x10) return -1;
    let byte = b[p++]!;
    let step = byte;
    if (byte >= 0x80) {
      // At most 7 bytes: 49 bits, exact as a Number; longer steps take the general path.
      step = byte & 0x7f;
      let shift = 128;
      for (let i = 1; ; i++) {
        if (i === 7) return -1;
        byte = b[p++]!;
        step += (byte & 0x7f) * shift;
        if (byte < 0x80) break;
        shift *= 128;
      }
    }
    let layout = this.last?.next;
    if (layout === undefined || !this.matches(layout, p, end)) {
      layout = this.learn(p, end);
      if (layout === undefined) return -1;
      if (this.last !== undefined) this.last.next = layout;
    }
    this.last = layout;
    this.tag = layout.tag;
    this.id = layout.id;
    this.value = this.view.getFloat32(end - 4, true);
    return step;
  }

  /** The layout of the bytes `[p, end - 4)`, learned on first sight; undefined when they are not a simple scalar's. */
  private learn(p: number, end: number): Layout | undefined {
    const b = this.b;
    // summary { value { tag, simple_value float } }, lengths < 128, ending exactly at the record's end.
    if (p + 11 > end || b[p] !== 0x2a || b[p + 2] !== 0x0a || b[p + 4] !== 0x0a) return undefined;
    if ((b[p + 1]! | b[p + 3]! | b[p + 5]!) >= 0x80) return undefined;
    const tagEnd = p + 6 + b[p + 5]!;
    if (p + 2 + b[p + 1]! !== end || p + 4 + b[p + 3]! !== end || tagEnd + 5 !== end || b[tagEnd] !== 0x15)
      return undefined;
    const bytes = Buffer.from(b.subarray(p, tagEnd + 1));
    const key = bytes.toString('latin1');
    let layout = this.layouts.get(key);
    if (layout === undefined) {
      const n = bytes.length >> 3;
      const doubles = new Float64Array(n);
      const words = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) doubles[i] = bytes.readDoubleLE(i * 8);
      for (let i = 0; i < 2 * n; i++) words[i] = bytes.readInt32LE(i * 4);
      const rest = bytes.length - 8 * n;
      const tag = b.toString('utf8', p + 6, tagEnd);
      layout = {
        doubles,
        words,
        rest,
        restHead: rest > 4 ? bytes.readInt32LE(8 * n) : 0,
        // A layout is at least 7 bytes: the int32 ending at its end starts inside it.
        restLast: rest > 0 ? bytes.readInt32LE(bytes.length - 4) : 0,
        length: bytes.length,
        tag,
        id: this.idOf(tag),
        next: undefined,
      };
      // Tags are few; a file of endless distinct ones is read right, only without the cache.
      if (this.layouts.size < 10_000) this.layouts.set(key, layout);
    }
    return layout;
  }

  /**
   * Whether the record's bytes from `p` are the layout's: 8 bytes a compare, as doubles. Equal
   * doubles differ in their bytes only as +0 and -0, and NaNs are never equal: those compare as
   * int32s. The last 1-7 bytes compare as the int32s that end there, overlapping the doubles.
   */
  private matches(layout: Layout, p: number, end: number): boolean {
    const n = layout.length;
    if (end - p !== n + 4) return false;
    const v = this.view;
    const doubles = layout.doubles;
    for (let i = 0, at = p; i < doubles.length; i++, at += 8) {
      const x = v.getFloat64(at, true);
      if (x !== doubles[i] || x === 0) {
        const words = layout.words;
        if (v.getInt32(at, true) !== words[2 * i] || v.getInt32(at + 4, true) !== words[2 * i + 1])
          return false;
      }
    }
    const rest = layout.rest;
    if (rest > 4 && v.getInt32(end - 4 - rest, true) !== layout.restHead) return false;
    return rest === 0 || v.getInt32(end - 8, true) === layout.restLast;
  }
}
