import { z } from 'zod';

// The layers a training template may list, each a strict object (an unknown
// key is an error naming it) keyed by `type`. Names are TensorFlow.js'
// (`batchNormalization`, `heNormal`), as in graph-seed/remedies.yaml's edits.

/** An error message that says `required` when the key is missing. */
export const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `required: expected ${what}` : `expected ${what}`;

export const posInt = () => {
  const error = expected('a positive integer');
  return z.number({ error }).int({ error }).positive({ error });
};

/** Activation functions tfjs computes inside a layer; `leakyReLU` is a layer of its own in tfjs. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'swish',
  'mish',
] as const;
export const Activation = z.enum(ACTIVATIONS, { error: `expected one of ${ACTIVATIONS.join(', ')}` });
export type Activation = z.infer<typeof Activation>;

// Initializers by their tfjs name, or a parameterised form: constant(-5), randomNormal(0.5), randomUniform(2).
const INITIALIZER =
  /^(zeros|ones|glorotUniform|glorotNormal|heNormal|heUniform|leCunNormal|leCunUniform|orthogonal|randomNormal|randomUniform|truncatedNormal|constant\(-?[\d.e+-]+\)|(randomNormal|randomUniform|truncatedNormal)\([\d.e+-]+\))$/;
export const Initializer = z.string().regex(INITIALIZER, {
  error:
    'expected an initializer: zeros, ones, glorotUniform, glorotNormal, heNormal, heUniform, leCunNormal, leCunUniform, orthogonal, randomNormal, randomUniform, truncatedNormal, constant(V) or randomNormal(STDDEV)',
});

const Regularizer = z.strictObject({
  l1: z.number().nonnegative().optional(),
  l2: z.number().nonnegative().optional(),
});

const base = {
  /** Unique within the model; defaults to `<type>_<k>` (dense_0, dropout_1, ...). */
  name: z
    .string()
    .regex(/^[A-Za-z][\w-]*$/, { error: 'expected a name of letters, digits, _ or -' })
    .optional(),
};
const weighted = {
  activation: Activation.optional(),
  kernelInitializer: Initializer.optional(),
  biasInitializer: Initializer.optional(),
  kernelRegularizer: Regularizer.optional(),
  useBias: z.boolean().optional(),
  trainable: z.boolean().optional(),
};

export const DenseLayer = z.strictObject({ ...base, type: z.literal('dense'), units: posInt(), ...weighted });
export const Conv2dLayer = z.strictObject({
  ...base,
  type: z.literal('conv2d'),
  filters: posInt(),
  kernelSize: posInt(),
  strides: posInt().optional(),
  padding: z.enum(['valid', 'same']).optional(),
  ...weighted,
});

export const LAYER_TYPES = [
  'dense',
  'conv2d',
  'maxPooling2d',
  'flatten',
  'dropout',
  'batchNormalization',
  'layerNormalization',
  'gaussianNoise',
  'activation',
  'leakyReLU',
  'add',
] as const;

export const Layer = z.discriminatedUnion(
  'type',
  [
    DenseLayer,
    Conv2dLayer,
    z.strictObject({ ...base, type: z.literal('maxPooling2d'), poolSize: posInt().default(2) }),
    z.strictObject({ ...base, type: z.literal('flatten') }),
    z.strictObject({
      ...base,
      type: z.literal('dropout'),
      rate: z
        .number({ error: expected('a rate in [0, 1)') })
        .min(0, { error: 'expected a rate in [0, 1)' })
        .lt(1, { error: 'expected a rate in [0, 1)' }),
    }),
    z.strictObject({ ...base, type: z.literal('batchNormalization'), trainable: z.boolean().optional() }),
    z.strictObject({ ...base, type: z.literal('layerNormalization'), trainable: z.boolean().optional() }),
    z.strictObject({ ...base, type: z.literal('gaussianNoise'), stddev: z.number().positive() }),
    z.strictObject({ ...base, type: z.literal('activation'), activation: Activation }),
    z.strictObject({ ...base, type: z.literal('leakyReLU'), alpha: z.number().positive().default(0.01) }),
    /** A residual sum of two earlier layers' outputs (same shape), by name. */
    z.strictObject({
      ...base,
      type: z.literal('add'),
      inputs: z.array(z.string()).length(2, { error: 'expected the names of two earlier layers' }),
    }),
  ],
  {
    error: (issue): string | undefined =>
      issue.code === 'invalid_union' ? `expected type to be one of ${LAYER_TYPES.join(', ')}` : undefined,
  },
);
export type Layer = z.infer<typeof Layer>;
export type LayerType = Layer['type'];

/** Layers that carry weights (what `trainable`, initializers and `units`/`filters` apply to). */
export const isWeighted = (l: Layer): l is Extract<Layer, { type: 'dense' | 'conv2d' }> =>
  l.type === 'dense' || l.type === 'conv2d';

/** A layer that only applies an activation (folded into the layer before by readers). */
export const isActivationOnly = (l: Layer): boolean => l.type === 'activation' || l.type === 'leakyReLU';
