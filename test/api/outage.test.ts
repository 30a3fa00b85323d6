import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../generators/index.js';
import { neo4jReachable, ownNeo4j, uniqueId } from '../support/neo4j.js';
import { startServer } from '../support/server-process.js';

// The shared Neo4j tells us the launcher works; this test runs its own on another port and state dir.
const reachable = await neo4jReachable();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** POSTs GraphQL and says how long the answer took, with its status, Retry-After and body. */
async function timedPost(url: string, query: string, variables: object) {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: any;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return {
    ms: performance.now() - started,
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body,
  };
}

async function timedHealth(url: string) {
  const started = performance.now();
  const res = await fetch(`${url}/health`);
  return {
    ms: performance.now() - started,
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    text: await res.text(),
  };
}

/** Polls /health until it answers 200 or the time is up; the last answer. */
async function healthyWithin(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  let health = await timedHealth(url);
  while (health.status !== 200 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    health = await timedHealth(url);
  }
  return health;
}

const ms = (answer: { ms: number }) => `${answer.ms.toFixed(0)} ms`;

const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted eventCount } }`;
const RUN = 'query($id: ID!) { run(id: $id) { eventCount diagnosis { summary } } }';
const SYMPTOM = '{ symptom(id: "exploding_gradients") { name causes { cause { id } } } }';

describe.skipIf(!reachable)('a Neo4j outage', () => {
  it('is answered fast with STORE_UNAVAILABLE, 503 and Retry-After, and the server is healthy again only once the store is seeded', async () => {
    const port = await freePort();
    const neo4j = ownNeo4j(port);
    const credentials = await neo4j.start();
    // When the server does not start, the test's own Neo4j must not outlive the test.
    const server = await startServer(['--store', 'neo4j'], { ...credentials }).catch(async (err) => {
      await neo4j.stop();
      neo4j.remove();
      throw err;
    });
    try {
      const id = uniqueId('outage');
      const events = eventsOf({ id, steps: 60, stepsPerEpoch: 20, seed: 3 });
      const batch = (b: number) => ({
        runId: id,
        batchId: `b${b}`,
        events: events.slice(b * 20, (b + 1) * 20),
      });
      expect((await timedPost(server.url, LOG, batch(0))).body.data.logEvents.accepted).toBe(true);
      // A JVM just started plans its first queries slowly: wait until /health answers within its second.
      expect((await healthyWithin(server.url, 30_000)).status).toBe(200);

      await neo4j.stop();
      const timings: string[] = [];
      // The first request to meet the outage, then the ones after it; the hot path and the general path alike.
      for (let i = 0; i < 3; i++) {
        const log = await timedPost(server.url, LOG, batch(1));
        expect(log.status, JSON.stringify(log.body)).toBe(503);
        expect(log.retryAfter).toBe('5');
        expect(log.body.errors![0]!.extensions!.code).toBe('STORE_UNAVAILABLE');
        expect(log.ms).toBeLessThan(i === 0 ? 5_000 : 1_000);
        const run = await timedPost(server.url, RUN, { id });
        expect(run.status).toBe(503);
        expect(run.body.errors![0]!.extensions!.code).toBe('STORE_UNAVAILABLE');
        expect(run.ms).toBeLessThan(1_000);
        const health = await timedHealth(server.url);
        expect(health.status).toBe(503);
        expect(health.retryAfter).toBe('5');
        expect(health.ms).toBeLessThan(1_500);
        expect(JSON.parse(health.text)).toEqual({
          status: 'unavailable',
          store: 'neo4j',
          error: 'store down',
        });
        for (const text of [health.text, JSON.stringify(log.body), JSON.stringify(run.body)]) {
          expect(text).not.toMatch(/bolt|127\.0\.0\.1|ECONNREFUSED|ServiceUnavailable/i);
        }
        timings.push(`logEvents ${ms(log)}, run ${ms(run)}, /health ${ms(health)}`);
      }

      console.log(`Neo4j down: ${timings.join('; ')}`);
      // Neo4j comes back empty (under the same password, as a restarted server would): the server
      // restores its schema and seed before it says healthy.
      await neo4j.start(credentials.NEO4J_PASSWORD);
      const health = await healthyWithin(server.url, 60_000);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text).symptoms).toBeGreaterThan(10);
      const knowledge = await timedPost(server.url, SYMPTOM, {});
      expect(knowledge.body.data.symptom.causes.length).toBeGreaterThan(1);

      // The run was lost with the database; a new one is stored, each batch once however often it is sent.
      const again = uniqueId('after');
      const fresh = eventsOf({ id: again, steps: 40, stepsPerEpoch: 20, seed: 4 });
      const send = (b: number) =>
        timedPost(server.url, LOG, {
          runId: again,
          batchId: `b${b}`,
          events: fresh.slice(b * 20, (b + 1) * 20),
        });
      const batches = Math.ceil(fresh.length / 20);
      for (let b = 0; b < batches; b++) expect((await send(b)).body.data.logEvents.accepted).toBe(true);
      expect((await send(batches - 1)).body.data.logEvents.accepted).toBe(false);
      expect((await timedPost(server.url, RUN, { id: again })).body.data.run.eventCount).toBe(fresh.length);
    } finally {
      await server.stop();
      await neo4j.stop();
      neo4j.remove();
    }
  }, 240_000);
});
