import { describe, expect, it } from 'vitest';
import { createTraindx } from '../../src/engine/index.js';
import { openMemoryStore } from '../../src/store/index.js';

describe('a start interrupted between storing the run and its first batch', () => {
  it('is completed by the resent startRun, or by a resent first batch with the run event, once', async () => {
    for (const resend of ['startRun', 'logEvents'] as const) {
      const store = await openMemoryStore({ dataDir: null });
      const traindx = createTraindx({ store });
      const run = { type: 'run', formatVersion: 1, id: `r-${resend}` } as const;
      // What a process killed after putRun left behind: the run, no batch.
      await store.putRun(run);
      if (resend === 'startRun') await traindx.startRun(run);
      else await traindx.ingest(run.id, 'b0', [run, { type: 'step', step: 0, loss: 1 }]);
      expect(await store.getRun(run.id)).toMatchObject({
        batchCount: 1,
        eventCount: resend === 'startRun' ? 1 : 2,
      });
      // Again: a retry, nothing added.
      if (resend === 'startRun') await traindx.startRun(run);
      else
        expect((await traindx.ingest(run.id, 'b0', [run, { type: 'step', step: 0, loss: 1 }])).accepted).toBe(
          false,
        );
      expect((await store.getRun(run.id))!.batchCount).toBe(1);
    }
  });

  it('refuses a first batch that describes another run', async () => {
    const store = await openMemoryStore({ dataDir: null });
    const traindx = createTraindx({ store });
    await store.putRun({ type: 'run', formatVersion: 1, id: 'r' });
    await expect(
      traindx.ingest('r', 'b0', [{ type: 'run', formatVersion: 1, id: 'r', name: 'another' }]),
    ).rejects.toThrow(/already exists with another description/);
  });
});
