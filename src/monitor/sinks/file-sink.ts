import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeEvent } from '../../trace/index.js';
import type { TraceSink } from './trace-sink.js';

/**
 * Writes the trace as a JSON Lines file (non-finite numbers as the spec's
 * strings, via the trace module's encoder). `createTraceWriter` would do but
 * lets a stream error (full disk, unwritable path) go unhandled, which ends
 * the process; here the first error is reported once and later events are
 * dropped, so training carries on.
 *
 * @example const sink = createFileSink('runs/mlp.jsonl');
 */
export function createFileSink(path: string, deps: { warn?: (message: string) => void } = {}): TraceSink {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  let failed: Error | undefined;
  const fail = (err: Error) => {
    if (!failed) warn(`traindx monitor: cannot write ${path} (${err.message}); its events are dropped`);
    failed ??= err;
  };
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    fail(err as Error);
  }
  const out = createWriteStream(path, { encoding: 'utf8' });
  out.on('error', fail);
  const settled = async (event: 'drain' | 'finish', timeoutMs: number) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    try {
      await Promise.race([
        once(out, event, { signal: timeout.signal }),
        once(out, 'error', { signal: timeout.signal }),
      ]);
    } catch {
      // Timed out or failed: `fail` has reported an error already; a slow disk is not worth waiting on.
    } finally {
      clearTimeout(timer);
      timeout.abort();
    }
  };
  return {
    write(events) {
      if (failed || out.writableEnded || events.length === 0) return;
      out.write(`${events.map(encodeEvent).join('\n')}\n`);
    },
    async flush(timeoutMs = 10_000) {
      if (!failed && out.writableNeedDrain) await settled('drain', timeoutMs);
    },
    async close(timeoutMs = 10_000) {
      if (out.writableEnded || out.destroyed) return;
      const finished = settled('finish', timeoutMs);
      out.end();
      await finished;
    },
  };
}
