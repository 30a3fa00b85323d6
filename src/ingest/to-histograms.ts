import type { HistogramPoint, TraceEvent } from '../domain/index.js';

/**
 * The weight and gradient histograms a batch's step events carry
 * (`layers.<layer>.weightHistogram` / `gradHistogram`, a format extension),
 * in event order, for the store to keep beside the series.
 *
 * @example toHistograms([{ type: 'step', step: 3, layers: { d0: { gradHistogram: { edges: [0, 1], counts: [2] } } } }])
 */
export function toHistograms(events: readonly TraceEvent[]): HistogramPoint[] {
  const out: HistogramPoint[] = [];
  for (const e of events) {
    if (e.type !== 'step' || !e.layers) continue;
    for (const layer in e.layers) {
      const s = e.layers[layer]!;
      // Validated already (LayerStats): one more edge than counts, counts not negative.
      if (s.weightHistogram)
        out.push({
          layer,
          kind: 'weight',
          step: e.step,
          edges: s.weightHistogram.edges,
          counts: s.weightHistogram.counts,
        });
      if (s.gradHistogram)
        out.push({
          layer,
          kind: 'grad',
          step: e.step,
          edges: s.gradHistogram.edges,
          counts: s.gradHistogram.counts,
        });
    }
  }
  return out;
}
