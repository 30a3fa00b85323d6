import type { LayerStats, StepEvent } from '../../domain/index.js';
import { fmt, holdsNonFinite, nonFiniteStats, reportFinding } from '../stats/index.js';
import type { FiniteSpan, GradientEnv, NonFiniteState } from './gradients-env.js';

const createSpan = (): FiniteSpan => ({ first: Number.NaN, firstStep: -1, last: Number.NaN, lastStep: -1 });

export const createNonFiniteState = (): NonFiniteState => ({
  runFirstStep: -1,
  globalN: 0,
  global: createSpan(),
  layers: {},
  finding: null,
});

/** A NaN or Inf is a measurement, not an estimate (SageMaker ExplodingTensor fires on one value). */
const CONFIDENCE = 0.95;

/**
 * Reports `non_finite_tensors` as soon as a step carries a NaN or ±Infinity
 * in the global gradNorm or in any layer's weight, bias, activation or
 * gradient stats, or a layer's nanCount > 0 (SageMaker ExplodingTensor;
 * DeepLocalize's NaN check names the layer and the batch). Such a value is
 * no "growth by orders of magnitude": it is kept out of exploding_gradients
 * and exploding_weights. The evidence says whether it came at the first
 * reading, where no update could have grown anything (the data or the
 * numerics), or after finite readings, and how much the norm had grown by
 * then (a step size that blew it up). The layer named is the one nearest
 * the input: a non-finite input, weight or output spreads to every later
 * layer and, through the loss, to every gradient.
 *
 * @example if (e.gradNorm !== undefined || e.layers !== undefined) checkNonFinite(env, e);
 */
export function checkNonFinite(env: GradientEnv, e: StepEvent): void {
  // A loss scaler skipped this step because of these values: it kept them out of the weights,
  // and the amp family reports what its skipping says (mixed precision, issue 19).
  if (e.stepSkipped === true) return;
  const st = env.state.nonFinite;
  if (st.runFirstStep < 0) st.runFirstStep = e.step;
  const g = e.gradNorm;
  const globalBad = g !== undefined && !Number.isFinite(g);
  let key: string | null = null;
  let keyIndex = Number.POSITIVE_INFINITY;
  const layers = e.layers;
  if (layers !== undefined) {
    for (const k in layers) {
      if (!holdsNonFinite(layers[k]!)) continue;
      const index = env.ctx.model.ownerOf(k)?.index ?? Number.MAX_SAFE_INTEGER;
      if (key === null || index < keyIndex) {
        key = k;
        keyIndex = index;
      }
    }
  }
  if (globalBad || key !== null) report(env, e, key, globalBad);
  track(st, e);
}

function report(env: GradientEnv, e: StepEvent, key: string | null, globalBad: boolean): void {
  const st = env.state.nonFinite;
  const open = st.finding;
  const n = key === null ? st.globalN : (st.layers[key]?.n ?? 0);
  const what = key === null ? `global gradNorm is ${e.gradNorm}` : layerWhat(key, e.layers![key]!);
  const evidence = [`${what} at step ${e.step}, ${firstness(st, n, e.step)}`];
  if (open === null) {
    const also = alsoLine(env, e, key, globalBad);
    if (also !== null) evidence.push(also);
    if (n > 0) evidence.push(growthLine(st, e, key));
    if (e.loss !== undefined) {
      evidence.push(
        Number.isFinite(e.loss)
          ? `the loss at step ${e.step} is still finite (${fmt(e.loss)}), so a loss-only check misses it`
          : `the loss at step ${e.step} is ${e.loss} too`,
      );
    }
  }
  st.finding = reportFinding(
    open,
    {
      symptomId: 'non_finite_tensors',
      layer: open?.layer ?? key,
      firstStep: open?.firstStep ?? e.step,
      lastStep: e.step,
      severity: 'critical',
      confidence: CONFIDENCE,
      evidence,
      latest: null,
    },
    env.emit,
  );
}

/** "gradNorm of dense_0 is NaN", or the count when no stat shows it. */
function layerWhat(key: string, s: LayerStats): string {
  const stat = nonFiniteStats(s)[0];
  return stat === undefined
    ? `${key} reports ${s.nanCount} non-finite values (nanCount)`
    : `${stat} of ${key} is ${s[stat]}`;
}

