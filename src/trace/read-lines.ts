import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { TraceError } from './trace-error.js';

/** Bounds on what a reader takes from a file, each refused with an error naming the file and the place. */
export interface ReadLimits {
  /** Longest line, in characters (a trace holds one event per line). */
  maxLineChars: number;
  /** Largest ratio of decompressed to compressed size a gzip file may reach (past its first 16 MiB). */
  maxInflateRatio: number;
}

/**
 * A line holds one event: even a step with statistics for ten thousand layers
 * is a few MB. Real gzipped traces inflate 2-40x (the fault benchmark's
 * 126 traces: 2.5-36x); a gzip bomb (1 GB of one byte in 1 MB) inflates 1000x.
 */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxLineChars: 64 * 1024 * 1024, maxInflateRatio: 200 };

// A small file may inflate far (a short trace of repeated lines); the ratio is judged past this.
const INFLATE_FLOOR_CHARS = 16 * 1024 * 1024;

/** A line of a file and its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * Yields the lines of a file with their 1-based numbers, a chunk's worth at a
 * time (one array per 1 MiB read): a reader of a large file then awaits once
 * per chunk, not once per line. Memory stays bounded by the chunk and the
 * longest line; a line split over several chunks is joined once, when its
 * end arrives, so the cost is linear in the file's size however long a line
 * is. Empty lines are skipped (their numbers still count). A gzip file
 * (`.jsonl.gz`, known by its first two bytes, whatever its name) is
 * decompressed as it streams.
 *
 * @example for await (const lines of readLineChunks('run.jsonl')) for (const { text, line } of lines) ...
 */
export async function* readLineChunks(
  path: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): AsyncGenerator<NumberedLine[]> {
  const gzipped = await startsWithGzipMagic(path);
  const raw = createReadStream(
    path,
    gzipped ? { highWaterMark: 1 << 20 } : { encoding: 'utf8', highWaterMark: 1 << 20 },
  );
  const stream = gzipped ? raw.pipe(createGunzip()).setEncoding('utf8') : raw;
  if (gzipped) raw.on('error', (e) => stream.destroy(e));
  let rawBytes = 0;
  if (gzipped)
    raw.on('data', (b: Buffer | string) => {
      rawBytes += b.length;
    });
  // The start of a line whose end has not arrived yet, in pieces (joined once, at its end).
  let pending: string[] = [];
  let pendingChars = 0;
  let inflatedChars = 0;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (gzipped) {
        inflatedChars += chunk.length;
        if (inflatedChars > INFLATE_FLOOR_CHARS && inflatedChars > limits.maxInflateRatio * rawBytes)
          throw new TraceError(
            { file: path, line: line + 1 },
            undefined,
            `the gzip data inflates more than ${limits.maxInflateRatio}x (${rawBytes} bytes to over ${inflatedChars} characters): a decompression bomb or not a trace (limit TRAINDX_MAX_INFLATE_RATIO)`,
          );
      }
      const out: NumberedLine[] = [];
      let start = 0;
      let nl = chunk.indexOf('\n');
      while (nl !== -1) {
        line++;
        let text = chunk.slice(start, nl);
        if (pending.length > 0) {
          pending.push(text);
          text = pending.join('');
          pending = [];
          pendingChars = 0;
        }
        if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
        if (text.length > 0) out.push({ text, line });
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      if (start < chunk.length) {
        pending.push(chunk.slice(start));
        pendingChars += chunk.length - start;
        if (pendingChars > limits.maxLineChars)
          throw new TraceError(
            { file: path, line: line + 1 },
            undefined,
            `the line is longer than ${limits.maxLineChars} characters with no end in sight; a trace holds one event per line (limit TRAINDX_MAX_LINE_CHARS)`,
          );
      }
      if (out.length > 0) yield out;
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
  const rest = pending.join('').replace(/\r$/, '');
  if (rest.trim().length > 0) yield [{ text: rest, line: line + 1 }];
}

/**
 * The lines of a file one by one (see readLineChunks).
 *
 * @example for await (const { text, line } of readLines('run.jsonl')) console.log(line, text.length);
 */
export async function* readLines(
  path: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): AsyncGenerator<NumberedLine> {
  for await (const lines of readLineChunks(path, limits)) yield* lines;
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
