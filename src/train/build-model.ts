import type * as TF from '@tensorflow/tfjs';
import { TraindxError } from '../errors/index.js';
import type { Tf } from '../monitor/index.js';
import type { Layer } from './template-layers.js';

/** A model the template's layers cannot make (shapes that do not fit, an `add` of unknown layers). */
export class ModelBuildError extends TraindxError {
  readonly code = 'BAD_MODEL';
  readonly category = 'input';
}

/**
 * Builds the layers (named, in order) as a tfjs functional model on
 * `inputShape`. Initializers are seeded from `seed`, so the same template
 * starts from the same weights. An `add` layer sums the outputs of the two
 * layers it names; every other layer takes the output of the one before.
 *
 * @example buildModel(tf, expandModel(template, target), [2], 7)
 */
export function buildModel(tf: Tf, layers: Layer[], inputShape: number[], seed: number): TF.LayersModel {
  const input = tf.input({ shape: inputShape });
  const outputs = new Map<string, TF.SymbolicTensor>();
  let x: TF.SymbolicTensor = input;
  let k = 0;
  const nextSeed = () => seed * 1000 + k++;
  for (const spec of layers) {
    const name = spec.name!;
    try {
      if (spec.type === 'add') {
        const ins = spec.inputs.map((n: string) => {
          const t = outputs.get(n);
          if (!t) throw new ModelBuildError(`layer ${name} adds '${n}', which is not an earlier layer`);
          return t;
        });
        x = tf.layers.add({ name }).apply(ins) as TF.SymbolicTensor;
      } else {
        x = createLayer(tf, spec, nextSeed).apply(x) as TF.SymbolicTensor;
      }
    } catch (err) {
      if (err instanceof ModelBuildError) throw err;
      throw new ModelBuildError(`layer ${name} (${spec.type}): ${(err as Error).message.split('\n')[0]}`);
    }
    outputs.set(name, x);
  }
  return tf.model({ inputs: input, outputs: x });
}

function createLayer(tf: Tf, spec: Exclude<Layer, { type: 'add' }>, seed: () => number): TF.layers.Layer {
  const name = spec.name!;
  switch (spec.type) {
    case 'dense':
    case 'conv2d': {
      const common = {
        name,
        activation: spec.activation ?? 'linear',
        useBias: spec.useBias ?? true,
        trainable: spec.trainable ?? true,
        kernelInitializer: createInitializer(tf, spec.kernelInitializer ?? 'glorotUniform', seed()),
        biasInitializer: createInitializer(tf, spec.biasInitializer ?? 'zeros', seed()),
        ...(spec.kernelRegularizer
          ? { kernelRegularizer: tf.regularizers.l1l2(spec.kernelRegularizer) }
          : {}),
      };
      return spec.type === 'dense'
        ? tf.layers.dense({ units: spec.units, ...common })
        : tf.layers.conv2d({
            filters: spec.filters,
            kernelSize: spec.kernelSize,
            strides: spec.strides ?? 1,
            padding: spec.padding ?? 'valid',
            ...common,
          });
    }
    case 'maxPooling2d':
      return tf.layers.maxPooling2d({ name, poolSize: spec.poolSize });
    case 'flatten':
      return tf.layers.flatten({ name });
    case 'dropout':
      return tf.layers.dropout({ name, rate: spec.rate, seed: seed() });
    case 'batchNormalization':
      return tf.layers.batchNormalization({ name, trainable: spec.trainable ?? true });
    case 'layerNormalization':
      return tf.layers.layerNormalization({ name, trainable: spec.trainable ?? true });
    case 'gaussianNoise':
      return tf.layers.gaussianNoise({ name, stddev: spec.stddev });
    case 'activation':
      return tf.layers.activation({ name, activation: spec.activation });
    case 'leakyReLU':
      return tf.layers.leakyReLU({ name, alpha: spec.alpha });
    default:
      throw new ModelBuildError(`unknown layer type '${(spec as Layer).type}'`);
  }
}

type Initializer = ReturnType<Tf['initializers']['zeros']>;

/**
 * A tfjs initializer from its template name: `heNormal`, `zeros`,
 * `constant(-5)`, `randomNormal(0.5)` (the standard deviation), ...
 *
 * @example createInitializer(tf, 'constant(-5)', 1)
 */
export function createInitializer(tf: Tf, name: string, seed: number): Initializer {
  const init = tf.initializers;
  const [, fn, arg] = /^(\w+)(?:\((.+)\))?$/.exec(name) ?? [];
  const v = arg !== undefined ? Number(arg) : undefined;
  switch (fn) {
    case 'zeros':
      return init.zeros();
    case 'ones':
      return init.ones();
    case 'constant':
      return init.constant({ value: v ?? 0 });
    case 'glorotUniform':
    case 'glorotNormal':
    case 'heNormal':
    case 'heUniform':
    case 'leCunNormal':
    case 'leCunUniform':
    case 'orthogonal':
      return init[fn]({ seed });
    case 'randomNormal':
      return init.randomNormal({ mean: 0, stddev: v ?? 0.05, seed });
    case 'truncatedNormal':
      return init.truncatedNormal({ mean: 0, stddev: v ?? 0.05, seed });
    case 'randomUniform':
      return init.randomUniform({ minval: -(v ?? 0.05), maxval: v ?? 0.05, seed });
    default:
      throw new ModelBuildError(`unknown initializer '${name}'`);
  }
}
