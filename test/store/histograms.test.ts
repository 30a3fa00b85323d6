import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistogramPoint } from '../../src/domain/index.js';
import { createTraindx } from '../../src/engine/index.js';
import { boundBuckets, HISTOGRAM_BOUNDS, mergeHistogramPoints } from '../../src/store/histogram-bounds.js';
import { type GraphStore, openMemoryStore, openNeo4jStore } from '../../src/store/index.js';
import * as Q from '../../src/store/neo4j/histograms.js';
import { neo4jOptions, neo4jReachable, uniqueId } from '../support/neo4j.js';

// Asked once; with TRAINDX_REQUIRE_NEO4J=1 (CI) an unreachable server throws here instead of skipping.
const reachable = await neo4jReachable();

/** A histogram of `buckets` equal buckets over [-1, 1] with a bump that moves with the step. */
function histogramAt(step: number, buckets = 30): { edges: number[]; counts: number[] } {
  const edges = Array.from({ length: buckets + 1 }, (_, i) => -1 + (2 * i) / buckets);
  const counts = Array.from({ length: buckets }, (_, i) => (i === step % buckets ? 10 : 1));
  return { edges, counts };
}

/** The step events of a run that writes both histograms of two layers every `every` steps. */
function stepEvents(steps: number, every = 1) {
  return Array.from({ length: steps }, (_, step) => ({
    type: 'step',
    step,
    loss: 1 / (step + 1),
    layers:
      step % every === 0
        ? {
            dense_0: {
              gradNorm: 0.5,
              weightHistogram: histogramAt(step),
              gradHistogram: histogramAt(step + 1),
            },
            dense_1: { gradNorm: 0.4, gradHistogram: histogramAt(step + 2) },
          }
        : { dense_0: { gradNorm: 0.5 }, dense_1: { gradNorm: 0.4 } },
  }));
}

const points = (steps: number): HistogramPoint[] =>
  Array.from({ length: steps }, (_, step) => ({
    layer: 'd0',
    kind: 'grad' as const,
    step,
    ...histogramAt(step),
  }));

describe('histogram bounds', () => {
  it('keeps at most maxSteps steps of a long run, ascending, with its first and latest step', () => {
    const [series] = mergeHistogramPoints([], points(10_000));
    expect(series!.steps.length).toBeLessThanOrEqual(HISTOGRAM_BOUNDS.maxSteps);
    expect(series!.steps.length).toBeGreaterThan(HISTOGRAM_BOUNDS.maxSteps / 2);
    expect(series!.steps[0]).toBe(0);
    expect(series!.steps.at(-1)).toBe(9_999);
    expect([...series!.steps].sort((a, b) => a - b)).toEqual(series!.steps);
    expect(series!.histograms.length).toBe(series!.steps.length);
    // Each kept step keeps its own histogram.
    const i = series!.steps.length >> 1;
    expect(series!.histograms[i]).toEqual(histogramAt(series!.steps[i]!));
  });

  it('gives the same series however the points were split into batches', () => {
    const all = points(777);
    let known = mergeHistogramPoints([], all.slice(0, 13));
    for (let at = 13; at < all.length; at += 41) known = mergeHistogramPoints(known, all.slice(at, at + 41));
    expect(known).toEqual(mergeHistogramPoints([], all));
  });

  it('sums buckets past maxBuckets in adjacent groups, keeping every count and the outer edges', () => {
    const h = histogramAt(3, 1000);
    const b = boundBuckets(h);
    expect(b.counts.length).toBeLessThanOrEqual(HISTOGRAM_BOUNDS.maxBuckets);
    expect(b.edges.length).toBe(b.counts.length + 1);
    expect(b.counts.reduce((s, c) => s + c, 0)).toBe(h.counts.reduce((s, c) => s + c, 0));
    expect(b.edges[0]).toBe(-1);
    expect(b.edges.at(-1)).toBeCloseTo(1, 12);
    expect(boundBuckets(histogramAt(3))).toEqual(histogramAt(3));
  });

  it('replaces the histogram of a step read again rather than keeping two', () => {
    const [a] = mergeHistogramPoints([], [...points(3), { ...points(3)[1]!, counts: Array(30).fill(7) }]);
    expect(a!.steps).toEqual([0, 1, 2]);
    expect(a!.histograms[1]!.counts[0]).toBe(7);
  });
});