/** Whether the reading is the first one: before any update, nothing can have grown. */
function firstness(st: NonFiniteState, n: number, step: number): string {
  if (n > 0) return 'not at the first reading';
  if (step === st.runFirstStep) {
    return "at the first reading (the run's first step): nothing had been updated yet, so no growth led to it";
  }
  return `at the first reading of this layer (the run began at step ${st.runFirstStep})`;
}

/** How the norms stood before the turn: grown by orders of magnitude (a step size) or not (numerics, data). */
function growthLine(st: NonFiniteState, e: StepEvent, key: string | null): string {
  const parts: string[] = [];
  if (st.global.lastStep >= 0) parts.push(spanText('global gradNorm', st.global));
  const spans = key === null ? undefined : st.layers[key];
  if (spans !== undefined) {
    const w = e.layers![key!]!.weightNorm;
    const weight =
      w !== undefined && Number.isFinite(w) && spans.weight.lastStep >= 0
        ? { ...spans.weight, last: w, lastStep: e.step }
        : spans.weight;
    if (weight.lastStep >= 0) parts.push(spanText(`weightNorm of ${key}`, weight));
    if (st.global.lastStep < 0 && spans.grad.lastStep >= 0)
      parts.push(spanText(`gradNorm of ${key}`, spans.grad));
  }
  return parts.length > 0
    ? `before it: ${parts.join('; ')}`
    : 'before it: no finite norm was written to compare with';
}

const spanText = (label: string, s: FiniteSpan): string =>
  s.lastStep === s.firstStep
    ? `${label} was ${fmt(s.last)} (step ${s.lastStep}), its only finite reading`
    : `${label} went from ${fmt(s.first)} (step ${s.firstStep}) to ${fmt(s.last)} (step ${s.lastStep})${s.first !== 0 ? `, ${fmt(s.last / s.first)}×` : ''}`;

/** The other non-finite places of the step: the named layer's other stats, other layers, the global norm. */
function alsoLine(env: GradientEnv, e: StepEvent, key: string | null, globalBad: boolean): string | null {
  const parts: string[] = [];
  const layers = e.layers ?? {};
  const keys = Object.keys(layers).filter((k) => holdsNonFinite(layers[k]!));
  const order = (k: string) => env.ctx.model.ownerOf(k)?.index ?? Number.MAX_SAFE_INTEGER;
  keys.sort((a, b) => order(a) - order(b));
  for (const k of keys) {
    const s = layers[k]!;
    const stats: string[] = nonFiniteStats(s);
    // The named layer's first stat (or its count, when no stat shows it) is already in the main line.
    const counted = k === key && stats.length === 0;
    if (k === key) stats.shift();
    if (s.nanCount !== undefined && s.nanCount > 0 && !counted) stats.push(`nanCount ${s.nanCount}`);
    if (stats.length > 0) parts.push(`${k} (${stats.join(', ')})`);
  }
  if (globalBad && key !== null) parts.push(`global gradNorm (${e.gradNorm})`);
  return parts.length > 0 ? `also non-finite at step ${e.step}: ${parts.join('; ')}` : null;
}

/** Counts the readings and keeps the first and last finite norms (after the check: it reads the past). */
function track(st: NonFiniteState, e: StepEvent): void {
  if (e.gradNorm !== undefined) {
    st.globalN++;
    extend(st.global, e.gradNorm, e.step);
  }
  const layers = e.layers;
  if (layers === undefined) return;
  for (const k in layers) {
    let spans = st.layers[k];
    if (spans === undefined) {
      spans = { n: 0, grad: createSpan(), weight: createSpan() };
      st.layers[k] = spans;
    }
    spans.n++;
    const s = layers[k]!;
    if (s.gradNorm !== undefined) extend(spans.grad, s.gradNorm, e.step);
    if (s.weightNorm !== undefined) extend(spans.weight, s.weightNorm, e.step);
  }
}

function extend(span: FiniteSpan, x: number, step: number): void {
  if (!Number.isFinite(x)) return;
  if (span.firstStep < 0) {
    span.first = x;
    span.firstStep = step;
  }
  span.last = x;
  span.lastStep = step;
}
