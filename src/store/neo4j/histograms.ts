import neo4j, { type Driver, type QueryResult } from 'neo4j-driver';
import { type HistogramPoint, HistogramSeries } from '../../domain/index.js';
import { histogramKey, mergeHistogramPoints } from '../histogram-bounds.js';

// A run's histograms: one HistogramSet node per (run, layer, kind) holding the
// bounded series as JSON (read back whole for a chart, never queried by its
// parts; histogram-bounds.ts keeps it under ~100 kB).

/** Schema: one HistogramSet per (run, kind, layer). Idempotent. */
export const HISTOGRAM_SCHEMA = [
  'CREATE CONSTRAINT histogram_run_kind_layer IF NOT EXISTS FOR (n:HistogramSet) REQUIRE (n.runId, n.kind, n.layer) IS UNIQUE',
];

/** Inside the batch transaction: the stored series of the given (kind, layer) pairs, one round trip. */
export const READ_HISTOGRAM_SETS = `
UNWIND $keys AS k
MATCH (h:HistogramSet {runId: $runId, kind: k.kind, layer: k.layer})
RETURN h.json AS json`;

/** Inside the batch transaction: writes each (kind, layer) series whole; idempotent per pair. */
export const WRITE_HISTOGRAM_SETS = `
UNWIND $rows AS r
MERGE (h:HistogramSet {runId: $runId, kind: r.kind, layer: r.layer})
SET h.json = r.json`;

/** A run's histogram series by kind, then layer (the constraint's index serves the lookup). */
export const READ_HISTOGRAMS = `
MATCH (h:HistogramSet {runId: $runId})
RETURN h.json AS json
ORDER BY h.kind, h.layer`;

type Run = (query: string, params: Record<string, unknown>) => Promise<QueryResult>;

/**
 * In the batch's transaction: reads the series the points extend, adds the
 * points under the bounds, and writes the changed series back (two round trips).
 *
 * @example await writeHistograms((q, p) => txRun(tx, q, p), 'r1', batch.histograms)
 */
export async function writeHistograms(run: Run, runId: string, points: HistogramPoint[]): Promise<void> {
  if (points.length === 0) return;
  const keys = [...new Map(points.map((p) => [histogramKey(p), { kind: p.kind, layer: p.layer }])).values()];
  const { records } = await run(READ_HISTOGRAM_SETS, { runId, keys });
  const known = records.map((r) => HistogramSeries.parse(JSON.parse(r.get('json') as string)));
  const rows = mergeHistogramPoints(known, points).map((s) => ({
    kind: s.kind,
    layer: s.layer,
    json: JSON.stringify(s),
  }));
  await run(WRITE_HISTOGRAM_SETS, { runId, rows });
}

/** A run's stored histogram series (readHistograms of the port; the caller checks the run exists). */
export async function readHistograms(
  exec: Driver['executeQuery'],
  db: { database: string },
  runId: string,
): Promise<HistogramSeries[]> {
  const { records } = await exec(READ_HISTOGRAMS, { runId }, { ...db, routing: neo4j.routing.READ });
  return records.map((r) => HistogramSeries.parse(JSON.parse(r.get('json') as string)));
}
