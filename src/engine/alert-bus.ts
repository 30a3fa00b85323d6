import type { RunAlert } from '../domain/index.js';

/** Where a run's alerts travel from the replica that decided them to every subscriber. */
export interface AlertBus {
  publish(alert: RunAlert): void;
  /** A live subscription; `ready` resolves once alerts published from now on will reach it. */
  subscribe(runId: string): { alerts: AsyncIterableIterator<RunAlert>; ready: Promise<void> };
  close(): Promise<void>;
}

/**
 * An async iterator over pushed values that ends when its consumer returns;
 * `stop` is called then (to unsubscribe).
 */
export function createQueueIterator<T>(stop: () => void): {
  push(value: T): void;
  iterator: AsyncIterableIterator<T>;
} {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (queue.length === 0 && !done) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      if (queue.length > 0) return { value: queue.shift()!, done: false };
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      if (!done) {
        done = true;
        stop();
        wake?.();
      }
      return { value: undefined, done: true };
    },
  };
  return {
    push(value) {
      queue.push(value);
      wake?.();
    },
    iterator,
  };
}

/**
 * The single-process bus: alerts reach the subscribers of this process only.
 * The default; `createRedisAlertBus` shares them between replicas.
 *
 * @example const bus = createLocalAlertBus(); const { alerts } = bus.subscribe('r1');
 */
export function createLocalAlertBus(): AlertBus {
  const listeners = new Map<string, Set<(alert: RunAlert) => void>>();
  return {
    publish(alert) {
      for (const listener of listeners.get(alert.runId) ?? []) listener(alert);
    },
    subscribe(runId) {
      let set = listeners.get(runId);
      if (!set) {
        set = new Set();
        listeners.set(runId, set);
      }
      const own = set;
      const { push, iterator } = createQueueIterator<RunAlert>(() => {
        own.delete(push);
        if (own.size === 0 && listeners.get(runId) === own) listeners.delete(runId);
      });
      own.add(push);
      return { alerts: iterator, ready: Promise.resolve() };
    },
    close: async () => {},
  };
}
