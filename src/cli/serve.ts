import { createServer } from 'node:http';
import { createApp } from '../api/index.js';
import type { Config } from '../config/index.js';
import { openTraindx } from '../engine/index.js';

/** `traindx serve`: wiring only. Seeds the store (idempotent), then serves GraphQL and the dashboard. */
export async function serve(
  config: Config,
  log: (line: string) => void,
): Promise<{ close(): Promise<void>; port: number }> {
  const { traindx, seeded } = await openTraindx(config);
  const app = createApp({ traindx, limits: { maxRequestBytes: config.maxRequestBytes } });
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
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await traindx.close();
    },
  };
}
