import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertmanagerPayload } from '../../src/api/index.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { sampleEvents, streamWithAlerts } from '../support/alert-stream.js';
import { NEO4J_URI, neo4jReachable } from '../support/neo4j.js';
import { REDIS_URL, redisReachable } from '../support/redis.js';
import { postGraphql, type ServerProcess, startServer } from '../support/server-process.js';

// Issue 18, item 8: `traindx serve --webhook URL` posts each alert as the JSON
// Alertmanager sends to a webhook receiver. A real receiver on 127.0.0.1 and
// the real server in its own process; the Keras SGD run at learning rate 3
// (symptoms, so alerts) streamed in batches of 10.
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }`;
const FINISH = 'mutation($runId: ID!, $end: JSON!) { finishRun(runId: $runId, end: $end) { id } }';
const HISTORY =
  'query($id: ID!) { run(id: $id) { alerts { seq kind change symptom { id layer severity } } } }';

// The fields of Alertmanager's webhook_config payload (version 4) and of each of its alerts.
const V4_FIELDS = [
  'alerts',
  'commonAnnotations',
  'commonLabels',
  'externalURL',
  'groupKey',
  'groupLabels',
  'receiver',
  'status',
  'truncatedAlerts',
  'version',
];
const V4_ALERT_FIELDS = [
  'annotations',
  'endsAt',
  'fingerprint',
  'generatorURL',
  'labels',
  'startsAt',
  'status',
];

interface Received {
  path: string;
  status: number;
  body: any;
}

/** A webhook receiver: /hook takes everything, /flaky answers 500 to its first two requests, /hang never answers. */
function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let flakyRequests = 0;
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === '/hang') return;
    const status = req.url === '/flaky' && ++flakyRequests <= 2 ? 500 : 200;
    received.push({ path: req.url!, status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(status).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, received });
    }),
  );
}

/** A port nothing listens on: connections to it are refused. */
async function deadPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** What identifies an alert event for a receiver: the alert (fingerprint), its status and what it says. */
const eventOf = (a: any) =>
  `${a.labels.symptom} ${a.labels.layer ?? ''} ${a.status} ${a.labels.severity} ${a.annotations.change}`;
const storedEventOf = (a: any) =>
  `${a.symptom.id} ${a.symptom.layer ?? ''} ${a.change === 'resolved' ? 'resolved' : 'firing'} ${a.symptom.severity} ${a.change}`;

describe('alert webhooks (serve --webhook)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: ServerProcess;
  let history: any[];
  let acknowledged: boolean[];

  beforeAll(async () => {
    receiver = await startReceiver();
    const hooks = ['/hook', '/flaky', '/hang'].map((p) => `${receiver.url}${p}`);
    hooks.push(`http://127.0.0.1:${await deadPort()}/hook`);
    server = await startServer([
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'traindx-webhooks-')),
      ...hooks.flatMap((h) => ['--webhook', h]),
    ]);
    const [run, ...rest] = sampleEvents('keras-sgd-lr3-wine');
    const body = rest.filter((e) => e.type !== 'end');
    await postGraphql(server.url, START, { run });
    acknowledged = [];
    for (let b = 0; b * 10 < body.length; b++) {
      const { logEvents } = await postGraphql(server.url, LOG, {
        runId: run.id,
        batchId: `b${b}`,
        events: body.slice(b * 10, (b + 1) * 10),
      });
      acknowledged.push(logEvents.accepted);
    }
    const end = rest.find((e) => e.type === 'end') ?? { step: body.at(-1).step, status: 'completed' };
    await postGraphql(server.url, FINISH, { runId: run.id, end });
    history = (await postGraphql(server.url, HISTORY, { id: run.id })).run.alerts.filter(
      (a: any) => a.kind === 'symptom',
    );
    // Both live receivers have every event (the flaky one after its retries), then the server stops:
    // nothing can arrive after the counts below are taken.
    const taken = (path: string) => receiver.received.filter((r) => r.path === path && r.status === 200);
    await vi.waitFor(
      () => {
        expect(taken('/hook').length).toBeGreaterThanOrEqual(history.length);
        expect(taken('/flaky').length).toBeGreaterThanOrEqual(history.length);
      },
      { timeout: 60_000, interval: 200 },
    );
    await server.stop();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    receiver?.server.closeAllConnections();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('acknowledges every batch while one receiver hangs and another refuses connections', () => {
    expect(acknowledged.length).toBeGreaterThan(5);
    expect(acknowledged.every(Boolean)).toBe(true);
    expect(history.some((a) => a.change === 'started')).toBe(true);
  });

  it('posts each alert event of the run exactly once, as an Alertmanager v4 message', () => {
    const hook = receiver.received.filter((r) => r.path === '/hook');
    for (const { body } of hook) {
      expect(Object.keys(body).sort()).toEqual(V4_FIELDS);
      expect(AlertmanagerPayload.parse(body).version).toBe('4');
      expect(body.alerts).toHaveLength(1);
      const [alert] = body.alerts;
      expect(Object.keys(alert).sort()).toEqual(V4_ALERT_FIELDS);
      expect(body.status).toBe(alert.status);
      expect(alert.labels).toMatchObject({ alertname: 'TraindxSymptom', runId: body.groupLabels.runId });
      expect(Object.keys(alert.annotations)).toEqual(expect.arrayContaining(['summary', 'description']));
      expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(alert.generatorURL).toBe(`${server.url}/runs/${encodeURIComponent(alert.labels.runId)}`);
      expect(new Date(alert.startsAt).toISOString()).toBe(alert.startsAt);
      if (alert.status === 'firing') expect(alert.endsAt).toBe('0001-01-01T00:00:00Z');
      else expect(Date.parse(alert.endsAt)).toBeGreaterThanOrEqual(Date.parse(alert.startsAt));
    }
    // The same events as the run's stored alert history, in its order, none twice.
    expect(hook.map((r) => eventOf(r.body.alerts[0]))).toEqual(history.map(storedEventOf));
  });

  it('keeps one fingerprint per (symptom, layer) through its updates and resolution', () => {
    const byKey = new Map<string, Set<string>>();
    for (const { body } of receiver.received.filter((r) => r.path === '/hook')) {
      const { labels, fingerprint } = body.alerts[0];
      const key = `${labels.symptom} ${labels.layer ?? ''}`;
      byKey.set(key, (byKey.get(key) ?? new Set()).add(fingerprint));
    }
    for (const fingerprints of byKey.values()) expect(fingerprints.size).toBe(1);
    expect(new Set([...byKey.values()].flatMap((s) => [...s])).size).toBe(byKey.size);
  });

  it('retries an event a receiver answered 500 to until it takes it, and sends it once more after that never', () => {
    const flaky = receiver.received.filter((r) => r.path === '/flaky');
    expect(flaky.slice(0, 3).map((r) => r.status)).toEqual([500, 500, 200]);
    // The same message three times: the first event, tried until a 2xx.
    expect(flaky[1]!.body).toEqual(flaky[0]!.body);
    expect(flaky[2]!.body).toEqual(flaky[0]!.body);
    const taken = flaky.filter((r) => r.status === 200);
    expect(taken.map((r) => eventOf(r.body.alerts[0]))).toEqual(history.map(storedEventOf));
  });
});

