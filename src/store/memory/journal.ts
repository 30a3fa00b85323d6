import { existsSync, mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { hasNonFinite, readLines } from '../../trace/index.js';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';

/**
 * An append-only file of JSON records under the data directory. A record is
 * acknowledged only after it is written and flushed to disk (fdatasync), so a
 * crash after an answer cannot lose it. Appends are written in call order.
 * One process at a time: opening takes the directory's lock (see
 * data-dir-lock.ts) and closing releases it.
 */
export class Journal {
  private handle: FileHandle | undefined;
  /** Lines waiting for the next write, each with the caller waiting for its fsync. */
  private pending: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** Bytes of whole lines in the file: a failed write is cut back to here, so no line is ever glued to a torn one. */
  private size = 0;

  private constructor(
    readonly path: string,
    private readonly lock: DataDirLock,
    private readonly warn: (line: string) => void,
  ) {}

  static async open(dataDir: string, warn: (line: string) => void): Promise<Journal> {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
    const lock = lockDataDir(dataDir, warn);
    const journal = new Journal(join(dataDir, 'journal.jsonl'), lock, warn);
    try {
      journal.handle = await open(journal.path, 'a+');
      journal.size = await cutTornTail(journal.handle, journal.path, warn);
    } catch (err) {
      await journal.handle?.close();
      lock.release();
      throw err;
    }
    return journal;
  }

  /**
   * Replays every record written so far, oldest first, with its line number.
   * A line that is not JSON (a damaged file) is reported and skipped.
   */
  async *replay(): AsyncGenerator<{ record: unknown; line: number }> {
    for await (const { text, line } of readLines(this.path)) {
      let record: unknown;
      try {
        // A reviver runs for every value of the record (most of a replay's time); only a record
        // holding a non-finite number (written as {"$num": ...}) needs it.
        record = text.includes('"$num"') ? JSON.parse(text, reviveNonFinite) : JSON.parse(text);
      } catch {
        this.warn(`traindx: warning: ${this.path}:${line} is not a JSON record; skipped.`);
        continue;
      }
      yield { record, line };
    }
  }

  append(record: unknown): Promise<void> {
    // A replacer runs for every value (~17k per batch of 500 steps with layer
    // stats) and cost more than the rest of the append; JSON.stringify
    // without one writes the same text whenever no number is non-finite.
    const text = hasNonFinite(record) ? JSON.stringify(record, nonFiniteAsString) : JSON.stringify(record);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${text}\n`, done: (err) => (err ? reject(err) : resolve()) });
      this.flushing ??= this.flush();
    });
  }

  // Group commit: appends that arrive while a write and its fdatasync are in
  // flight (other runs' batches) go out together in the next write and share
  // its fdatasync. Each caller still hears back only once its line is on disk.
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      const text = group.length === 1 ? group[0]!.line : group.map((g) => g.line).join('');
      try {
        await this.handle!.write(text);
        await this.handle!.datasync();
        this.size += Buffer.byteLength(text);
        for (const g of group) g.done();
      } catch (err) {
        // Cut a partial write back, so the next line starts on a line of its own.
        await this.handle!.truncate(this.size).catch(() => undefined);
        for (const g of group) g.done(err);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    if (this.handle) this.lock.release();
    this.handle = undefined;
  }
}

/**
 * A crash in the middle of a write leaves a last line without its newline;
 * it was never acknowledged (the answer waits for fdatasync). Cut it off, so
 * the next append starts a line of its own. Returns the size kept.
 */
async function cutTornTail(handle: FileHandle, path: string, warn: (line: string) => void): Promise<number> {
  const { size } = await handle.stat();
  const chunk = Buffer.alloc(Math.min(size, 1 << 20));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) {
      end = start + at + 1;
      break;
    }
    end = start;
  }
  if (end < size) {
    await handle.truncate(end);
    await handle.datasync();
    warn(
      `traindx: warning: ${path}: cut a torn last line (${size - end} bytes of a write a crash interrupted; it was never acknowledged).`,
    );
  }
  return end;
}

// Series values may be NaN/Infinity; JSON has no such numbers.
function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $num: String(value) } : value;
}

/** Inverse of nonFiniteAsString, applied after JSON.parse on replay. */
export function reviveNonFinite(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$num' in value) return Number((value as { $num: string }).$num);
  return value;
}
