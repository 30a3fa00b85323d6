import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedTraindx } from '../../src/engine/index.js';
import { loadShippedSeed, upsertTeamKnowledge } from '../../src/knowledge/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { runCli } from '../support/run-cli.js';

// `traindx knowledge diff` and `traindx knowledge revert` on a memory store's data dir, as an admin
// would run them beside (not during) `traindx serve`.

describe('traindx knowledge diff | revert', () => {
  const dir = mkdtempSync(join(tmpdir(), 'traindx-know-cli-'));
  const flags = ['--store', 'memory', '--data-dir', dir];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists a team's change with the seed and team values, reverts it by id, and refuses an id that is no change", async () => {
    const { traindx } = await seedTraindx({ store: await openMemoryStore({ dataDir: dir }) });
    const seed = await loadShippedSeed();
    const link = seed.suggests.find((l) => l.symptom === 'loss_nan' && l.cause === 'learning_rate_too_high')!;
    await upsertTeamKnowledge(
      traindx.store,
      { suggests: [{ ...link, weight: 0.05 }] },
      'ops',
      async () => seed,
    );
    await traindx.close();

    const diff = runCli(['knowledge', 'diff', ...flags]);
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(0);
    const lines = diff.stdout.trim().split('\n');
    expect(lines[0]).toBe('1 change from the shipped seed (graph-seed/):');
    expect(lines[1]).toMatch(
      /^changed suggests:loss_nan->learning_rate_too_high {2}by ops at \d{4}-\d\d-\d\dT/,
    );
    expect(lines[2]).toBe(`  weight: seed ${link.weight} -> team 0.05`);

    const wrong = runCli(['knowledge', 'revert', 'suggests:nope->nothing', ...flags]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Not a change from the shipped seed: 'suggests:nope->nothing'");

    const revert = runCli(['knowledge', 'revert', 'suggests:loss_nan->learning_rate_too_high', ...flags]);
    expect(revert.stderr).toBe('');
    expect(revert.stdout).toBe('reverted suggests:loss_nan->learning_rate_too_high (back to the seed)\n');
    expect(runCli(['knowledge', 'diff', ...flags]).stdout).toBe(
      'no changes from the shipped seed (graph-seed/)\n',
    );

    const store = await openMemoryStore({ dataDir: dir });
    try {
      const now = (await store.readKnowledge()).suggests.find(
        (l) => l.symptom === 'loss_nan' && l.cause === link.cause,
      );
      expect(now?.weight).toBe(link.weight);
    } finally {
      await store.close();
    }
  }, 120_000);
});
