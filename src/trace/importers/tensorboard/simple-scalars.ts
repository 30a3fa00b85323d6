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
 * reader's fields, not passed to a sink: no call per record.
 *
 * @example const s = createSimpleScalars(idOf); s.use(buf); const step = s.decode(start, end); if (step >= 0) use(step, s.id, s.value);
 */
export function createSimpleScalars(idOf: (tag: string) => number = () => 0) {
  let b: Buffer = Buffer.alloc(0);
  let view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const layouts = new Map<string, Layout>();
  let last: Layout | undefined;

  /** The layout of the bytes `[p, end - 4)`, learned on first sight; undefined when they are not a simple scalar's. */
  const learn = (p: number, end: number): Layout | undefined => {
    // summary { value { tag, simple_value float } }, lengths < 128, ending exactly at the record's end.
    if (p + 11 > end || b[p] !== 0x2a || b[p + 2] !== 0x0a || b[p + 4] !== 0x0a) return undefined;
    if ((b[p + 1]! | b[p + 3]! | b[p + 5]!) >= 0x80) return undefined;
    const tagEnd = p + 6 + b[p + 5]!;
    if (p + 2 + b[p + 1]! !== end || p + 4 + b[p + 3]! !== end || tagEnd + 5 !== end || b[tagEnd] !== 0x15)
      return undefined;
    const bytes = Buffer.from(b.subarray(p, tagEnd + 1));
    const key = bytes.toString('latin1');
    let layout = layouts.get(key);
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
        id: idOf(tag),
        next: undefined,
      };
      // Tags are few; a file of endless distinct ones is read right, only without the cache.
      if (layouts.size < 10_000) layouts.set(key, layout);
    }
    return layout;
  };

  const scalars = {
    /** The tag, its id and the value of the record decode last read. */
    tag: '',
    id: 0,
    value: 0,
    /** The buffer the next records are in. */
    use(buf: Buffer) {
      if (buf === b) return;
      b = buf;
      view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    /** Reads the record `[start, end)` if it is a simple scalar and returns its step; -1 if not (nothing read). */
    decode(start: number, end: number): number {
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
      let layout = last?.next;
      if (layout === undefined || !matches(layout, p, end)) {
        layout = learn(p, end);
        if (layout === undefined) return -1;
        if (last !== undefined) last.next = layout;
      }
      last = layout;
      scalars.tag = layout.tag;
      scalars.id = layout.id;
      scalars.value = view.getFloat32(end - 4, true);
      return step;
    },
  };
  return scalars;

  /**
   * Whether the record's bytes from `p` are the layout's: 8 bytes a compare, as doubles. Equal
   * doubles differ in their bytes only as +0 and -0, and NaNs are never equal: those compare as
   * int32s. The last 1-7 bytes compare as the int32s that end there, overlapping the doubles.
   */
  function matches(layout: Layout, p: number, end: number): boolean {
    const n = layout.length;
    if (end - p !== n + 4) return false;
    const v = view;
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

export type SimpleScalars = ReturnType<typeof createSimpleScalars>;
