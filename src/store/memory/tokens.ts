import { type GraphStore, type StoredToken, TokenExistsError } from '../graph-store.js';

/** The journal records of API tokens and of which token started a run. */
export type TokenRecord =
  | { op: 'token'; token: StoredToken }
  | { op: 'revoke'; name: string }
  | { op: 'claim'; runId: string; token: string };

type TokenMethods = Pick<
  GraphStore,
  'putToken' | 'findToken' | 'listTokens' | 'revokeToken' | 'claimRun' | 'runOwner'
>;

export const isTokenRecord = (record: { op: string }): record is TokenRecord =>
  record.op === 'token' || record.op === 'revoke' || record.op === 'claim';

/**
 * The memory store's tokens and run owners: maps that `apply` changes from
 * journal records (the store appends them like any other write), so tokens
 * survive a restart. Hashes only; the secret is never stored.
 *
 * @example const tokens = createTokenMaps(); tokens.apply({ op: 'revoke', name: 'ci' });
 */
export function createTokenMaps() {
  const byName = new Map<string, StoredToken>();
  const byHash = new Map<string, StoredToken>();
  const owners = new Map<string, string>();

  /** Applies a record; false when it changes nothing. A clash throws TokenExistsError (never on replay: it was checked once). */
  const apply = (record: TokenRecord): boolean => {
    if (record.op === 'token') {
      const t = record.token;
      if (byName.has(t.name)) throw new TokenExistsError(`A token named '${t.name}' already exists.`);
      if (byHash.has(t.hash)) throw new TokenExistsError('That token is already stored under another name.');
      byName.set(t.name, t);
      byHash.set(t.hash, t);
      return true;
    }
    if (record.op === 'revoke') {
      const t = byName.get(record.name);
      if (!t) return false;
      byName.delete(t.name);
      byHash.delete(t.hash);
      return true;
    }
    if (owners.has(record.runId)) return false;
    owners.set(record.runId, record.token);
    return true;
  };

  /** The port's token methods over these maps, writing through the store's journal. */
  const methods = (write: (record: TokenRecord) => Promise<boolean>): TokenMethods => ({
    putToken: async (token) => {
      await write({ op: 'token', token: { ...token } });
    },
    findToken: async (hash) => {
      const t = byHash.get(hash);
      return t ? { ...t } : null;
    },
    listTokens: async () =>
      [...byName.values()]
        .map(({ name, scope, createdAt }) => ({ name, scope, createdAt }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    revokeToken: (name) => write({ op: 'revoke', name }),
    claimRun: async (runId, token) => {
      await write({ op: 'claim', runId, token });
      return owners.get(runId)!;
    },
    runOwner: async (runId) => owners.get(runId) ?? null,
  });

  return { apply, methods };
}
