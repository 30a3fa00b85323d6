import { existsSync, mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { readLines } from '../../trace/index.js';

/**
 * An append-only file of JSON records under the data directory. A record is
 * acknowledged only after it is written and flushed to disk (fdatasync), so a
 * crash after an answer cannot lose it. Appends are serialised in call order.
 */
export class Journal {
  private handle: FileHandle | undefined;
  private tail: Promise<void> = Promise.resolve();

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
    const line = `${JSON.stringify(record, nonFiniteAsString)}\n`;
    const write = this.tail.then(async () => {
      await this.handle!.write(line);
      await this.handle!.datasync();
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.tail;
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
