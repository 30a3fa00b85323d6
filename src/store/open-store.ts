import type { Config } from '../config/index.js';
import type { GraphStore } from './graph-store.js';
import { openMemoryStore } from './memory/memory-store.js';
import { openNeo4jStore } from './open-neo4j-store.js';

/**
 * Opens the store the config names.
 *
 * @example const store = await openStore(loadConfig(process.env));
 */
export function openStore(
  config: Pick<Config, 'store' | 'dataDir' | 'neo4jUri' | 'neo4jUser' | 'neo4jPassword' | 'neo4jDatabase'>,
): Promise<GraphStore> {
  if (config.store === 'neo4j') {
    return openNeo4jStore({
      uri: config.neo4jUri,
      user: config.neo4jUser,
      password: config.neo4jPassword,
      database: config.neo4jDatabase,
    });
  }
  return openMemoryStore({ dataDir: config.dataDir });
}

/**
 * Opens the configured store, hands it to `use`, and closes it whatever
 * happens: for commands that work on a store the server does not hold.
 *
 * @example const tokens = await withStore(config, (store) => store.listTokens());
 */
export async function withStore<T>(
  config: Parameters<typeof openStore>[0],
  use: (store: GraphStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(config);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
