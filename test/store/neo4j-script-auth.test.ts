import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import neo4j, { type AuthToken } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { neo4jReachable, ownNeo4j, parseNeo4jEnv } from '../support/neo4j.js';

// The shared Neo4j tells us Java and the launcher work here; this test starts its own.
const reachable = await neo4jReachable();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs RETURN 1 over Bolt with these credentials; rejects with Neo4j's error when they are refused. */
async function returnOne(uri: string, auth: AuthToken | undefined): Promise<number> {
  const driver = neo4j.driver(uri, auth, { connectionTimeout: 5000, disableLosslessIntegers: true });
  try {
    const { records } = await driver.executeQuery('RETURN 1 AS one');
    return records[0]!.get('one');
  } finally {
    await driver.close();
  }
}

const UNAUTHORIZED = { code: 'Neo.ClientError.Security.Unauthorized' };

describe('scripts/neo4j.sh', () => {
  it('refuses a password that a shell would split or read, before starting anything', async () => {
    const own = ownNeo4j(await freePort());
    try {
      await expect(own.run('start', { NEO4J_INITIAL_PASSWORD: 'two words' })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('NEO4J_INITIAL_PASSWORD must be 8 or more of'),
      });
    } finally {
      own.remove();
    }
  });

  it.skipIf(!reachable)(
    'starts Neo4j with auth on and a generated password that only its user can read, and Bolt refuses a connection without it',
    async () => {
      const port = await freePort();
      const own = ownNeo4j(port);
      const printed = await own.start();
      const passwordFile = join(own.stateDir, 'password');
      try {
        expect(printed).toEqual({
          NEO4J_USER: 'neo4j',
          NEO4J_PASSWORD: expect.stringMatching(/^[0-9a-f]{48}$/),
          NEO4J_URI: `bolt://127.0.0.1:${port}`,
        });
        expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
        expect(readFileSync(passwordFile, 'utf8').trim()).toBe(printed.NEO4J_PASSWORD);
        // Never on the launcher's command line, which every local user can read.
        const pid = readFileSync(join(own.stateDir, 'pid'), 'utf8').trim();
        expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(printed.NEO4J_PASSWORD);

        // Another shell gets the same lines; status names the URI last, without the password.
        expect(parseNeo4jEnv((await own.run('env')).stdout)).toEqual(printed);
        const status = (await own.run('status')).stdout;
        expect(status).not.toContain(printed.NEO4J_PASSWORD);
        expect(status.trim().split('\n').at(-1)).toBe(`NEO4J_URI=${printed.NEO4J_URI}`);

        await expect(returnOne(printed.NEO4J_URI, undefined)).rejects.toMatchObject(UNAUTHORIZED);
        // Neo4j's own default password is not accepted either, nor a wrong one, however often tried ...
        for (const password of ['neo4j', 'neo4j', 'wrong-password', 'wrong-password']) {
          await expect(
            returnOne(printed.NEO4J_URI, neo4j.auth.basic('neo4j', password)),
          ).rejects.toMatchObject(UNAUTHORIZED);
        }
        // ... and they lock nobody out (Neo4j's default locks the user after 3 failures).
        expect(await returnOne(printed.NEO4J_URI, neo4j.auth.basic('neo4j', printed.NEO4J_PASSWORD))).toBe(1);

        await own.stop();
        expect(existsSync(passwordFile)).toBe(false);
      } finally {
        await own.stop();
        own.remove();
      }
    },
    240_000,
  );
});
