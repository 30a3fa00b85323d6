import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/index.js';
import { DataDirLockedError, type GraphStore, openMemoryStore } from '../../src/store/index.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'traindx-journal-'));
const runEvent = (id: string): RunEvent => ({ type: 'run', formatVersion: 1, id });
const batch = (batchId: string, expectedBatchCount?: number) => ({
  batchId,
  ...(expectedBatchCount !== undefined ? { expectedBatchCount } : {}),
  eventCount: 2,
  series: [{ key: 'loss', steps: [0, 1], values: [1, 0.5] }],
  occurrences: [],
});

/** Opens a store on `dataDir` and collects the warnings it prints. */
async function openWithWarnings(dataDir: string): Promise<{ store: GraphStore; warnings: string[] }> {
  const warnings: string[] = [];
  const store = await openMemoryStore({ dataDir, warn: (line) => warnings.push(line) });
  return { store, warnings };
}

/** The PID of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('the memory store on its data directory', () => {
  it('refuses a second store on the same directory, naming the holder, until the first closes', async () => {
    const dir = freshDir();
    const first = await openMemoryStore({ dataDir: dir });
    const refused = await openMemoryStore({ dataDir: dir }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as DataDirLockedError).code).toBe('DATA_DIR_LOCKED');
    expect((refused as DataDirLockedError).category).toBe('conflict');
    expect((refused as Error).message).toContain(`'${dir}' is in use by another open store of this process`);
    await first.close();
    expect(existsSync(join(dir, 'traindx.lock'))).toBe(false);
    const second = await openMemoryStore({ dataDir: dir });
    await second.close();
  });

  it('takes over the lock of a process that died, with a warning naming it', async () => {
    const dir = freshDir();
    const pid = deadPid();
    const stale = { pid, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'serve' };
    writeFileSync(join(dir, 'traindx.lock'), JSON.stringify(stale));
    const { store, warnings } = await openWithWarnings(dir);
    expect(warnings).toEqual([expect.stringContaining(`from process ${pid} (serve, since 2020-01-01`)]);
    expect(JSON.parse(readFileSync(join(dir, 'traindx.lock'), 'utf8')).pid).toBe(process.pid);
    await store.close();
  });

  it('cuts a torn last line on open, so the next record starts a line of its own', async () => {
    const dir = freshDir();
    const store = await openMemoryStore({ dataDir: dir });
    await store.putRun(runEvent('torn'));
    await store.appendBatch('torn', batch('b0', 0));
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const whole = readFileSync(journal, 'utf8');
    appendFileSync(journal, '{"op":"batch","runId":"torn","batch":{"batchId":"b1","eventC');

    const reopened = await openWithWarnings(dir);
    expect(reopened.warnings).toEqual([expect.stringMatching(/cut a torn last line \(\d+ bytes/)]);
    expect(readFileSync(journal, 'utf8')).toBe(whole);
    expect(await reopened.store.appendBatch('torn', batch('b1', 1))).toEqual({ accepted: true });
    await reopened.store.close();

    const third = await openWithWarnings(dir);
    expect(third.warnings).toEqual([]);
    expect(await third.store.getRun('torn')).toMatchObject({ batchCount: 2, eventCount: 4 });
    await third.store.close();
  });

  it('loads a journal two writers interleaved: every batch kept once, the damaged records reported and skipped', async () => {
    const dir = freshDir();
    const line = (record: object) => `${JSON.stringify(record)}\n`;
    // What two processes on one directory wrote before the lock: both computed from a count of 1.
    writeFileSync(
      join(dir, 'journal.jsonl'),
      [
        line({ op: 'run', run: runEvent('two') }),
        line({ op: 'batch', runId: 'two', batch: batch('b0', 0) }),
        line({ op: 'batch', runId: 'two', batch: batch('a1', 1) }),
        line({ op: 'batch', runId: 'two', batch: batch('b1', 1) }),
        line({ op: 'batch', runId: 'two', batch: batch('b1', 1) }),
        line({ op: 'batch', runId: 'never-started', batch: batch('x') }),
        'not json\n',
        line({ op: 'batch', runId: 'two', batch: null }),
        line({ op: 'batch', runId: 'two', batch: batch('a2', 3) }),
      ].join(''),
    );
    const { store, warnings } = await openWithWarnings(dir);
    expect(warnings).toEqual([
      expect.stringContaining("batch 'b1' of run 'two' replayed despite a conflict"),
      expect.stringMatching(/journal\.jsonl:6 skipped: Run 'never-started' does not exist/),
      expect.stringMatching(/journal\.jsonl:7 is not a JSON record; skipped/),
      expect.stringMatching(/journal\.jsonl:8 skipped: not a record this version reads/),
    ]);
    expect(await store.getRun('two')).toMatchObject({ batchCount: 4, eventCount: 8 });
    const [loss] = await store.readSeries('two', 'loss');
    expect(loss!.steps).toHaveLength(8);
    // The store takes batches again at once.
    expect(await store.appendBatch('two', batch('a3', 4))).toEqual({ accepted: true });
    await store.close();
  });
});
