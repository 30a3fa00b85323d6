import type { Histogram, HistogramPoint, HistogramSeries } from '../domain/index.js';

/**
 * What a store keeps of a run's histograms, per (layer, kind). 100 steps give
 * ~9 px columns on a 900 px chart, finer than a density plot needs; 64
 * buckets are twice what the monitor writes (30) and above what anyone reads
 * off a heat map. So one (layer, kind) holds at most 100 × (65 + 64) ≈ 13k
 * numbers (~100 kB as JSON) however long the run, and a run at most that
 * times 2 kinds times its layers (capped by ingest's maxLayersPerRun).
 */
export const HISTOGRAM_BOUNDS = { maxSteps: 100, maxBuckets: 64 } as const;

/**
 * Adds a batch's histogram points to the series they belong to (`known`
 * holds the stored series of at least those (layer, kind) pairs) and returns
 * the series that changed. Each point is added alone, in order, so the result
 * does not depend on how the points were split into batches: both stores
 * give the same series for the same trace.
 *
 * @example mergeHistogramPoints([], [{ layer: 'd0', kind: 'grad', step: 0, edges: [0, 1], counts: [3] }])
 */
export function mergeHistogramPoints(
  known: readonly HistogramSeries[],
  points: readonly HistogramPoint[],
): HistogramSeries[] {
  const byKey = new Map(known.map((s) => [histogramKey(s), s]));
  const changed = new Map<string, HistogramSeries>();
  for (const p of points) {
    const key = histogramKey(p);
    const from = changed.get(key) ?? byKey.get(key);
    const series = from
      ? { ...from, steps: [...from.steps], histograms: [...from.histograms] }
      : { layer: p.layer, kind: p.kind, steps: [], histograms: [] };
    addPoint(series, p.step, boundBuckets({ edges: p.edges, counts: p.counts }));
    changed.set(key, series);
  }
  return [...changed.values()];
}

/** The key of a (layer, kind) pair. */
export const histogramKey = (s: { layer: string; kind: string }): string => `${s.kind}|${s.layer}`;

// In place. A step read again replaces its histogram; steps stay ascending.
function addPoint(series: HistogramSeries, step: number, h: Histogram): void {
  const { steps, histograms } = series;
  let i = steps.length;
  while (i > 0 && steps[i - 1]! > step) i--;
  if (i > 0 && steps[i - 1] === step) histograms[i - 1] = h;
  else {
    steps.splice(i, 0, step);
    histograms.splice(i, 0, h);
  }
  if (steps.length > HISTOGRAM_BOUNDS.maxSteps) decimate(series);
}

// Drops every other step but the first and the last: the kept steps stay
// spread over the whole run (older ones thinned each time the bound is
// reached again), the latest reading is always there, and halving makes the
// cost amortised O(1) per point.
function decimate(series: HistogramSeries): void {
  const last = series.steps.length - 1;
  const keep = (_: unknown, i: number) => i % 2 === 0 || i === last;
  series.steps = series.steps.filter(keep);
  series.histograms = series.histograms.filter(keep);
}

/**
 * A histogram of at most HISTOGRAM_BOUNDS.maxBuckets buckets: adjacent
 * buckets are summed in equal groups (the last may be smaller), so no count
 * is lost and the outer edges stay.
 *
 * @example boundBuckets({ edges: [0, 1, 2, 3], counts: [1, 2, 3] }) // unchanged under the bound
 */
export function boundBuckets(h: Histogram): Histogram {
  const n = h.counts.length;
  if (n <= HISTOGRAM_BOUNDS.maxBuckets) return { edges: [...h.edges], counts: [...h.counts] };
  const group = Math.ceil(n / HISTOGRAM_BOUNDS.maxBuckets);
  const edges: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i += group) {
    edges.push(h.edges[i]!);
    let sum = 0;
    for (let j = i; j < Math.min(n, i + group); j++) sum += h.counts[j]!;
    counts.push(sum);
  }
  edges.push(h.edges[n]!);
  return { edges, counts };
}
