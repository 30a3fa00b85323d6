import type { TraceEvent } from '../../domain/index.js';
import type { MonitorAlert } from '../alert.js';

/**
 * Where a monitor's trace events go. A sink never throws into training and
 * never makes it wait on a network: `write` only queues; delivery, retries
 * and batching happen in the background.
 */
export interface TraceSink {
  /** Queues events in trace order (the first is the `run` event). */
  write(events: TraceEvent[]): void;
  /** Resolves when everything queued is delivered, or after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void>;
  /** Flushes (at most `timeoutMs`), then releases files, timers and connections. */
  close(timeoutMs?: number): Promise<void>;
  /** Alerts traindx sends back about this run; returns the unsubscribe function. */
  onAlert?(listener: (alert: MonitorAlert) => void): () => void;
  /** Events delivered, dropped and still buffered (sinks that deliver in batches). */
  stats?(): SinkStats;
}

export interface SinkStats {
  delivered: number;
  dropped: number;
  buffered: number;
  /** Delivery attempts, retries included. */
  attempts: number;
}

/**
 * One sink writing to several (a trace file and a server, say).
 *
 * @example fanOut([createFileSink('run.jsonl'), createRemoteSink({ url })])
 */
export function fanOut(sinks: TraceSink[]): TraceSink {
  if (sinks.length === 1) return sinks[0]!;
  return {
    write: (events) => {
      for (const s of sinks) s.write(events);
    },
    flush: async (timeoutMs) => {
      await Promise.all(sinks.map((s) => s.flush(timeoutMs)));
    },
    close: async (timeoutMs) => {
      await Promise.all(sinks.map((s) => s.close(timeoutMs)));
    },
    onAlert: (listener) => {
      const offs = sinks.flatMap((s) => (s.onAlert ? [s.onAlert(listener)] : []));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
