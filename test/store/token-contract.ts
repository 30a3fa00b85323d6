import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GraphStore, StoredToken } from '../../src/store/index.js';
import { uniqueId } from '../support/neo4j.js';

const token = (name: string, scope: StoredToken['scope'] = 'write'): StoredToken => ({
  name,
  scope,
  hash: createHash('sha256').update(randomBytes(32)).digest('hex'),
  createdAt: '2025-01-02T03:04:05.000Z',
});

/** The token methods of the GraphStore port, the same on every adapter; `reopen` gives the store as a restart finds it. */
export function describeTokenContract(
  name: string,
  open: () => Promise<GraphStore>,
  reopen: () => Promise<GraphStore>,
) {
  describe(`${name} store: API tokens and run owners`, () => {
    it('finds a token by its hash, lists it without the hash, and forgets it once revoked', async () => {
      const store = await open();
      try {
        const t = token(uniqueId('tok'), 'read');
        await store.putToken(t);
        expect(await store.findToken(t.hash)).toEqual(t);
        const listed = (await store.listTokens()).find((x) => x.name === t.name);
        expect(listed).toEqual({ name: t.name, scope: 'read', createdAt: t.createdAt });
        expect(await store.revokeToken(t.name)).toBe(true);
        expect(await store.revokeToken(t.name)).toBe(false);
        expect(await store.findToken(t.hash)).toBeNull();
        expect((await store.listTokens()).some((x) => x.name === t.name)).toBe(false);
      } finally {
        await store.close();
      }
    });

    it('refuses a second token of the same name or the same hash with TOKEN_EXISTS', async () => {
      const store = await open();
      try {
        const t = token(uniqueId('dup'));
        await store.putToken(t);
        await expect(store.putToken({ ...token(t.name) })).rejects.toMatchObject({ code: 'TOKEN_EXISTS' });
        await expect(store.putToken({ ...t, name: uniqueId('other') })).rejects.toMatchObject({
          code: 'TOKEN_EXISTS',
        });
        expect(await store.findToken(t.hash)).toMatchObject({ name: t.name });
        await store.revokeToken(t.name);
      } finally {
        await store.close();
      }
    });

    it('keeps the first token that claims a run as its owner, across a restart', async () => {
      const runId = uniqueId('owned');
      const store = await open();
      const t = token(uniqueId('keep'), 'admin');
      try {
        expect(await store.runOwner(runId)).toBeNull();
        expect(await store.claimRun(runId, 'alice')).toBe('alice');
        expect(await store.claimRun(runId, 'bob')).toBe('alice');
        await store.putToken(t);
      } finally {
        await store.close();
      }
      const again = await reopen();
      try {
        expect(await again.runOwner(runId)).toBe('alice');
        expect(await again.findToken(t.hash)).toEqual(t);
        await again.revokeToken(t.name);
      } finally {
        await again.close();
      }
    });
  });
}
