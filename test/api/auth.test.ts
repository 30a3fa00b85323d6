import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/api/auth.js';
import { createApp } from '../../src/api/index.js';
import { createTraindx } from '../../src/engine/index.js';
import { type GraphStore, openMemoryStore, type TokenScope } from '../../src/store/index.js';

const RUN = (id: string) => ({ type: 'run', formatVersion: 1, id, name: 'auth' });
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG =
  'mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) { logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }';
const step = (n: number) => ({ type: 'step', step: n, loss: 1 / (n + 1) });

async function withTokens(store: GraphStore) {
  const secrets: Record<string, string> = {};
  for (const [name, scope] of [
    ['reader', 'read'],
    ['alice', 'write'],
    ['bob', 'write'],
    ['root', 'admin'],
  ] as [string, TokenScope][]) {
    secrets[name] = `tdx_test_${name}`;
    await store.putToken({
      name,
      scope,
      hash: hashToken(secrets[name]!),
      createdAt: new Date().toISOString(),
    });
  }
  return secrets;
}

describe('tokens with scopes (serve --auth)', () => {
  let app: ReturnType<typeof createApp>;
  let secrets: Record<string, string>;
  let server: Server;
  let url: string;
  const ask = (via: 'fetch' | 'http', query: string, variables: object, token?: string) => {
    const init = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    };
    return via === 'fetch' ? app.fetch('http://127.0.0.1/graphql', init) : fetch(`${url}/graphql`, init);
  };

  beforeAll(async () => {
    const store = await openMemoryStore({ dataDir: null });
    secrets = await withTokens(store);
    app = createApp({ traindx: createTraindx({ store }), security: { auth: true } });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers 401 UNAUTHENTICATED without a token, or with an unknown one', async () => {
    for (const token of [undefined, 'tdx_nope']) {
      const res = await ask('fetch', '{ knowledgeCounts { symptoms } }', {}, token);
      expect(res.status).toBe(401);
      expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a read token query, and refuses it a write with 403 FORBIDDEN naming the scope needed', async () => {
    const ok = await ask('fetch', '{ knowledgeCounts { symptoms } }', {}, secrets.reader);
    expect(ok.status).toBe(200);
    const res = await ask('fetch', START, { run: RUN('r-read') }, secrets.reader);
    expect(res.status).toBe(403);
    const error = (await res.json()).errors[0];
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(error.message).toContain("needs a token of scope 'write'");
  });

  it('keeps upsertKnowledge to admin tokens', async () => {
    const q = 'mutation { upsertKnowledge(knowledge: {}) { symptoms } }';
    const res = await ask('fetch', q, {}, secrets.alice);
    expect(res.status).toBe(403);
    expect((await res.json()).errors[0].message).toContain("scope 'admin'");
    expect((await ask('fetch', q, {}, secrets.root)).status).toBe(200);
  });

  it.each(['fetch', 'http'] as const)(
    'lets a write token log events only to runs it started (%s path), and admin to any',
    async (via) => {
      const id = `owned-${via}`;
      expect((await ask(via, START, { run: RUN(id) }, secrets.alice)).status).toBe(200);
      const mine = await ask(via, LOG, { runId: id, batchId: 'b0', events: [step(0)] }, secrets.alice);
      expect(await mine.json()).toEqual({ data: { logEvents: { accepted: true } } });
      const theirs = await ask(via, LOG, { runId: id, batchId: 'b1', events: [step(1)] }, secrets.bob);
      expect(theirs.status).toBe(403);
      expect((await theirs.json()).errors[0].extensions.code).toBe('FORBIDDEN');
      const reader = await ask(via, LOG, { runId: id, batchId: 'b1', events: [step(1)] }, secrets.reader);
      expect(reader.status).toBe(403);
      const none = await ask(via, LOG, { runId: id, batchId: 'b1', events: [step(1)] });
      expect(none.status).toBe(401);
      const admin = await ask(via, LOG, { runId: id, batchId: 'b2', events: [step(2)] }, secrets.root);
      expect(await admin.json()).toEqual({ data: { logEvents: { accepted: true } } });
    },
  );

  it('answers the hot path (logEvents over node:http) itself when the token may write', async () => {
    const before = app.hotPathAnswers();
    await ask('http', START, { run: RUN('hot') }, secrets.bob);
    await ask('http', LOG, { runId: 'hot', batchId: 'b0', events: [step(0)] }, secrets.bob);
    expect(app.hotPathAnswers()).toBe(before + 1);
  });

  it('refuses the alerts subscription without a token', async () => {
    const res = await app.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { alerts(runId: "hot") { kind } }' }),
    });
    expect(res.status).toBe(401);
  });
});
