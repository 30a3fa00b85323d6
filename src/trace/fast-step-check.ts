import { FRACTION_STATS, LayerStats, MAGNITUDE_STATS, type StepEvent } from '../domain/index.js';

// Step events are >99% of a trace, and zod's generic object walk costs about
// 3x a JSON.parse of the line. This check accepts only the plain, valid shape
// of StepEvent (every declared field of the right type) and answers `false`
// for anything else, which then goes through the zod schema — the single
// source of truth, which also writes the error message. A property test
// checks that whatever this accepts, the schema accepts unchanged.

// The numeric fields of LayerStats, read from the schema so a field added
// there is checked here too (nanCount has its own rule below).
const LAYER_NUMBER_KEYS = Object.keys(LayerStats.shape).filter(
  (k) => k !== 'nanCount',
) as (keyof LayerStats)[];

const optNumber = (v: unknown) => v === undefined || typeof v === 'number';
// The ranges of the schema's Magnitude and Fraction (NaN passes both, as a blown-up run writes it).
const optMagnitude = (v: unknown) => v === undefined || (typeof v === 'number' && !(v < 0));
const optFraction = (v: unknown) => v === undefined || (typeof v === 'number' && !(v < 0 || v > 1));
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** True when `raw` is certainly a valid StepEvent as the schema would return it. */
export function isPlainStep(raw: Record<string, unknown>): raw is StepEvent {
  if (raw.type !== 'step' || !isNonNegInt(raw.step)) return false;
  if (raw.epoch !== undefined && !isNonNegInt(raw.epoch)) return false;
  // `time` (epoch ms, format extension) is checked as the schema checks it.
  if (raw.time !== undefined && !(typeof raw.time === 'number' && raw.time >= 0)) return false;
  if (raw.training !== undefined && typeof raw.training !== 'boolean') return false;
  if (raw.stepSkipped !== undefined && typeof raw.stepSkipped !== 'boolean') return false;
  if (!optMagnitude(raw.lossScale)) return false;
  if (!optNumber(raw.loss) || !optMagnitude(raw.learningRate) || !optMagnitude(raw.gradNorm)) return false;
  const metrics = raw.metrics;
  if (metrics !== undefined) {
    if (!isRecord(metrics)) return false;
    for (const k in metrics) if (typeof metrics[k] !== 'number') return false;
  }
  const layers = raw.layers;
  if (layers !== undefined) {
    if (!isRecord(layers)) return false;
    for (const name in layers) {
      const s = layers[name];
      if (!isRecord(s)) return false;
      for (const key of LAYER_NUMBER_KEYS) if (!optNumber(s[key])) return false;
      for (const key of MAGNITUDE_STATS) if (!optMagnitude(s[key])) return false;
      for (const key of FRACTION_STATS) if (!optFraction(s[key])) return false;
      const nan = s.nanCount;
      if (nan !== undefined && !(typeof nan === 'number' && nan >= 0)) return false;
    }
  }
  return true;
}
