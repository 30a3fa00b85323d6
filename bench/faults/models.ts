import type { TF, Tf } from '../../src/monitor/index.js';

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear' | 'elu' | 'selu';

/** A kernel initializer by name, or a plain normal/uniform one of the given scale. */
export type Init =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'leCunNormal'
  | 'zeros'
  | { normal: number }
  | { uniform: number };

export type LayerSpec =
  | {
      kind: 'dense';
      units: number;
      activation: Activation;
      init?: Init;
      /** Constant bias initialisation (default 0). */
      bias?: number;
      trainable?: boolean;
      /** L2 weight decay on the kernel (fit only: custom loops do not add layer losses). */
      l2?: number;
    }
  | { kind: 'conv'; filters: number; kernel: number; activation: Activation; init?: Init; bias?: number }
  | { kind: 'maxPool' }
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'batchNorm' };

/** Hidden dense layers of one activation, then the output layer. */
export function mlp(
  hidden: number[],
  activation: Activation,
  out: { units: number; activation: Activation },
  extra: { init?: Init; bias?: number; trainable?: boolean; outInit?: Init } = {},
): LayerSpec[] {
  const { outInit, ...rest } = extra;
  return [
    ...hidden.map((units): LayerSpec => ({ kind: 'dense', units, activation, ...rest })),
    { kind: 'dense', ...out, ...(outInit ? { init: outInit } : {}) },
  ];
}

function initializer(tf: Tf, init: Init | undefined, seed: number) {
  const i = tf.initializers;
  if (init === undefined || init === 'glorotUniform') return i.glorotUniform({ seed });
  if (init === 'glorotNormal') return i.glorotNormal({ seed });
  if (init === 'heNormal') return i.heNormal({ seed });
  if (init === 'heUniform') return i.heUniform({ seed });
  if (init === 'leCunNormal') return i.leCunNormal({ seed });
  if (init === 'zeros') return i.zeros();
  if ('normal' in init) return i.randomNormal({ mean: 0, stddev: init.normal, seed });
  return i.randomUniform({ minval: -init.uniform, maxval: init.uniform, seed });
}

/**
 * A tf.sequential model from layer specs, every initializer seeded from
 * `seed` so the same seed gives the same starting weights. Layers are named
 * by kind and position (`dense_0`, `conv_0`, `bn_0`, ...).
 *
 * @example buildModel(tf, [64], mlp([32], 'relu', { units: 3, activation: 'softmax' }), 7)
 */
export function buildModel(tf: Tf, inputShape: number[], specs: LayerSpec[], seed: number): TF.Sequential {
  const counts = new Map<string, number>();
  const nameOf = (kind: string) => {
    const n = counts.get(kind) ?? 0;
    counts.set(kind, n + 1);
    return `${kind}_${n}`;
  };
  const model = tf.sequential();
  specs.forEach((s, index) => {
    const first = index === 0 ? { inputShape } : {};
    const seeded = seed * 101 + index;
    switch (s.kind) {
      case 'dense':
        model.add(
          tf.layers.dense({
            ...first,
            name: nameOf('dense'),
            units: s.units,
            activation: s.activation,
            kernelInitializer: initializer(tf, s.init, seeded),
            biasInitializer: tf.initializers.constant({ value: s.bias ?? 0 }),
            trainable: s.trainable ?? true,
            ...(s.l2 ? { kernelRegularizer: tf.regularizers.l2({ l2: s.l2 }) } : {}),
          }),
        );
        break;
      case 'conv':
        model.add(
          tf.layers.conv2d({
            ...first,
            name: nameOf('conv'),
            filters: s.filters,
            kernelSize: s.kernel,
            padding: 'same',
            activation: s.activation,
            kernelInitializer: initializer(tf, s.init, seeded),
            biasInitializer: tf.initializers.constant({ value: s.bias ?? 0 }),
          }),
        );
        break;
      case 'maxPool':
        model.add(tf.layers.maxPooling2d({ ...first, name: nameOf('pool'), poolSize: 2 }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten({ ...first, name: nameOf('flatten') }));
        break;
      case 'dropout':
        model.add(tf.layers.dropout({ ...first, name: nameOf('dropout'), rate: s.rate, seed: seeded }));
        break;
      case 'batchNorm':
        model.add(tf.layers.batchNormalization({ ...first, name: nameOf('bn') }));
        break;
    }
  });
  return model;
}
