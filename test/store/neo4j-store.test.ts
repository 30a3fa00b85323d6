import { describe } from 'vitest';
import { openNeo4jStore } from '../../src/store/index.js';
import { neo4jOptions, neo4jReachable } from '../support/neo4j.js';
import { describeStoreContract } from './contract.js';

// Asked once; with TRAINDX_REQUIRE_NEO4J=1 (CI) an unreachable server throws here instead of skipping.
const reachable = await neo4jReachable();

describe.skipIf(!reachable)('on a real Neo4j (start one with scripts/neo4j.sh start)', () => {
  describeStoreContract(
    'neo4j',
    () => openNeo4jStore(neo4jOptions()),
    () => openNeo4jStore(neo4jOptions()),
  );
});
