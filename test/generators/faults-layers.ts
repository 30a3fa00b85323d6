import type { LayerInfo, LayerStats, TraceEvent } from '../../src/domain/index.js';
import type { Fault, SyntheticOptions } from './synthetic-run.js';

/**
 * Faults that rewrite per-layer stats (gradients, weights, activations) from
 * their onset on, for the gradients, weights and activations detectors and
 * the benchmark. Each fault only touches the fields its failure changes, so
 * faults combine. They are safe to reuse across runs: per-run memory (e.g.
 * the weights a frozen layer keeps) resets when a new run starts.
 */

const GRAD_FIELDS = ['gradNorm', 'gradMean', 'gradStd', 'gradMaxAbs'] as const;
const WEIGHT_FIELDS = ['weightNorm', 'weightStd', 'weightMaxAbs'] as const;
const KEPT_FIELDS = ['weightNorm', 'weightMean', 'weightStd', 'weightMaxAbs', 'biasMean', 'biasStd'] as const;

function scale(s: LayerStats, fields: readonly (keyof LayerStats)[], f: number): void {
  for (const k of fields) {
    const v = s[k];
    if (typeof v === 'number') (s as Record<string, unknown>)[k] = v * f;
  }
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The gradient of `layer` grows by `growth` per step from onset (×1.1 per
 * step reaches 100× in 48 steps); with `upstream` (default) every layer
 * before it grows too, as backpropagation carries the blow-up to the input
 * side. The global gradNorm grows with it.
 *
 * @example eventsOf({ faults: [explodingGradients(400, 'dense_1', 1.1)] })
 */
export function explodingGradients(
  onset: number,
  layer: string,
  growth = 1.1,
  options: { upstream?: boolean } = {},
): Fault {
  return {
    onset,
    apply(e, { since }) {
      if (e.type !== 'step') return;
      const f = growth ** (since + 1);
      if (e.gradNorm !== undefined) e.gradNorm *= f;
      if (e.layers === undefined) return;
      const keys = Object.keys(e.layers);
      const at = keys.indexOf(layer);
      keys.forEach((k, i) => {
        if (k === layer || (options.upstream !== false && at >= 0 && i < at))
          scale(e.layers![k]!, GRAD_FIELDS, f);
      });
    },
  };
}

/**
 * From onset, layer i of n (in `layers` order, default: the step's stats
 * keys) has its gradient scaled by depthFactor^(n-1-i): the output layer
 * keeps its gradient, the first is starved most (a deep sigmoid net). With
 * `scaleUpdates` (default) its update ratio shrinks alike, as under SGD.
 *
 * @example vanishingGradients(0, 0.1, { layers: ['dense_0', 'dense_1', 'dense_2', 'dense_3', 'dense_4'] })
 */
export function vanishingGradients(
  onset: number,
  depthFactor: number,
  options: { layers?: string[]; scaleUpdates?: boolean } = {},
): Fault {
  return {
    onset,
    apply(e) {
      if (e.type !== 'step' || e.layers === undefined) return;
      const keys = options.layers ?? Object.keys(e.layers);
      keys.forEach((k, i) => {
        const s = e.layers![k];
        if (s === undefined) return;
        const f = depthFactor ** (keys.length - 1 - i);
        scale(s, GRAD_FIELDS, f);
        if (options.scaleUpdates !== false) scale(s, ['updateRatio'], f);
      });
    },
  };
}

/**
 * `layer` stops being updated at onset: its weight stats keep the values of
 * the first reading from onset on and its update ratio is 0 (parameters left
 * out of the optimizer). With `zeroGrad` its gradient is 0 too (a detached
 * graph).
 */
export function frozenUpdates(onset: number, layer: string, options: { zeroGrad?: boolean } = {}): Fault {
  let kept: LayerStats | undefined;
  let lastSince = -1;
  return {
    onset,
    apply(e, { since }) {
      if (e.type !== 'step') return;
      if (since < lastSince) kept = undefined;
      lastSince = since;
      const s = e.layers?.[layer];
      if (s === undefined) return;
      if (kept === undefined) {
        kept = {};
        for (const k of KEPT_FIELDS) if (s[k] !== undefined) kept[k] = s[k];
      }
      Object.assign(s, kept);
      // Only fields the recorder writes are rewritten.
      if (s.updateRatio !== undefined) s.updateRatio = 0;
      if (options.zeroGrad) {
        for (const k of GRAD_FIELDS) if (s[k] !== undefined) s[k] = 0;
        if (s.zeroGradFraction !== undefined) s.zeroGradFraction = 1;
      }
    },
  };
}

/**
 * The weights of `layer` (or of every layer when null) grow by `growth` per
 * step from onset (×1.02 per step reaches 10× in 117 steps).
 */
export function growingWeights(onset: number, layer: string | null, growth = 1.02): Fault {
  return {
    onset,
    apply(e, { since }) {
      if (e.type !== 'step' || e.layers === undefined) return;
      const f = growth ** (since + 1);
      for (const k in e.layers) if (layer === null || k === layer) scale(e.layers[k]!, WEIGHT_FIELDS, f);
    },
  };
}

/**
 * From onset, `share` of the units of the ReLU layer `layer` are dead
 * (reached over `rampSteps`, default at once): deadFraction near `share`,
 * zero gradients for their weights, lower mean activation and gradient.
 */
export function dyingRelu(
  onset: number,
  layer: string,
  share = 0.8,
  options: { rampSteps?: number } = {},
): Fault {
  return {
    onset,
    apply(e, { since, rng }) {
      if (e.type !== 'step') return;
      const s = e.layers?.[layer];
      if (s === undefined) return;
      const ramp = Math.min(1, (since + 1) / Math.max(1, options.rampSteps ?? 1));
      const dead = clamp01(share * ramp + 0.02 * rng.normal());
      s.deadFraction = dead;
      if (s.zeroGradFraction !== undefined) s.zeroGradFraction = Math.max(s.zeroGradFraction, 0.95 * dead);
      scale(s, ['actMean', 'actStd'], 1 - dead);
      scale(s, GRAD_FIELDS, Math.max(0.05, 1 - dead));
    },
  };
}

/**
 * From onset, `share` of the outputs of the sigmoid/tanh layer `layer` are
 * saturated. With `moments`, actMean/actStd are rewritten to match (saturated
 * outputs at 0.9999 of the upper bound, the rest mid-range), and with
 * `momentsOnly` saturatedFraction is removed, as from a recorder that writes
 * only moments.
 */
export function saturation(
  onset: number,
  layer: string,
  share = 0.8,
  options: { moments?: 'sigmoid' | 'tanh'; momentsOnly?: boolean } = {},
): Fault {
  return {
    onset,
    apply(e, { rng }) {
      if (e.type !== 'step') return;
      const s = e.layers?.[layer];
      if (s === undefined) return;
      const sat = clamp01(share + 0.01 * rng.normal());
      s.saturatedFraction = sat;
      if (options.moments) {
        const [hi, lo] = options.moments === 'sigmoid' ? [0.99995, 0.6] : [0.9999, 0.3];
        const mean = sat * hi + (1 - sat) * lo;
        const m2 = sat * hi * hi + (1 - sat) * lo * lo;
        s.actMean = mean;
        s.actStd = Math.sqrt(Math.max(0, m2 - mean * mean));
      }
      if (options.momentsOnly) delete s.saturatedFraction;
    },
  };
}

/** A recorder that never writes these layer fields (e.g. no updateRatio). */
export function withoutLayerFields(...fields: (keyof LayerStats)[]): Fault {
  return {
    onset: 0,
    apply(e: TraceEvent) {
      if (e.type !== 'step' || e.layers === undefined) return;
      for (const k in e.layers) for (const f of fields) delete e.layers[k]![f];
    },
  };
}

/** An MLP of `hidden` layers of `activation` and a softmax output, Keras style (activation on the layer). */
export function mlpLayers(hidden: number, activation: string, units = 64, classes = 10): LayerInfo[] {
  const layers: LayerInfo[] = [];
  for (let i = 0; i < hidden; i++)
    layers.push({ name: `dense_${i}`, type: 'Dense', activation, units, params: units * (units + 1) });
  layers.push({
    name: `dense_${hidden}`,
    type: 'Dense',
    activation: 'softmax',
    units: classes,
    params: classes * (units + 1),
  });
  return layers;
}

/** The same MLP, PyTorch style: linear layers, each hidden one followed by its own activation layer (`tanh_0`). */
export function torchMlpLayers(hidden: number, activation: string, units = 32, classes = 5): LayerInfo[] {
  const layers: LayerInfo[] = [];
  for (let i = 0; i < hidden; i++) {
    layers.push({
      name: `dense_${i}`,
      type: 'Dense',
      activation: 'linear',
      units,
      params: units * (units + 1),
    });
    layers.push({ name: `${activation}_${i}`, type: 'Activation', activation });
  }
  layers.push({
    name: `dense_${hidden}`,
    type: 'Dense',
    activation: 'linear',
    units: classes,
    params: classes * (units + 1),
  });
  return layers;
}

/**
 * Healthy runs that must give no gradient, weight or activation symptom:
 * noise, schedules, a plateau, missing signals, 2 and 100 classes, shallow
 * sigmoid/tanh nets, deep ReLU nets and PyTorch-style activation layers.
 */
export function healthyLayerRuns(
  seeds: readonly number[] = [1, 2, 3],
): { name: string; options: SyntheticOptions }[] {
  const base: { name: string; options: SyntheticOptions }[] = [
    { name: 'noise 0.1', options: { noise: 0.1 } },
    { name: 'noise 0.3', options: { noise: 0.3 } },
    { name: 'warm-up', options: { schedule: 'warmup', noise: 0.2 } },
    { name: 'cosine', options: { schedule: 'cosine', noise: 0.2 } },
    { name: 'step schedule', options: { schedule: 'step', noise: 0.2 } },
    { name: 'warm-up cosine', options: { schedule: 'warmup-cosine', noise: 0.2 } },
    { name: 'short plateau', options: { plateau: [200, 320], noise: 0.2 } },
    { name: 'no layer stats', options: { statsEvery: 0 } },
    { name: 'no accuracy', options: { accuracy: false } },
    { name: 'stats every 5 steps', options: { statsEvery: 5, noise: 0.3 } },
    { name: '2 classes', options: { numClasses: 2, layers: mlpLayers(2, 'relu', 32, 2) } },
    { name: '100 classes', options: { numClasses: 100, layers: mlpLayers(2, 'relu', 128, 100) } },
    { name: 'shallow sigmoid net', options: { layers: mlpLayers(2, 'sigmoid') } },
    { name: 'shallow tanh net', options: { layers: mlpLayers(2, 'tanh') } },
    { name: '8-layer ReLU net', options: { layers: mlpLayers(8, 'relu'), noise: 0.2 } },
    {
      name: '6-layer ReLU net, cosine',
      options: { layers: mlpLayers(6, 'relu'), schedule: 'warmup-cosine' },
    },
    {
      name: 'PyTorch-style tanh net',
      options: { layers: torchMlpLayers(2, 'tanh'), numClasses: 5, statsEvery: 5 },
    },
    { name: 'PyTorch-style 6-layer ReLU net', options: { layers: torchMlpLayers(6, 'relu'), numClasses: 5 } },
    { name: 'long run', options: { steps: 5000, stepsPerEpoch: 250, noise: 0.2, schedule: 'cosine' } },
  ];
  return seeds.flatMap((seed) =>
    base.map(({ name, options }) => ({ name: `${name} (seed ${seed})`, options: { ...options, seed } })),
  );
}
