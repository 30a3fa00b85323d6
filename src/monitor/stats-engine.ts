import { type ActivationTap, createActivationTap } from './activation-tap.js';
import { decodeStats, nonFiniteParts, type Reading } from './decode-stats.js';
import { hold } from './hold.js';
import { type LayerPlan, planLayers } from './layer-plan.js';
import { countNonFinite, type PackInput, type PackPlan, packStats } from './pack-stats.js';
import type { TF, Tf } from './tf-types.js';

export interface MeasureInputs {
  /** This step's gradients by variable name (custom loops; `model.fit` does not expose them). */
  grads?: TF.NamedTensorMap;
  /** The weights before this step's update (from `snapshot()`), for the update ratio. */
  before?: TF.Tensor[];
  /** Scalars to read back with the stats (losses, metrics). */
  extras?: TF.Tensor[];
}

export interface StatsEngine {
  readonly plan: LayerPlan;
  readonly tap: ActivationTap;
  /** The variables the optimizer trains, as `model.fit` passes them. */
  trainableVariables(): TF.Variable[];
  /** The current weights, kept aside to measure the next update (no copy: see `hold`). */
  snapshot(): TF.Tensor[];
  /**
   * Summarises the weights, the given gradients and update, and the outputs
   * the tap captured, with one read-back. Takes ownership of every tensor
   * given (and of the captured outputs) and disposes them. Never throws: a
   * failure is reported once through `warn` and the extras still come back.
   */
  measure(inputs: MeasureInputs): Promise<Reading>;
  dispose(): void;
}

/**
 * The per-layer statistics of a LayersModel: which layers and weights
 * (planLayers), their reductions on the backend (packStats) and the single
 * read-back of each sampled step (decodeStats).
 *
 * @example const engine = createStatsEngine(tf, model, console.warn); const r = await engine.measure({ before });
 */
export function createStatsEngine(
  tf: Tf,
  model: TF.LayersModel,
  warn: (message: string) => void,
): StatsEngine {
  const plan = planLayers(model);
  const tap = createActivationTap(tf, plan.layers);
  const names = plan.layers.map((l) => l.name);
  let warned = false;

  /** The tensors of a sampled step in pack order: weights (with their before-update copies), gradients, activations. */
  const inputsOf = ({ grads, before }: MeasureInputs, captured: Map<number, TF.Tensor>): PackInput[] => {
    const withBefore = before !== undefined && before.length === plan.weights.length;
    const weights = plan.weights.map(
      (w, i): PackInput => ({
        kind: w.kind,
        owner: w.owner,
        tensor: w.variable.read(),
        family: plan.layers[w.owner]!.family,
        ...(withBefore && w.kind === 'weight' && w.trainable ? { before: before[i]! } : {}),
      }),
    );
    const gradients = grads
      ? weights.flatMap((w): PackInput[] => {
          const g = grads[(w.tensor as TF.Variable).name];
          return g ? [{ kind: 'grad', owner: w.owner, tensor: g, family: w.family }] : [];
        })
      : [];
    const acts = [...captured.entries()]
      .sort(([a], [b]) => a - b)
      .map(
        ([owner, tensor]): PackInput => ({ kind: 'act', owner, tensor, family: plan.layers[owner]!.family }),
      );
    return [...weights, ...gradients, ...acts];
  };

  return {
    plan,
    tap,
    trainableVariables: () => model.trainableWeights.map((w) => w.read() as TF.Variable),
    snapshot: () => plan.weights.map((w) => hold(tf, w.variable.read())),
    async measure(measured) {
      const captured = tap.take();
      const owned = [
        ...captured.values(),
        ...(measured.before ?? []),
        ...Object.values(measured.grads ?? {}),
      ];
      const extras = measured.extras ?? [];
      try {
        const inputs = inputsOf(measured, captured);
        let packPlan: PackPlan | undefined;
        const packed = tf.tidy(() => {
          const r = packStats(tf, inputs, extras);
          packPlan = r.plan;
          return r.packed;
        });
        const values = await packed.data();
        packed.dispose();
        const counted = new Map<number, number>();
        const bad = nonFiniteParts(packPlan!, values);
        if (bad.length > 0) {
          // Rare (a run gone bad): exact NaN/Inf counts of the large tensors, at the cost of a second small read.
          const c = tf.tidy(() =>
            countNonFinite(
              tf,
              bad.map((i) => inputs[i]!.tensor),
            ),
          );
          const n = await c.data();
          c.dispose();
          bad.forEach((part, k) => {
            counted.set(part, n[k]!);
          });
        }
        tf.dispose([...owned, ...extras]);
        return decodeStats(packPlan!, values, names, counted);
      } catch (err) {
        if (!warned)
          warn(`traindx monitor: layer statistics failed and are left out (${(err as Error).message})`);
        warned = true;
        tf.dispose(owned);
        const values = await Promise.all(extras.map(async (e) => (await e.data())[0] ?? Number.NaN));
        tf.dispose(extras);
        return { layers: {}, extras: values };
      }
    },
    dispose() {
      tap.restore();
    },
  };
}
