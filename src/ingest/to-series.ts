import type { TraceEvent } from '../domain/index.js';
import type { SeriesChunk } from '../store/index.js';

/**
 * Turns a batch of events into one chunk per series key, so the store keeps
 * time series as chunked lists, never one node per point. Keys:
 * `loss`, `learningRate`, `gradNorm`, `metrics.<m>`, `layers.<layer>.<stat>`,
 * `epoch.train.<m>` / `epoch.val.<m>` (indexed by epoch), `eval.<split>.<m>`.
 */
export function toSeries(events: TraceEvent[]): SeriesChunk[] {
  const chunks = new Map<string, SeriesChunk>();
  const add = (key: string, step: number, value: unknown) => {
    if (typeof value !== 'number') return;
    let c = chunks.get(key);
    if (!c) {
      c = { key, steps: [], values: [] };
      chunks.set(key, c);
    }
    c.steps.push(step);
    c.values.push(value);
  };
  for (const e of events) {
    if (e.type === 'step') {
      add('loss', e.step, e.loss);
      add('learningRate', e.step, e.learningRate);
      add('gradNorm', e.step, e.gradNorm);
      for (const [m, v] of Object.entries(e.metrics ?? {})) add(`metrics.${m}`, e.step, v);
      for (const [layer, stats] of Object.entries(e.layers ?? {})) {
        for (const [stat, v] of Object.entries(stats)) add(`layers.${layer}.${stat}`, e.step, v);
      }
    } else if (e.type === 'epoch') {
      for (const [m, v] of Object.entries(e.train ?? {})) add(`epoch.train.${m}`, e.epoch, v);
      for (const [m, v] of Object.entries(e.val ?? {})) add(`epoch.val.${m}`, e.epoch, v);
    } else if (e.type === 'eval') {
      for (const [m, v] of Object.entries(e.metrics)) add(`eval.${e.split}.${m}`, e.step ?? 0, v);
    }
  }
  return [...chunks.values()];
}
