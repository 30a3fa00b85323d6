import type { Severity, StepEvent } from '../../domain/index.js';
import {
  earlySpan,
  fmt,
  forwardWeightedKeys,
  pushEarly,
  pushSustain,
  reportFinding,
} from '../stats/index.js';
import type { ExplodeSeries, GradientEnv } from './gradients-env.js';
import type { GradientThresholds } from './gradients-thresholds.js';

/** The AUTOTRAINER ratio rule also needs the layer's norm at 10× its own early level (chosen here). */
const RATIO_MIN_GROWTH = 10;

interface Hit {
  severity: Severity;
  confidence: number;
  firstStep: number;
  line: string;
}

/**
 * Checks the global gradient norm (`keys` null) or the layers of a step with
 * layer stats. When several layers fire at once, the one nearest the output
 * is named: backpropagation carries a blown-up gradient from there to every
 * layer before it.
 */
export function checkExploding(env: GradientEnv, e: StepEvent, keys: string[] | null): void {
  const t = env.ctx.thresholds;
  if (keys === null) {
    if (!Number.isFinite(e.gradNorm!)) return;
    const hit = readNorm(env.state.global, e.gradNorm!, e.step, t, null);
    if (hit !== null) report(env, e.step, hit, null);
    return;
  }
  const layers = e.layers!;
  let outKey: string | undefined;
  let outNorm = Number.NaN;
  for (let i = keys.length - 1; i >= 0 && outKey === undefined; i--) {
    const g = layers[keys[i]!]!.gradNorm;
    if (g !== undefined && Number.isFinite(g)) {
      outKey = keys[i];
      outNorm = g;
    }
  }
  let best: Hit | null = null;
  let bestKey: string | null = null;
  // The layer nearest the output whose latest reading breaks a rule (sustained or not).
  let nowKey: string | null = null;
  let nowNorm = Number.NaN;
  for (const key of keys) {
    const s = layers[key]!;
    let hit: Hit | null = null;
    let now = false;
    const g = s.gradNorm;
    // A non-finite norm is no growth: non_finite_tensors reports it, and it feeds no rule here.
    if (g !== undefined && Number.isFinite(g)) {
      const series = env.series(key);
      hit = readNorm(series, g, e.step, t, key);
      now = (series.grow.mask & 1) === 1;
      if (key !== outKey && outNorm > 0) {
        // A ratio the layer had from the start is architecture (e.g. many more parameters), not an explosion.
        const grown = g >= RATIO_MIN_GROWTH * series.early.level;
        const n = pushSustain(
          series.ratio,
          grown && g >= t.explodeLayerRatio * outNorm,
          e.step,
          t.sustainWindow,
        );
        now ||= (series.ratio.mask & 1) === 1;
        if (n >= t.sustainNeed && hit === null) {
          hit = {
            severity: 'warning',
            confidence: 0.6,
            firstStep: series.ratio.since,
            line:
              `gradNorm of ${key} (${fmt(g)}) is ${fmt(g / outNorm)}× that of the last layer ${outKey} (${fmt(outNorm)}) at step ${e.step}; ` +
              `≥ ${fmt(t.explodeLayerRatio)}× in ${n} of the last ${t.sustainWindow} readings since step ${series.ratio.since} (AUTOTRAINER β3)`,
          };
        }
      }
    }
    if (hit !== null) {
      best = hit;
      bestKey = key;
    }
    if (now) {
      nowKey = key;
      nowNorm = g ?? Number.NaN;
    }
  }
  if (
    best !== null &&
    nowKey !== null &&
    nowKey !== bestKey &&
    keys.indexOf(nowKey) > keys.indexOf(bestKey!)
  ) {
    best = {
      ...best,
      line: `${best.line}; ${nowKey}, nearer the output, breaks the rule in this reading too (gradNorm ${fmt(nowNorm)})`,
    };
    bestKey = nowKey;
  }
  if (best !== null) report(env, e.step, best, bestKey);
}

