import {
  accuracyAtChance,
  lossDivergence,
  lossNan,
  lossNotDecreasing,
  lossOscillation,
  overfitting,
  predictionCollapse,
  slowConvergence,
  underfitting,
} from './curve-checks.js';
import {
  deadUnits,
  explodingGradients,
  explodingWeights,
  saturatedActivations,
  unchangedWeights,
  vanishingGradients,
} from './layer-checks.js';
import { inputScaleAnomaly, labelImbalance, outputLossMismatch } from './setup-checks.js';
import type { TraceFacts } from './trace-facts.js';
import type { Verdict } from './verdict.js';
import type { SymptomId } from './vocabulary.js';

export type { Verdict } from './verdict.js';

/** One numeric check per vocabulary symptom. */
export const SYMPTOM_CHECKS: Record<SymptomId, (f: TraceFacts) => Verdict> = {
  loss_nan: lossNan,
  loss_divergence: lossDivergence,
  exploding_gradients: explodingGradients,
  vanishing_gradients: vanishingGradients,
  dead_units: deadUnits,
  saturated_activations: saturatedActivations,
  unchanged_weights: unchangedWeights,
  loss_not_decreasing: lossNotDecreasing,
  slow_convergence: slowConvergence,
  loss_oscillation: lossOscillation,
  accuracy_at_chance: accuracyAtChance,
  prediction_collapse: predictionCollapse,
  overfitting,
  underfitting,
  exploding_weights: explodingWeights,
  input_scale_anomaly: inputScaleAnomaly,
  label_imbalance: labelImbalance,
  output_loss_mismatch: outputLossMismatch,
};
