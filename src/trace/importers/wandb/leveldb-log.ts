import { open } from 'node:fs/promises';
import { TraceError } from '../../trace-error.js';

/** A whole record of the log (its fragments joined) and the byte offset of its first fragment. */
export interface LogRecord {
  data: Buffer;
  offset: number;
}

// W&B's transaction log (wandb-core's `.wandb` file): a 7-byte header (":W&B", 0xBEE1 little-endian,
// version 0), then LevelDB's log format: 32 KiB blocks of fragments, each with a 7-byte header
// (CRC-32 of the type byte and the data, length, type FULL 1 / FIRST 2 / MIDDLE 3 / LAST 4); a block's last < 7
// bytes are padding.
export const WANDB_MAGIC = Buffer.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00]);
const BLOCK = 32 * 1024;
const FRAGMENT_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const LAST = 4;
const CHUNK = 1 << 20;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE, zlib's) of the type byte followed by `data[start, end)`. */
function fragmentCrc(type: number, data: Buffer, start: number, end: number): number {
  let crc = CRC_TABLE[(-1 ^ type) & 0xff]! ^ (-1 >>> 8);
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/**
 * Streams the records of a W&B offline run's `.wandb` file, reading 1 MiB at
 * a time and checking every fragment's CRC. Damage (a bad header, a CRC that
 * does not match, a cut-off fragment or record) ends the stream with a
 * TraceError naming the file and the fragment's byte offset, after every
 * record before it was yielded.
 *
 * @example for await (const records of readLevelDbLog(path)) for (const r of records) decode(r.data);
 */
export async function* readLevelDbLog(path: string): AsyncGenerator<LogRecord[]> {
  const file = await open(path, 'r');
  try {
    const damage = (offset: number, detail: string) =>
      new TraceError({ file: path, offset }, undefined, detail);
    let buf = Buffer.alloc(0);
    let base = 0; // file offset of buf[0]
    let eof = false;
    let pos = WANDB_MAGIC.length;
    let parts: Buffer[] = [];
    let partsAt = 0;
    const header = Buffer.alloc(WANDB_MAGIC.length);
    await file.read(header, 0, header.length, 0);
    if (!header.equals(WANDB_MAGIC)) throw damage(0, "not a W&B transaction log (no ':W&B' header)");
    for (;;) {
      // Refill so that a whole fragment (at most one block) is in the buffer.
      if (!eof && buf.length - (pos - base) < BLOCK) {
        const keep = buf.subarray(Math.min(pos - base, buf.length));
        const readAt = base + buf.length;
        const more = Buffer.allocUnsafe(CHUNK);
        const { bytesRead } = await file.read(more, 0, CHUNK, readAt);
        if (bytesRead === 0) eof = true;
        buf = Buffer.concat([keep, more.subarray(0, bytesRead)]);
        base = readAt - keep.length;
      }
      const out: LogRecord[] = [];
      let error: TraceError | undefined;
      while (pos - base + FRAGMENT_HEADER <= buf.length) {
        const left = BLOCK - (pos % BLOCK);
        if (left < FRAGMENT_HEADER) {
          pos += left;
          continue;
        }
        const at = pos - base;
        const crc = buf.readUInt32LE(at);
        const length = buf.readUInt16LE(at + 4);
        const type = buf[at + 6]!;
        if (crc === 0 && length === 0 && type === 0) {
          // Zeros to the end of the block: padding (a writer that stopped mid-block).
          pos += left;
          continue;
        }
        if (length > left - FRAGMENT_HEADER || type < FULL || type > LAST) {
          error = damage(pos, `corrupted fragment header (type ${type}, length ${length})`);
          break;
        }
        if (at + FRAGMENT_HEADER + length > buf.length) break;
        if (fragmentCrc(type, buf, at + FRAGMENT_HEADER, at + FRAGMENT_HEADER + length) !== crc) {
          error = damage(pos, 'corrupted record: the CRC of its data does not match');
          break;
        }
        const data = buf.subarray(at + FRAGMENT_HEADER, at + FRAGMENT_HEADER + length);
        if (type === FULL || type === FIRST) {
          parts = [Buffer.from(data)];
          partsAt = pos;
        } else parts.push(Buffer.from(data));
        if (type === FULL || type === LAST) {
          out.push({ data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), offset: partsAt });
          parts = [];
        }
        pos += FRAGMENT_HEADER + length;
      }
      if (out.length) yield out;
      if (error) throw error;
      if (eof) {
        if (pos - base < buf.length || parts.length)
          throw damage(parts.length ? partsAt : pos, 'truncated record: the file ends inside it');
        return;
      }
    }
  } finally {
    await file.close();
  }
}
