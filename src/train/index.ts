export { buildModel, createInitializer, ModelBuildError } from './build-model.js';
export { createOptimizer, type TrainingOptimizer } from './create-optimizer.js';
export { type Dataset, exampleSize } from './datasets/dataset.js';
export { generateDataset } from './datasets/generate.js';
export { DataFileError, loadDataFile } from './datasets/load-file.js';
export { type PreparedData, prepareData, type Task } from './datasets/prepare-data.js';
export { createRng, hashString, type Rng } from './datasets/rng.js';
export {
  expandModel,
  freshName,
  type ModelTarget,
  nameLayers,
  outputHead,
  weightedLayers,
} from './expand-model.js';
export { keyPath, loadTemplate, parseTemplate, TemplateError, templateToYaml } from './load-template.js';
export { accuracyOf, labelsOf, lossOf } from './losses.js';
export { createLrSchedule, type LrSchedule } from './lr-schedule.js';
export {
  DataSpec,
  GENERATED_SETS,
  LOSSES,
  Loss,
  ModelSpec,
  OPTIMIZERS,
  OptimizerSpec,
  PRESETS,
  Preprocessing,
  Schedule,
  type TemplateInput,
  TrainingTemplate,
  taskOfLoss,
} from './template.js';
export {
  ACTIVATIONS,
  Activation,
  Initializer,
  isActivationOnly,
  isWeighted,
  LAYER_TYPES,
  Layer,
  type LayerType,
} from './template-layers.js';
export {
  diagnosed,
  type MonitoredRun,
  profileOf,
  type TrainAndDiagnoseOptions,
  trainAndDiagnose,
} from './train-and-diagnose.js';
export {
  type EpochSummary,
  type SplitMetrics,
  type TrainOptions,
  type TrainResult,
  trainTemplate,
} from './train-template.js';