// Replicas share alerts through Redis so that every subscriber hears them; a receiver must
// still get each one once, from the replica that decided it.
const replicasUp = (await neo4jReachable()) && (await redisReachable());

describe.skipIf(!replicasUp)('alert webhooks with two replicas (serve --redis)', () => {
  it('posts each alert once, from the replica that decided it, while batches alternate', async () => {
    const rx = await startReceiver();
    const args = ['--store', 'neo4j', '--redis', REDIS_URL, '--webhook', `${rx.url}/hook`];
    // One after the other: two servers creating the schema of a fresh Neo4j at once can collide on an index.
    const replicas = [await startServer(args, { NEO4J_URI })];
    replicas.push(await startServer(args, { NEO4J_URI }));
    try {
      const urls = replicas.map((r) => r.url);
      const { runId } = await streamWithAlerts(urls, sampleEvents('keras-sgd-lr3-wine'), 10, urls[1]);
      const stored = (await postGraphql(urls[0]!, HISTORY, { id: runId })).run.alerts.filter(
        (a: any) => a.kind === 'symptom',
      );
      expect(stored.length).toBeGreaterThan(0);
      await vi.waitFor(() => expect(rx.received.length).toBeGreaterThanOrEqual(stored.length), {
        timeout: 60_000,
        interval: 200,
      });
      await Promise.all(replicas.map((r) => r.stop()));
      // Two replicas post in parallel: the same events, in any order, each once.
      expect(rx.received.map((r) => eventOf(r.body.alerts[0])).sort()).toEqual(
        stored.map(storedEventOf).sort(),
      );
      for (const { body } of rx.received) expect(urls).toContain(body.externalURL);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      rx.server.closeAllConnections();
      await new Promise((r) => rx.server.close(r));
    }
  }, 240_000);
});

describe('webhook settings', () => {
  it('reads TRAINDX_WEBHOOKS comma-separated, and --webhook overrides it', () => {
    const env = { TRAINDX_WEBHOOKS: 'http://a.test/hook, http://b.test/hook' };
    expect(loadConfig(env).webhooks).toEqual(['http://a.test/hook', 'http://b.test/hook']);
    expect(loadConfig(env, { webhooks: ['http://c.test/x'] }).webhooks).toEqual(['http://c.test/x']);
    expect(loadConfig({}).webhooks).toEqual([]);
  });

  it('refuses a webhook that is not a URL, naming the variable', () => {
    expect(() => loadConfig({ TRAINDX_WEBHOOKS: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRAINDX_WEBHOOKS: 'not a url' })).toThrow(/TRAINDX_WEBHOOKS/);
  });
});
