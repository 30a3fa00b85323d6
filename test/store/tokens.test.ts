import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { openMemoryStore, openNeo4jStore } from '../../src/store/index.js';
import { neo4jOptions, neo4jReachable } from '../support/neo4j.js';
import { describeTokenContract } from './token-contract.js';

const dataDir = mkdtempSync(join(tmpdir(), 'traindx-tokens-'));
describeTokenContract(
  'memory',
  () => openMemoryStore({ dataDir }),
  () => openMemoryStore({ dataDir }),
);

// With TRAINDX_REQUIRE_NEO4J=1 (CI) an unreachable server throws here instead of skipping.
const reachable = await neo4jReachable();
describe.skipIf(!reachable)('on a real Neo4j', () => {
  describeTokenContract(
    'neo4j',
    () => openNeo4jStore(neo4jOptions()),
    () => openNeo4jStore(neo4jOptions()),
  );
});
