import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';
import { eventsOf } from '../generators/index.js';

// The ingest hot path (src/api/compiled-ingest.ts, node-listener.ts) must
// answer exactly as Yoga's general path does. Two real servers on
// 127.0.0.1, each on its own memory store: `traindx serve`'s listener, and
// Yoga alone. Every request goes to both; status, content type and body
// must be the same, and so must what each store holds afterwards.
const _SEED = join(import.meta.dirname, '../../graph-seed');
const MAX_BYTES = 200_000;

async function startApp(plain: boolean) {
  const app = createApp({
    traindx: await openEphemeralTraindx({ maxEventsPerBatch: 1_000 }),
    limits: { maxRequestBytes: MAX_BYTES },
  });
  const server = createServer(plain ? app.yoga : app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, app, port: (server.address() as AddressInfo).port };
}

interface Answer {
  status: number;
  type: string | undefined;
  body: unknown;
}

/** A raw POST: a body given as chunks is sent chunked (no content-length). */
function post(port: number, body: string | string[], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode!, type: res.headers['content-type'], body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (chunked) {
      for (const c of body) req.write(c);
      req.end();
    } else req.end(body);
  });
}

const LOG = `mutation Log($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted eventCount lastStep runId batchId } }`;
const ALIASED = `mutation($r: ID!, $b: ID!, $e: [JSON!]!) {
  out: logEvents(events: $e, runId: $r, batchId: $b) { __typename n: eventCount accepted n: eventCount } }`;
