import type { LayerInfo, ModelInfo, OptimizerInfo } from '../domain/index.js';
import type { TF } from './tf-types.js';

type Config = Record<string, unknown>;

/** Layer classes that only apply an activation; the trace names their function in `activation`. */
const ACTIVATION_LAYERS: Record<string, string> = {
  ReLU: 'relu',
  LeakyReLU: 'leakyRelu',
  PReLU: 'prelu',
  ELU: 'elu',
  ThresholdedReLU: 'thresholdedRelu',
  Softmax: 'softmax',
};

/**
 * The activation a layer applies to its output, as tfjs names it (`relu`,
 * `sigmoid`, `linear`, ...): its `activation` config, or the function of an
 * activation-only layer (`ReLU`, `Softmax`, ...). Undefined for layers
 * without one (Dropout, Flatten, BatchNormalization).
 *
 * @example activationOf(tf.layers.dense({ units: 4, activation: 'tanh' })) // 'tanh'
 */
export function activationOf(layer: TF.layers.Layer): string | undefined {
  const byClass = ACTIVATION_LAYERS[layer.getClassName()];
  if (byClass) return byClass;
  const a = (layer.getConfig() as Config).activation;
  return typeof a === 'string' ? a : undefined;
}

/** Whether a layer does nothing but apply an activation (`Activation`, `ReLU`, `Softmax`, ...). */
export const isActivationLayer = (layer: TF.layers.Layer): boolean =>
  layer.getClassName() === 'Activation' || ACTIVATION_LAYERS[layer.getClassName()] !== undefined;

/**
 * The model part of the `run` event, read from the model itself: every layer
 * in forward order (activation-only layers included, the implicit InputLayer
 * left out as it computes nothing), with parameter counts and initializers.
 *
 * @example describeModel(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] }))
 */
export function describeModel(model: TF.LayersModel): ModelInfo {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer').map(describeLayer);
  const trainableParams = model.trainableWeights.reduce(
    (n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1),
    0,
  );
  return { params: model.countParams(), trainableParams, layers };
}

function describeLayer(layer: TF.layers.Layer): LayerInfo {
  const config = layer.getConfig() as Config;
  const info: LayerInfo = { name: layer.name, type: layer.getClassName(), trainable: layer.trainable };
  const activation = activationOf(layer);
  if (activation) info.activation = activation;
  const units = config.units ?? config.filters;
  if (typeof units === 'number') info.units = units;
  try {
    info.params = layer.countParams();
  } catch {
    // An unbuilt layer has no weights yet; its count is unknown, not zero.
  }
  const kernel = initializerName(config.kernelInitializer ?? config.depthwiseInitializer);
  if (kernel) info.kernelInitializer = kernel;
  const bias = config.useBias === false ? undefined : initializerName(config.biasInitializer);
  if (bias) info.biasInitializer = bias;
  const shape = layer.outputShape;
  if (Array.isArray(shape) && shape.every((d) => d === null || typeof d === 'number')) {
    info.outputShape = shape as (number | null)[];
  }
  return info;
}

/**
 * The name an initializer is known by (`glorotUniform`, `heNormal`,
 * `zeros`, `constant(-6)`). tfjs serialises Glorot, He and LeCun as
 * `VarianceScaling` with their scale, mode and distribution, so those are
 * recognised from the config (Keras' definitions of the three families).
 *
 * @example initializerName({ className: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'normal' } }) // 'heNormal'
 */
export function initializerName(init: unknown): string | undefined {
  if (typeof init === 'string') return init;
  if (!init || typeof init !== 'object') return undefined;
  const { className, config = {} } = init as { className?: string; config?: Config };
  if (!className) return undefined;
  if (className === 'VarianceScaling') {
    const { scale, mode, distribution } = config;
    const family =
      scale === 1 && mode === 'fanAvg'
        ? 'glorot'
        : scale === 2 && mode === 'fanIn'
          ? 'he'
          : scale === 1 && mode === 'fanIn'
            ? 'leCun'
            : undefined;
    const dist = distribution === 'uniform' ? 'Uniform' : 'Normal';
    return family ? `${family}${dist}` : `varianceScaling(${scale}, ${mode}, ${distribution})`;
  }
  if (className === 'Constant') return `constant(${config.value})`;
  return className[0]!.toLowerCase() + className.slice(1);
}

const OPTIMIZER_NAMES: Record<string, string> = {
  SGD: 'sgd',
  Momentum: 'sgd',
  Adam: 'adam',
  Adamax: 'adamax',
  RMSProp: 'rmsprop',
  Adagrad: 'adagrad',
  Adadelta: 'adadelta',
};

/**
 * The optimizer part of the `run` event: its family name as the detectors
 * know it (tfjs `Momentum` is SGD with momentum) and its hyper-parameters.
 *
 * @example describeOptimizer(tf.train.momentum(0.1, 0.9)) // { name: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false }
 */
export function describeOptimizer(optimizer: TF.Optimizer | undefined): OptimizerInfo | undefined {
  if (!optimizer) return undefined;
  const className = optimizer.getClassName();
  const config = optimizer.getConfig() as Config;
  const info: OptimizerInfo = { name: OPTIMIZER_NAMES[className] ?? className.toLowerCase() };
  const lr = learningRateOf(optimizer);
  if (lr !== undefined) info.learningRate = lr;
  if (typeof config.momentum === 'number') info.momentum = config.momentum;
  if (typeof config.useNesterov === 'boolean') info.nesterov = config.useNesterov;
  for (const key of ['beta1', 'beta2', 'epsilon', 'decay', 'rho'] as const) {
    if (typeof config[key] === 'number') info[key] = config[key];
  }
  return info;
}

/** The optimizer's current learning rate (schedules set it between steps). */
export function learningRateOf(optimizer: TF.Optimizer | undefined): number | undefined {
  const lr = (optimizer as unknown as { learningRate?: unknown } | undefined)?.learningRate;
  return typeof lr === 'number' ? lr : undefined;
}

/**
 * The loss as the trace names it: tfjs' camelCase names in Keras' snake_case
 * (`sparseCategoricalCrossentropy` → `sparse_categorical_crossentropy`); a
 * function by its name. tfjs' named losses take probabilities, never logits.
 *
 * @example describeLoss('meanSquaredError') // { loss: 'mean_squared_error', fromLogits: false }
 */
export function describeLoss(loss: unknown): { loss?: string; fromLogits?: boolean } {
  const first = Array.isArray(loss) ? loss[0] : loss;
  if (typeof first === 'string') return { loss: snakeCase(first), fromLogits: false };
  if (typeof first === 'function' && first.name) return { loss: first.name };
  return {};
}

const snakeCase = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * The task a loss implies, when the caller did not say: cross-entropy over
 * classes, binary cross-entropy over one unit, or a regression loss.
 *
 * @example inferTask('binary_crossentropy', 1) // 'binary-classification'
 */
export function inferTask(loss: string | undefined, outputUnits: number | undefined): string | undefined {
  if (!loss) return undefined;
  if (/binary/.test(loss)) return (outputUnits ?? 1) > 1 ? 'other' : 'binary-classification';
  if (/crossentropy|hinge|kl/.test(loss)) return 'classification';
  if (/squared|absolute|huber|log_cosh|poisson|cosine/.test(loss)) return 'regression';
  return undefined;
}
