import { requireRedis } from '../../src/config/index.js';

/** Where scripts/redis.sh said Redis listens (export "$(scripts/redis.sh start | tail -n1)"). */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether a real Redis answers PING at REDIS_URL. With TRAINDX_REQUIRE_REDIS=1
 * (CI) an unreachable one is an error, so the replica tests can never be
 * silently skipped there.
 */
export async function redisReachable(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch (err) {
    if (requireRedis(process.env))
      throw new Error(
        `TRAINDX_REQUIRE_REDIS=1 but Redis is not reachable at ${REDIS_URL}: ${(err as Error).message}`,
      );
    return false;
  } finally {
    client.disconnect();
  }
}
