import { writeFileSync } from 'node:fs';
import { maskedCrc32c } from '../../../src/trace/importers/tensorboard/crc32c.js';

// A few fields of tensorflow/core/util/event.proto and summary.proto, encoded by hand: byte-built
// event files for cases the real writers do not make on demand.
const varint = (n: number): Buffer => {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
};
const field = (no: number, data: Buffer) => Buffer.concat([varint((no << 3) | 2), varint(data.length), data]);
const head = (step: number) => {
  const wall = Buffer.alloc(9);
  wall[0] = 0x09;
  wall.writeDoubleLE(1.8e9 + step, 1);
  return Buffer.concat([wall, varint(0x10), varint(step)]);
};

/** An Event of one simple_value scalar. */
export function scalarEvent(step: number, tag: string, value: number): Buffer {
  const simple = Buffer.alloc(5);
  simple[0] = 0x15;
  simple.writeFloatLE(value, 1);
  return Buffer.concat([head(step), field(5, field(1, Buffer.concat([field(1, Buffer.from(tag)), simple])))]);
}

/** An Event whose session_log says START (status 1), at `step`. */
export function sessionStartEvent(step: number): Buffer {
  return Buffer.concat([head(step), field(7, Buffer.from([0x08, 0x01]))]);
}

/** The first Event of every file: file_version. */
export const fileVersionEvent = (): Buffer =>
  Buffer.concat([head(0), field(3, Buffer.from('brain.Event:2'))]);

/** Frames Events as TFRecords (length, masked CRC of it, data, masked CRC of it) and writes them. */
export function writeEventFile(path: string, events: Buffer[]): number[] {
  const offsets: number[] = [];
  const frames: Buffer[] = [];
  let at = 0;
  for (const data of events) {
    const frame = Buffer.alloc(16 + data.length);
    frame.writeUInt32LE(data.length, 0);
    frame.writeUInt32LE(maskedCrc32c(frame, 0, 8), 8);
    data.copy(frame, 12);
    frame.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
    frames.push(frame);
    offsets.push(at);
    at += frame.length;
  }
  writeFileSync(path, Buffer.concat(frames));
  return offsets;
}
