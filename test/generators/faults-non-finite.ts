import type { LayerStats } from '../../src/domain/index.js';
import type { Fault } from './synthetic-run.js';

/**
 * Faults that make tensors non-finite from their onset on, for
 * `non_finite_tensors` and the benchmark. The loss is left finite unless
 * asked: a clipped or masked loss hides the NaN (the tfjs wasm backend clips
 * NaN to the lower bound), which is the case loss-only checks miss.
 */

const GRAD_FIELDS = ['gradNorm', 'gradMean', 'gradStd', 'gradMaxAbs'] as const;
const FORWARD_FIELDS = [
  'weightNorm',
  'weightMean',
  'weightStd',
  'weightMaxAbs',
  'biasMean',
  'biasStd',
  'actMean',
  'actStd',
] as const;

export interface NonFiniteOptions {
  /** Which stats turn: gradients (and the global gradNorm), weights and outputs, or both (default). */
  in?: 'gradients' | 'weights' | 'all';
  /** Layers whose stats turn (default: every layer of the step). */
  layers?: string[];
  /** The value written (default NaN). */
  value?: number;
  /** Also write a nanCount of this many values per layer (default: none). */
  nanCount?: number;
  /** Also turn the batch loss (default: false). */
  loss?: boolean;
}

/**
 * From onset, the chosen stats are `value` (NaN by default) in every step:
 * a NaN that, once in, stays (every later update is NaN too).
 *
 * @example eventsOf({ faults: [nonFiniteTensors(0)] }) // NaN from the first step, loss finite
 */
export function nonFiniteTensors(onset: number, options: NonFiniteOptions = {}): Fault {
  const where = options.in ?? 'all';
  const value = options.value ?? Number.NaN;
  return {
    onset,
    apply(e) {
      if (e.type !== 'step') return;
      if (options.loss && e.loss !== undefined) e.loss = value;
      if (where !== 'weights' && e.gradNorm !== undefined) e.gradNorm = value;
      if (e.layers === undefined) return;
      for (const key of options.layers ?? Object.keys(e.layers)) {
        const s = e.layers[key];
        if (s === undefined) continue;
        if (where !== 'weights') set(s, GRAD_FIELDS, value);
        if (where !== 'gradients') set(s, FORWARD_FIELDS, value);
        if (options.nanCount !== undefined) s.nanCount = options.nanCount;
      }
    },
  };
}

function set(s: LayerStats, fields: readonly (keyof LayerStats)[], value: number): void {
  for (const k of fields) if (s[k] !== undefined) (s as Record<string, unknown>)[k] = value;
}
