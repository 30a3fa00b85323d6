import { median } from './robust.js';

/**
 * A series' own early level: the median of its first `size` finite, positive
 * values, with the steps they came from. Rules compare later values with it
 * ("grew 100× over its early level"), which makes them independent of the
 * scale of the model and the loss.
 */
export interface EarlyLevel {
  /** Values collected so far; emptied once the level is known. */
  values: number[];
  /** The median, NaN until `size` values were seen. */
  level: number;
  fromStep: number;
  toStep: number;
}

export const createEarlyLevel = (): EarlyLevel => ({
  values: [],
  level: Number.NaN,
  fromStep: -1,
  toStep: -1,
});

/**
 * Offers a value to the early level. Returns true when the level was already
 * known before this value, i.e. when the value may be compared with it.
 *
 * @example if (pushEarly(e, gradNorm, step, 5) && gradNorm > 100 * e.level) hit();
 */
export function pushEarly(e: EarlyLevel, x: number, step: number, size: number): boolean {
  if (!Number.isNaN(e.level)) return true;
  if (!(Number.isFinite(x) && x > 0)) return false;
  if (e.values.length === 0) e.fromStep = step;
  e.values.push(x);
  e.toStep = step;
  if (e.values.length < size) return false;
  e.level = median(e.values);
  e.values = [];
  return false;
}

export const earlyKnown = (e: EarlyLevel): boolean => !Number.isNaN(e.level);

/** "0.83 (steps 0–40)" for evidence text. */
export const earlySpan = (e: EarlyLevel): string =>
  e.fromStep === e.toStep ? `step ${e.fromStep}` : `steps ${e.fromStep}–${e.toStep}`;
