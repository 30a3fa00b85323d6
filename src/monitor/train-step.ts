import type { StepEvent } from '../domain/index.js';
import { round6 } from './round.js';
import type { Runtime } from './runtime.js';
import type { TF } from './tf-types.js';

/**
 * One optimisation step of a custom loop, like `optimizer.minimize(loss)`,
 * returning the loss. On steps that are not sampled it is exactly that (one
 * read of the loss, which the loop needs anyway). Every `every`-th step it
 * computes the gradients itself, applies them, and reads back the loss with
 * the gradient, weight, update and activation statistics of every layer in
 * one read. Activations come from the forward pass inside `loss` (or from
 * the monitor's probe batch when one was given).
 *
 * @example const loss = await monitor.trainStep(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb) as tf.Tensor));
 */
export function createTrainStep(rt: Runtime): (loss: () => TF.Scalar) => Promise<number> {
  const { tf, model, probe } = rt.deps;
  return async function trainStep(loss) {
    await rt.start();
    const optimizer = rt.optimizer();
    if (!optimizer) {
      throw new Error(
        'trainStep needs an optimizer: compile the model or pass `optimizer` to createMonitor.',
      );
    }
    const variables = rt.engine.trainableVariables();
    const event: StepEvent = { type: 'step', step: rt.takeStep(), epoch: rt.epoch };
    const lr = rt.learningRate();
    let value: number;
    let layers: StepEvent['layers'];
    let gradNorm: number | undefined;
    if (!rt.isSampled(event.step)) {
      const scalar = optimizer.minimize(loss, true, variables)!;
      value = (await scalar.data())[0]!;
      scalar.dispose();
    } else {
      const before = rt.engine.snapshot();
      if (!probe) rt.engine.tap.arm();
      let result: { value: TF.Scalar; grads: TF.NamedTensorMap };
      try {
        result = tf.variableGrads(loss, variables);
      } finally {
        rt.engine.tap.disarm();
      }
      optimizer.applyGradients(result.grads);
      if (probe) {
        rt.engine.tap.arm();
        tf.dispose(tf.tidy(() => model.predict(probe)));
        rt.engine.tap.disarm();
      }
      const reading = await rt.engine.measure({
        grads: result.grads,
        before,
        extras: [result.value],
        histograms: rt.wantsHistograms(event.step),
      });
      value = reading.extras[0]!;
      layers = reading.layers;
      gradNorm = reading.gradNorm;
    }
    event.loss = round6(value);
    if (lr !== undefined) event.learningRate = lr;
    if (gradNorm !== undefined) event.gradNorm = gradNorm;
    if (layers && Object.keys(layers).length > 0) event.layers = layers;
    rt.recordSteps([event]);
    await rt.maybeYield();
    return value;
  };
}
