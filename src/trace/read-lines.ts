import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { TraceError } from './trace-error.js';

/**
 * Yields the lines of a file with their 1-based numbers, reading 1 MiB chunks
 * so a file of any size streams in bounded memory. Faster than node:readline
 * on large files because it splits chunks itself. Empty lines are skipped
 * (their numbers still count). A gzip file (`.jsonl.gz`, known by its first
 * two bytes, whatever its name) is decompressed as it streams.
 */
export async function* readLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  const gzipped = await startsWithGzipMagic(path);
  const raw = createReadStream(
    path,
    gzipped ? { highWaterMark: 1 << 20 } : { encoding: 'utf8', highWaterMark: 1 << 20 },
  );
  const stream = gzipped ? raw.pipe(createGunzip()).setEncoding('utf8') : raw;
  if (gzipped) raw.on('error', (e) => stream.destroy(e));
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      let nl = text.indexOf('\n', start);
      while (nl !== -1) {
        line++;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (end > start) yield { text: text.slice(start, end), line };
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = text.slice(start);
    }
  } catch (e) {
    // zlib's own message ("incorrect header check") names neither the file nor how far it got.
    if (gzipped && (e as { code?: string }).code?.startsWith('Z_'))
      throw new TraceError(
        { file: path, line: line + 1 },
        undefined,
        `the gzip data is corrupt or cut short (${(e as Error).message})`,
      );
    throw e;
  } finally {
    // A reader that stops early must not leave the file open behind the decompressor.
    raw.destroy();
  }
  if (rest.trim().length > 0) yield { text: rest.replace(/\r$/, ''), line: line + 1 };
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await file.close();
  }
}