/** Feeds one finite reading of a norm (of layer `key`, or the global one when null); returns a hit when a rule holds now. */
function readNorm(
  s: ExplodeSeries,
  x: number,
  step: number,
  t: GradientThresholds,
  key: string | null,
): Hit | null {
  const known = pushEarly(s.early, x, step, t.earlyPoints);
  const level = s.early.level;
  const factor = known ? x / level : Number.NaN;
  const large = x >= t.explodeMinNorm;
  const grown = known && large && factor >= t.explodeGrowth;
  const above = x >= t.explodeBound;
  const n = pushSustain(s.grow, grown || above, step, t.sustainWindow);
  s.last = x;
  s.lastStep = step;
  if (known && large && factor >= t.explodeSpike) {
    return {
      severity: 'critical',
      confidence: 0.8,
      firstStep: step,
      line: `${labelOf(key)} jumped to ${fmt(x)} at step ${step}, ${fmt(factor)}× ${earlyText(s)}; one reading ≥ ${fmt(t.explodeSpike)}× fires`,
    };
  }
  if (n < t.sustainNeed) return null;
  const since = `in ${n} of the last ${t.sustainWindow} readings since step ${s.grow.since}`;
  if (grown) {
    return {
      severity: 'warning',
      confidence: Math.min(0.9, 0.6 + 0.1 * Math.log10(factor / t.explodeGrowth)),
      firstStep: s.grow.since,
      line: `${labelOf(key)} rose from ${earlyText(s)} to ${fmt(x)} (step ${step}), ${fmt(factor)}×; ≥ ${fmt(t.explodeGrowth)}× ${since}`,
    };
  }
  return {
    severity: 'warning',
    confidence: 0.6,
    firstStep: s.grow.since,
    line: above
      ? `${labelOf(key)} is ${fmt(x)} at step ${step}, above the bound ${fmt(t.explodeBound)} ${since}`
      : `${labelOf(key)} was ≥ ${fmt(t.explodeGrowth)}× its early level or above ${fmt(t.explodeBound)} ${since} (now ${fmt(x)}, step ${step})`,
  };
}

const labelOf = (key: string | null): string => (key === null ? 'global gradNorm' : `gradNorm of ${key}`);

const earlyText = (s: ExplodeSeries): string =>
  `its early level ${fmt(s.early.level)} (${earlySpan(s.early)})`;

function report(env: GradientEnv, step: number, hit: Hit, layer: string | null): void {
  const open = env.state.exploding;
  const evidence = [hit.line];
  let named = layer;
  if (open === null && layer === null) {
    named = attribute(env);
    if (named !== null) {
      const s = env.state.layers[named]!;
      const growth = Number.isFinite(s.last) ? `, ${fmt(s.last / s.early.level)}× its early level` : '';
      evidence.push(`layer stats point to ${named}: gradNorm ${fmt(s.last)} at step ${s.lastStep}${growth}`);
    }
  }
  env.state.exploding = reportFinding(
    open,
    {
      symptomId: 'exploding_gradients',
      layer: open?.layer ?? named,
      firstStep: open?.firstStep ?? hit.firstStep,
      lastStep: step,
      severity: hit.severity,
      confidence: hit.confidence,
      evidence,
      latest: null,
    },
    env.emit,
  );
}

/** For a global-norm finding: the layer nearest the output whose latest norm is ≥ explodeGrowth/10 × its early level. */
function attribute(env: GradientEnv): string | null {
  const t = env.ctx.thresholds;
  const keys = forwardWeightedKeys(env.ctx.model, env.state.layers);
  for (let i = keys.length - 1; i >= 0; i--) {
    const s = env.state.layers[keys[i]!]!;
    if (s.lastStep < 0) continue;
    if (!Number.isFinite(s.last) || s.last >= (t.explodeGrowth / 10) * s.early.level) return keys[i]!;
  }
  return null;
}
