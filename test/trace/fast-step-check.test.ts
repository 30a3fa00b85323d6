import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StepEvent } from '../../src/domain/index.js';
import { isPlainStep } from '../../src/trace/fast-step-check.js';

const number = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.integer());
const anything = fc.oneof(number, fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const stats = fc.record(
  {
    gradNorm: fc.oneof(number, anything),
    weightNorm: number,
    deadFraction: fc.oneof(number, fc.string()),
    nanCount: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.string()),
    extra: anything,
  },
  { requiredKeys: [] },
);
const step = fc.record(
  {
    type: fc.oneof(fc.constant('step'), fc.constant('epoch')),
    step: fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 }), fc.double(), fc.string()),
    epoch: fc.oneof(fc.nat(), fc.double(), fc.constant(undefined)),
    loss: fc.oneof(number, fc.string(), fc.constant(undefined)),
    gradNorm: fc.oneof(number, fc.constant(undefined)),
    metrics: fc.oneof(fc.dictionary(fc.string(), fc.oneof(number, fc.string())), fc.constant(undefined)),
    layers: fc.oneof(fc.dictionary(fc.string(), stats), fc.constant(undefined), fc.constant([])),
    custom: anything,
  },
  { requiredKeys: ['type', 'step'] },
);

describe('the fast step check', () => {
  it('accepts only what the StepEvent schema accepts, and the schema returns it unchanged', () => {
    fc.assert(
      fc.property(step, (raw) => {
        const plain = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        if (!isPlainStep(plain)) return;
        const parsed = StepEvent.safeParse(plain);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(plain);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts the plain steps of real traces', () => {
    expect(
      isPlainStep({
        type: 'step',
        step: 3,
        loss: 0.5,
        metrics: { accuracy: 0.5 },
        layers: { d: { gradNorm: 1, nanCount: 0 } },
      }),
    ).toBe(true);
    expect(isPlainStep({ type: 'step', step: 3, loss: Number.NaN })).toBe(true);
    expect(isPlainStep({ type: 'step', step: 3.5 })).toBe(false);
    expect(isPlainStep({ type: 'step', step: 3, layers: { d: { gradNorm: '1' } } })).toBe(false);
  });
});
