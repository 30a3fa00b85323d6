import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { createTraindx } from '../../src/engine/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { neo4jReachable, ownNeo4j } from '../support/neo4j.js';
import { runCli } from '../support/run-cli.js';
import { SAMPLES_DIR } from '../support/samples.js';
import { type ServerProcess, startServer } from '../support/server-process.js';
import { subscribeSse } from '../support/sse.js';

// `traindx serve --auth` in its own process, over real HTTP: each kind of
// request once, then /metrics must have moved by exactly that much.
const MAX_REQUEST_BYTES = 100_000;
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG =
  'mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) { logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted eventCount } }';
const FINISH = 'mutation($runId: ID!, $end: JSON!) { finishRun(runId: $runId, end: $end) { id } }';
const ALERTS = 'subscription($runId: ID!) { alerts(runId: $runId) { seq kind symptom { id severity } } }';
const HISTORY = 'query($id: ID!) { run(id: $id) { alerts { seq } } }';
const DIAGNOSIS = 'query($id: ID!) { run(id: $id) { diagnosis { causes { id } } } }';

/** A sample run of Keras SGD at learning rate 3 (symptoms, so alerts), under a fresh id. */
function sampleRun(id: string): any[] {
  const events = readFileSync(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  events[0] = { ...events[0], id };
  return events;
}

/** One sample's value from the Prometheus text: `name` with exactly these labels (0 when absent). */
function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '')
      .split(/,(?=\w+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (have === wanted) return Number(m[3]);
  }
  return 0;
}

