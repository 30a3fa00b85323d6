import { z } from 'zod';
import { AnyNumber, Count, Fraction, Magnitude, Metrics } from './numbers.js';

// Shapes of trace format v1 (docs/spec/trace-format.md). Objects are
// loose: unknown keys are kept so writers may add fields and nothing is lost
// when a trace is read and written back.

// Optional histogram of a layer's weights or gradients at one step (an extension of format
// version 1: docs/spec/trace-format-extensions.md): `counts[i]` values fell in
// [edges[i], edges[i + 1]), so there is one more edge than counts.
export const Histogram = z
  .looseObject({
    edges: z.array(z.number()).min(2),
    counts: z.array(z.number().nonnegative()),
  })
  .refine((h) => h.edges.length === h.counts.length + 1, {
    message: 'a histogram has one more edge than counts',
  });
export type Histogram = z.infer<typeof Histogram>;

/**
 * When an event was written, in milliseconds since the Unix epoch (an extension of format
 * version 1: docs/spec/trace-format-extensions.md). Optional on every event, so traces written
 * before it stay valid; it gives the dashboard its wall-time axis.
 */
export const EventTime = z.number().nonnegative().optional();

export const LayerInfo = z.looseObject({
  name: z.string().min(1),
  type: z.string().optional(),
  activation: z.string().optional(),
  units: Count.optional(),
  params: Count.optional(),
  trainable: z.boolean().optional(),
  kernelInitializer: z.string().optional(),
  biasInitializer: z.string().optional(),
  outputShape: z.array(z.number().int().nullable()).optional(),
});
export type LayerInfo = z.infer<typeof LayerInfo>;

