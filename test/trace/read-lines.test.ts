import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLineChunks, readLines } from '../../src/trace/index.js';

const dir = mkdtempSync(join(tmpdir(), 'traindx-lines-'));

async function all(path: string) {
  const out: { text: string; line: number }[] = [];
  for await (const l of readLines(path)) out.push(l);
  return out;
}

describe('reading lines', () => {
  it('joins a line longer than several read chunks whole, with its number, and strips CR', async () => {
    const long = 'x'.repeat(3 * (1 << 20) + 17);
    const path = join(dir, 'long.txt');
    writeFileSync(path, `a\r\n\n${long}\r\nb`);
    const lines = await all(path);
    expect(lines.map((l) => l.line)).toEqual([1, 3, 4]);
    expect(lines[0]!.text).toBe('a');
    expect(lines[1]!.text.length).toBe(long.length);
    expect(lines[1]!.text).toBe(long);
    expect(lines[2]!.text).toBe('b');
  });

  it('gives the same lines from a gzipped file, a chunk of many lines at a time', async () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `{"i":${i}}`).join('\n');
    const plain = join(dir, 'many.jsonl');
    const gz = join(dir, 'many.bin');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    expect(await all(gz)).toEqual(await all(plain));
    let chunks = 0;
    for await (const c of readLineChunks(plain)) {
      chunks++;
      expect(c.length).toBeGreaterThan(0);
    }
    expect(chunks).toBeLessThan(50_000 / 100);
  });
});

describe('bounded reading', () => {
  it('refuses a line longer than the limit, naming the file and the line, after the lines before it', async () => {
    const path = join(dir, 'huge-line.jsonl');
    writeFileSync(path, `{"a":1}\n{"b":"${'x'.repeat(3 << 20)}"}\n`);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const chunk of readLineChunks(path, { maxLineChars: 1 << 20, maxInflateRatio: 200 }))
          for (const l of chunk) seen.push(l.line);
      })(),
    ).rejects.toThrow(/huge-line\.jsonl, line 2: the line is longer than 1048576 characters/);
    expect(seen).toEqual([1]);
  });

  it('refuses a gzip file that inflates past the ratio (a decompression bomb), naming the file', async () => {
    const path = join(dir, 'bomb.jsonl.gz');
    writeFileSync(path, gzipSync(Buffer.alloc(64 << 20, 0x61)));
    await expect(
      (async () => {
        for await (const _ of readLineChunks(path)) {
          // nothing: the bomb is refused while it inflates
        }
      })(),
    ).rejects.toThrow(/bomb\.jsonl\.gz, line 1: the gzip data inflates more than 200x/);
  });
});
