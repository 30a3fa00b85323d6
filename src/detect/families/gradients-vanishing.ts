import type { LayerStats, StepEvent } from '../../domain/index.js';
import { emaValue, fmt, pct, pushSustain, reportFinding } from '../stats/index.js';
import type { GradientEnv } from './gradients-env.js';

/** A layer at or behind a (nearly) fully dead ReLU layer gets (nearly) no gradient: that is dead_units, not vanishing. */
const FULLY_DEAD = 0.99;

interface Hit {
  key: string | null;
  firstStep: number;
  critical: boolean;
  confidence: number;
  line: string;
}

/**
 * Checks the global norm (`keys` null: only the absolute rule applies) or the
 * layers of a step with layer stats, walking from the output back to the
 * input. A global fall of all norms (a converging run) never fires: the
 * ratio rule compares layers of the same step, and the absolute rule needs a
 * loss still at its early level. The layer named is the one nearest the input.
 */
export function checkVanishing(env: GradientEnv, e: StepEvent, keys: string[] | null): void {
  const t = env.ctx.thresholds;
  if (keys === null) {
    const g = e.gradNorm!;
    if (!Number.isFinite(g) || g === 0) return;
    const s = env.state.global;
    // ‖g‖ ≥ RMS(g) ≥ mean |g|, so a small global norm bounds every gradient.
    const n = pushSustain(s.tiny, g < t.vanishMeanAbs && env.lossHasNotFallen(), e.step, t.sustainWindow);
    if (n >= t.sustainNeed) {
      report(env, e.step, {
        key: null,
        firstStep: s.tiny.since,
        critical: false,
        confidence: 0.7,
        line: `global gradNorm is ${fmt(g)} at step ${e.step}, below ${fmt(t.vanishMeanAbs)} in ${n} of the last ${t.sustainWindow} readings since step ${s.tiny.since}, ${lossLine(env)}`,
      });
    }
    return;
  }
  const lossFlat = env.lossHasNotFallen();
  const layers = e.layers!;
  let maxLater = 0;
  let maxKey = '';
  let deadAhead = false;
  let found: Hit | null = null;
  const also: string[] = [];
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    const s = layers[key]!;
    deadAhead ||= isFullyDead(env, key, layers);
    const g = s.gradNorm;
    // An exactly-zero gradient is a cut graph (detached, frozen, dead), not a vanishing one: other rules report it.
    if (g === undefined || !Number.isFinite(g) || g === 0 || deadAhead) continue;
    const series = env.series(key);
    let hit: Hit | null = null;
    if (maxLater > 0) {
      const ratio = g / maxLater;
      const n = pushSustain(
        series.vanish,
        ratio <= t.vanishRatio && g <= t.vanishNorm,
        e.step,
        t.sustainWindow,
      );
      if (n >= t.sustainNeed) {
        hit = {
          key,
          firstStep: series.vanish.since,
          critical: ratio <= t.vanishRatio ** 2,
          confidence: Math.min(0.9, 0.65 + 0.05 * Math.log10(t.vanishRatio / Math.max(ratio, 1e-30))),
          line:
            `gradNorm of ${key} is ${fmt(g)} at step ${e.step}, ${fmt(ratio)}× that of the later layer ${maxKey} (${fmt(maxLater)}); ` +
            `≤ ${fmt(t.vanishRatio)}× and ≤ ${fmt(t.vanishNorm)} in ${n} of the last ${t.sustainWindow} readings since step ${series.vanish.since} (AUTOTRAINER β1, β2)`,
        };
      }
    }
    const bound = meanAbsBound(s, env.params[key]);
    if (!Number.isNaN(bound)) {
      const n = pushSustain(series.tiny, lossFlat && bound < t.vanishMeanAbs, e.step, t.sustainWindow);
      if (n >= t.sustainNeed && hit === null) {
        hit = {
          key,
          firstStep: series.tiny.since,
          critical: false,
          confidence: 0.7,
          line:
            `mean |g| of ${key} is at most ${fmt(bound)} at step ${e.step} (${boundSource(s, env.params[key])}), below ${fmt(t.vanishMeanAbs)} ` +
            `in ${n} of the last ${t.sustainWindow} readings since step ${series.tiny.since}, ${lossLine(env)} (SageMaker VanishingGradient)`,
        };
      }
    }
    if (hit !== null) {
      if (found !== null) also.push(found.key!);
      found = hit;
    }
    if (g > maxLater) {
      maxLater = g;
      maxKey = key;
    }
  }
  if (found !== null) {
    if (also.length > 0) found.line += `; later layers too: ${also.reverse().join(', ')}`;
    report(env, e.step, found);
  }
}

function isFullyDead(env: GradientEnv, key: string, layers: Record<string, LayerStats>): boolean {
  if ((layers[key]!.deadFraction ?? 0) >= FULLY_DEAD) return true;
  for (const a of env.ctx.model.ownerOf(key)?.activationLayers ?? []) {
    if ((layers[a]?.deadFraction ?? 0) >= FULLY_DEAD) return true;
  }
  return false;
}

/** An upper bound of the mean absolute gradient from what the recorder wrote (RMS ≥ mean |g|; max |g| ≥ mean |g|); NaN when none. */
function meanAbsBound(s: LayerStats, params: number | undefined): number {
  if (s.gradStd !== undefined && s.gradMean !== undefined && Number.isFinite(s.gradStd + s.gradMean)) {
    return Math.hypot(s.gradStd, s.gradMean);
  }
  if (s.gradMaxAbs !== undefined && Number.isFinite(s.gradMaxAbs)) return s.gradMaxAbs;
  if (s.gradNorm !== undefined && Number.isFinite(s.gradNorm) && params !== undefined)
    return s.gradNorm / Math.sqrt(params);
  return Number.NaN;
}

/** Which fields meanAbsBound used, for evidence. */
function boundSource(s: LayerStats, params: number | undefined): string {
  if (s.gradStd !== undefined && s.gradMean !== undefined) return 'RMS from gradStd and gradMean';
  if (s.gradMaxAbs !== undefined) return 'gradMaxAbs';
  return `RMS from gradNorm over ${params} parameters`;
}

const lossLine = (env: GradientEnv): string => {
  const { lossEma, lossEarly } = env.state;
  const now = emaValue(lossEma);
  return `while the smoothed loss ${fmt(now)} is still ${pct(now / lossEarly.level)} of its early level ${fmt(lossEarly.level)}`;
};

function report(env: GradientEnv, step: number, hit: Hit): void {
  const open = env.state.vanishing;
  env.state.vanishing = reportFinding(
    open,
    {
      symptomId: 'vanishing_gradients',
      layer: open?.layer ?? hit.key,
      firstStep: open?.firstStep ?? hit.firstStep,
      lastStep: step,
      severity: hit.critical ? 'critical' : 'warning',
      confidence: hit.confidence,
      evidence: [hit.line],
      latest: null,
    },
    env.emit,
  );
}
