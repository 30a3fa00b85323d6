import type { SeriesChunk, TraceEvent } from '../domain/index.js';

/**
 * Turns a batch of events into one chunk per series key, so the store keeps
 * time series as chunked lists, never one node per point. Keys:
 * `loss`, `learningRate`, `gradNorm`, `time`, `metrics.<m>`, `layers.<layer>.<stat>`,
 * `epoch.train.<m>` / `epoch.val.<m>` and `epoch.step` (indexed by epoch), `eval.<split>.<m>`.
 * Chunks come in the order their keys first appear.
 */
export function toSeries(events: TraceEvent[]): SeriesChunk[] {
  const chunks = new Map<string, SeriesChunk>();
  const chunkOf = (key: string) => {
    let c = chunks.get(key);
    if (!c) {
      c = { key, steps: [], values: [] };
      chunks.set(key, c);
    }
    return c;
  };
  const add = (key: string, step: number, value: unknown) => {
    if (typeof value !== 'number') return;
    const c = chunkOf(key);
    c.steps.push(step);
    c.values.push(value);
  };
  // Ingest hot path: a step with 10 layers carries ~130 values. Building the
  // key `layers.<layer>.<stat>` per value (and Object.entries per object) cost
  // more than the detectors; look chunks up by (layer, stat) names instead,
  // building each key once per batch. A recorder writes a layer's stats with
  // the same keys in the same order every time, so each layer remembers the
  // stat names by position and finds a value's chunk with one string
  // comparison; a name out of place falls back to the lookup by name.
  // Same keys, same chunks, same order.
  const byMetric = new Map<string, SeriesChunk>();
  const byLayer = new Map<string, LayerColumns>();
  for (const e of events) {
    if (e.type === 'step') {
      const step = e.step;
      add('loss', step, e.loss);
      add('learningRate', step, e.learningRate);
      add('gradNorm', step, e.gradNorm);
      // When the step was written (epoch ms, a format extension): the dashboard's wall-time axis.
      add('time', step, e.time);
      const metrics = e.metrics as Record<string, unknown> | undefined;
      for (const m in metrics) {
        const v = metrics[m];
        if (typeof v !== 'number') continue;
        let c = byMetric.get(m);
        if (!c) {
          c = chunkOf(`metrics.${m}`);
          byMetric.set(m, c);
        }
        c.steps.push(step);
        c.values.push(v);
      }
      const layers = e.layers;
      for (const layer in layers) {
        let cols = byLayer.get(layer);
        if (!cols) {
          cols = { names: [], chunks: [], byName: new Map() };
          byLayer.set(layer, cols);
        }
        const { names, chunks: at, byName } = cols;
        const s = layers[layer] as Record<string, unknown>;
        let i = 0;
        for (const stat in s) {
          const v = s[stat];
          const slot = i++;
          // Not a number: no point, and no chunk for it (as before).
          if (typeof v !== 'number') continue;
          let c = at[slot];
          if (names[slot] !== stat) {
            c = byName.get(stat);
            if (!c) {
              c = chunkOf(`layers.${layer}.${stat}`);
              byName.set(stat, c);
            }
            names[slot] = stat;
            at[slot] = c;
          }
          c!.steps.push(step);
          c!.values.push(v);
        }
      }
    } else if (e.type === 'epoch') {
      for (const [m, v] of Object.entries(e.train ?? {})) add(`epoch.train.${m}`, e.epoch, v);
      for (const [m, v] of Object.entries(e.val ?? {})) add(`epoch.val.${m}`, e.epoch, v);
      // The step each epoch ended at, so plots can put epoch curves on the step axis exactly.
      if (e.step !== undefined) add('epoch.step', e.epoch, e.step);
    } else if (e.type === 'eval') {
      for (const [m, v] of Object.entries(e.metrics)) add(`eval.${e.split}.${m}`, e.step ?? 0, v);
    }
  }
  return [...chunks.values()];
}

/** A layer's stat chunks, remembered by the position of their names in the last stats object seen. */
interface LayerColumns {
  names: string[];
  chunks: SeriesChunk[];
  byName: Map<string, SeriesChunk>;
}
