import { describe, expect, it } from 'vitest';
import { detectEvents } from '../../src/detect/index.js';
import { eventsOf } from '../generators/index.js';
import { readSample } from '../support/samples.js';
import { profileValues } from './harness.js';

describe('missing signals in a diagnosis', () => {
  it('names the layer statistics a loss-only trace lacks', async () => {
    const { missingSignals } = detectEvents(eventsOf({ statsEvery: 0 }), await profileValues());
    expect(missingSignals).toEqual(
      expect.arrayContaining(['layers.gradNorm', 'layers.weightNorm', 'layers.deadFraction']),
    );
    expect(missingSignals).not.toContain('loss');
  });

  it('does not ask for batch losses when epoch losses carry them', async () => {
    const events = eventsOf({}).filter((e) => e.type !== 'step');
    const { missingSignals } = detectEvents(events, await profileValues());
    expect(missingSignals).not.toContain('loss');
    expect(missingSignals).not.toContain('metrics.accuracy');
  });

  it('does not ask a ReLU net for saturation shares, nor a tanh net for dead-unit shares', async () => {
    const relu = detectEvents(await readSample('keras-healthy-digits-mlp128'), await profileValues());
    expect(relu.missingSignals).not.toContain('layers.saturatedFraction');
    const tanh = detectEvents(await readSample('pytorch-healthy-blobs-tanh'), await profileValues());
    expect(tanh.missingSignals).not.toContain('layers.deadFraction');
    expect(tanh.missingSignals).toEqual([]);
  });
});