const WITH_SYMPTOMS = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted symptoms { id } } }`;

const events = eventsOf({ id: 'hot', seed: 3, steps: 300, statsEvery: 10, end: false });
const [runEvent, ...steps] = events;
const body = (query: string, variables: unknown, extra: object = {}) =>
  JSON.stringify({ query, variables, ...extra });

describe('the ingest hot path answers as the general path', () => {
  let fast: Awaited<ReturnType<typeof startApp>>;
  let plain: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    [fast, plain] = await Promise.all([startApp(false), startApp(true)]);
  });
  afterAll(() => {
    for (const s of [fast, plain]) (s.server as Server).close();
  });

  /** Sends the same request to both servers and expects the same answer; returns it. */
  async function same(b: string | string[], headers?: Record<string, string>): Promise<Answer> {
    const [a, p] = [await post(fast.port, b, headers), await post(plain.port, b, headers)];
    expect(a).toEqual(p);
    return a;
  }

  it('accepts batches, resends and the list forms alike', async () => {
    const before = fast.app.hotPathAnswers();
    const first = await same(
      body(LOG, { runId: 'hot', batchId: 'b0', events: [runEvent, ...steps.slice(0, 50)] }),
    );
    expect(first.body).toEqual({
      data: { logEvents: { accepted: true, eventCount: 51, lastStep: 49, runId: 'hot', batchId: 'b0' } },
    });
    // A resend: acknowledged, not counted again.
    const again = await same(
      body(LOG, { runId: 'hot', batchId: 'b0', events: [runEvent, ...steps.slice(0, 50)] }),
    );
    expect((again.body as any).data.logEvents).toMatchObject({ accepted: false, eventCount: 51 });
    // Aliases, repeated keys and __typename; arguments in another order.
    const aliased = await same(body(ALIASED, { r: 'hot', b: 'b1', e: steps.slice(50, 60) }));
    expect(aliased.body).toEqual({ data: { out: { __typename: 'IngestResult', n: 61, accepted: true } } });
    // One event for a list of one (GraphQL's input coercion).
    const single = await same(body(LOG, { runId: 'hot', batchId: 'b2', events: steps[60] }));
    expect((single.body as any).data.logEvents.eventCount).toBe(62);
    // The operation name, when given, must name the operation.
    expect(
      (await same(body(LOG, { runId: 'hot', batchId: 'b3', events: [steps[61]] }, { operationName: 'Log' })))
        .status,
    ).toBe(200);
    expect(
      (
        await same(
          body(LOG, { runId: 'hot', batchId: 'b4', events: [steps[62]] }, { operationName: 'Other' }),
        )
      ).body,
    ).toHaveProperty('errors');
    // Non-finite numbers as the spec writes them in JSON: revived on both paths.
    const nan = [
      { ...steps[63], loss: 'NaN' },
      { ...steps[64], loss: '-Infinity' },
    ];
    expect((await same(body(LOG, { runId: 'hot', batchId: 'b5', events: nan }))).status).toBe(200);
    // All but the misnamed operation took the hot path (else this comparison would prove nothing).
    expect(fast.app.hotPathAnswers() - before).toBe(6);
  });

  it('negotiates the response type as Yoga does', async () => {
    let b = 10;
    for (const accept of [
      'application/json',
      'application/graphql-response+json',
      '*/*',
      'application/graphql-response+json, application/json',
      'application/json;q=0.9, */*',
    ]) {
      const a = await same(body(LOG, { runId: 'hot', batchId: `b${b}`, events: [steps[b + 60]] }), {
        accept,
      });
      expect(a.status).toBe(200);
      b++;
    }
    expect(fast.app.hotPathAnswers()).toBeGreaterThanOrEqual(10);
    // A stream type is Yoga's to write: still the same answer.
    await same(body(LOG, { runId: 'hot', batchId: `b${b}`, events: [steps[b + 60]] }), {
      accept: 'text/event-stream',
    });
  });

  it('reports failures with the same errors, codes, locations and paths, and stores nothing', async () => {
    const bad = { type: 'step', step: 1_000, loss: 'low' };
    const invalid = await same(body(LOG, { runId: 'hot', batchId: 'bad', events: [steps[99], bad] }));
    expect((invalid.body as any).errors[0]).toMatchObject({
      path: ['logEvents'],
      extensions: { code: 'BAD_TRACE' },
    });
    expect((invalid.body as any).errors[0].message).toMatch(/^events\[1\]: field 'loss'/);
    const unknown = await same(body(LOG, { runId: 'nobody', batchId: 'b0', events: [steps[0]] }));
    expect((unknown.body as any).errors[0].extensions.code).toBe('RUN_NOT_FOUND');
    const tooMany = await same(
      body(LOG, { runId: 'hot', batchId: 'big', events: Array(1_001).fill({ type: 'step', step: 1 }) }),
    );
    expect((tooMany.body as any).errors[0].extensions.code).toBe('BATCH_TOO_LARGE');
    // Variables of the wrong type, a null item, an integer run id, a selection of objects: the general path.
    await same(body(LOG, { runId: 'hot', batchId: 'bn', events: null }));
    await same(body(LOG, { runId: 'hot', batchId: 'bn', events: [null] }));
    await same(body(LOG, { runId: 7, batchId: 'bn', events: [steps[0]] }));
    await same(body(LOG, { runId: 'hot', batchId: 1.5, events: [steps[0]] }));
    await same(body(WITH_SYMPTOMS, { runId: 'hot', batchId: 'bs', events: [steps[150]] }));
    // Not JSON, or no query.
    await same('{"query": "mutation { logEvents', {});
    await same(JSON.stringify({ variables: { logEvents: 1 } }));
  });

  it('hands a body whose first chunk does not name logEvents back to Yoga whole', async () => {
    // Variables first and large (one the operation does not declare, which GraphQL ignores), the query last.
    const variables = {
      note: 'x'.repeat(80_000),
      runId: 'hot',
      batchId: 'late',
      events: steps.slice(160, 170),
    };
    const text = `{"variables":${JSON.stringify(variables)},"query":${JSON.stringify(LOG)}}`;
    expect(text.indexOf('logEvents')).toBeGreaterThan(70_000);
    const a = await same(text);
    expect((a.body as any).data.logEvents).toMatchObject({ accepted: true, batchId: 'late' });
    // The same as two explicit chunks.
    const split = `{"variables":${JSON.stringify({ runId: 'hot', batchId: 'late2', events: [steps[170]] })},"query":${JSON.stringify(LOG)}}`;
    await same([split.slice(0, 40), split.slice(40)]);
  });

  it('refuses a chunked body over the request limit with 413, naming the limit', async () => {
    const big = body(LOG, { runId: 'hot', batchId: 'huge', events: Array(600).fill(steps[0]) });
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const chunks = big.match(/[\s\S]{1,16384}/g)!;
    const a = await post(fast.port, chunks);
    expect(a.status).toBe(413);
    expect((a.body as any).errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    // With its length announced, both refuse it before reading.
    await same(big);
  });

  it('leaves both stores holding the same run', async () => {
    const q = JSON.stringify({ query: 'query { run(id: "hot") { id status eventCount symptomIds } }' });
    const a = await same(q);
    expect((a.body as any).data.run.eventCount).toBeGreaterThan(70);
    expect((a.body as any).data.run.symptomIds).toContain('loss_nan');
  });
});
