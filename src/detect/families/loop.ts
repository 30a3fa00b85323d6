import type { StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { type Finding, fmt, median, reportFinding } from '../stats/index.js';
import { LoopThresholds } from './loop-thresholds.js';

/** The first readings of the global gradient norm and of the loss beside them (bounded by accumulateReadings). */
export interface LoopState {
  steps: number[];
  norms: number[];
  losses: number[];
  /** The accumulation rule is judged once, on the run's first readings; true once it has been. */
  judged: boolean;
  accumulating: Finding | null;
}

/**
 * Training-loop bugs seen in the telemetry (issue 19, PyTorch loop bugs).
 *
 * `gradient_norm_accumulating`: in PyTorch `backward()` adds into `.grad`, so a
 * loop that never calls `optimizer.zero_grad()` steps on the sum of every
 * gradient so far and the recorded global norm grows step after step from the
 * very start, about k times the first at step k while the per-batch gradients
 * stay alike. The rule reads only the run's first `accumulateReadings` global
 * gradNorm readings: a near-monotone rise (Kendall's tau ≥ accumulateTrend)
 * that ends `accumulateGrowth` times above where it began, while the loss
 * beside it does not rise, and the norm already rose `accumulateFirstRise`
 * times at the next two readings (a sum of two alike gradients is ~2x one).
 * A run whose loss rises with its gradients is diverging (the gradients and
 * loss families own that), and a healthy run's
 * norm wanders or falls over its first readings rather than climbing in
 * near-lockstep.
 */
export const loopFamily = defineFamily<LoopState, LoopThresholds>({
  name: 'loop',
  thresholds: LoopThresholds,
  signals: ['gradNorm', 'loss'],
  initialState: () => ({ steps: [], norms: [], losses: [], judged: false, accumulating: null }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    const judge = (): void => {
      state.judged = true;
      const f = checkAccumulating(state, t);
      if (f !== null) state.accumulating = reportFinding(state.accumulating, f, emit);
    };
    return {
      onStep(e: StepEvent) {
        if (state.judged) return;
        const g = e.gradNorm;
        if (g === undefined || !Number.isFinite(g) || g <= 0) return;
        state.steps.push(e.step);
        state.norms.push(g);
        state.losses.push(e.loss !== undefined && Number.isFinite(e.loss) ? e.loss : Number.NaN);
        if (state.norms.length >= t.accumulateReadings) judge();
      },
      onEnd() {
        if (!state.judged && state.norms.length >= t.accumulateMinReadings) judge();
      },
    };
  },
});

/** Kendall's tau-a of a series against its order: +1 when every later reading is above every earlier one. */
export function kendallTrend(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - ys[i]!);
  return s / ((n * (n - 1)) / 2);
}

function checkAccumulating(state: LoopState, t: LoopThresholds): Finding | null {
  const { norms, losses, steps } = state;
  const n = norms.length;
  const k = Math.min(t.accumulateEnds, Math.floor(n / 3));
  const first = median(norms.slice(0, k));
  const last = median(norms.slice(n - k));
  const growth = last / first;
  if (!(growth >= t.accumulateGrowth)) return null;
  const tau = kendallTrend(norms);
  if (tau < t.accumulateTrend) return null;
  // A running sum rises from its very first step (two alike gradients sum to ~2x one); a healthy
  // net leaving its starting plateau lets the norm drift up over many steps instead.
  const firstRise = median(norms.slice(1, 3)) / norms[0]!;
  if (!(firstRise >= t.accumulateFirstRise)) return null;
  // Gradients that grow with the loss are a divergence, not an accumulation.
  const third = Math.max(1, Math.floor(n / 3));
  const lossStart = median(losses.slice(0, third).filter(Number.isFinite));
  const lossEnd = median(losses.slice(n - third).filter(Number.isFinite));
  if (Number.isFinite(lossStart) && Number.isFinite(lossEnd) && lossEnd > lossStart) return null;
  const loss =
    Number.isFinite(lossStart) && Number.isFinite(lossEnd)
      ? `; the loss beside it went from ${fmt(lossStart)} to ${fmt(lossEnd)} (median of each third), so this is not a divergence`
      : '';
  return {
    symptomId: 'gradient_norm_accumulating',
    layer: null,
    firstStep: steps[0]!,
    lastStep: steps[n - 1]!,
    severity: 'warning',
    confidence: Math.min(0.9, 0.6 + 0.3 * tau),
    evidence: [
      `global gradNorm rose from ${fmt(first)} to ${fmt(last)} (${fmt(growth)}x, median of the first and last ${k} readings) over the first ${n} readings, steps ${steps[0]}–${steps[n - 1]}, almost monotonically (Kendall's tau ${fmt(tau)} ≥ ${fmt(t.accumulateTrend)}), ${fmt(firstRise)}x the first by the next two${loss}`,
    ],
    latest: null,
  };
}
