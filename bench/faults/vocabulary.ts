// The fixed ids of docs/spec/vocabulary.md (test/faults checks these lists against that file).

export const CAUSE_IDS = [
  'learning_rate_too_high',
  'learning_rate_too_low',
  'poor_weight_initialization',
  'unnormalized_inputs',
  'saturating_activation',
  'missing_normalization',
  'network_too_deep',
  'wrong_loss_function',
  'wrong_output_activation',
  'noisy_labels',
  'class_imbalance',
  'insufficient_capacity',
  'insufficient_regularization',
  'insufficient_data',
  'batch_size_too_small',
  'weights_not_updating',
  'dying_relu',
  'numerical_instability',
  'bad_input_data',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

export const SYMPTOM_IDS = [
  'loss_nan',
  'loss_divergence',
  'exploding_gradients',
  'vanishing_gradients',
  'dead_units',
  'saturated_activations',
  'unchanged_weights',
  'loss_not_decreasing',
  'slow_convergence',
  'loss_oscillation',
  'accuracy_at_chance',
  'prediction_collapse',
  'overfitting',
  'underfitting',
  'exploding_weights',
  'input_scale_anomaly',
  'label_imbalance',
  'output_loss_mismatch',
] as const;
export type SymptomId = (typeof SYMPTOM_IDS)[number];

/** What a healthy run is labelled with instead of a cause. */
export const HEALTHY = 'healthy';