/** Streams a run with histograms through ingest into `store`, in batches of 25 events. */
async function streamRun(store: GraphStore, runId: string, steps: number) {
  const traindx = createTraindx({ store });
  await traindx.startRun({
    formatVersion: 1,
    id: runId,
    model: { layers: [{ name: 'dense_0' }, { name: 'dense_1' }] },
  });
  const events = stepEvents(steps, 2);
  for (let i = 0; i * 25 < events.length; i++)
    await traindx.ingest(runId, `b${i}`, events.slice(i * 25, i * 25 + 25));
  return traindx;
}

describe('a run’s histograms in the memory store', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps each layer’s weight and gradient histograms over steps, bounded, and the same after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindx-hist-'));
    dirs.push(dataDir);
    const store = await openMemoryStore({ dataDir });
    const traindx = await streamRun(store, 'hist-mem', 500);
    const read = await store.readHistograms('hist-mem');
    expect(read.map((s) => `${s.kind} ${s.layer}`)).toEqual([
      'grad dense_0',
      'grad dense_1',
      'weight dense_0',
    ]);
    for (const s of read) {
      expect(s.steps.length).toBeLessThanOrEqual(HISTOGRAM_BOUNDS.maxSteps);
      expect(s.steps[0]).toBe(0);
      expect(s.steps.at(-1)).toBe(498);
    }
    // What ingest stored is what the bounds make of the trace's histograms, point by point.
    expect(read[2]).toEqual(
      mergeHistogramPoints(
        [],
        stepEvents(500, 2).flatMap((e) =>
          e.layers.dense_0.weightHistogram
            ? [
                {
                  layer: 'dense_0',
                  kind: 'weight' as const,
                  step: e.step,
                  ...e.layers.dense_0.weightHistogram,
                },
              ]
            : [],
        ),
      )[0],
    );
    await traindx.close();
    const again = await openMemoryStore({ dataDir });
    try {
      expect(await again.readHistograms('hist-mem')).toEqual(read);
    } finally {
      await again.close();
    }
  });

  it('has none for a run whose trace carries none', async () => {
    const store = await openMemoryStore({ dataDir: null });
    const traindx = createTraindx({ store });
    await traindx.startRun({ formatVersion: 1, id: 'plain' });
    await traindx.ingest('plain', 'b0', [{ type: 'step', step: 0, loss: 1, layers: { d: { gradNorm: 1 } } }]);
    expect(await store.readHistograms('plain')).toEqual([]);
    await traindx.close();
  });
});

describe.skipIf(!reachable)(
  'a run’s histograms on a real Neo4j (start one with scripts/neo4j.sh start)',
  () => {
    it('sends only the constant statements of histograms.ts, the series as JSON text per (kind, layer)', async () => {
      const sent: { query: string; params: Record<string, unknown> }[] = [];
      const store = await openNeo4jStore({
        ...neo4jOptions(),
        onQuery: (query, params) => sent.push({ query, params }),
      });
      const runId = uniqueId('hist-q');
      try {
        await store.putRun({ type: 'run', formatVersion: 1, id: runId });
        const histograms = points(3).map((p) => ({ ...p, layer: 'dense_0' }));
        sent.length = 0;
        await store.appendBatch(runId, {
          batchId: 'b0',
          eventCount: 3,
          series: [],
          occurrences: [],
          histograms,
        });
        await store.readHistograms(runId);
        const ours = sent.filter((s) => /HistogramSet/.test(s.query));
        const constants = [Q.READ_HISTOGRAM_SETS, Q.WRITE_HISTOGRAM_SETS, Q.READ_HISTOGRAMS];
        expect(ours.map((s) => constants.indexOf(s.query))).toEqual([0, 1, 2]);
        expect(ours[0]!.params).toEqual({ runId, keys: [{ kind: 'grad', layer: 'dense_0' }] });
        const [row] = ours[1]!.params.rows as { kind: string; layer: string; json: string }[];
        expect(row).toMatchObject({ kind: 'grad', layer: 'dense_0' });
        expect(JSON.parse(row!.json)).toEqual(mergeHistogramPoints([], histograms)[0]);
      } finally {
        await store.close();
      }
    });

    it('survive the store round trip: the same bounded series as the memory store keeps', async () => {
      const runId = uniqueId('hist');
      const neo = await openNeo4jStore(neo4jOptions());
      const mem = await openMemoryStore({ dataDir: null });
      const a = await streamRun(neo, runId, 300);
      const b = await streamRun(mem, runId, 300);
      try {
        const stored = await neo.readHistograms(runId);
        expect(stored.length).toBe(3);
        expect(stored).toEqual(await mem.readHistograms(runId));
        expect(stored[0]!.histograms[5]).toEqual(histogramAt(stored[0]!.steps[5]! + 1));
      } finally {
        await a.close();
        await b.close();
      }
    });
  },
);
