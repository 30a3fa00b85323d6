import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { openNeo4jStore } from '../../src/store/index.js';
import { NEO4J_URI, neo4jAuth, neo4jOptions, neo4jReachable } from '../support/neo4j.js';

const reachable = await neo4jReachable();

describe.skipIf(!reachable)('Neo4j schema, created by several servers at once', () => {
  it('lets four stores open together on a database that lacks the indexes (replicas starting side by side)', async () => {
    // Plain indexes only (no constraint), so the other suites sharing this server lose speed at most.
    const driver = neo4j.driver(NEO4J_URI, neo4jAuth());
    try {
      for (const name of ['series_run_key', 'state_part_run'])
        await driver.executeQuery(`DROP INDEX ${name} IF EXISTS`, {}, { database: neo4jOptions().database });
    } finally {
      await driver.close();
    }
    // Each runs CREATE INDEX … IF NOT EXISTS; a loser of the race is told an equivalent index exists.
    const opened = await Promise.allSettled(Array.from({ length: 4 }, () => openNeo4jStore(neo4jOptions())));
    for (const r of opened) if (r.status === 'fulfilled') await r.value.close();
    expect(opened.map((r) => (r.status === 'fulfilled' ? 'open' : String(r.reason)))).toEqual([
      'open',
      'open',
      'open',
      'open',
    ]);
  });
});
