import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { toSeries } from '../../src/ingest/to-series.js';
import { eventsOf } from '../generators/index.js';
import { createRng } from '../generators/rng.js';

/** The rule of toSeries written plainly: one key per value, chunks in the order keys first appear. */
function reference(events: TraceEvent[]) {
  const chunks = new Map<string, { key: string; steps: number[]; values: number[] }>();
  const add = (key: string, step: number, v: unknown) => {
    if (typeof v !== 'number') return;
    if (!chunks.has(key)) chunks.set(key, { key, steps: [], values: [] });
    chunks.get(key)!.steps.push(step);
    chunks.get(key)!.values.push(v);
  };
  for (const e of events) {
    if (e.type === 'step') {
      add('loss', e.step, e.loss);
      add('learningRate', e.step, e.learningRate);
      add('gradNorm', e.step, e.gradNorm);
      for (const [m, v] of Object.entries(e.metrics ?? {})) add(`metrics.${m}`, e.step, v);
      for (const [layer, s] of Object.entries(e.layers ?? {}))
        for (const [stat, v] of Object.entries(s as object)) add(`layers.${layer}.${stat}`, e.step, v);
    } else if (e.type === 'epoch') {
      for (const [m, v] of Object.entries(e.train ?? {})) add(`epoch.train.${m}`, e.epoch, v);
      for (const [m, v] of Object.entries(e.val ?? {})) add(`epoch.val.${m}`, e.epoch, v);
      if (e.step !== undefined) add('epoch.step', e.epoch, e.step);
    } else if (e.type === 'eval') {
      for (const [m, v] of Object.entries(e.metrics)) add(`eval.${e.split}.${m}`, e.step ?? 0, v);
    }
  }
  return [...chunks.values()];
}

describe('toSeries', () => {
  it('gives the plain rule’s chunks when layer stats change key order, drop keys or hold non-numbers', () => {
    const rand = createRng(11).next;
    const events = eventsOf({ id: 'r', seed: 5, steps: 400, statsEvery: 3, end: false }).slice(1);
    // Another recorder's habits, mixed within one batch: keys reordered, some missing, some null.
    for (const e of events) {
      if (e.type !== 'step' || !e.layers) continue;
      for (const [name, stats] of Object.entries(e.layers)) {
        const entries = Object.entries(stats as object).filter(() => rand() > 0.1);
        if (rand() < 0.3) entries.reverse();
        if (rand() < 0.1) entries.push(['extraStat', rand() < 0.5 ? null : rand()]);
        (e.layers as Record<string, unknown>)[name] = Object.fromEntries(entries);
      }
    }
    for (let from = 0; from < events.length; from += 97) {
      const batch = events.slice(from, from + 97);
      expect(toSeries(batch)).toEqual(reference(batch));
    }
  });
});
