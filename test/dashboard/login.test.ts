import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/api/auth.js';
import { createApp } from '../../src/api/index.js';
import { createTraindx } from '../../src/engine/index.js';
import { openMemoryStore } from '../../src/store/index.js';

const H = { host: '127.0.0.1:4000' };

async function authApp() {
  const store = await openMemoryStore({ dataDir: null });
  await store.putToken({
    name: 'viewer',
    scope: 'read',
    hash: hashToken('tdx_view'),
    createdAt: '2025-01-01T00:00:00Z',
  });
  await store.putToken({
    name: 'root',
    scope: 'admin',
    hash: hashToken('tdx_root'),
    createdAt: '2025-01-01T00:00:00Z',
  });
  return createApp({ traindx: createTraindx({ store }), security: { auth: true } });
}

describe('the dashboard with --auth', () => {
  it('sends a visitor without a token to the login form, and back after a good token, with an HttpOnly SameSite=Strict cookie', async () => {
    const app = await authApp();
    const first = await app.fetch('http://127.0.0.1:4000/graph', { headers: H, redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/login?next=%2Fgraph');
    const form = await app.fetch('http://127.0.0.1:4000/login?next=%2Fgraph', { headers: H });
    expect(await form.text()).toContain('<form method="post" action="/login">');
    const bad = await app.fetch('http://127.0.0.1:4000/login', {
      method: 'POST',
      headers: { ...H, origin: 'http://127.0.0.1:4000', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=tdx_wrong&next=%2Fgraph',
    });
    expect(bad.status).toBe(401);
    const ok = await app.fetch('http://127.0.0.1:4000/login', {
      method: 'POST',
      headers: { ...H, origin: 'http://127.0.0.1:4000', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=tdx_view&next=%2Fgraph',
      redirect: 'manual',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/graph');
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^traindx_token=tdx_view; HttpOnly; SameSite=Strict; Path=\//);
    const page = await app.fetch('http://127.0.0.1:4000/graph', {
      headers: { ...H, cookie: 'traindx_token=tdx_view' },
    });
    expect(page.status).toBe(200);
  });

  it('takes the cookie as a read credential on GETs only: never for a POST, so never for a mutation', async () => {
    const app = await authApp();
    const cookie = 'traindx_token=tdx_root';
    const get = await app.fetch(
      `http://127.0.0.1:4000/graphql?query=${encodeURIComponent('{ knowledgeCounts { symptoms } }')}`,
      { headers: { ...H, cookie, accept: 'application/json' } },
    );
    expect(get.status).toBe(200);
    const post = await app.fetch('http://127.0.0.1:4000/graphql', {
      method: 'POST',
      headers: { ...H, cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { upsertKnowledge(knowledge: {}) { symptoms } }' }),
    });
    expect(post.status).toBe(401);
  });

  it('refuses a login form posted from another site', async () => {
    const app = await authApp();
    const res = await app.fetch('http://127.0.0.1:4000/login', {
      method: 'POST',
      headers: { ...H, origin: 'http://127.0.0.1:5555', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=tdx_view',
    });
    expect(res.status).toBe(403);
  });
});