export const ModelInfo = z.looseObject({
  params: Count.optional(),
  trainableParams: Count.optional(),
  layers: z.array(LayerInfo).default([]),
  /** Weights loaded before the first step: a fine-tuning run (extension: trace-format-extensions.md). */
  pretrained: z.boolean().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const OptimizerInfo = z.looseObject({
  name: z.string(),
  learningRate: Magnitude.optional(),
  momentum: AnyNumber.optional(),
  weightDecay: AnyNumber.optional(),
  clipNorm: AnyNumber.optional(),
});
export type OptimizerInfo = z.infer<typeof OptimizerInfo>;

export const ValueStats = z.looseObject({
  mean: AnyNumber.optional(),
  std: AnyNumber.optional(),
  min: AnyNumber.optional(),
  max: AnyNumber.optional(),
  nanCount: z.number().nonnegative().optional(),
});
export type ValueStats = z.infer<typeof ValueStats>;

export const DatasetInfo = z.looseObject({
  trainSize: Count.optional(),
  valSize: Count.optional(),
  numClasses: Count.optional(),
  classCounts: z.array(z.number().nonnegative()).optional(),
  /** classCounts are of a sample of the training labels (one batch), not all of them. */
  classCountsSampled: z.boolean().optional(),
  inputStats: ValueStats.optional(),
  labelStats: ValueStats.optional(),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

export const RunEvent = z.looseObject({
  type: z.literal('run'),
  time: EventTime,
  formatVersion: z.literal(1),
  id: z.string().min(1),
  name: z.string().optional(),
  framework: z.string().optional(),
  task: z.string().optional(),
  parentRunId: z.string().optional(),
  appliedRemedies: z.array(z.string()).optional(),
  model: ModelInfo.optional(),
  optimizer: OptimizerInfo.optional(),
  loss: z.string().optional(),
  fromLogits: z.boolean().optional(),
  batchSize: Count.optional(),
  epochs: Count.optional(),
  dataset: DatasetInfo.optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export type RunEvent = z.infer<typeof RunEvent>;

export const LayerStats = z.looseObject({
  gradNorm: Magnitude.optional(),
  gradMean: AnyNumber.optional(),
  gradStd: Magnitude.optional(),
  gradMaxAbs: Magnitude.optional(),
  weightNorm: Magnitude.optional(),
  weightMean: AnyNumber.optional(),
  weightStd: Magnitude.optional(),
  weightMaxAbs: Magnitude.optional(),
  biasMean: AnyNumber.optional(),
  biasStd: Magnitude.optional(),
  updateRatio: Magnitude.optional(),
  actMean: AnyNumber.optional(),
  actStd: Magnitude.optional(),
  deadFraction: Fraction.optional(),
  saturatedFraction: Fraction.optional(),
  zeroGradFraction: Fraction.optional(),
  nanCount: z.number().nonnegative().optional(),
  /** Attention layers: the largest |q·kᵀ/√d| read and the mean softmax-row entropy in nats (extension: trace-format-extensions.md). */
  attnLogitMax: Magnitude.optional(),
  attnEntropy: Magnitude.optional(),
  weightHistogram: Histogram.optional(),
  gradHistogram: Histogram.optional(),
});
export type LayerStats = z.infer<typeof LayerStats>;

export const StepEvent = z.looseObject({
  type: z.literal('step'),
  time: EventTime,
  step: z.number().int().nonnegative(),
  epoch: Count.optional(),
  loss: AnyNumber.optional(),
  learningRate: Magnitude.optional(),
  metrics: Metrics.optional(),
  gradNorm: Magnitude.optional(),
  layers: z.record(z.string(), LayerStats).optional(),
  /** The model was in training mode (PyTorch `model.training`; extension: trace-format-extensions.md). */
  training: z.boolean().optional(),
  /** The mixed-precision loss scale the step's gradients were computed with (extension: trace-format-extensions.md). */
  lossScale: Magnitude.optional(),
  /** The loss scaler skipped this step's update: a gradient was Inf or NaN (extension: trace-format-extensions.md). */
  stepSkipped: z.boolean().optional(),
});
export type StepEvent = z.infer<typeof StepEvent>;

/**
 * A data split's examples as a bottom-k sketch (an extension of format version 1:
 * docs/spec/trace-format-extensions.md): the smallest distinct 64-bit hashes of its examples'
 * inputs, `hashed` of its `examples` hashed. Two splits' sketches estimate how many examples
 * they share (train/validation leakage).
 */
export const SampleSketch = z.looseObject({
  examples: Count,
  hashed: Count.optional(),
  hashes: z.array(z.string().regex(/^[0-9a-f]{1,32}$/)).max(1024),
  /** The split's input statistics over the hashed examples, and per feature for narrow inputs. */
  inputStats: ValueStats.optional(),
  featureMeans: z.array(AnyNumber).max(1024).optional(),
  featureStds: z.array(AnyNumber).max(1024).optional(),
});
export type SampleSketch = z.infer<typeof SampleSketch>;

export const EpochEvent = z.looseObject({
  type: z.literal('epoch'),
  time: EventTime,
  epoch: Count,
  step: z.number().int().nonnegative().optional(),
  train: Metrics.optional(),
  val: Metrics.optional(),
  durationMs: z.number().nonnegative().optional(),
  /** Each data split's example sketch, sent once per split (extension: trace-format-extensions.md). */
  sampleSketch: z.record(z.string(), SampleSketch).optional(),
  /** Forward passes without gradients while the model was in training mode, since the last epoch event (extension: trace-format-extensions.md). */
  noGradForwardsInTrainMode: Count.optional(),
});
export type EpochEvent = z.infer<typeof EpochEvent>;

export const EvalEvent = z.looseObject({
  type: z.literal('eval'),
  time: EventTime,
  step: z.number().int().nonnegative().optional(),
  split: z.string().default('test'),
  metrics: Metrics.default({}),
  confusion: z.array(z.array(z.number().nonnegative())).optional(),
  predictedClassCounts: z.array(z.number().nonnegative()).optional(),
});
export type EvalEvent = z.infer<typeof EvalEvent>;

// `interrupted` (the user stopped the process, e.g. Ctrl-C) is an extension of format version 1:
// docs/spec/trace-format-extensions.md. Detectors treat it like `stopped`.
export const EndStatus = z.enum(['completed', 'diverged', 'crashed', 'stopped', 'interrupted']);
export const EndEvent = z.looseObject({
  type: z.literal('end'),
  time: EventTime,
  step: z.number().int().nonnegative().optional(),
  status: EndStatus,
  reason: z.string().optional(),
});
export type EndEvent = z.infer<typeof EndEvent>;

/** Any event after the `run` line. */
export const BodyEvent = z.discriminatedUnion('type', [StepEvent, EpochEvent, EvalEvent, EndEvent]);
export type BodyEvent = z.infer<typeof BodyEvent>;

export const TraceEvent = z.discriminatedUnion('type', [
  RunEvent,
  StepEvent,
  EpochEvent,
  EvalEvent,
  EndEvent,
]);
export type TraceEvent = z.infer<typeof TraceEvent>;

export const EVENT_TYPES = ['run', 'step', 'epoch', 'eval', 'end'] as const;
