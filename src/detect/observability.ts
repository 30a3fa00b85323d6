import type { ChanceFacts } from './chance-known.js';
import type { Signal } from './detector.js';

/**
 * Which recorded signals let a detector see each symptom (any one is enough).
 * The reasoner uses it for negative evidence: a symptom is "clearly absent"
 * only when the run carried what would have shown it. Symptoms of user
 * seeds that are not listed here are never counted as absent.
 */
const REVEALED_BY: Record<
  string,
  {
    signals: Signal[];
    when: 'start' | 'end';
    given?: string;
    unless?: string;
    /** Also settled, whatever the run's end, once this symptom is shown (it judged the same signal). */
    settledBy?: string;
    /** Judged against a chance level the run's description must give (see chance-known.ts). */
    needs?: keyof ChanceFacts;
  }
> = {
  // Dynamic: judged only once the run has ended (a live run may still show them).
  loss_nan: { signals: ['loss', 'epoch.train.loss'], when: 'end' },
  // A loss that went non-finite without growing first was watched up to that point and did not run away.
  loss_divergence: {
    signals: ['loss', 'epoch.train.loss'],
    when: 'end',
    settledBy: 'loss_non_finite_without_growth',
  },
  loss_not_decreasing: { signals: ['loss', 'epoch.train.loss'], when: 'end' },
  slow_convergence: { signals: ['loss', 'epoch.train.loss'], when: 'end' },
  loss_oscillation: { signals: ['loss'], when: 'end' },
  exploding_gradients: { signals: ['gradNorm', 'layers.gradNorm'], when: 'end' },
  vanishing_gradients: { signals: ['layers.gradNorm'], when: 'end' },
  dead_units: { signals: ['layers.deadFraction', 'layers.zeroGradFraction'], when: 'end' },
  saturated_activations: { signals: ['layers.saturatedFraction'], when: 'end' },
  // Judged on trainable layers only (weights.ts): beside layers declared frozen, whose weights
  // nothing watches, its absence says nothing about them.
  unchanged_weights: {
    signals: ['layers.weightNorm', 'layers.updateRatio'],
    when: 'end',
    unless: 'frozen_layers',
  },
  exploding_weights: { signals: ['layers.weightNorm'], when: 'end' },
  updates_too_small: { signals: ['layers.updateRatio'], when: 'end' },
  non_finite_tensors: { signals: ['layers.nanCount', 'layers.gradNorm', 'layers.weightNorm'], when: 'end' },
  // Both compare with what guessing scores: without a class count (or label statistics) nothing was judged.
  accuracy_at_chance: {
    signals: ['metrics.accuracy', 'epoch.train.accuracy', 'epoch.val.accuracy'],
    when: 'end',
    needs: 'classes',
  },
  prediction_collapse: { signals: ['eval.predictedClassCounts', 'eval.confusion'], when: 'end' },
  overfitting: { signals: ['epoch.val.loss'], when: 'end' },
  underfitting: { signals: ['epoch.train.loss'], when: 'end', needs: 'baseline' },
  // Judged at the first non-finite loss, so seen (or clearly absent) exactly when the loss went non-finite.
  // Per-step losses only: an epoch log whose first row is already non-finite hides the steps that may have
  // climbed (the rule does not judge it), so there its absence says nothing.
  loss_non_finite_without_growth: { signals: ['loss'], when: 'start', given: 'loss_nan' },
  train_accuracy_below_val: { signals: ['epoch.val.accuracy'], when: 'end' },
  // Static and data findings: settled by the run event.
  input_scale_anomaly: { signals: ['dataset.inputStats'], when: 'start' },
  input_nan: { signals: ['dataset.inputStats'], when: 'start' },
  label_imbalance: { signals: ['dataset.classCounts'], when: 'start' },
  output_loss_mismatch: { signals: ['model.layers'], when: 'start' },
  loss_task_mismatch: { signals: ['model.layers'], when: 'start' },
  saturating_hidden_activation: { signals: ['model.layers'], when: 'start' },
  missing_normalization_layers: { signals: ['model.layers'], when: 'start' },
  deep_plain_network: { signals: ['model.layers'], when: 'start' },
  symmetric_initialization: { signals: ['model.layers'], when: 'start' },
  bottleneck_layer: { signals: ['model.layers'], when: 'start' },
  linear_model: { signals: ['model.layers'], when: 'start' },
  frozen_layers: { signals: ['model.layers'], when: 'start' },
  output_units_mismatch: { signals: ['model.layers'], when: 'start' },
  learning_rate_above_range: { signals: ['optimizer'], when: 'start' },
  learning_rate_below_range: { signals: ['optimizer'], when: 'start' },
  learning_rate_not_finite: { signals: ['optimizer'], when: 'start' },
  zero_learning_rate: { signals: ['optimizer'], when: 'start' },
  batch_size_below_range: { signals: ['batchSize'], when: 'start' },
};

// A run that blew up stopped telling us anything: what it did not show later says nothing.
const TERMINAL = new Set(['loss_nan', 'non_finite_tensors', 'loss_divergence']);

/**
 * The symptoms this run could have shown, given its signals, whether it ended,
 * and how; `chance` says which chance levels its description gives (unknown:
 * all, as before it was asked).
 */
export function observableSymptoms(
  seen: ReadonlySet<Signal>,
  ended: boolean,
  shown: ReadonlySet<string>,
  chance?: ChanceFacts,
): string[] {
  const terminal = [...shown].some((id) => TERMINAL.has(id));
  return Object.entries(REVEALED_BY)
    .filter(
      ([, r]) =>
        (r.given === undefined || shown.has(r.given)) &&
        (r.unless === undefined || !shown.has(r.unless)) &&
        (r.needs === undefined || chance === undefined || chance[r.needs]) &&
        (r.when === 'start' ||
          (ended && !terminal) ||
          (r.settledBy !== undefined && shown.has(r.settledBy))) &&
        r.signals.some((s) => seen.has(s)),
    )
    .map(([id]) => id)
    .sort();
}

/**
 * The symptoms a signal lets a detector see (the inverse of REVEALED_BY): what
 * recording it would add to a diagnosis.
 *
 * @example symptomsRevealedBy('layers.gradNorm') // ['exploding_gradients', 'non_finite_tensors', 'vanishing_gradients']
 */
export function symptomsRevealedBy(signal: Signal): string[] {
  return Object.entries(REVEALED_BY)
    .filter(([, r]) => r.signals.includes(signal))
    .map(([id]) => id)
    .sort();
}
