import type { TF, Tf } from '../../src/monitor/index.js';
import type { OptimizerSpec } from './experiment.js';

/** A tf.train optimizer from its spec. */
export function makeOptimizer(tf: Tf, o: OptimizerSpec): TF.Optimizer {
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(o.lr);
    case 'momentum':
      return tf.train.momentum(o.lr, o.momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(o.lr);
    case 'rmsprop':
      return tf.train.rmsprop(o.lr);
    case 'adagrad':
      return tf.train.adagrad(o.lr);
    case 'adamax':
      return tf.train.adamax(o.lr);
  }
}

/** tfjs' SGD family has setLearningRate; the adaptive optimizers read a plain `learningRate` field. */
export function setLearningRate(opt: TF.Optimizer, lr: number): void {
  const o = opt as unknown as { setLearningRate?: (v: number) => void; learningRate: number };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}
