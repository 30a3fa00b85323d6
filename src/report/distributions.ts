import type { HistogramSeries } from '../domain/index.js';
import { byLayerThenKind } from './layer-order.js';
import type { Distribution } from './report-data.js';

// 32 rows of ~8 px on a 260 px plot: finer rows would not be told apart.
const ROWS = 32;

/**
 * The weight and gradient distributions over steps (TensorBoard's
 * "distributions" view as a heat map): per (layer, kind), every stored step
 * rebinned onto one value axis of 32 equal rows from the lowest to the
 * highest edge the run saw, each cell the share of that step's values in
 * the row as a percentage of the step's fullest row (so a narrowing or
 * widening spread reads at every step, whatever its peak). Layers in model
 * order, weights before gradients.
 *
 * @example buildDistributions([{ layer: 'd0', kind: 'grad', steps: [0], histograms: [{ edges: [0, 1], counts: [4] }] }], ['d0'])
 */
export function buildDistributions(series: readonly HistogramSeries[], layerOrder: string[]): Distribution[] {
  return series
    .filter((s) => s.steps.length > 0)
    .sort(byLayerThenKind(layerOrder))
    .map((s) => {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const h of s.histograms) {
        lo = Math.min(lo, h.edges[0]!);
        hi = Math.max(hi, h.edges[h.edges.length - 1]!);
      }
      // All values equal at every step: a band around them, so the one row has a height.
      if (!(hi > lo)) {
        const pad = Math.abs(lo) * 0.05 || 0.5;
        lo -= pad;
        hi += pad;
      }
      return {
        layer: s.layer,
        kind: s.kind,
        steps: [...s.steps],
        lo,
        hi,
        shares: s.histograms.map((h) => rebin(h, lo, hi)),
      };
    });
}

/** One histogram on the common axis, as percentages (0–100, whole) of its fullest row; 0 = no value there. */
function rebin(h: { edges: number[]; counts: number[] }, lo: number, hi: number): number[] {
  const rows = new Float64Array(ROWS);
  const height = (hi - lo) / ROWS;
  const rowOf = (v: number) => Math.min(ROWS - 1, Math.max(0, Math.floor((v - lo) / height)));
  h.counts.forEach((count, i) => {
    if (!(count > 0)) return;
    const a = h.edges[i]!;
    const b = h.edges[i + 1]!;
    // A bucket of no width (all its values equal) goes to its row whole.
    if (!(b > a)) {
      rows[rowOf(a)]! += count;
      return;
    }
    // Otherwise spread evenly over the rows it overlaps, as a histogram assumes within a bucket.
    for (let r = rowOf(a); r <= rowOf(b); r++) {
      const overlap = Math.min(b, lo + (r + 1) * height) - Math.max(a, lo + r * height);
      if (overlap > 0) rows[r]! += (count * overlap) / (b - a);
    }
  });
  const peak = Math.max(...rows);
  // A row with any value shows (at least 1): a few outliers must not vanish by rounding.
  return [...rows].map((v) => (peak > 0 && v > 0 ? Math.max(1, Math.round((v / peak) * 100)) : 0));
}
