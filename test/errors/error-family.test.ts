import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { ConfigError } from '../../src/config/index.js';
import { ProfileError } from '../../src/detect/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';
import {
  AuthError,
  ConflictError,
  exitCodeOf,
  InputError,
  LimitError,
  StoreUnavailableError,
  type TraindxError,
} from '../../src/errors/index.js';
import { SeedError } from '../../src/knowledge/index.js';
import {
  BatchConflictError,
  DataDirLockedError,
  RunNotFoundError,
  TokenExistsError,
} from '../../src/store/index.js';
import { TraceError } from '../../src/trace/index.js';
import { DataFileError, ModelBuildError, TemplateError } from '../../src/train/index.js';

// One instance of every user-facing error class: the walk below checks each reaches a client as itself.
const EVERY_ERROR: TraindxError[] = [
  new TraceError({ file: 'run.jsonl', line: 3 }, 'step', 'expected a number, got "x"'),
  new ProfileError("Profile 'nope' not found: no nope.yaml in graph-seed/profiles."),
  new ConfigError('Invalid configuration:\n  TRAINDX_PORT (or --port): expected a number'),
  new SeedError(['causes.yaml: causes[2].id: required']),
  new RunNotFoundError('ghost'),
  new BatchConflictError('r1', 3, 4),
  new DataDirLockedError('.traindx', {
    pid: 4242,
    host: 'elsewhere',
    startedAt: '2026-12-07T00:00:00Z',
    command: 'traindx serve',
  }),
  new InputError('outcome.remedyId: unknown remedy x.', 'BAD_OUTCOME'),
  new ConflictError("Run 'r1' already exists.", 'RUN_EXISTS'),
  new LimitError("field 'events': at most 10 events per batch, got 11; split the batch", 'BATCH_TOO_LARGE'),
  new AuthError('A token with write scope is needed.', 'FORBIDDEN'),
  new StoreUnavailableError('Neo4j at bolt://127.0.0.1:7687 did not answer within 5 s.'),
  new TokenExistsError("A token named 'ci' already exists."),
  new TemplateError('t.yaml: model.layers[0].units: expected a positive integer'),
  new DataFileError('d.csv: line 4: column x: expected a number'),
  new ModelBuildError("layer 'add_1' names no layer 'dense_9'"),
];

/** Every class in src/ that extends the family, found in the source (so a new one cannot be missed). */
function familyClassesInSource(): string[] {
  const root = join(import.meta.dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  const family = new Set(['TraindxError']);
  const extendsOf = new Map<string, string>();
  for (const f of files(root))
    for (const m of readFileSync(f, 'utf8').matchAll(/class (\w+) extends (\w+)/g))
      extendsOf.set(m[1]!, `${m[2]}@${relative(root, f)}`);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, parent] of extendsOf)
      if (!family.has(name) && family.has(parent.split('@')[0]!)) {
        family.add(name);
        grew = true;
      }
  }
  family.delete('TraindxError');
  return [...family].sort();
}

describe('the error family', () => {
  it('lists every class of the family found in the source', () => {
    expect([...new Set(EVERY_ERROR.map((e) => e.constructor.name))].sort()).toEqual(familyClassesInSource());
  });

  it.each(EVERY_ERROR.map((e) => [e.name, e] as const))(
    '%s reaches a GraphQL client with its message and code, never as "Unexpected error."',
    async (_name, err) => {
      const app = createApp({ traindx: await openEphemeralTraindx() });
      app.services.traindx.startRun = async () => {
        throw err;
      };
      const res = await app.fetch('http://traindx/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { startRun(run: {id: "x"}) { id } }' }),
      });
      const body = (await res.json()) as { errors: { message: string; extensions?: { code?: string } }[] };
      expect(body.errors[0]!.message).toBe(err.message);
      expect(body.errors[0]!.message).not.toBe('Unexpected error.');
      expect(body.errors[0]!.extensions?.code).toBe(err.code);
    },
  );

  it('gives each error a stable code and a CLI exit code of 2 (the user can fix it) or 3 (a service is down)', () => {
    for (const err of EVERY_ERROR) {
      expect(err.code).toMatch(/^[A-Z_]+$/);
      expect(exitCodeOf(err)).toBe(err instanceof StoreUnavailableError ? 3 : 2);
    }
  });

  it('masks anything outside the family', async () => {
    const app = createApp({ traindx: await openEphemeralTraindx() });
    app.services.traindx.startRun = async () => {
      throw new Error('secret detail of the server');
    };
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { startRun(run: {id: "x"}) { id } }' }),
    });
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toBe('Unexpected error.');
  });

  it('names a profile that does not exist when a run asks for it in logEvents (BAD_PROFILE)', async () => {
    const app = createApp({ traindx: await openEphemeralTraindx() });
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($e: [JSON!]!) { logEvents(runId: "p1", batchId: "b0", events: $e) { accepted } }',
        variables: { e: [{ type: 'run', formatVersion: 1, id: 'p1', tags: { profile: 'no-such-profile' } }] },
      }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_PROFILE');
    expect(body.errors[0]!.message).toMatch(/no-such-profile/);
  });
});
