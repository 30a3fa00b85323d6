import { finite, hiddenLayers, median, shareOf, type TraceFacts, weightedLayers } from './trace-facts.js';
import { fmt, type Verdict, verdict } from './verdict.js';

// These criteria are this benchmark's own reading of spec/vocabulary.md,
// written from the symptom definitions, deliberately simple and independent
// of src/detect: they confirm that a planted fault really shows in the run.

const gradNorms = (f: TraceFacts) => f.steps.filter((s) => s.gradNorm !== undefined).map((s) => s.gradNorm!);

/** Gradient norm ≥ 100× its first readings, ≥ 1e3, or non-finite after finite readings. */
export const explodingGradients = (f: TraceFacts): Verdict => {
  const g = gradNorms(f);
  if (g.length === 0) return verdict(false, 'no gradient norms recorded');
  const base = median(finite(g).slice(0, 3));
  const peak = Math.max(...finite(g));
  const nonFinite = Number.isFinite(g[0]!) && g.some((v) => !Number.isFinite(v));
  const ok = (base > 0 && peak >= 100 * base) || peak >= 1e3 || nonFinite;
  return verdict(
    ok,
    `gradient norm from ${fmt(base)} to a peak of ${fmt(peak)}${nonFinite ? ', then non-finite' : ''}`,
  );
};

/** First hidden layer's gradient ≥ 2 orders of magnitude below the output layer's in most readings. */
export const vanishingGradients = (f: TraceFacts): Verdict => {
  const layers = weightedLayers(f);
  if (layers.length < 2) return verdict(false, 'fewer than two weighted layers');
  const first = f.series(layers[0]!.name, 'gradNorm');
  const last = f.series(layers.at(-1)!.name, 'gradNorm');
  if (first.length === 0 || first.length !== last.length)
    return verdict(false, 'no per-layer gradient norms');
  const ratios = first.map((g, i) => g / Math.max(last[i]!, 1e-30));
  const share = shareOf(ratios, (r) => r <= 1e-2);
  const tiny = shareOf(first, (g) => g < 1e-6);
  return verdict(
    share >= 0.5 || tiny >= 0.5,
    `first/last layer gradient ratio median ${fmt(median(ratios))} (≤ 1e-2 in ${fmt(share * 100)}% of readings)`,
  );
};

const RELU = new Set(['relu', 'relu6', 'leakyRelu', 'elu']);

/** A hidden ReLU layer with ≥ 50% dead units in at least half its readings. */
export const deadUnits = (f: TraceFacts): Verdict => {
  let best = { share: 0, layer: '' };
  for (const l of hiddenLayers(f).filter((l) => RELU.has(l.activation ?? ''))) {
    const share = shareOf(f.series(l.name, 'deadFraction'), (d) => d >= 0.5);
    if (share > best.share) best = { share, layer: l.name };
  }
  return verdict(
    best.share >= 0.5,
    best.layer
      ? `${best.layer}: ≥ 50% dead units in ${fmt(best.share * 100)}% of readings`
      : 'no dead ReLU layer',
  );
};

/** A hidden sigmoid/tanh layer with ≥ 50% saturated units in at least half its readings. */
export const saturatedActivations = (f: TraceFacts): Verdict => {
  let best = { share: 0, layer: '' };
  for (const l of hiddenLayers(f).filter((l) => l.activation === 'sigmoid' || l.activation === 'tanh')) {
    const share = shareOf(f.series(l.name, 'saturatedFraction'), (d) => d >= 0.5);
    if (share > best.share) best = { share, layer: l.name };
  }
  return verdict(
    best.share >= 0.5,
    best.layer
      ? `${best.layer}: ≥ 50% saturated in ${fmt(best.share * 100)}% of readings`
      : 'no saturated layer',
  );
};

/** A trainable layer whose update ratio is ≤ 1e-8 (or whose weight norm never moves) in ≥ 80% of readings. */
export const unchangedWeights = (f: TraceFacts): Verdict => {
  for (const l of weightedLayers(f)) {
    const ratios = f.series(l.name, 'updateRatio');
    const norms = f.series(l.name, 'weightNorm');
    const still = shareOf(ratios, (r) => r <= 1e-8);
    const flat =
      norms.length > 2 &&
      norms.every((n) => Math.abs(n - norms[0]!) <= 1e-6 * Math.max(1e-12, Math.abs(norms[0]!)));
    if ((ratios.length > 2 && still >= 0.8) || flat)
      return verdict(
        true,
        `${l.name}: update ratio ≤ 1e-8 in ${fmt(still * 100)}% of readings${flat ? ', weight norm constant' : ''}`,
      );
  }
  return verdict(false, 'every weighted layer moves');
};

/** A layer's weight norm reaches ≥ 10× its first non-zero reading. */
export const explodingWeights = (f: TraceFacts): Verdict => {
  for (const l of weightedLayers(f)) {
    const w = f.series(l.name, 'weightNorm');
    const base = w.find((v) => v > 0);
    if (base !== undefined && Math.max(...w) >= 10 * base)
      return verdict(true, `${l.name}: weight norm ${fmt(base)} → ${fmt(Math.max(...w))}`);
  }
  return verdict(false, 'no weight norm grew tenfold');
};
