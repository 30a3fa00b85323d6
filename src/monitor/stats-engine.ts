import { type ActivationTap, createActivationTap } from './activation-tap.js';
import { decodeStats, type Reading, recountParts } from './decode-stats.js';
import { hold } from './hold.js';
import { type LayerPlan, planLayers } from './layer-plan.js';
import { type Packed, type PackInput, packStats, type Recount, recount } from './pack-stats.js';
import { createPieceReader } from './read-pieces.js';
import type { TF, Tf } from './tf-types.js';

export interface MeasureInputs {
  /** This step's gradients by variable name (custom loops; `model.fit` does not expose them). */
  grads?: TF.NamedTensorMap;
  /** The weights before this step's update (from `snapshot()`), for the update ratio. */
  before?: (TF.Tensor | undefined)[];
  /** Single values to read with the stats (losses, metrics). */
  extras?: TF.Tensor[];
  /** Weight and gradient histograms too (of `histogramBuckets` buckets). */
  histograms?: boolean;
}

export interface StatsEngine {
  readonly plan: LayerPlan;
  readonly tap: ActivationTap;
  /** The variables the optimizer trains, as `model.fit` passes them. */
  trainableVariables(): TF.Variable[];
  /** The current trainable kernels (by `plan.weights` index), kept aside to measure the next update (no copy: see `hold`). */
  snapshot(): (TF.Tensor | undefined)[];
  /**
   * Summarises the weights, the given gradients and update, and the outputs
   * the tap captured, in one read (in place on wasm, one read-back
   * elsewhere: see read-pieces.ts). Takes ownership of every tensor
   * given (and of the captured outputs) and disposes them. Never throws: a
   * failure is reported once through `warn` and the extras still come back.
   */
  measure(inputs: MeasureInputs): Promise<Reading>;
  dispose(): void;
}

/**
 * The per-layer statistics of a LayersModel: which layers and weights
 * (planLayers), their reductions on the backend (packStats), the single
 * read of each sampled step (createPieceReader) and its decoding into the
 * trace's fields (decodeStats).
 *
 * @example const engine = createStatsEngine(tf, model, console.warn); const r = await engine.measure({ before });
 */
export function createStatsEngine(
  tf: Tf,
  model: TF.LayersModel,
  warn: (message: string) => void,
  histogramBuckets = 0,
): StatsEngine {
  const plan = planLayers(model);
  const tap = createActivationTap(tf, plan.layers);
  const names = plan.layers.map((l) => l.name);
  const reader = createPieceReader(tf);
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
        ...(withBefore && before[i] ? { before: before[i] } : {}),
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
    // Update ratios are of kernels only (biases and frozen weights go without).
    snapshot: () =>
      plan.weights.map((w) => (w.kind === 'weight' && w.trainable ? hold(tf, w.variable.read()) : undefined)),
    async measure(measured) {
      const captured = tap.take();
      const owned = [
        ...captured.values(),
        ...(measured.before ?? []).filter((t) => t !== undefined),
        ...Object.values(measured.grads ?? {}),
      ];
      const extras = measured.extras ?? [];
      try {
        const inputs = inputsOf(measured, captured);
        let packed: Packed | undefined;
        tf.tidy(() => {
          packed = packStats(tf, inputs, extras);
          return packed.made;
        });
        const { pieces, made, plan: packPlan } = packed!;
        let values: Float32Array;
        try {
          values = await reader.read(pieces);
        } finally {
          tf.dispose(made);
        }
        const counted = new Map<number, Recount>();
        const bad = recountParts(packPlan, values);
        if (bad.length > 0) {
          values = values.slice(); // the reader's array is reused by the next read, which may come meanwhile
          // Rare (a run gone bad): exact figures of these tensors, at the cost of a second small read.
          const c = tf.tidy(() =>
            recount(
              tf,
              bad.map((i) => inputs[i]!.tensor),
            ),
          );
          const n = await c.data();
          c.dispose();
          bad.forEach((part, k) => {
            const [nonFinite, sum, sumSq, maxAbs] = n.subarray(4 * k, 4 * k + 4);
            counted.set(part, { nonFinite: nonFinite!, sum: sum!, sumSq: sumSq!, maxAbs: maxAbs! });
          });
        }
        tf.dispose([...owned, ...extras]);
        return decodeStats(packPlan, values, names, counted, measured.histograms ? histogramBuckets : 0);
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
