import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TraceEvent } from '../../src/domain/index.js';
import { isPlainStep } from '../../src/trace/fast-step-check.js';

// The `training` extension of step events (docs/spec/trace-format-extensions.md): whether the
// model was in training mode, so "model.eval() never restored" can be seen in a trace.
describe('step events: training (format extension)', () => {
  it('accepts a boolean training flag and keeps it, in the schema and the fast step check alike', () => {
    for (const training of [true, false]) {
      const step = { type: 'step', step: 10, loss: 1, training };
      expect(TraceEvent.parse(step)).toEqual(step);
      expect(isPlainStep(step)).toBe(true);
    }
  });

  it('refuses a training flag that is not a boolean', () => {
    for (const training of ['eval', 0, null]) {
      const step = { type: 'step', step: 10, loss: 1, training };
      expect(TraceEvent.safeParse(step).success).toBe(false);
      expect(isPlainStep(step)).toBe(false);
    }
  });

  it('is in the JSON Schema the server publishes (generated from the same zod schemas)', () => {
    const text = JSON.stringify(z.toJSONSchema(TraceEvent, { io: 'input', unrepresentable: 'any' }));
    expect(text).toContain('"training":{"type":"boolean"');
  });
});
