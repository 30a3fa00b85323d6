import neo4j, { type Driver } from 'neo4j-driver';
import { type GraphStore, type StoredToken, TokenExistsError, type TokenInfo } from '../graph-store.js';
import * as Q from './queries.js';

type TokenMethods = Pick<
  GraphStore,
  'putToken' | 'findToken' | 'listTokens' | 'revokeToken' | 'claimRun' | 'runOwner'
>;

const CONSTRAINT_FAILED = 'Neo.ClientError.Schema.ConstraintValidationFailed';

/**
 * The Neo4j adapter's tokens (ApiToken nodes, unique by hash and by name)
 * and run owners (RunClaim nodes, unique by run id). Hashes only.
 *
 * @example const tokens = createNeo4jTokens(exec, { database: 'neo4j' });
 */
export function createNeo4jTokens(exec: Driver['executeQuery'], db: { database: string }): TokenMethods {
  const readDb = { ...db, routing: neo4j.routing.READ };
  const owner = async (runId: string) => {
    const { records } = await exec(Q.RUN_OWNER, { runId }, readDb);
    return (records[0]?.get('owner') as string | undefined) ?? null;
  };
  return {
    async putToken(token: StoredToken) {
      try {
        await exec(Q.PUT_TOKEN, { ...token }, db);
      } catch (err) {
        if ((err as { code?: string }).code !== CONSTRAINT_FAILED) throw err;
        const byName = /`name`|\bname\b/.test((err as Error).message);
        throw new TokenExistsError(
          byName
            ? `A token named '${token.name}' already exists.`
            : 'That token is already stored under another name.',
        );
      }
    },
    async findToken(hash) {
      const { records } = await exec(Q.FIND_TOKEN, { hash }, readDb);
      return (records[0]?.get('t') as StoredToken | undefined) ?? null;
    },
    async listTokens() {
      const { records } = await exec(Q.LIST_TOKENS, {}, readDb);
      return records.map((r) => r.get('t') as TokenInfo);
    },
    async revokeToken(name) {
      const { records } = await exec(Q.REVOKE_TOKEN, { name }, db);
      return (records[0]?.get('n') as number) > 0;
    },
    async claimRun(runId, token) {
      try {
        const { records } = await exec(Q.CLAIM_RUN, { runId, token }, db);
        return records[0]!.get('owner') as string;
      } catch (err) {
        // Two first claims at once: the constraint let one in; that one owns the run.
        if ((err as { code?: string }).code !== CONSTRAINT_FAILED) throw err;
        return (await owner(runId))!;
      }
    },
    runOwner: owner,
  };
}
