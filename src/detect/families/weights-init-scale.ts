import type { LayerStats } from '../../domain/index.js';
import type { LayerView } from '../model-view.js';
import { type Finding, fmt } from '../stats/index.js';

/** The thresholds of the initial-scale check (see the `weights` profile section). */
export interface InitScaleThresholds {
  initScaleHigh: number;
  initScaleLow: number;
  initMaxStep: number;
}

const MIN_KERNEL = 32;
const MOVED = 0.1;

// Layers whose kernel is a [fan-in, units] matrix (or its convolutional form): params = fan-in × units (+ units).
const MATRIX_LAYERS = /dense|linear|conv/i;

/**
 * init_scale_anomaly on a layer's first reading (at most `initMaxStep`):
 * the kernel's standard deviation against the spread of the standard
 * initializers for this layer's fan-in and fan-out: from the smaller of
 * PyTorch's default √(1/(3·fan-in)) and Glorot's √(2/(fan-in + fan-out)) to
 * the larger of He's √(2/fan-in) and Glorot's. More than `initScaleHigh`
 * times the top of that range starts units saturated or outputs huge; less
 * than `initScaleLow` times its bottom lets the signal and its gradient
 * shrink layer by layer (Glorot & Bengio 2010, He et al. 2015). Fan-in is read
 * from the layer's parameter count and units (its fan-out), so layers without
 * them are not judged; nor are kernels of fewer than 32 weights, or a reading
 * whose step already moved the weights by a tenth of their norm (a blown-up
 * first step is not the init).
 */
export function checkInitScale(
  view: LayerView,
  stats: LayerStats,
  step: number,
  t: InitScaleThresholds,
): Finding | null {
  if (step > t.initMaxStep || !MATRIX_LAYERS.test(view.type)) return null;
  const { units, params } = view;
  if (!units || !params || params <= units) return null;
  const withBias = stats.biasMean !== undefined || stats.biasStd !== undefined;
  const kernel = withBias ? params - units : params;
  const fanIn = kernel / units;
  // A handful of weights has no reliable spread (the std of n draws is off by about 1/√(2n)).
  if (fanIn < 1 || kernel < MIN_KERNEL) return null;
  // A reading taken after a step that moved the weights by a tenth of their norm no longer shows the init.
  if (stats.updateRatio !== undefined && !(stats.updateRatio < MOVED)) return null;
  const std =
    stats.weightStd ?? (stats.weightNorm !== undefined ? stats.weightNorm / Math.sqrt(kernel) : undefined);
  if (std === undefined || !Number.isFinite(std)) return null;
  const glorot = Math.sqrt(2 / (fanIn + units));
  const lo = Math.min(Math.sqrt(1 / (3 * fanIn)), glorot);
  const hi = Math.max(Math.sqrt(2 / fanIn), glorot);
  const high = std > t.initScaleHigh * hi;
  if (!high && !(std < t.initScaleLow * lo)) return null;
  // Farther out → more sure: 0.6 at the bound, 0.9 a decade and a half beyond it.
  const decades = Math.log10(
    high ? std / (t.initScaleHigh * hi) : (t.initScaleLow * lo) / Math.max(std, 1e-12),
  );
  const ratio = high ? `${fmt(std / hi)}× the top` : `${fmt(std / lo)}× the bottom`;
  return {
    symptomId: 'init_scale_anomaly',
    layer: view.name,
    firstStep: step,
    lastStep: step,
    severity: 'warning',
    confidence: Math.round(Math.min(0.9, 0.6 + 0.2 * decades) * 100) / 100,
    evidence: [
      `${view.name} starts (step ${step}) with kernel std ${fmt(std)}, ${ratio} of the standard initializers' range ` +
        `${fmt(lo)}–${fmt(hi)} for fan-in ${fmt(fanIn)} and fan-out ${units} (PyTorch default, Glorot, He); ` +
        `rule: ${high ? `above ${t.initScaleHigh}× its top is too large` : `below ${fmt(t.initScaleLow)}× its bottom is too small`}`,
    ],
    latest: null,
  };
}
