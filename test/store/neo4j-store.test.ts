import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { openNeo4jStore } from '../../src/store/index.js';
import { neo4jAuth, neo4jOptions, neo4jReachable, uniqueId } from '../support/neo4j.js';
import { describeStoreContract } from './contract.js';

// Asked once; with TRAINDX_REQUIRE_NEO4J=1 (CI) an unreachable server throws here instead of skipping.
const reachable = await neo4jReachable();

describe.skipIf(!reachable)('on a real Neo4j (start one with scripts/neo4j.sh start)', () => {
  describeStoreContract(
    'neo4j',
    () => openNeo4jStore(neo4jOptions()),
    () => openNeo4jStore(neo4jOptions()),
  );

  it('gives each run its own Layer nodes, however its layers are named', async () => {
    const store = await openNeo4jStore(neo4jOptions());
    const { uri } = neo4jOptions();
    const driver = neo4j.driver(uri, neo4jAuth(), { disableLosslessIntegers: true });
    try {
      const a = uniqueId('layers');
      const layer = (name: string, units: number) => ({ model: { layers: [{ name, units }] } });
      // Joined as run + '/' + layer, both were 'a/x/dense'.
      await store.putRun({ type: 'run', formatVersion: 1, id: a, ...layer('x/dense', 8) });
      await store.putRun({ type: 'run', formatVersion: 1, id: `${a}/x`, ...layer('dense', 16) });
      const { records } = await driver.executeQuery(
        'MATCH (r:Run)-[:HAS_LAYER]->(l:Layer) WHERE r.id IN $ids RETURN r.id AS run, l.units AS units ORDER BY run',
        { ids: [a, `${a}/x`] },
      );
      expect(records.map((r) => r.toObject())).toEqual([
        { run: a, units: 8 },
        { run: `${a}/x`, units: 16 },
      ]);
    } finally {
      await driver.close();
      await store.close();
    }
  });
});
