import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LayerStats, TraceEvent } from '../../src/domain/index.js';
import { toSeries } from '../../src/ingest/to-series.js';
import { isPlainStep } from '../../src/trace/fast-step-check.js';

// The format extensions of docs/spec/trace-format-extensions.md for the dashboard's chart controls:
// an optional `time` on every event and optional histograms in layer statistics.
describe('trace events: time and histograms (format extension)', () => {
  it('accepts an optional time (epoch ms) on every kind of event', () => {
    const time = 1_765_000_000_000;
    const events = [
      { type: 'run', formatVersion: 1, id: 'r', time },
      { type: 'step', step: 0, loss: 1, time },
      { type: 'epoch', epoch: 0, time },
      { type: 'eval', split: 'test', metrics: { accuracy: 0.5 }, time },
      { type: 'end', status: 'completed', time },
    ];
    for (const e of events) expect(TraceEvent.parse(e).time).toBe(time);
  });

  it('refuses a time that is not a non-negative number, in the schema and the fast step check alike', () => {
    for (const time of [-1, 'yesterday']) {
      const step = { type: 'step', step: 0, loss: 1, time };
      expect(TraceEvent.safeParse(step).success).toBe(false);
      expect(isPlainStep(step)).toBe(false);
    }
  });

  it('accepts weight and gradient histograms with one more edge than counts, and refuses others', () => {
    const h = { edges: [-1, 0, 1], counts: [3, 5] };
    expect(LayerStats.parse({ gradNorm: 1, weightHistogram: h, gradHistogram: h })).toMatchObject({
      weightHistogram: h,
      gradHistogram: h,
    });
    expect(LayerStats.safeParse({ weightHistogram: { edges: [0, 1], counts: [1, 2] } }).success).toBe(false);
    expect(LayerStats.safeParse({ gradHistogram: { edges: [0, 1], counts: [-1] } }).success).toBe(false);
  });

  it('keeps old traces valid: every event of the shipped samples (no time, no histograms) still parses', () => {
    const text = readFileSync('examples/samples/keras-sgd-lr3-wine.jsonl', 'utf8');
    const lines = text.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const raw = JSON.parse(line);
      expect(raw.time).toBeUndefined();
      expect(TraceEvent.safeParse(raw).success).toBe(true);
    }
  });

  it('keeps the steps’ times as the run’s time series (the wall-time axis), and nothing for a trace without them', () => {
    const steps = [0, 1, 2].map((step) =>
      TraceEvent.parse({ type: 'step', step, loss: 1, time: 1000 + step * 50 }),
    );
    expect(toSeries(steps).find((c) => c.key === 'time')).toEqual({
      key: 'time',
      steps: [0, 1, 2],
      values: [1000, 1050, 1100],
    });
    const untimed = [0, 1].map((step) => TraceEvent.parse({ type: 'step', step, loss: 1 }));
    expect(toSeries(untimed).map((c) => c.key)).toEqual(['loss']);
  });

  it('are in the JSON Schema the server publishes (generated from the same zod schemas)', () => {
    const text = JSON.stringify(z.toJSONSchema(TraceEvent, { io: 'input', unrepresentable: 'any' }));
    for (const field of ['"time"', '"weightHistogram"', '"gradHistogram"', '"edges"', '"counts"'])
      expect(text).toContain(field);
  });
});
