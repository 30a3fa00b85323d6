import { open, readdir, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Probe } from './importer.js';

const HEAD_BYTES = 4096;

/**
 * Reads what importers need to recognise a path: a file's first bytes
 * (decompressed when it starts with gzip's magic bytes, whatever its name), or
 * a folder's entry names.
 */
export async function probePath(path: string): Promise<Probe> {
  const info = await stat(path);
  if (info.isDirectory())
    return { path, isDirectory: true, head: Buffer.alloc(0), entries: (await readdir(path)).sort() };
  const file = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    return { path, isDirectory: false, head: isGzip(head) ? gunzipHead(head) : head, entries: [] };
  } finally {
    await file.close();
  }
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

// A cut-off gzip stream: decompress what the first bytes hold (finishFlush keeps the partial output).
function gunzipHead(head: Buffer): Buffer {
  try {
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  } catch {
    return Buffer.alloc(0);
  }
}
