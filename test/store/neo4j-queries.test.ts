import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { openNeo4jStore } from '../../src/store/index.js';
import { neo4jAuth, neo4jOptions, neo4jReachable, uniqueId } from '../support/neo4j.js';

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
              "batchId": "string",
              "id": "string",
            },
            "query": "MATCH (r:Run {id: $id})",
          },
          {
            "params": {
              "batchId": "string",
              "detectorState": "string",
              "eventCount": "Integer",
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
                  "lastStep": "Integer",
                  "layer": null,
                  "severity": "string",
                  "slot": "string",
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
      await expectConstants(sent);
    } finally {
      await store.close();
    }
  });

  it('records an outcome in one transaction: the outcome, its counts on FIXED_BY, the APPLIED and RETRY_OF links', async () => {
    const sent: { query: string; params: unknown }[] = [];
    const store = await openNeo4jStore({
      ...neo4jOptions(),
      onQuery: (query, params) => sent.push({ query, params }),
    });
    const driver = neo4j.driver(neo4jOptions().uri, neo4jAuth(), { disableLosslessIntegers: true });
    try {
      const [parent, child] = [uniqueId('tck-parent'), uniqueId('tck-child')];
      const [cause, remedy] = [`t_${child}_cause`, `t_${child}_remedy`].map((id) => id.replace(/-/g, '_'));
      for (const id of [parent, child]) await store.putRun({ type: 'run', formatVersion: 1, id });
      await store.upsertKnowledge({
        sources: [{ id: 'tck-src', title: 'tck' }],
        symptoms: [],
        causes: [{ id: cause!, name: 'C', description: 'd', category: 'optimization', mechanism: false }],
        remedies: [
          {
            id: remedy!,
            name: 'R',
            description: 'd',
            structural: false,
            snippets: { tfjs: '', keras: '', pytorch: '' },
          },
        ],
        suggests: [],
        fixedBy: [
          {
            cause: cause!,
            remedy: remedy!,
            effectiveness: 0.5,
            rationale: 'r',
            source: 'tck-src',
            tries: 0,
            successes: 0,
          },
        ],
      });
      sent.length = 0;
      const outcome = {
        runId: child,
        parentRunId: parent,
        remedyId: remedy!,
        causeIds: [cause!, cause!],
        success: true,
      };
      expect(await store.recordOutcome(outcome)).toEqual({ recorded: true, updatedLinks: 1 });
      expect(await store.recordOutcome(outcome)).toEqual({ recorded: false, updatedLinks: 0 });
      expect(
        sent.map((s) => ({ query: s.query.trim().split('\n')[0], params: shapeOf(s.params) })),
      ).toMatchInlineSnapshot(`
        [
          {
            "params": {
              "causeIds": [
                "string",
                "...2",
              ],
              "contextFamily": null,
              "contextOptimizer": null,
              "contextSymptoms": null,
              "note": null,
              "parentRunId": "string",
              "remedyId": "string",
              "runId": "string",
              "success": "boolean",
            },
            "query": "MERGE (o:Outcome {runId: $runId, remedyId: $remedyId})",
          },
          {
            "params": {
              "causeIds": [
                "string",
                "...1",
              ],
              "remedyId": "string",
              "success": "boolean",
            },
            "query": "UNWIND $causeIds AS causeId",
          },
          {
            "params": {
              "parentRunId": "string",
              "remedyId": "string",
              "runId": "string",
              "success": "boolean",
            },
            "query": "MATCH (r:Run {id: $runId})",
          },
          {
            "params": {
              "causeIds": [
                "string",
                "...2",
              ],
              "contextFamily": null,
              "contextOptimizer": null,
              "contextSymptoms": null,
              "note": null,
              "parentRunId": "string",
              "remedyId": "string",
              "runId": "string",
              "success": "boolean",
            },
            "query": "MERGE (o:Outcome {runId: $runId, remedyId: $remedyId})",
          },
        ]
      `);
      await expectConstants(sent);
      const { records } = await driver.executeQuery(
        `MATCH (c:Run {id: $child})-[:RETRY_OF]->(p:Run)
         OPTIONAL MATCH (c)-[a:APPLIED]->(m:Remedy)
         RETURN p.id AS parent, collect(m.id) AS remedies`,
        { child },
      );
      expect(records.map((r) => r.toObject())).toEqual([{ parent, remedies: [remedy] }]);
    } finally {
      await driver.close();
      await store.close();
    }
  });

  it('lists runs in one statement, and reads parent, remedies and tags of runs stored before they were copied out', async () => {
    const sent: string[] = [];
    const store = await openNeo4jStore({ ...neo4jOptions(), onQuery: (query) => sent.push(query) });
    const driver = neo4j.driver(neo4jOptions().uri, neo4jAuth());
    try {
      const legacy = {
        type: 'run',
        formatVersion: 1,
        id: uniqueId('legacy'),
        parentRunId: 'p',
        tags: { a: 'b' },
      };
      // What PUT_RUN stored before it copied parentRunId, appliedRemedies and tags out of runJson.
      await driver.executeQuery(
        `CREATE (:Run {id: $id, runJson: $runJson, eventCount: 0, batchCount: 0, createdAt: datetime()})`,
        { id: legacy.id, runJson: JSON.stringify(legacy) },
      );
      sent.length = 0;
      const runs = await store.listRuns();
      expect(sent).toHaveLength(1);
      expect(runs.find((r) => r.id === legacy.id)).toEqual({
        id: legacy.id,
        eventCount: 0,
        batchCount: 0,
        symptomIds: [],
        parentRunId: 'p',
        tags: { a: 'b' },
      });
    } finally {
      await driver.close();
      await store.close();
    }
  });
});

// No label or relationship type is ever built from input: every statement is a constant of queries.ts.
async function expectConstants(sent: { query: string }[]) {
  const constants = Object.values(await import('../../src/store/neo4j/queries.js')).flat();
  for (const s of sent) expect(constants).toContain(s.query);
}
