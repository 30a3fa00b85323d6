import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postGraphql, startServer } from '../support/server-process.js';

// A tool built on traindx reads the histograms the dashboard draws over GraphQL: the same
// bounded series the store keeps, all of them or one layer's or one kind's.
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }`;
const HISTOGRAMS = `query($id: ID!, $layer: String, $kind: HistogramKind) {
  run(id: $id) { histograms(layer: $layer, kind: $kind) { layer kind steps histograms { edges counts } } } }`;

/** Ten equal buckets over [-1, 1], the bump at `step`'s bucket. */
const histogramAt = (step: number) => ({
  edges: Array.from({ length: 11 }, (_, i) => -1 + i / 5),
  counts: Array.from({ length: 10 }, (_, i) => (i === step % 10 ? 7 : 1)),
});

const RUN = {
  type: 'run',
  formatVersion: 1,
  id: 'histograms-api',
  framework: 'pytorch',
  model: {
    layers: [
      { name: 'fc1', type: 'Linear', units: 8 },
      { name: 'fc2', type: 'Linear', units: 2 },
    ],
  },
};
// Histograms on every fifth step: fc1's weights and gradients, fc2's gradients only.
const STEPS = Array.from({ length: 30 }, (_, step) => ({
  type: 'step',
  step,
  loss: 1 / (step + 1),
  layers:
    step % 5 === 0
      ? {
          fc1: { gradNorm: 0.5, weightHistogram: histogramAt(step), gradHistogram: histogramAt(step + 1) },
          fc2: { gradNorm: 0.4, gradHistogram: histogramAt(step + 2) },
        }
      : { fc1: { gradNorm: 0.5 }, fc2: { gradNorm: 0.4 } },
}));

describe('Run.histograms over GraphQL', () => {
  it('answers each layer and kind with the steps and buckets the run sent, and filters by layer and kind', async () => {
    const server = await startServer(['--data-dir', mkdtempSync(join(tmpdir(), 'traindx-histograms-api-'))]);
    try {
      await postGraphql(server.url, START, { run: RUN });
      for (let b = 0; b < 3; b++)
        await postGraphql(server.url, LOG, {
          runId: RUN.id,
          batchId: `b${b}`,
          events: STEPS.slice(b * 10, (b + 1) * 10),
        });
      // A resent batch changes nothing.
      await postGraphql(server.url, LOG, { runId: RUN.id, batchId: 'b1', events: STEPS.slice(10, 20) });

      const all = (await postGraphql(server.url, HISTOGRAMS, { id: RUN.id })).run.histograms;
      const keys = all.map((h: any) => `${h.layer}/${h.kind}`).sort();
      expect(keys).toEqual(['fc1/grad', 'fc1/weight', 'fc2/grad']);
      const fc1Weights = all.find((h: any) => h.layer === 'fc1' && h.kind === 'weight');
      expect(fc1Weights.steps).toEqual([0, 5, 10, 15, 20, 25]);
      expect(fc1Weights.histograms).toEqual(fc1Weights.steps.map(histogramAt));

      const fc2 = (await postGraphql(server.url, HISTOGRAMS, { id: RUN.id, layer: 'fc2' })).run.histograms;
      expect(fc2.map((h: any) => h.kind)).toEqual(['grad']);
      expect(fc2[0].histograms[1]).toEqual(histogramAt(7));

      const grads = (await postGraphql(server.url, HISTOGRAMS, { id: RUN.id, kind: 'grad' })).run.histograms;
      expect(grads.map((h: any) => h.layer).sort()).toEqual(['fc1', 'fc2']);

      // A kind outside the enum is refused by name.
      await expect(postGraphql(server.url, HISTOGRAMS, { id: RUN.id, kind: 'bias' })).rejects.toThrow(/kind/);
    } finally {
      await server.stop();
    }
  });
});
