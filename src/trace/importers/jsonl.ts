import { basename } from 'node:path';
import { readTraceChunks } from '../read-trace.js';
import type { Importer } from './importer.js';

/**
 * The trace format itself (docs/spec/trace-format.md): JSON Lines, plain or
 * gzipped, whose first non-blank character is `{`. One file is one run.
 */
export const jsonlImporter: Importer = {
  format: 'jsonl',
  match: (probe) => !probe.isDirectory && firstNonBlank(probe.head) === 0x7b,
  async *parse(path, options = {}) {
    yield {
      name: basename(path).replace(/\.jsonl(\.gz)?$|\.json$/i, ''),
      source: path,
      events: readTraceChunks(path, options.limits),
      notes: [],
    };
  },
};

/** The first byte that is not white space (or a UTF-8 byte-order mark), or -1. */
function firstNonBlank(head: Buffer): number {
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b === 0xef && head[i + 1] === 0xbb && head[i + 2] === 0xbf) {
      i += 2;
      continue;
    }
    return b;
  }
  return -1;
}
