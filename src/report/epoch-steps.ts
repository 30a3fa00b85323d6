import type { RunEvent, SeriesChunk } from '../domain/index.js';

export interface EpochSteps {
  stepsPerEpoch: number;
  /** True when the steps came from the run's own epoch events, false when estimated. */
  exact: boolean;
  /** The global step at which epoch `e` ended. */
  stepOf(epoch: number): number;
}

/**
 * Places epoch-level values (`epoch.train.loss`, `epoch.val.accuracy`, ...,
 * stored indexed by epoch) on the step axis, so they share a chart with the
 * batch curves and the symptoms' steps. An `epoch.step` series (epoch → its
 * last step) is used when the store has one; otherwise the steps are
 * estimated as ceil(trainSize / batchSize) per epoch, which is what Keras,
 * PyTorch and tfjs loops do with a partial last batch (checked on every
 * sample and fixture), else as the last step spread evenly over the epochs.
 * Returns null for a run without step events: its axis stays in epochs.
 *
 * @example epochSteps(run, series)?.stepOf(2) // 149 for 50 steps per epoch
 */
export function epochSteps(run: RunEvent, series: SeriesChunk[]): EpochSteps | null {
  const exact = series.find((s) => s.key === 'epoch.step');
  const stepSeries = series.filter((s) => !s.key.startsWith('epoch.') && !s.key.startsWith('eval.'));
  const lastStep = Math.max(-1, ...stepSeries.map((s) => s.steps[s.steps.length - 1] ?? -1));
  if (exact && exact.steps.length > 0) {
    const map = new Map(exact.steps.map((e, i) => [e, exact.values[i]!]));
    const perEpoch = (lastStep + 1) / (Math.max(...exact.steps) + 1);
    return {
      stepsPerEpoch: perEpoch,
      exact: true,
      stepOf: (e) => map.get(e) ?? Math.round((e + 1) * perEpoch - 1),
    };
  }
  if (lastStep < 0) return null;
  const trainSize = run.dataset?.trainSize;
  const batchSize = run.batchSize;
  let perEpoch: number;
  if (trainSize && batchSize) perEpoch = Math.ceil(trainSize / batchSize);
  else {
    const epochs = Math.max(
      0,
      ...series.filter((s) => s.key.startsWith('epoch.')).map((s) => s.steps[s.steps.length - 1] ?? 0),
    );
    perEpoch = (lastStep + 1) / (epochs + 1);
  }
  return { stepsPerEpoch: perEpoch, exact: false, stepOf: (e) => Math.round((e + 1) * perEpoch - 1) };
}
