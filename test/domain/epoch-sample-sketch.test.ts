import { describe, expect, it } from 'vitest';
import { TraceEvent } from '../../src/domain/index.js';

// The `sampleSketch` extension of epoch events (docs/spec/trace-format-extensions.md): each data
// split as the smallest hashes of its examples, so train/validation overlap can be estimated.
describe('epoch events: sampleSketch (format extension)', () => {
  const sketch = { examples: 1024, hashed: 1024, hashes: ['00eedd37b01104a9', '010c35dd1ae89eb2'] };

  it('accepts a sketch per split and keeps it', () => {
    const epoch = {
      type: 'epoch',
      epoch: 1,
      step: 63,
      sampleSketch: { train: sketch, val: { ...sketch, examples: 256 } },
    };
    expect(TraceEvent.parse(epoch)).toEqual(epoch);
  });

  it('refuses hashes that are not hexadecimal strings and a negative example count', () => {
    for (const bad of [
      { ...sketch, hashes: [12] },
      { ...sketch, hashes: ['not hex'] },
      { ...sketch, examples: -1 },
    ]) {
      expect(TraceEvent.safeParse({ type: 'epoch', epoch: 0, sampleSketch: { train: bad } }).success).toBe(
        false,
      );
    }
  });
});
