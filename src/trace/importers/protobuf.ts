/**
 * A minimal protobuf wire-format reader over a byte range, for the handful of
 * fields the TensorBoard and W&B importers need (no schema, no allocation per
 * field): read a tag, then the value its wire type says, or skip it. One
 * reader is reused for every message (`reset`). Throws a plain Error on
 * malformed input; the caller turns it into a TraceError naming the record.
 *
 * @example const r = new ProtoReader(); r.reset(buf, 0, buf.length); while (r.more()) { const tag = r.tag(); ... }
 */
export class ProtoReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(8));
  private viewOf: Buffer | undefined;

  reset(buf: Buffer, start: number, end: number): this {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    if (this.viewOf !== buf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this;
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** The next field's key: field number × 8 + wire type. */
  tag(): number {
    return this.varint();
  }

  /** An unsigned varint as a Number (exact up to 2^53, which steps and lengths stay under). */
  varint(): number {
    const b = this.buf;
    let x = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('varint runs past the end of its message');
      const byte = b[this.pos++]!;
      x += (byte & 0x7f) * shift;
      if (byte < 0x80) return x;
      shift *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A length-delimited field: its [start, end) in `buf`, the reader moved past it. */
  bytes(): [number, number] {
    const n = this.varint();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  /** Start of the field `skipLength` last passed. */
  lastStart = 0;

  /** A length-delimited field passed over without allocating: its start in `lastStart`, its end returned. */
  skipLength(): number {
    const n = this.varint();
    this.need(n);
    this.lastStart = this.pos;
    this.pos += n;
    return this.pos;
  }

  string(): string {
    const [s, e] = this.bytes();
    return this.buf.toString('utf8', s, e);
  }

  /**
   * A string field through a cache of the strings seen: summary tags repeat
   * millions of times in a large event file, and decoding each anew is most
   * of the garbage a reader makes. The cache holds distinct strings (tags).
   */
  cachedString(): string {
    const e = this.skipLength();
    return this.cachedStringAt(this.lastStart, e);
  }

  /**
   * The string of `buf[start, end)` through the same cache. Writers log their
   * tags in the same order at every step, so the string that followed the last
   * one is tried first: a byte compare, no hash and no map look-up.
   */
  cachedStringAt(start: number, end: number): string {
    const b = this.buf;
    const guess = this.lastString?.next;
    if (guess && this.sameWords(guess, start, end)) {
      this.lastString = guess;
      return guess.text;
    }
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ b[i]!, 0x01000193);
    let found = this.strings.get(hash);
    if (!found || !sameBytes(found.bytes, b, start, end)) {
      const bytes = Buffer.from(b.subarray(start, end));
      const words: number[] = [];
      for (let i = 0; i + 4 <= bytes.length; i += 4) words.push(bytes.readInt32LE(i));
      found = { bytes, words, text: b.toString('utf8', start, end), next: undefined };
      if (this.strings.size < 100_000) this.strings.set(hash, found);
    }
    if (this.lastString) this.lastString.next = found;
    this.lastString = found;
    return found.text;
  }

  /** Whether `buf[start, end)` holds the cached string's bytes, compared 4 at a time through the DataView. */
  private sameWords(c: CachedString, start: number, end: number): boolean {
    const n = c.bytes.length;
    if (end - start !== n) return false;
    const v = this.view;
    let i = 0;
    for (; i + 4 <= n; i += 4) if (v.getInt32(start + i, true) !== c.words[i >> 2]) return false;
    for (; i < n; i++) if (this.buf[start + i] !== c.bytes[i]) return false;
    return true;
  }

  private strings = new Map<number, CachedString>();
  private lastString: CachedString | undefined;

  /** Skips the value of a field of wire type `wire`. */
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.advance(4);
    else throw new Error(`unsupported wire type ${wire}`);
  }

  /** Packed or single doubles (wire type 2 or 1) appended to `into`. */
  doubles(wire: number, into: number[]): void {
    this.doublesAt(wire, into, into.length);
  }

  /** Packed or single doubles written into `into` from index `at` on: the index after the last one written. */
  doublesAt(wire: number, into: number[], at: number): number {
    if (wire === 1) {
      into[at] = this.double();
      return at + 1;
    }
    const [s, e] = this.bytes();
    if ((e - s) % 8) throw new Error('packed doubles of a length that is not a multiple of 8');
    for (let p = s; p < e; p += 8) into[at++] = this.view.getFloat64(p, true);
    return at;
  }

  private advance(n: number) {
    this.need(n);
    this.pos += n;
  }

  private need(n: number) {
    if (this.pos + n > this.end) throw new Error('field runs past the end of its message');
  }
}

interface CachedString {
  bytes: Buffer;
  /** The bytes as little-endian int32s, for a compare 4 bytes at a time (the last 0-3 bytes are not in it). */
  words: number[];
  text: string;
  /** The string read after this one last time. */
  next: CachedString | undefined;
}

function sameBytes(a: Buffer, b: Buffer, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}
