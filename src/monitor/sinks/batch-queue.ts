import type { TraceEvent } from '../../domain/index.js';

export interface Batch {
  /** `b0`, `b1`, ...: fixed when the batch is cut, so a retry resends the same id and the server ignores duplicates. */
  id: string;
  events: TraceEvent[];
}

/** A failed delivery; `permanent` when sending it again cannot help (the server refused its content). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface BatchQueueOptions {
  deliver(batch: Batch): Promise<void>;
  warn(message: string): void;
  /** Names the destination in warnings. */
  target: string;
  /** A batch is cut at this many events... */
  maxBatchEvents?: number;
  /** ...or this long after its first event. */
  flushIntervalMs?: number;
  /** Events held while the destination is unreachable; past it the oldest batches are dropped. */
  maxBufferedEvents?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface BatchQueue {
  push(events: TraceEvent[]): void;
  flush(timeoutMs: number): Promise<void>;
  close(timeoutMs: number): Promise<void>;
  /** Counts for tests and for people wondering where their events went. */
  stats(): { delivered: number; dropped: number; buffered: number; attempts: number };
}

/**
 * Batches events and delivers the batches in order, one at a time, retrying
 * a failed one with exponential backoff (capped) until it goes through. While
 * the destination is down events pile up to `maxBufferedEvents`; beyond that
 * the oldest undelivered batches are dropped (never the one carrying the
 * `run` event, without which nothing else is accepted) and one warning says
 * so: a monitor must not grow without bound or break training.
 *
 * @example const q = createBatchQueue({ deliver: (b) => post(b), warn: console.warn, target: 'http://127.0.0.1:4000' });
 */
export function createBatchQueue(options: BatchQueueOptions): BatchQueue {
  const maxBatch = options.maxBatchEvents ?? 500;
  // Batch ids are unique per queue: a re-run under a reused run id cannot have its first batches
  // taken for resends of the old run's (which the server acknowledges without storing them).
  // From crypto, not Math.random: the training's own random draws must not move.
  const nonce = globalThis.crypto.randomUUID().slice(0, 8);
  const maxBuffered = Math.max(options.maxBufferedEvents ?? 50_000, maxBatch);
  const interval = options.flushIntervalMs ?? 1000;
  const baseMs = options.retryBaseMs ?? 250;
  const maxMs = options.retryMaxMs ?? 10_000;
  const queue: Batch[] = [];
  let open: TraceEvent[] = [];
  let seq = 0;
  let buffered = 0;
  let delivered = 0;
  let dropped = 0;
  let attempts = 0;
  let warned = false;
  let timer: NodeJS.Timeout | undefined;
  let worker: Promise<void> | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const idle = new Set<() => void>();

  const drop = (batch: Batch, why: string) => {
    dropped += batch.events.length;
    buffered -= batch.events.length;
    if (!warned) {
      options.warn(
        `traindx monitor: ${why}; dropping events for ${options.target} (this warning is shown once)`,
      );
      warned = true;
    }
  };

  const cut = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (open.length === 0) return;
    queue.push({ id: `${nonce}-b${seq++}`, events: open });
    open = [];
    run();
  };

  const enforceBound = () => {
    // queue[0] is the batch being delivered (or retried); while the run is not known to the server it holds the run event.
    while (buffered > maxBuffered && queue.length > 1) {
      const victim = queue.splice(1, 1)[0]!;
      drop(victim, `${options.target} is unreachable and ${maxBuffered} events are buffered`);
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      // Unref'd: a script that ends without `finish()` is not kept alive by retries to a server that is down.
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms).unref();
      wake = () => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
    });

  const run = () => {
    worker ??= (async () => {
      let failures = 0;
      while (queue.length > 0) {
        const batch = queue[0]!;
        try {
          attempts++;
          await options.deliver(batch);
          delivered += batch.events.length;
          buffered -= batch.events.length;
          failures = 0;
          if (queue[0] === batch) queue.shift();
        } catch (err) {
          const permanent = err instanceof DeliveryError && err.permanent;
          if (permanent || closed) {
            if (queue[0] === batch) queue.shift();
            const why = permanent
              ? `${options.target} refused batch ${batch.id}: ${(err as Error).message}`
              : `${options.target} could not be reached before close`;
            drop(batch, why);
            continue;
          }
          failures++;
          await sleep(Math.min(maxMs, baseMs * 2 ** (failures - 1)));
        }
      }
      worker = undefined;
      for (const resolve of idle) resolve();
    })();
  };

  const settle = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (!worker && queue.length === 0) return resolve();
      const done = () => {
        clearTimeout(t);
        idle.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      idle.add(done);
    });

  return {
    push(events) {
      if (closed || events.length === 0) return;
      open.push(...events);
      buffered += events.length;
      if (open.length >= maxBatch) cut();
      else timer ??= setTimeout(cut, interval).unref();
      enforceBound();
    },
    async flush(timeoutMs) {
      cut();
      wake?.();
      await settle(timeoutMs);
    },
    async close(timeoutMs) {
      cut();
      wake?.();
      await settle(timeoutMs);
      closed = true;
      // What is left cannot be delivered in time: count it and say so (once). A request
      // already on its way (queue[0]) ends on its own, by answer or by its timeout.
      const left = queue.splice(worker ? 1 : 0);
      for (const b of left) drop(b, `${options.target} could not be reached before close`);
      wake?.();
    },
    stats: () => ({ delivered, dropped, buffered, attempts }),
  };
}
