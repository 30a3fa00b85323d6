import { createReadStream } from 'node:fs';

/**
 * Yields the lines of a file with their 1-based numbers, reading 1 MiB chunks
 * so a file of any size streams in bounded memory. Faster than node:readline
 * on large files because it splits chunks itself. Empty lines are skipped
 * (their numbers still count).
 */
export async function* readLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  let line = 0;
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
  if (rest.trim().length > 0) yield { text: rest.replace(/\r$/, ''), line: line + 1 };
}
