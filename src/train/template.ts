import { z } from 'zod';
import { Activation, expected, Initializer, Layer, posInt } from './template-layers.js';

/** The generated data sets (seeded), see datasets/generate.ts. */
export const GENERATED_SETS = ['blobs', 'moons', 'circles', 'xor', 'digits8x8', 'regression'] as const;

/**
 * Where the examples come from: one generated set, or a CSV / JSON Lines
 * file with named feature and label columns. `scale` and `offset` transform
 * every input value (a badly scaled feature set); `labelNoise` flips that
 * share of labels.
 */
export const DataSpec = z
  .strictObject({
    generate: z.enum(GENERATED_SETS, { error: `expected one of ${GENERATED_SETS.join(', ')}` }).optional(),
    file: z.string().min(1).optional(),
    /** Feature columns of a file (default: every column but the label). */
    features: z.union([posInt(), z.array(z.string().min(1)).min(1)]).optional(),
    label: z.string().min(1).optional(),
    samples: posInt().optional(),
    classes: posInt()
      .refine((k) => k >= 2, { error: 'expected at least 2 classes' })
      .optional(),
    noise: z.number().nonnegative().optional(),
    scale: z
      .number()
      .refine((s) => s !== 0, { error: 'expected a non-zero number' })
      .optional(),
    offset: z.number().optional(),
    labelNoise: z.number().min(0).max(0.5).optional(),
  })
  .superRefine((d, ctx) => {
    if ((d.generate === undefined) === (d.file === undefined))
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of `generate` or `file`' });
    if (d.file !== undefined && d.label === undefined)
      ctx.addIssue({ code: 'custom', path: ['label'], message: 'a data file needs its label column' });
    if (d.file !== undefined && typeof d.features === 'number')
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'expected a list of column names' });
  });
export type DataSpec = z.infer<typeof DataSpec>;

export const Preprocessing = z.strictObject({
  /** Subtract the training split's per-feature mean, divide by its standard deviation. */
  standardize: z.boolean().default(false),
  /** Divide by the training split's largest absolute value (pixels, counts). */
  scaleToUnit: z.boolean().default(false),
  /** One-hot class labels (what categorical cross-entropy takes); sparse losses take indices. */
  oneHot: z.boolean().default(true),
});
export type Preprocessing = z.infer<typeof Preprocessing>;

export const PRESETS = ['mlp', 'deep-mlp', 'small-cnn'] as const;

/** Either the layers, or a preset with its few knobs (expanded to layers before training). */
export const ModelSpec = z
  .strictObject({
    layers: z.array(Layer).min(1, { error: 'expected at least one layer' }).optional(),
    preset: z.enum(PRESETS, { error: `expected one of ${PRESETS.join(', ')}` }).optional(),
    /** mlp: widths of the hidden layers. */
    hidden: z.array(posInt()).optional(),
    /** deep-mlp: number of hidden layers and their width. */
    depth: posInt().optional(),
    units: posInt().optional(),
    /** small-cnn: filters per conv block, then dense widths. */
    filters: z.array(posInt()).optional(),
    dense: z.array(posInt()).optional(),
    activation: Activation.optional(),
    kernelInitializer: Initializer.optional(),
    biasInitializer: Initializer.optional(),
    dropout: z.number().min(0).lt(1).optional(),
    batchNorm: z.boolean().optional(),
    output: z.strictObject({ units: posInt().optional(), activation: Activation.optional() }).optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.layers === undefined) === (m.preset === undefined))
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of `layers` or `preset`' });
  });
export type ModelSpec = z.infer<typeof ModelSpec>;

