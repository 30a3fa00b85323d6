import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../monitor/index.js';
import type { OptimizerSpec } from './template.js';

export interface TrainingOptimizer {
  optimizer: TF.Optimizer;
  /** Sets the rate the next update uses (schedules call it before each step). */
  setLearningRate(lr: number): void;
}

/**
 * The tfjs optimizer a template names, with what tfjs optimizers lack added
 * around their update: clipping the global gradient norm (`clipNorm`) and
 * decoupled weight decay on kernels (`weightDecay`; `adamw` is Adam with
 * 0.01 of it). Both wrap this instance's `applyGradients`, so `minimize` and
 * the monitor's sampled steps go through them, and the optimizer still
 * describes itself as what it is (Adam, SGD, ...).
 *
 * @example const { optimizer } = createOptimizer(tf, { name: 'sgd', learningRate: 0.1, clipNorm: 1 });
 */
export function createOptimizer(tf: Tf, spec: OptimizerSpec): TrainingOptimizer {
  const lr = spec.learningRate;
  const optimizer = make(tf, spec);
  const clipNorm = spec.clipNorm;
  const decay = spec.weightDecay ?? (spec.name === 'adamw' ? 0.01 : 0);
  if (clipNorm !== undefined || decay > 0) {
    const apply = optimizer.applyGradients.bind(optimizer);
    optimizer.applyGradients = (grads) => {
      const named = Array.isArray(grads) ? Object.fromEntries(grads.map((g) => [g.name, g.tensor])) : grads;
      const clipped = clipNorm !== undefined ? clip(tf, named, clipNorm) : named;
      apply(clipped);
      if (clipped !== named) tf.dispose(Object.values(clipped));
      if (decay > 0) decayKernels(tf, Object.keys(named), currentRate(optimizer) * decay);
    };
  }
  return {
    optimizer,
    setLearningRate(next) {
      const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
      if (o.setLearningRate) o.setLearningRate(next);
      else o.learningRate = next;
    },
  };
  function make(tf: Tf, s: OptimizerSpec): TF.Optimizer {
    switch (s.name) {
      case 'sgd':
        return tf.train.sgd(lr);
      case 'momentum':
        return tf.train.momentum(lr, s.momentum ?? 0.9);
      case 'adam':
      case 'adamw':
        return tf.train.adam(lr, s.beta1, s.beta2, s.epsilon);
      case 'adamax':
        return tf.train.adamax(lr, s.beta1, s.beta2, s.epsilon);
      case 'rmsprop':
        return tf.train.rmsprop(lr, 0.9, s.momentum ?? 0, s.epsilon);
      case 'adagrad':
        return tf.train.adagrad(lr);
      case 'adadelta':
        return tf.train.adadelta(lr);
    }
  }
}

const currentRate = (o: TF.Optimizer) => (o as unknown as { learningRate: number }).learningRate;

/** Scales all gradients by min(1, clipNorm / global norm) (Keras' clipnorm over all variables, PyTorch's clip_grad_norm_). */
function clip(tf: Tf, grads: TF.NamedTensorMap, clipNorm: number): TF.NamedTensorMap {
  return tf.tidy(() => {
    const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(sq));
    const factor = tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-12)));
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, factor)]));
  });
}

function decayKernels(tf: Tf, names: string[], amount: number): void {
  const vars = tf.engine().registeredVariables;
  tf.tidy(() => {
    for (const name of names) {
      const v = vars[name];
      if (v && /kernel/.test(name)) v.assign(tf.mul(v, 1 - amount));
    }
  });
}
