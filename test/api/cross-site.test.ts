import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { createTraindx } from '../../src/engine/index.js';
import { openMemoryStore } from '../../src/store/index.js';

const UPSERT = 'mutation { upsertKnowledge(knowledge: {}) { symptoms } }';

async function appWith(security: Record<string, unknown> = {}) {
  const traindx = createTraindx({ store: await openMemoryStore({ dataDir: null }) });
  return createApp({ traindx, security });
}

const post = (headers: Record<string, string>, body: string) => ({
  method: 'POST',
  headers: { host: '127.0.0.1:4000', ...headers },
  body,
});

describe('cross-site requests, with auth off', () => {
  it('sends no Access-Control-Allow-* header to another origin, and none at all by default', async () => {
    const app = await appWith();
    const res = await app.fetch(
      'http://127.0.0.1:4000/graphql',
      post(
        { 'content-type': 'application/json', origin: 'http://127.0.0.1:5555' },
        JSON.stringify({ query: '{ knowledgeCounts { symptoms } }' }),
      ),
    );
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const pre = await app.fetch('http://127.0.0.1:4000/graphql', {
      method: 'OPTIONS',
      headers: {
        host: '127.0.0.1:4000',
        origin: 'http://127.0.0.1:5555',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect([...pre.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });

  it('gives CORS to an origin on the --cors-origin list only, without credentials', async () => {
    const app = await appWith({ corsOrigins: ['https://app.example'] });
    const res = await app.fetch('http://127.0.0.1:4000/graphql', {
      method: 'OPTIONS',
      headers: {
        host: '127.0.0.1:4000',
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each([
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(UPSERT)}`],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${UPSERT}\r\n--x--\r\n`,
    ],
    ['text/plain', JSON.stringify({ query: UPSERT })],
  ])('refuses a %s POST with 415 UNSUPPORTED_MEDIA_TYPE and runs nothing', async (type, body) => {
    const app = await appWith();
    const res = await app.fetch('http://127.0.0.1:4000/graphql', post({ 'content-type': type }, body));
    expect(res.status).toBe(415);
    expect((await res.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a JSON POST from another origin with 403 ORIGIN_NOT_ALLOWED; its own origin passes', async () => {
    const app = await appWith();
    const body = JSON.stringify({ query: '{ knowledgeCounts { symptoms } }' });
    const other = await app.fetch(
      'http://127.0.0.1:4000/graphql',
      post({ 'content-type': 'application/json', origin: 'http://localhost:5555' }, body),
    );
    expect(other.status).toBe(403);
    expect((await other.json()).errors[0].extensions.code).toBe('ORIGIN_NOT_ALLOWED');
    const own = await app.fetch(
      'http://127.0.0.1:4000/graphql',
      post({ 'content-type': 'application/json', origin: 'http://127.0.0.1:4000' }, body),
    );
    expect(own.status).toBe(200);
  });

  it('refuses a Host name the server does not answer to (DNS rebinding) with 421, unless allowed', async () => {
    const app = await appWith();
    const body = JSON.stringify({ query: '{ knowledgeCounts { symptoms } }' });
    const headers = { 'content-type': 'application/json' };
    const rebound = await app.fetch(
      'http://evil.example:4000/graphql',
      post({ ...headers, host: 'evil.example:4000' }, body),
    );
    expect(rebound.status).toBe(421);
    expect((await rebound.json()).errors[0].extensions.code).toBe('HOST_NOT_ALLOWED');
    const page = await app.fetch('http://evil.example:4000/', { headers: { host: 'evil.example:4000' } });
    expect(page.status).toBe(421);
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000']) {
      const ok = await app.fetch('http://127.0.0.1:4000/graphql', post({ ...headers, host }, body));
      expect(ok.status).toBe(200);
    }
    const allowed = await appWith({ allowedHosts: ['traindx.lan'] });
    const named = await allowed.fetch(
      'http://traindx.lan/graphql',
      post({ ...headers, host: 'traindx.lan' }, body),
    );
    expect(named.status).toBe(200);
  });

  it('never runs a mutation over GET', async () => {
    const app = await appWith();
    const res = await app.fetch(`http://127.0.0.1:4000/graphql?query=${encodeURIComponent(UPSERT)}`, {
      headers: { host: '127.0.0.1:4000', accept: 'application/json' },
    });
    expect(res.status).toBe(405);
  });

  it('answers invalid JSON with a fixed sentence that quotes nothing of the body', async () => {
    const app = await appWith();
    const res = await app.fetch(
      'http://127.0.0.1:4000/graphql',
      post({ 'content-type': 'application/json' }, '{"query": "SECRET-TEXT'),
    );
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('SECRET');
    expect(JSON.parse(text).errors).toEqual([
      { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } },
    ]);
  });
});
