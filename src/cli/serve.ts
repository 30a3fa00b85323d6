import { createServer } from 'node:http';
import { createApp } from '../api/index.js';
import type { Config } from '../config/index.js';
import { seedDir } from '../config/index.js';
import { createIngestor } from '../ingest/index.js';
import { loadSeed, seedStore } from '../knowledge/index.js';
import { tfjsBackendName } from '../monitor/index.js';
import { openStore } from '../store/index.js';
import { createProfileResolver } from './resolve-profile.js';

/** `traindx serve`: wiring only. Seeds the store (idempotent), then serves GraphQL. */
export async function serve(
  config: Config,
  log: (line: string) => void,
): Promise<{ close(): Promise<void>; port: number }> {
  const store = await openStore(config);
  const report = await seedStore(store, await loadSeed([seedDir()]));
  const pickProfile = createProfileResolver(config.profile);
  const profileFor = async (run: Parameters<typeof pickProfile>[0]) => {
    const p = await pickProfile(run);
    return { name: p.chain.join(' > '), values: p.values };
  };
  const ingest = createIngestor({
    store,
    maxEventsPerBatch: config.maxBatchEvents,
    profileFor: async (run) => (await pickProfile(run)).values,
  });
  const app = createApp({
    store,
    ingest,
    profileFor,
    limits: { maxRequestBytes: config.maxRequestBytes, maxEventsPerBatch: config.maxBatchEvents },
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const created = Object.values(report).reduce((n, r) => n + r.created + r.updated, 0);
  log(`traindx listening on http://${config.host}:${port}/graphql (GraphiQL there too; /health)`);
  log(`dashboard: http://${config.host}:${port}/ (runs, live run pages, /graph)`);
  log(`store: ${store.description}; knowledge seeded (${created} nodes/links created or updated)`);
  log(`tfjs backend for the monitor: ${tfjsBackendName()}`);
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await store.close();
    },
  };
}
