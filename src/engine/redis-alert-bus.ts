import type { RunAlert } from '../domain/index.js';
import { type AlertBus, createQueueIterator } from './alert-bus.js';

const CHANNEL = (runId: string) => `traindx:alerts:${runId}`;

/**
 * Alerts shared between replicas through Redis pub/sub (graphql-yoga's Redis
 * event target over ioredis, loaded only here): a replica publishes what it
 * decided, and every replica's subscribers of that run receive it, its own
 * included. A publish that fails (Redis down) is reported to `warn` and
 * dropped: the alert is in the store, where the run page reads it.
 *
 * @example const bus = await createRedisAlertBus('redis://127.0.0.1:6379', console.error);
 */
export async function createRedisAlertBus(url: string, warn: (line: string) => void): Promise<AlertBus> {
  const [{ Redis }, { createRedisEventTarget }] = await Promise.all([
    import('ioredis'),
    import('@graphql-yoga/redis-event-target'),
  ]);
  const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, options);
  for (const client of [publishClient, subscribeClient])
    client.on('error', (err: Error) => warn(`traindx: redis ${url}: ${err.message}`));
  // A refused start is better than a server whose alerts silently stay local.
  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  const report = (err: Error) => warn(`traindx: redis ${url}: ${err.message}`);
  // The event target fires its publish and subscribe commands without awaiting them: catch here,
  // or a rejected command would be an unhandled rejection that ends the process.
  const target = createRedisEventTarget({
    publishClient: { publish: (c: string, m: string) => publishClient.publish(c, m).catch(report) },
    subscribeClient: {
      on: (event: string, fn: (channel: string, message: string) => void) => subscribeClient.on(event, fn),
      subscribe: (c: string) => subscribeClient.subscribe(c).catch(report),
      unsubscribe: (c: string) => subscribeClient.unsubscribe(c).catch(report),
    },
  } as unknown as Parameters<typeof createRedisEventTarget>[0]);
  return {
    publish(alert) {
      target.dispatchEvent(new CustomEvent(CHANNEL(alert.runId), { detail: alert }));
    },
    subscribe(runId) {
      const listener = (event: Event) => push((event as CustomEvent<RunAlert>).detail);
      const { push, iterator } = createQueueIterator<RunAlert>(() =>
        target.removeEventListener(CHANNEL(runId), listener),
      );
      target.addEventListener(CHANNEL(runId), listener);
      // Commands on one connection run in order: once this PING is answered, the SUBSCRIBE was done.
      const ready = subscribeClient.ping().then(
        () => undefined,
        (err: Error) => report(err),
      );
      return { alerts: iterator, ready };
    },
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
