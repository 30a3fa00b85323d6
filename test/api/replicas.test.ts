import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvents, streamWithAlerts } from '../support/alert-stream.js';
import { NEO4J_URI, neo4jReachable } from '../support/neo4j.js';
import { REDIS_URL, redisReachable } from '../support/redis.js';
import { DIAGNOSIS_QUERY, postGraphql, type ServerProcess, startServer } from '../support/server-process.js';

// Issue 17 item 5: two `traindx serve` processes on one Neo4j, sharing alerts
// through Redis, behind no sticky routing.
const up = (await neo4jReachable()) && (await redisReachable());

/** A run's diagnosis or alerts with its id taken out, to compare two runs of the same events. */
const withoutRunId = (value: unknown, runId: string) =>
  JSON.parse(JSON.stringify(value).replaceAll(runId, 'RUN'));
const story = (alerts: any[]) =>
  alerts.map((a) => [
    a.seq,
    a.kind,
    a.change,
    a.symptom?.id,
    a.symptom?.layer,
    a.symptom?.severity,
    a.topCause?.id,
  ]);

describe.skipIf(!up)('two replicas on one Neo4j, alerts through Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    const args = ['--store', 'neo4j', '--redis', REDIS_URL];
    [a, b] = await Promise.all([startServer(args, { NEO4J_URI }), startServer(args, { NEO4J_URI })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('gives batches that alternate between them the diagnosis one server gives, and each alert once', async () => {
    // One server takes every batch; its alerts reach a subscriber on the other replica.
    const one = await streamWithAlerts([a.url], sampleEvents('pytorch-deep-sigmoid-digits'), 10, b.url);
    // The same events, each request to the other replica in turn; the subscriber on the second.
    const both = await streamWithAlerts(
      [a.url, b.url],
      sampleEvents('pytorch-deep-sigmoid-digits'),
      10,
      b.url,
    );

    expect(one.alerts.some((x) => x.kind === 'symptom')).toBe(true);
    expect(story(both.alerts)).toEqual(story(one.alerts));
    const started = both.alerts
      .filter((x) => x.change === 'started')
      .map((x) => `${x.symptom.id} ${x.symptom.layer}`);
    expect(new Set(started).size).toBe(started.length);

    const [d1, d2] = await Promise.all([
      postGraphql(b.url, DIAGNOSIS_QUERY, { id: one.runId }),
      postGraphql(a.url, DIAGNOSIS_QUERY, { id: both.runId }),
    ]);
    expect(d2.run.diagnosis.causes.length).toBeGreaterThan(0);
    expect(withoutRunId(d2.run, both.runId)).toEqual(withoutRunId(d1.run, one.runId));

    // Both replicas read the same stored history.
    const HISTORY = 'query($id: ID!) { run(id: $id) { alerts { seq kind change symptom { id layer } } } }';
    const [h1, h2] = await Promise.all([
      postGraphql(a.url, HISTORY, { id: both.runId }),
      postGraphql(b.url, HISTORY, { id: both.runId }),
    ]);
    expect(h2.run.alerts).toEqual(h1.run.alerts);
    expect(h1.run.alerts.length).toBeGreaterThanOrEqual(both.alerts.filter((x) => x.seq !== null).length);
  }, 300_000);
});
