/**
 * Six significant digits: float32 statistics carry about seven, and a trace
 * of 10^6 steps with layer stats stays a third smaller than with full doubles.
 * Non-finite values pass through (the trace writes them as strings).
 *
 * @example round6(0.123456789) // 0.123457
 */
export const round6 = (v: number): number => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(6)) : v);
