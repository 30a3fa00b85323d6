import type { HistogramSeries } from '../domain/index.js';
import { byLayerThenKind } from './layer-order.js';

/** A histogram in three numbers: its median and the range holding its middle 90%. */
export interface Spread {
  step: number;
  p05: number;
  median: number;
  p95: number;
}

/** One layer's histograms of one kind, as a text report can give them: the first and latest spread. */
export interface DistributionSummary {
  layer: string;
  kind: 'weight' | 'grad';
  count: number;
  first: Spread;
  last: Spread;
}

/**
 * The weight and gradient histograms in numbers, for reports without a heat
 * map (Markdown): per layer and kind, in model order, weights first, the
 * spread at the first and the latest stored step. A spread that widens by
 * orders of magnitude or collapses onto zero reads from two rows of a table.
 *
 * @example summariseDistributions([{ layer: 'd0', kind: 'grad', steps: [0], histograms: [{ edges: [0, 1], counts: [4] }] }], ['d0'])
 * // [{ layer: 'd0', kind: 'grad', count: 1, first: { step: 0, p05: 0.05, median: 0.5, p95: 0.95 }, last: ... }]
 */
export function summariseDistributions(
  series: readonly HistogramSeries[],
  layerOrder: string[],
): DistributionSummary[] {
  // A histogram with no value counted has no spread; a series of only such histograms is left out.
  return [...series].sort(byLayerThenKind(layerOrder)).flatMap((s) => {
    const spreads = s.histograms.flatMap((h, i) => (total(h.counts) > 0 ? [spread(s.steps[i]!, h)] : []));
    return spreads.length
      ? [{ layer: s.layer, kind: s.kind, count: spreads.length, first: spreads[0]!, last: spreads.at(-1)! }]
      : [];
  });
}

function spread(step: number, h: { edges: number[]; counts: number[] }): Spread {
  return { step, p05: quantile(h, 0.05), median: quantile(h, 0.5), p95: quantile(h, 0.95) };
}

/** The q-quantile of a bucketed histogram, values spread evenly within a bucket (as a histogram assumes). */
function quantile(h: { edges: number[]; counts: number[] }, q: number): number {
  const target = q * total(h.counts);
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (c > 0 && seen + c >= target) {
      const lo = h.edges[i]!;
      const hi = h.edges[i + 1]!;
      return lo + ((target - seen) / c) * (hi - lo);
    }
    seen += c;
  }
  return h.edges[h.edges.length - 1]!;
}

const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
