import type { GraphStore } from './graph-store.js';
import type { Neo4jOptions } from './neo4j/neo4j-store.js';

/**
 * Opens the Neo4j store, loading the Neo4j driver only now: a command that
 * uses the embedded store (`diagnose`, `demo`) never pays for it at start-up.
 *
 * @example const store = await openNeo4jStore({ uri: 'bolt://127.0.0.1:7687', user: 'neo4j', password: '', database: 'neo4j' });
 */
export async function openNeo4jStore(options: Neo4jOptions): Promise<GraphStore> {
  return (await import('./neo4j/neo4j-store.js')).openNeo4jStore(options);
}
