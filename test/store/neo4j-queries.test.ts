import { describe, expect, it } from 'vitest';
import { openNeo4jStore } from '../../src/store/index.js';
import { neo4jOptions, neo4jReachable, uniqueId } from '../support/neo4j.js';

const reachable = await neo4jReachable();

/** Replaces run-specific values so the snapshot only pins the statements and the parameters' shape. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0]), `...${value.length}`] : [];
  if (value && typeof value === 'object') {
    if ('low' in value && 'high' in value) return 'Integer';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  }
  return value === null ? null : typeof value;
}

// neo4j/graphql's tck style: what a store method sends, statement by statement,
// captured from a real server round trip (no mock driver).
describe.runIf(reachable)('the Cypher the Neo4j store sends', () => {
  it('appends a batch in one transaction of four parameterised statements, integers as Integer', async () => {
    const sent: { query: string; params: unknown }[] = [];
    const store = await openNeo4jStore({
      ...neo4jOptions(),
      onQuery: (query, params) => sent.push({ query, params }),
    });
    try {
      const id = uniqueId('tck');
      await store.putRun({
        type: 'run',
        formatVersion: 1,
        id,
        model: { layers: [{ name: 'd', type: 'Dense' }] },
      });
      sent.length = 0;
      await store.appendBatch(id, {
        batchId: 'b0',
        expectedBatchCount: 0,
        eventCount: 2,
        lastStep: 1,
        series: [{ key: 'loss', steps: [0, 1], values: [2, 1] }],
        occurrences: [
          {
            symptomId: 'loss_nan',
            firstStep: 1,
            lastStep: 1,
            severity: 'critical',
            confidence: 1,
            evidence: ['loss NaN'],
          },
        ],
        detectorState: '{}',
      });
      expect(
        sent.map((s) => ({ query: s.query.trim().split('\n')[0], params: shapeOf(s.params) })),
      ).toMatchInlineSnapshot(`
        [
          {
            "params": {
              "id": "string",
              "key": "string",
            },
            "query": "MATCH (r:Run {id: $id})",
          },
          {
            "params": {
              "batchId": "string",
              "detectorState": "string",
              "eventCount": "Integer",
              "key": "string",
              "lastStep": "Integer",
              "runId": "string",
              "status": null,
            },
            "query": "MATCH (r:Run {id: $runId})",
          },
          {
            "params": {
              "chunks": [
                {
                  "firstStep": "Integer",
                  "key": "string",
                  "steps": [
                    "Integer",
                    "...2",
                  ],
                  "values": [
                    "number",
                    "...2",
                  ],
                },
                "...1",
              ],
              "runId": "string",
            },
            "query": "MATCH (r:Run {id: $runId})",
          },
          {
            "params": {
              "rows": [
                {
                  "confidence": "number",
                  "evidence": [
                    "string",
                    "...1",
                  ],
                  "firstStep": "Integer",
                  "key": "string",
                  "lastStep": "Integer",
                  "layer": null,
                  "severity": "string",
                  "symptomId": "string",
                },
                "...1",
              ],
              "runId": "string",
            },
            "query": "MATCH (r:Run {id: $runId})",
          },
        ]
      `);
      // No label or relationship type is ever built from input: every statement is a constant of queries.ts.
      const constants = Object.values(await import('../../src/store/neo4j/queries.js')).flat();
      for (const s of sent) expect(constants).toContain(s.query);
    } finally {
      await store.close();
    }
  });
});
