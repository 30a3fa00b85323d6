import { createServer } from 'node:http';
import { createApp } from '../api/index.js';
import type { Config } from '../config/index.js';
import { openTraindx } from '../engine/index.js';
import { InputError } from '../errors/index.js';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** `traindx serve`: wiring only. Seeds the store (idempotent), then serves GraphQL and the dashboard. */
export async function serve(
  config: Config,
  log: (line: string) => void,
): Promise<{ close(): Promise<void>; port: number }> {
  const loopback = isLoopback(config.host);
  if (!loopback && !config.auth && !config.insecure)
    throw new InputError(
      `Refusing to serve ${config.host} without auth: anyone who reaches the port could write runs and knowledge. Add --auth (and create tokens with traindx token create), or --insecure to accept that.`,
    );
  const { auth } = config;
  const { traindx, seeded } = await openTraindx(config);
  const app = createApp({
    traindx,
    limits: { maxRequestBytes: config.maxRequestBytes },
    security: {
      auth,
      corsOrigins: config.corsOrigins,
      allowedHosts: config.allowedHosts,
      bindHost: config.host,
    },
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  }).catch(async (err) => {
    await traindx.close();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const created = Object.values(seeded).reduce((n, r) => n + r.created + r.updated, 0);
  log(`traindx listening on http://${config.host}:${port}/graphql (GraphiQL there too; /health)`);
  log(`dashboard: http://${config.host}:${port}/ (runs, live run pages, /graph)`);
  log(`store: ${traindx.store.description}; knowledge seeded (${created} nodes/links created or updated)`);
  // The monitor's modules load after the server listens: they are not needed to serve.
  const { tfjsBackendName } = await import('../monitor/index.js');
  log(`tfjs backend for the monitor: ${tfjsBackendName()}`);
  log(
    auth
      ? 'auth: on (Authorization: Bearer TOKEN; traindx token create --scope read|write|admin)'
      : `auth: off${loopback ? ' (loopback only; add --auth to require tokens)' : ' (--insecure)'}`,
  );
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await traindx.close();
    },
  };
}
