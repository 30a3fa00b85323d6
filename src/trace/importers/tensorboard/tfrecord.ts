import { open } from 'node:fs/promises';
import { TraceError } from '../../trace-error.js';
import { maskedCrc32c } from './crc32c.js';

/**
 * The records of one read of a TFRecord file: their data as ranges of `buf`.
 * Everything here, the arrays too, is reused by the next batch: read it before
 * asking for the next one.
 */
export interface RecordBatch {
  buf: Buffer;
  /** How many records this batch holds (the arrays are longer). */
  count: number;
  /** Start and end of each record's data in `buf`. */
  starts: Uint32Array;
  ends: Uint32Array;
  /** Byte offset in the file of each record's frame. */
  offsets: Float64Array;
}

// A frame: uint64 length, uint32 masked CRC-32C of the length, data, uint32 masked CRC-32C of the data.
const HEADER = 12;
const FOOTER = 4;
const CHUNK = 4 << 20;
// Small enough to stay in a core's L2 cache between the CRC and the decoder.
const SLICE = 128 << 10;
// No summary record comes near this; a larger length is damage the length CRC missed.
const MAX_RECORD = 1 << 30;

/**
 * Streams the records of a TFRecord file (TensorBoard's `events.out.tfevents.*`)
 * in batches, one per 4 MiB read, checking both CRCs of every frame. A damaged
 * or cut-off frame ends the stream with a TraceError naming the file and the
 * byte offset of the frame, after every record before it was yielded.
 * `verify: false` checks no CRC: for a second pass over bytes a first one
 * checked, up to `limit` (the end of the last record that pass found whole).
 *
 * @example for await (const b of readTfRecords(path)) for (let i = 0; i < b.count; i++) use(b.buf, b.starts[i], b.ends[i]);
 */
export async function* readTfRecords(
  path: string,
  { verify = true, limit = Number.POSITIVE_INFINITY }: { verify?: boolean; limit?: number } = {},
): AsyncGenerator<RecordBatch> {
  const file = await open(path, 'r');
  try {
    // Without CRCs to pull each slice into the cache, reads of a slice's size leave it there for the
    // decoder: the copy from the page cache has just written it.
    let buf = Buffer.allocUnsafe(verify ? CHUNK : 2 * SLICE);
    // Typed arrays sized for the most frames a buffer can hold, reused by every batch: growing JS
    // arrays by a push per record cost more than the CRCs of small records.
    let batch = newBatch(buf);
    let have = 0; // bytes of buf holding file data
    let base = 0; // file offset of buf[0]
    let eof = false;
    while (!eof || have > 0) {
      if (!eof) {
        const room = Math.min(buf.length - have, limit - (base + have));
        const { bytesRead } = room > 0 ? await file.read(buf, have, room, base + have) : { bytesRead: 0 };
        if (bytesRead === 0) eof = true;
        have += bytesRead;
      }
      const { starts, ends, offsets } = batch;
      let pos = 0;
      let damage: TraceError | undefined;
      let wanted = 0;
      // The records of a read go out in slices of SLICE bytes: their CRC has just pulled them into the
      // CPU's cache, where the decoder finds them; a whole 4 MiB read would be evicted by then.
      for (let full = true; full; ) {
        const sliceEnd = pos + SLICE;
        let count = 0;
        full = false;
        while (pos + HEADER <= have) {
          if (pos >= sliceEnd) {
            full = true;
            break;
          }
          const length = u32(buf, pos) + u32(buf, pos + 4) * 2 ** 32;
          if (verify && maskedCrc32c(buf, pos, pos + 8) !== u32(buf, pos + 8)) {
            damage = new TraceError(
              { file: path, offset: base + pos },
              undefined,
              'corrupted record: the CRC of its length does not match',
            );
            break;
          }
          if (length > MAX_RECORD) {
            damage = new TraceError(
              { file: path, offset: base + pos },
              undefined,
              `corrupted record: length ${length}`,
            );
            break;
          }
          const end = pos + HEADER + length + FOOTER;
          if (end > have) {
            wanted = end - pos;
            break;
          }
          if (verify && maskedCrc32c(buf, pos + HEADER, pos + HEADER + length) !== u32(buf, end - FOOTER)) {
            damage = new TraceError(
              { file: path, offset: base + pos },
              undefined,
              'corrupted record: the CRC of its data does not match',
            );
            break;
          }
          starts[count] = pos + HEADER;
          ends[count] = pos + HEADER + length;
          offsets[count++] = base + pos;
          pos = end;
        }
        batch.count = count;
        if (count) yield batch;
      }
      if (damage) throw damage;
      if (eof) {
        if (pos < have)
          throw new TraceError(
            { file: path, offset: base + pos },
            undefined,
            `truncated record: the file ends ${have - pos} bytes into a record${wanted ? ` of ${wanted} bytes` : ''}`,
          );
        break;
      }
      // Keep the partial record at the front; grow the buffer when one record is larger than it.
      const rest = have - pos;
      if (wanted > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(wanted, buf.length * 2));
        buf.copy(bigger, 0, pos, have);
        buf = bigger;
        batch = newBatch(buf);
      } else buf.copy(buf, 0, pos, have);
      base += pos;
      have = rest;
    }
  } finally {
    await file.close();
  }
}

function newBatch(buf: Buffer): RecordBatch {
  // A slice ends at the first record past SLICE bytes: at most SLICE / 16 + 1 records.
  const most = Math.ceil(Math.min(buf.length, SLICE + HEADER + FOOTER) / (HEADER + FOOTER)) + 1;
  return {
    buf,
    count: 0,
    starts: new Uint32Array(most),
    ends: new Uint32Array(most),
    offsets: new Float64Array(most),
  };
}

// Little-endian uint32 without Buffer.readUInt32LE's argument checks (the bounds are checked above).
function u32(b: Buffer, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
