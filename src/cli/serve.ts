import { createServer } from 'node:http';
import { createApp, createLogger, createWebhooks, type LogDestination } from '../api/index.js';
import type { Config } from '../config/index.js';
import { createRedisAlertBus, openTraindx } from '../engine/index.js';
import { InputError } from '../errors/index.js';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * `traindx serve`: wiring only. Seeds the store (idempotent), then serves GraphQL and the dashboard.
 * Every line it writes is a log line (JSON, or pretty with --log-format pretty) on `destination` (stdout).
 */
export async function serve(
  config: Config,
  destination?: LogDestination,
): Promise<{ close(): Promise<void>; port: number }> {
  const log = createLogger({ format: config.logFormat, level: config.logLevel, destination });
  const loopback = isLoopback(config.host);
  if (!loopback && !config.auth && !config.insecure)
    throw new InputError(
      `Refusing to serve ${config.host} without auth: anyone who reaches the port could write runs and knowledge. Add --auth (and create tokens with traindx token create), or --insecure to accept that.`,
    );
  const { auth } = config;
  // Alerts travel through Redis when replicas share a store; ioredis loads only then.
  const alertBus = config.redisUrl
    ? await createRedisAlertBus(config.redisUrl, (line) => log.warn(line))
    : undefined;
  const { traindx, seeded } = await openTraindx(config, { alertBus }).catch(async (err) => {
    await alertBus?.close();
    throw err;
  });
  const app = createApp({
    traindx,
    limits: { maxRequestBytes: config.maxRequestBytes },
    security: {
      auth,
      corsOrigins: config.corsOrigins,
      allowedHosts: config.allowedHosts,
      bindHost: config.host,
    },
    log,
  });
  // Alerts this replica decides go to the webhooks (relayed ones are posted by the replica that decided them).
  let address = '';
  const webhooks = config.webhooks.length
    ? createWebhooks({ urls: config.webhooks, externalUrl: () => address, log })
    : undefined;
  const unobserve = webhooks && traindx.observe(webhooks.observer);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  }).catch(async (err) => {
    await traindx.close();
    throw err;
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  const created = Object.values(seeded).reduce((n, r) => n + r.created + r.updated, 0);
  address = `http://${config.host}:${port}`;
  // The messages stay the sentences they were (test/support/server-process.ts finds `listening on http://…`).
  log.info({ address }, `traindx listening on ${address}/graphql (GraphiQL there too; /health, /metrics)`);
  log.info({ dashboard: `${address}/` }, `dashboard: ${address}/ (runs, live run pages, /graph)`);
  log.info(
    { store: traindx.store.kind, seeded: created },
    `store: ${traindx.store.description}; knowledge seeded (${created} nodes/links created or updated)`,
  );
  // The monitor's modules load after the server listens: they are not needed to serve.
  const { tfjsBackendName } = await import('../monitor/index.js');
  const backend = tfjsBackendName();
  log.info({ tfjsBackend: backend }, `tfjs backend for the monitor: ${backend}`);
  if (config.redisUrl) log.info({ redis: config.redisUrl }, `alerts shared through ${config.redisUrl}`);
  // Origins only: a webhook URL often carries its secret in the path.
  const hookOrigins = config.webhooks.map((u) => new URL(u).origin);
  if (webhooks) log.info({ webhooks: hookOrigins }, `alerts posted to webhooks at ${hookOrigins.join(', ')}`);
  log.info(
    { auth },
    auth
      ? 'auth: on (Authorization: Bearer TOKEN; traindx token create --scope read|write|admin)'
      : `auth: off${loopback ? ' (loopback only; add --auth to require tokens)' : ' (--insecure)'}`,
  );
  return {
    port,
    close: async () => {
      log.info('traindx stopping');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      unobserve?.();
      webhooks?.close();
      await traindx.close();
    },
  };
}
