import { z } from 'zod';
import { TraindxError } from '../errors/index.js';

/** `1`/`true`/`0`/`false` from the environment, or a boolean flag. */
const flag = z.union([
  z.boolean(),
  z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true'),
]);
/** A comma-separated list from the environment, or a repeated flag. */
const list = z.union([
  z.array(z.string()),
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
]);

/**
 * Every setting of traindx, from the environment; flags of the CLI override
 * these. This is the only module that reads process.env.
 */
export const Config = z.object({
  store: z.enum(['memory', 'neo4j']).default('memory'),
  port: z.coerce.number().int().min(0).max(65535).default(4000),
  host: z.string().default('127.0.0.1'),
  dataDir: z.string().default('.traindx'),
  neo4jUri: z.string().default('bolt://127.0.0.1:7687'),
  neo4jUser: z.string().default('neo4j'),
  neo4jPassword: z.string().default(''),
  neo4jDatabase: z.string().default('neo4j'),
  profile: z.string().optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** `serve`'s log lines: one JSON object each, or `pretty` for a person. */
  logFormat: z.enum(['json', 'pretty']).default('json'),
  /** Largest request body the API reads, bytes. */
  maxRequestBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  /** Most events in one logEvents batch. */
  maxBatchEvents: z.coerce.number().int().positive().default(10_000),
  /** Longest line a trace file may have (characters): one event per line. */
  maxLineChars: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** Most distinct layer names one run may carry stats for. */
  maxLayersPerRun: z.coerce.number().int().positive().default(4_096),
  /** Most distinct series keys one run may store. */
  maxSeriesPerRun: z.coerce.number().int().positive().default(100_000),
  /** How far a gzipped trace may inflate (decompressed / compressed, past its first 16 MiB). */
  maxInflateRatio: z.coerce.number().positive().default(200),
  /** Require a token on every request (`serve --auth`); always on for a non-loopback bind. */
  auth: flag.default(false),
  /** Serve a non-loopback address without auth (`serve --insecure`). */
  insecure: flag.default(false),
  /** Origins given cross-origin access (CORS), comma-separated in the environment. */
  corsOrigins: list.default([]),
  /** Host names the server answers to besides its bind address (DNS rebinding guard), comma-separated. */
  allowedHosts: list.default([]),
  /** Redis shared by replicas (`serve --redis`): alerts of a run reach subscribers on every replica. */
  redisUrl: z.string().url().optional(),
  /** Where each alert is POSTed as an Alertmanager v4 webhook message (`serve --webhook`), comma-separated. */
  webhooks: list.pipe(z.array(z.string().url())).default([]),
});
export type Config = z.infer<typeof Config>;

const ENV_KEYS: Record<keyof Config, string> = {
  store: 'TRAINDX_STORE',
  port: 'TRAINDX_PORT',
  host: 'TRAINDX_HOST',
  dataDir: 'TRAINDX_DATA_DIR',
  neo4jUri: 'NEO4J_URI',
  neo4jUser: 'NEO4J_USER',
  neo4jPassword: 'NEO4J_PASSWORD',
  neo4jDatabase: 'NEO4J_DATABASE',
  profile: 'TRAINDX_PROFILE',
  logLevel: 'TRAINDX_LOG_LEVEL',
  logFormat: 'TRAINDX_LOG_FORMAT',
  maxRequestBytes: 'TRAINDX_MAX_REQUEST_BYTES',
  maxBatchEvents: 'TRAINDX_MAX_BATCH_EVENTS',
  maxLineChars: 'TRAINDX_MAX_LINE_CHARS',
  maxLayersPerRun: 'TRAINDX_MAX_LAYERS',
  maxSeriesPerRun: 'TRAINDX_MAX_SERIES',
  maxInflateRatio: 'TRAINDX_MAX_INFLATE_RATIO',
  auth: 'TRAINDX_AUTH',
  insecure: 'TRAINDX_INSECURE',
  corsOrigins: 'TRAINDX_CORS_ORIGINS',
  allowedHosts: 'TRAINDX_ALLOWED_HOSTS',
  redisUrl: 'TRAINDX_REDIS_URL',
  webhooks: 'TRAINDX_WEBHOOKS',
};

/** Bad settings (environment or flags), every bad one listed. */
export class ConfigError extends TraindxError {
  readonly code = 'BAD_CONFIG';
  readonly category = 'config';
}

/**
 * Reads the config from an environment map, then applies overrides (CLI flags).
 * Lists every bad variable at once.
 *
 * @example loadConfig(process.env, { port: 4001 })
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<keyof Config, unknown>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, envKey] of Object.entries(ENV_KEYS)) {
    const value = env[envKey];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) raw[key] = value;
  const result = Config.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = String(i.path[0]) as keyof Config;
      return `${ENV_KEYS[key] ?? key} (or --${key}): ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

/** Whether tests must fail, not skip, when Neo4j cannot be reached. */
export const requireNeo4j = (env: NodeJS.ProcessEnv): boolean => env.TRAINDX_REQUIRE_NEO4J === '1';

/** Whether tests must fail, not skip, when Redis (scripts/redis.sh) cannot be reached. */
export const requireRedis = (env: NodeJS.ProcessEnv): boolean => env.TRAINDX_REQUIRE_REDIS === '1';

/** The table of settings for `--help` and the README. */
export const CONFIG_ENV = ENV_KEYS;
