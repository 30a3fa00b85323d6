import { hold } from './hold.js';
import type { TrackedLayer } from './layer-plan.js';
import type { TF, Tf } from './tf-types.js';

type Call = (inputs: TF.Tensor | TF.Tensor[], kwargs: Record<string, unknown>) => TF.Tensor | TF.Tensor[];

export interface ActivationTap {
  /** Capture the next output of every tapped layer (the step's own forward pass). */
  arm(): void;
  disarm(): void;
  /** The captured outputs by layer index; the caller owns (and disposes) them. */
  take(): Map<number, TF.Tensor>;
  /** Drops what was captured and leaves the layers as they were. */
  restore(): void;
}

/**
 * Captures layer outputs from the forward pass training runs anyway, so
 * activation stats cost no extra forward pass. While armed, each tapped
 * layer's `call` is wrapped (an own property of the instance, removed on
 * disarm, so the steps between samples run the layers untouched) to keep a
 * held reference to its output: no copy, and not an op, so the gradient tape
 * does not see it. Only the first call per arming is kept: fit's validation
 * pass on the last batch runs the same layers again.
 *
 * @example const tap = createActivationTap(tf, plan.layers); tap.arm(); model.predict(x); tap.disarm(); const outs = tap.take();
 */
export function createActivationTap(tf: Tf, layers: TrackedLayer[]): ActivationTap {
  let captured = new Map<number, TF.Tensor>();
  const tapped = layers.flatMap((tracked, index) =>
    tracked.tapped ? [{ layer: tracked.layer, index }] : [],
  );
  let armed = false;

  const disarm = () => {
    if (!armed) return;
    armed = false;
    for (const { layer } of tapped) delete (layer as unknown as { call?: unknown }).call;
  };

  return {
    arm() {
      if (armed) return;
      armed = true;
      for (const { layer, index } of tapped) {
        // A layer with its own `call` (not from its class) is left alone rather than overwritten.
        if (Object.hasOwn(layer, 'call')) continue;
        const original = layer.call as Call;
        const wrapped: Call = function (this: TF.layers.Layer, inputs, kwargs) {
          const out = original.call(this, inputs, kwargs);
          if (!captured.has(index) && out instanceof tf.Tensor) captured.set(index, tf.keep(hold(tf, out)));
          return out;
        };
        Object.defineProperty(layer, 'call', { value: wrapped, configurable: true, writable: true });
      }
    },
    disarm,
    take() {
      const out = captured;
      captured = new Map();
      return out;
    },
    restore() {
      disarm();
      tf.dispose([...captured.values()]);
      captured.clear();
    },
  };
}
