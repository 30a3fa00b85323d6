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