/** Every labelled sample of a counter, as `labels -> value`. */
function samplesOf(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (m && m[1] === name)
      out.set(
        m[2]!
          .split(/,(?=\w+=")/)
          .sort()
          .join(','),
        Number(m[3]),
      );
  }
  return out;
}

describe('/metrics (serve --auth, real process)', () => {
  let server: ServerProcess;
  let dataDir: string;
  const tokens: Record<string, string> = {};

  const post = (body: string | object, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const gql = async (query: string, variables: object, token?: string) => {
    const res = await post({ query, variables }, token);
    return { status: res.status, body: (await res.json()) as any };
  };
  const scrape = async (token = tokens.reader) => {
    const res = await fetch(`${server.url}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'traindx-metrics-'));
    for (const [name, scope] of [
      ['reader', 'read'],
      ['writer', 'write'],
      ['other', 'write'],
    ]) {
      const res = runCli(['token', 'create', '--scope', scope!, '--name', name!, '--data-dir', dataDir]);
      expect(res.code, res.stderr).toBe(0);
      tokens[name!] = res.stdout.trim().split('\n').at(-1)!;
    }
    server = await startServer(['--auth', '--data-dir', dataDir], {
      TRAINDX_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 without a token and the Prometheus text with a read token', async () => {
    const refused = await fetch(`${server.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const res = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${tokens.reader}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'traindx_events_ingested_total',
      'traindx_batches_ingested_total',
      'traindx_refusals_total',
      'traindx_auth_failures_total',
      'traindx_alerts_total',
      'traindx_store_errors_total',
      'traindx_diagnosis_duration_seconds',
      // prom-client's process defaults, on this app's registry
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      expect(text).toContain(`# TYPE ${name} `);
  });

  it('moves each counter by exactly what was done: batches, refusals by code, auth failures by reason, alerts, one diagnosis', async () => {
    const before = await scrape();
    const runId = `metrics-${process.pid}-${Date.now()}`;
    const [run, ...rest] = sampleRun(runId);
    const end = rest.pop();

    // Stored: startRun (1 event), two logEvents batches (the hot path), finishRun (1 event).
    expect((await gql(START, { run }, tokens.writer)).status).toBe(200);
    // A subscriber can join only once the run exists: alerts of its start batch are counted before it
    // (and replayed to it first, from the run's history: those are left out of what it heard below).
    const started = await scrape();
    const stored = (await gql(HISTORY, { id: runId }, tokens.reader)).body.data.run.alerts.length;
    const alerts = await subscribeSse(
      server.url,
      ALERTS,
      { runId },
      { authorization: `Bearer ${tokens.reader}` },
    );
    try {
      const half = Math.floor(rest.length / 2);
      for (const [batchId, events] of [
        ['b0', rest.slice(0, half)],
        ['b1', rest.slice(half)],
      ] as const) {
        const { body } = await gql(LOG, { runId, batchId, events }, tokens.writer);
        expect(body.errors).toBeUndefined();
      }
      // A resent batch is no new batch.
      expect(
        (await gql(LOG, { runId, batchId: 'b1', events: rest.slice(half) }, tokens.writer)).body.data,
      ).toMatchObject({ logEvents: { accepted: false } });
      expect((await gql(FINISH, { runId, end }, tokens.writer)).body.errors).toBeUndefined();
      await alerts.until((all) => all.some((a) => a.alerts.kind === 'finished'));
    } finally {
      alerts.close();
    }

    // Refused: a batch that is not a trace, on the hot path (its code reaches the client with status 200).
    const invalid = await gql(
      LOG,
      { runId, batchId: 'bad', events: [{ type: 'step', step: 'soon' }] },
      tokens.writer,
    );
    expect(invalid.status).toBe(200);
    const invalidCode = invalid.body.errors[0].extensions.code as string;
    expect(invalidCode).toMatch(/^[A-Z_]+$/);
    // Too large, announced (Yoga refuses before reading) and streamed without a length (the hot path counts).
    const big = JSON.stringify({
      query: LOG,
      variables: { runId, batchId: 'big', events: ['x'.repeat(MAX_REQUEST_BYTES)] },
    });
    expect((await post(big, tokens.writer)).status).toBe(413);
    const chunks = [big.slice(0, 200), big.slice(200)];
    const streamed = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.writer}` },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.text();

    // Auth: no token (twice: the API and /metrics), an unknown token, a read token writing, another token's run.
    expect((await gql(LOG, { runId, batchId: 'x', events: [] })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await gql('{ knowledgeCounts { symptoms } }', {}, 'tdx_not_a_token')).status).toBe(401);
    const scope = await gql(LOG, { runId, batchId: 'r', events: [] }, tokens.reader);
    expect([scope.status, scope.body.errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
    const owner = await gql(LOG, { runId, batchId: 'o', events: [] }, tokens.other);
    expect([owner.status, owner.body.errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);

    // One diagnosis.
    const diagnosed = await gql(DIAGNOSIS, { id: runId }, tokens.reader);
    expect(diagnosed.body.data.run.diagnosis.causes.length).toBeGreaterThan(0);

    const after = await scrape();
    const moved = (name: string, labels?: Record<string, string>) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('traindx_batches_ingested_total')).toBe(4);
    expect(moved('traindx_events_ingested_total')).toBe(1 + rest.length + 1);
    expect(moved('traindx_refusals_total', { code: invalidCode })).toBe(1);
    expect(moved('traindx_refusals_total', { code: 'REQUEST_TOO_LARGE' })).toBe(2);
    expect(moved('traindx_refusals_total', { code: 'UNAUTHENTICATED' })).toBe(3);
    expect(moved('traindx_refusals_total', { code: 'FORBIDDEN' })).toBe(2);
    expect(moved('traindx_auth_failures_total', { status: '401', reason: 'missing_token' })).toBe(2);
    expect(moved('traindx_auth_failures_total', { status: '401', reason: 'unknown_token' })).toBe(1);
    expect(moved('traindx_auth_failures_total', { status: '403', reason: 'insufficient_scope' })).toBe(1);
    expect(moved('traindx_auth_failures_total', { status: '403', reason: 'not_run_owner' })).toBe(1);
    expect(moved('traindx_diagnosis_duration_seconds_count')).toBe(1);
    expect(moved('traindx_diagnosis_duration_seconds_sum')).toBeGreaterThan(0);
    expect(moved('traindx_store_errors_total', { code: 'STORE_UNAVAILABLE' })).toBe(0);

    // Alerts from the subscription on: what the subscriber heard, by symptom and severity, and nothing else.
    const heard = new Map<string, number>();
    for (const { alerts: a } of alerts.received)
      if (a.kind === 'symptom' && a.seq >= stored) {
        const key = `severity="${a.symptom.severity}",symptom="${a.symptom.id}"`;
        heard.set(key, (heard.get(key) ?? 0) + 1);
      }
    expect(heard.size).toBeGreaterThan(0);
    const counted = new Map<string, number>();
    const was = samplesOf(started, 'traindx_alerts_total');
    for (const [labels, n] of samplesOf(after, 'traindx_alerts_total'))
      if (n - (was.get(labels) ?? 0) > 0) counted.set(labels, n - (was.get(labels) ?? 0));
    expect(counted).toEqual(heard);
  });

  it('keeps run ids, tokens and layer names out of the labels', async () => {
    const text = await scrape();
    expect(text).not.toMatch(/metrics-\d+/);
    expect(text).not.toContain('tdx_');
    expect(text).not.toMatch(/dense_\d/);
  });
});

describe('/metrics of several apps in one process', () => {
  it('keeps each app’s counts on its own registry', async () => {
    const open = async () =>
      createApp({ traindx: createTraindx({ store: await openMemoryStore({ dataDir: null }) }) });
    const [a, b] = [await open(), await open()];
    const refused = await a.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(refused.status).toBe(415);
    const scrape = async (app: typeof a) => (await app.fetch('http://127.0.0.1/metrics')).text();
    expect(sampleValue(await scrape(a), 'traindx_refusals_total', { code: 'UNSUPPORTED_MEDIA_TYPE' })).toBe(
      1,
    );
    expect(sampleValue(await scrape(b), 'traindx_refusals_total', { code: 'UNSUPPORTED_MEDIA_TYPE' })).toBe(
      0,
    );
  });
});

// The shared Neo4j tells us the launcher works; this leg stops a Neo4j of its own (as outage.test.ts does).
const reachable = await neo4jReachable();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!reachable)('/metrics when Neo4j goes down', () => {
  it('counts each 503 STORE_UNAVAILABLE answer as a store error and a refusal, and not the /health probes', async () => {
    const neo4j = ownNeo4j(await freePort());
    const credentials = await neo4j.start();
    const server = await startServer(['--store', 'neo4j'], { ...credentials });
    try {
      const runId = `metrics-down-${process.pid}-${Date.now()}`;
      const [run] = sampleRun(runId);
      const ask = async (query: string, variables: object) => {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      expect((await ask(START, { run })).body.errors).toBeUndefined();
      const before = await (await fetch(`${server.url}/metrics`)).text();
      await neo4j.stop();
      const down = [
        await ask(LOG, { runId, batchId: 'b0', events: [{ type: 'step', step: 0, loss: 1 }] }),
        await ask(DIAGNOSIS, { id: runId }),
      ];
      for (const answer of down) {
        expect(answer.status).toBe(503);
        expect(answer.body.errors[0].extensions.code).toBe('STORE_UNAVAILABLE');
      }
      expect((await fetch(`${server.url}/health`)).status).toBe(503);
      const after = await (await fetch(`${server.url}/metrics`)).text();
      const moved = (name: string, labels?: Record<string, string>) =>
        sampleValue(after, name, labels) - sampleValue(before, name, labels);
      expect(moved('traindx_store_errors_total', { code: 'STORE_UNAVAILABLE' })).toBe(2);
      expect(moved('traindx_refusals_total', { code: 'STORE_UNAVAILABLE' })).toBe(2);
      expect(after).not.toContain('HTTP_503');
    } finally {
      await server.stop();
      await neo4j.stop();
      neo4j.remove();
    }
  }, 300_000);
});
