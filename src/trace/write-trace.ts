import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { encodeEvent } from './decode-line.js';

export interface TraceWriter {
  write(event: object): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes events as JSON Lines with non-finite numbers as the spec's strings,
 * waiting for the stream to drain so a fast producer cannot fill memory.
 *
 * @example const w = createTraceWriter('run.jsonl'); await w.write(runEvent); await w.close();
 */
export function createTraceWriter(path: string): TraceWriter {
  const out = createWriteStream(path, { encoding: 'utf8' });
  return {
    async write(event) {
      if (!out.write(`${encodeEvent(event)}\n`)) await once(out, 'drain');
    },
    async close() {
      out.end();
      await once(out, 'finish');
    },
  };
}
