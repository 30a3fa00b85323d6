import { type TraceFacts, weightedLayers } from './trace-facts.js';
import { fmt, type Verdict, verdict } from './verdict.js';

// These criteria are this benchmark's own reading of spec/vocabulary.md,
// written from the symptom definitions, deliberately simple and independent
// of src/detect: they confirm that a planted fault really shows in the run.

/** Inputs with |mean| > 3, std > 10 or a value beyond ±100. */
export const inputScaleAnomaly = (f: TraceFacts): Verdict => {
  const s = f.run.dataset?.inputStats;
  if (!s) return verdict(false, 'no input statistics');
  const mean = Math.abs(s.mean ?? 0);
  const big = Math.max(Math.abs(s.min ?? 0), Math.abs(s.max ?? 0));
  return verdict(
    mean > 3 || (s.std ?? 0) > 10 || big > 100,
    `inputs mean ${fmt(s.mean)}, std ${fmt(s.std)}, range [${fmt(s.min)}, ${fmt(s.max)}]`,
  );
};

/** Largest class count ≥ 10× the smallest. */
export const labelImbalance = (f: TraceFacts): Verdict => {
  const c = f.run.dataset?.classCounts;
  if (!c || c.length < 2) return verdict(false, 'no class counts');
  const ratio = Math.max(...c) / Math.max(Math.min(...c), 1e-9);
  return verdict(ratio >= 10, `class counts ${c.join('/')}: ratio ${fmt(ratio)}`);
};

const PROBABILITY_LOSSES = /crossentropy/;

/**
 * Output activation and loss that cannot work together: the spec's examples (softmax + binary
 * cross-entropy over many classes, linear or ReLU outputs into a probability loss), softmax over one
 * unit (always 1), and a categorical cross-entropy over one unit (always 0).
 */
export const outputLossMismatch = (f: TraceFacts): Verdict => {
  const out = weightedLayers(f).at(-1);
  const loss = f.run.loss ?? '';
  if (!out) return verdict(false, 'no output layer');
  const act = out.activation ?? 'linear';
  const units = out.units ?? 0;
  const what = `${act} output (${units} units) with ${loss}${f.run.fromLogits ? ' from logits' : ''}`;
  if (act === 'softmax' && units === 1) return verdict(true, what);
  if (/^(sparse_)?categorical_crossentropy$/.test(loss) && units === 1) return verdict(true, what);
  if (act === 'softmax' && /binary/.test(loss) && units > 2) return verdict(true, what);
  if ((act === 'linear' || act === 'relu') && PROBABILITY_LOSSES.test(loss) && !f.run.fromLogits)
    return verdict(true, what);
  return verdict(false, what);
};
