import { describe, expect, it } from 'vitest';
import { createSequenceState, TraceError, validateEvent } from '../../src/trace/index.js';

const RUN = { type: 'run', formatVersion: 1, id: 'r' };
const check = (event: object) => {
  const state = createSequenceState();
  validateEvent(RUN, { line: 1 }, state);
  return validateEvent(event, { line: 2 }, state);
};

describe('value ranges the trace format defines', () => {
  it.each([
    [
      'layers.d.deadFraction',
      { type: 'step', step: 0, layers: { d: { deadFraction: 7 } } },
      /between 0 and 1/,
    ],
    [
      'layers.d.saturatedFraction',
      { type: 'step', step: 0, layers: { d: { saturatedFraction: -3 } } },
      /between 0 and 1/,
    ],
    ['gradNorm', { type: 'step', step: 0, gradNorm: -5 }, /0 or more/],
    ['layers.d.weightNorm', { type: 'step', step: 0, layers: { d: { weightNorm: -1 } } }, /0 or more/],
    ['learningRate', { type: 'step', step: 0, learningRate: -0.01 }, /0 or more/],
  ])('refuses %s out of range, naming the line and the field', (field, event, message) => {
    let err: unknown;
    try {
      check(event);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceError);
    expect((err as TraceError).field).toBe(field);
    expect((err as TraceError).message).toMatch(/line 2/);
    expect((err as TraceError).message).toMatch(message);
  });

  it('keeps the non-finite values a blown-up run writes', () => {
    const e = check({
      type: 'step',
      step: 0,
      learningRate: Number.NaN,
      gradNorm: Number.POSITIVE_INFINITY,
      layers: { d: { gradNorm: Number.NaN, deadFraction: Number.NaN, weightMean: -0.2 } },
    });
    expect(e.type).toBe('step');
  });

  it('refuses a negative learning rate in the run event too', () => {
    const state = createSequenceState();
    expect(() =>
      validateEvent({ ...RUN, optimizer: { name: 'sgd', learningRate: -1 } }, { line: 1 }, state),
    ).toThrow(/optimizer\.learningRate/);
  });
});
