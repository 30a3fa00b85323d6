import { describe, it } from 'vitest';
import { openNeo4jStore } from '../../src/store/index.js';
import { neo4jOptions, neo4jReachable } from '../support/neo4j.js';
import { describeStoreContract } from './contract.js';

const reachable = await neo4jReachable();

if (reachable) {
  describeStoreContract(
    'neo4j',
    () => openNeo4jStore(neo4jOptions()),
    () => openNeo4jStore(neo4jOptions()),
  );
} else {
  describe('neo4j store contract', () => {
    it('needs a Neo4j server: start one with scripts/neo4j.sh start (CI sets TRAINDX_REQUIRE_NEO4J=1)', () => {});
  });
}
