import { describe, expect, it } from 'vitest';
import { createTraindx } from '../../src/engine/index.js';
import { LimitError } from '../../src/errors/index.js';
import { openMemoryStore } from '../../src/store/index.js';

const stepWith = (step: number, names: string[]) => ({
  type: 'step',
  step,
  loss: 1,
  layers: Object.fromEntries(names.map((n) => [n, { gradNorm: 0.1, weightNorm: 1 }])),
});
const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => `layer_${from + i}`);

describe('the number of layers one run may carry', () => {
  it('takes batches up to the cap, refuses the batch that would pass it whole, and keeps what was stored', async () => {
    const traindx = createTraindx({ store: await openMemoryStore({ dataDir: null }), maxLayersPerRun: 15 });
    await traindx.startRun({ formatVersion: 1, id: 'many' });
    await traindx.ingest('many', 'b0', [stepWith(0, names(0, 10)), stepWith(1, names(0, 10))]);
    // The same names again cost nothing.
    await traindx.ingest('many', 'b1', [stepWith(2, names(0, 10))]);
    const before = await traindx.store.getRun('many');
    const refused = traindx.ingest('many', 'b2', [stepWith(3, names(10, 10))]);
    await expect(refused).rejects.toThrow(LimitError);
    await expect(refused).rejects.toThrow(
      /would carry stats for 20 distinct layers, over the limit of 15 \(TRAINDX_MAX_LAYERS\)/,
    );
    expect(await traindx.store.getRun('many')).toEqual(before);
    // Five new names still fit.
    expect((await traindx.ingest('many', 'b3', [stepWith(3, names(10, 5))])).accepted).toBe(true);
  });
});
