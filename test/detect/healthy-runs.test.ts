import { describe, expect, it } from 'vitest';
import { eventsOf, healthyLayerRuns, type SyntheticOptions } from '../generators/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { detect, epochOnly } from './harness.js';

// The whole detector set (every family at once) on healthy runs: a false
// alarm here destroys trust in everything else traindx says.
// `info` findings are advice about the setup (e.g. 9 weighted layers and no
// normalisation), not failure symptoms; everything else must stay silent.
const failures = async (events: Parameters<typeof detect>[0]) =>
  (await detect(events)).filter((o) => o.severity !== 'info');

// The generator writes a tfjs-style run event; PyTorch layouts end in a linear layer fed to a logits loss.
const coherent = (options: SyntheticOptions): SyntheticOptions =>
  options.layers?.some((l) => l.type === 'Activation')
    ? { ...options, run: { framework: 'pytorch', fromLogits: true } }
    : options;

describe('all detectors on healthy runs', () => {
  it.each(healthyLayerRuns([1, 2, 3, 4, 5]).map((r) => [r.name, r.options] as const))(
    'find nothing in %s',
    async (_name, options) => {
      expect(await failures(eventsOf(coherent(options)))).toEqual([]);
    },
  );

  it.each(healthyLayerRuns([1, 2]).map((r) => [r.name, r.options] as const))(
    'find nothing in %s with only epoch events (no step events)',
    async (_name, options) => {
      const events = epochOnly(eventsOf(coherent(options)));
      expect(await failures(events)).toEqual([]);
    },
  );

  it.each([1, 2, 3])(
    'find nothing in a run with 1000-batch epochs that learns over its first epochs (seed %i)',
    async (seed) => {
      const options = { seed, steps: 10_000, stepsPerEpoch: 1000, tau: 5000, noise: 0.15 };
      expect(await failures(eventsOf(options))).toEqual([]);
    },
  );

  it.each(HEALTHY_SAMPLES)('find nothing in the recorded healthy sample %s', async (name) => {
    expect(await failures(await readSample(name))).toEqual([]);
  });
});
