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
 * A stream error (a bad path, a full disk) rejects the next write or close
 * instead of crashing the process from an unhandled 'error' event.
 *
 * @example const w = createTraceWriter('run.jsonl'); await w.write(runEvent); await w.close();
 */
export function createTraceWriter(path: string): TraceWriter {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let failure: Error | undefined;
  out.on('error', (err) => {
    failure = err;
  });
  const check = () => {
    if (failure) throw new Error(`cannot write trace ${path}: ${failure.message}`);
  };
  const settle = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`cannot write trace ${path}: ${err.message}`));
      out.once('error', onError);
      once(out, event).then(() => {
        out.off('error', onError);
        resolve();
      }, reject);
    });
  return {
    async write(event) {
      check();
      if (!out.write(`${encodeEvent(event)}\n`)) await settle('drain');
    },
    async close() {
      check();
      out.end();
      await settle('finish');
    },
  };
}
