import neo4j from 'neo4j-driver';
import { requireNeo4j } from '../../src/config/index.js';

export const NEO4J_URI = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';

/**
 * Whether a real Neo4j answers at NEO4J_URI. With TRAINDX_REQUIRE_NEO4J=1
 * (CI) an unreachable server is an error, so the Neo4j legs can never be
 * silently skipped there.
 */
export async function neo4jReachable(): Promise<boolean> {
  const driver = neo4j.driver(NEO4J_URI, undefined, { connectionTimeout: 3000 });
  try {
    await driver.verifyConnectivity({ database: 'neo4j' });
    return true;
  } catch (err) {
    if (requireNeo4j(process.env)) {
      throw new Error(
        `TRAINDX_REQUIRE_NEO4J=1 but Neo4j is not reachable at ${NEO4J_URI}: ${(err as Error).message}`,
      );
    }
    return false;
  } finally {
    await driver.close();
  }
}

export const neo4jOptions = () => ({
  uri: NEO4J_URI,
  user: process.env.NEO4J_USER ?? 'neo4j',
  password: process.env.NEO4J_PASSWORD ?? '',
  database: process.env.NEO4J_DATABASE ?? 'neo4j',
});

/** A run id no other test (or earlier run of this suite against the same server) uses. */
export const uniqueId = (label: string) =>
  `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
