import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import neo4j from 'neo4j-driver';
import { requireNeo4j } from '../../src/config/index.js';

export const NEO4J_URI = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';

/**
 * Basic auth from NEO4J_USER / NEO4J_PASSWORD, as the server reads them
 * (src/config); none when no password is set (a server with auth off).
 * `export $(scripts/neo4j.sh start)` sets all three.
 */
export const neo4jAuth = () =>
  process.env.NEO4J_PASSWORD
    ? neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD)
    : undefined;

/**
 * Whether a real Neo4j answers at NEO4J_URI. With TRAINDX_REQUIRE_NEO4J=1
 * (CI) an unreachable server is an error, so the Neo4j legs can never be
 * silently skipped there.
 */
export async function neo4jReachable(): Promise<boolean> {
  const driver = neo4j.driver(NEO4J_URI, neo4jAuth(), { connectionTimeout: 3000 });
  try {
    await driver.verifyConnectivity({ database: 'neo4j' });
    return true;
  } catch (err) {
    if (requireNeo4j(process.env)) {
      // scripts/neo4j.sh turned auth on: a shell that kept only its URI line is the likely cause.
      const hint = process.env.NEO4J_PASSWORD
        ? ''
        : ' (NEO4J_PASSWORD is not set; for scripts/neo4j.sh: export $(scripts/neo4j.sh env))';
      throw new Error(
        `TRAINDX_REQUIRE_NEO4J=1 but Neo4j is not reachable at ${NEO4J_URI}: ${(err as Error).message}${hint}`,
      );
    }
    return false;
  } finally {
    await driver.close();
  }
}

export const neo4jOptions = () => ({
  uri: NEO4J_URI,
  user: process.env.NEO4J_USER ?? 'neo4j',
  password: process.env.NEO4J_PASSWORD ?? '',
  database: process.env.NEO4J_DATABASE ?? 'neo4j',
});

/** A run id no other test (or earlier run of this suite against the same server) uses. */
export const uniqueId = (label: string) =>
  `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const NEO4J_SH = join(import.meta.dirname, '../../scripts/neo4j.sh');

/** What `scripts/neo4j.sh start` and `env` print: the lines a caller exports. */
export interface Neo4jEnv {
  NEO4J_USER: string;
  NEO4J_PASSWORD: string;
  NEO4J_URI: string;
}

/** Reads the KEY=VALUE lines of `scripts/neo4j.sh start` / `env`; throws unless all three are there. */
export function parseNeo4jEnv(stdout: string): Neo4jEnv {
  const vars = new Map(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const read = (key: keyof Neo4jEnv) => {
    const value = vars.get(key);
    if (!value)
      throw new Error(
        `scripts/neo4j.sh printed no ${key}=… line (it printed: ${[...vars.keys()].join(', ')})`,
      );
    return value;
  };
  return {
    NEO4J_USER: read('NEO4J_USER'),
    NEO4J_PASSWORD: read('NEO4J_PASSWORD'),
    NEO4J_URI: read('NEO4J_URI'),
  };
}

/**
 * A Neo4j of a test's own: `scripts/neo4j.sh` on another port and a new state
 * dir, so the shared one (NEO4J_URI) is untouched.
 */
export function ownNeo4j(port: number) {
  const { NEO4J_INITIAL_PASSWORD: _inherited, ...inherited } = process.env;
  const stateDir = mkdtempSync(join(tmpdir(), 'traindx-own-neo4j-'));
  const env = { ...inherited, NEO4J_BOLT_PORT: String(port), TRAINDX_NEO4J_STATE: stateDir };
  const run = (command: 'start' | 'env' | 'status' | 'stop', extra: Record<string, string> = {}) =>
    promisify(execFile)(NEO4J_SH, [command], { env: { ...env, ...extra }, timeout: 180_000 });
  return {
    stateDir,
    /** Starts it (a new password unless `initialPassword` is given) and returns what the script printed. */
    start: async (initialPassword?: string) =>
      parseNeo4jEnv(
        (await run('start', initialPassword ? { NEO4J_INITIAL_PASSWORD: initialPassword } : {})).stdout,
      ),
    run,
    stop: async () => {
      await run('stop');
    },
    remove: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}