export const OPTIMIZERS = [
  'sgd',
  'momentum',
  'adam',
  'adamw',
  'adamax',
  'rmsprop',
  'adagrad',
  'adadelta',
] as const;
export const OptimizerSpec = z.strictObject({
  name: z.enum(OPTIMIZERS, { error: `expected one of ${OPTIMIZERS.join(', ')}` }),
  learningRate: z.number({ error: expected('a number ≥ 0') }).nonnegative({ error: 'expected a number ≥ 0' }),
  momentum: z.number().min(0).lt(1).optional(),
  beta1: z.number().min(0).lt(1).optional(),
  beta2: z.number().min(0).lt(1).optional(),
  epsilon: z.number().positive().optional(),
  /** Clip the global gradient norm to this value before each update. */
  clipNorm: z.number().positive().optional(),
  /** Decoupled weight decay per step (AdamW style), applied to kernels. */
  weightDecay: z.number().nonnegative().optional(),
});
export type OptimizerSpec = z.infer<typeof OptimizerSpec>;

export const LOSSES = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'meanSquaredError',
  'meanAbsoluteError',
  'huber',
] as const;
export const Loss = z.enum(LOSSES, { error: `expected one of ${LOSSES.join(', ')}` });
export type Loss = z.infer<typeof Loss>;

/** How the learning rate moves and when training stops early. */
export const Schedule = z.strictObject({
  /** Share of the steps over which the rate ramps up linearly from 0. */
  warmupFraction: z.number().min(0).max(0.5).optional(),
  lrSchedule: z.enum(['constant', 'cosine']).optional(),
  /** Multiply the rate by this when the validation loss has not improved for `plateauPatience` epochs. */
  reduceLrOnPlateauFactor: z.number().gt(0).lt(1).optional(),
  plateauPatience: posInt().default(3),
  /** Stop when the validation loss has not improved for this many epochs, and keep the best weights. */
  earlyStoppingPatience: posInt().optional(),
});
export type Schedule = z.infer<typeof Schedule>;

/**
 * A training run described in YAML: data, preprocessing, model, optimizer,
 * loss, metrics, epochs, batch size, validation split, profile and seed.
 * `traindx train` trains it monitored; `--auto-repair` edits copies of it.
 */
export const TrainingTemplate = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    seed: z.number().int().default(1),
    /** Threshold profile for the diagnosis (default: small-tabular for tabular data, vision-cnn for conv nets). */
    profile: z.string().min(1).optional(),
    data: DataSpec,
    preprocessing: Preprocessing.default({ standardize: false, scaleToUnit: false, oneHot: true }),
    model: ModelSpec,
    optimizer: OptimizerSpec,
    loss: Loss,
    fromLogits: z.boolean().default(false),
    labelSmoothing: z.number().min(0).max(0.5).optional(),
    metrics: z.array(z.enum(['accuracy', 'mse', 'mae'])).default(['accuracy']),
    epochs: posInt(),
    batchSize: posInt().default(32),
    validationSplit: z
      .number({ error: 'expected a share between 0 and 1' })
      .gt(0, { error: 'expected a share between 0 and 1' })
      .lt(1, { error: 'expected a share between 0 and 1' })
      .default(0.2),
    schedule: Schedule.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.data.generate === 'regression' && taskOfLoss(t.loss) !== 'regression')
      ctx.addIssue({
        code: 'custom',
        path: ['loss'],
        message: `${t.loss} needs class labels; the regression set has real-valued targets (use meanSquaredError, meanAbsoluteError or huber)`,
      });
    if (t.loss === 'categoricalCrossentropy' && !t.preprocessing.oneHot)
      ctx.addIssue({
        code: 'custom',
        path: ['preprocessing', 'oneHot'],
        message:
          'categoricalCrossentropy takes one-hot labels: set oneHot: true, or use sparseCategoricalCrossentropy',
      });
  });
export type TrainingTemplate = z.infer<typeof TrainingTemplate>;
/** What a YAML file may leave out (defaults filled by parsing). */
export type TemplateInput = z.input<typeof TrainingTemplate>;

/** The task a loss trains for. */
export function taskOfLoss(loss: Loss): 'classification' | 'binary-classification' | 'regression' {
  if (loss === 'binaryCrossentropy') return 'binary-classification';
  if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') return 'classification';
  return 'regression';
}
