import { existsSync, mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { hasNonFinite, readLines } from '../../trace/index.js';

/**
 * An append-only file of JSON records under the data directory. A record is
 * acknowledged only after it is written and flushed to disk (fdatasync), so a
 * crash after an answer cannot lose it. Appends are written in call order.
 */
export class Journal {
  private handle: FileHandle | undefined;
  /** Lines waiting for the next write, each with the caller waiting for its fsync. */
  private pending: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(readonly path: string) {}

  static async open(dataDir: string): Promise<Journal> {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
    const journal = new Journal(join(dataDir, 'journal.jsonl'));
    journal.handle = await open(journal.path, 'a');
    return journal;
  }

  /** Replays every record written so far, oldest first. A torn last line (crash mid-write) is dropped. */
  async *replay(): AsyncGenerator<unknown> {
    if (!existsSync(this.path)) return;
    for await (const { text } of readLines(this.path)) {
      try {
        yield JSON.parse(text, reviveNonFinite);
      } catch {
        // Only the last line can be torn; anything unparsable was never acknowledged.
      }
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
      try {
        await this.handle!.write(group.length === 1 ? group[0]!.line : group.map((g) => g.line).join(''));
        await this.handle!.datasync();
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.done(err);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
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
