import { z } from 'zod';

/**
 * "Held in most of the last N observations", in O(1) time and memory: the
 * outcomes of the last N checks are the bits of one integer (N ≤ 30), so the
 * whole state is two numbers and serialises as it is. A single noisy stat
 * point neither fires a rule nor resets it.
 */
export interface Sustain {
  /** Bit i = the outcome of the check i observations ago. */
  mask: number;
  /** Step of the first hit since the mask was last empty (-1 when empty). */
  since: number;
}

export const createSustain = (): Sustain => ({ mask: 0, since: -1 });

/**
 * Records one check's outcome and returns how many of the last `window`
 * checks were hits.
 *
 * @example if (pushSustain(s, dead >= 0.5, e.step, 5) >= 3) fire(s.since);
 */
export function pushSustain(s: Sustain, hit: boolean, step: number, window: number): number {
  s.mask = ((s.mask << 1) | (hit ? 1 : 0)) & ((1 << window) - 1);
  if (s.mask === 0) s.since = -1;
  else if (hit && s.since < 0) s.since = step;
  return sustainCount(s);
}

/** Number of hits in the window (popcount of the mask). */
export function sustainCount(s: Sustain): number {
  let m = s.mask - ((s.mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The threshold keys of a sustained rule: it fires when it holds in
 * `sustainNeed` of the last `sustainWindow` readings (window ≤ 30: the mask
 * is one integer). Spread into a family's thresholds object and pass the
 * object to `refineSustain`.
 *
 * @example const T = refineSustain(z.object({ deadShare: z.number(), ...SUSTAIN_THRESHOLDS }));
 */
export const SUSTAIN_THRESHOLDS = {
  // 3 of the last 5: "most of the last few readings", so one noisy reading neither fires nor clears a rule.
  sustainWindow: z.number().int().min(1).max(30).default(5),
  sustainNeed: z.number().int().min(1).default(3),
};

/**
 * Adds the check that `sustainNeed` fits in `sustainWindow` to a thresholds
 * schema holding `SUSTAIN_THRESHOLDS`.
 *
 * @example export const GradientThresholds = refineSustain(z.object({ ...SUSTAIN_THRESHOLDS }));
 */
export const refineSustain = <T extends z.ZodType<{ sustainWindow: number; sustainNeed: number }>>(
  schema: T,
): T =>
  schema.refine((t) => t.sustainNeed <= t.sustainWindow, {
    message: 'sustainNeed must not exceed sustainWindow',
    path: ['sustainNeed'],
  });
