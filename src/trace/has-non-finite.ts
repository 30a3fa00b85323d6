/**
 * Whether a JSON-like value holds NaN or ±Infinity anywhere. JSON.stringify
 * with a replacer calls back into JS for every value (several times slower
 * than without one); checking first lets writers use the plain call whenever
 * the replacer would change nothing, which is nearly always.
 *
 * @example hasNonFinite({ loss: 0.3, layers: { d: { gradNorm: NaN } } }) // true
 */
export function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'object' && hasNonFinite(v)) return true;
    }
    return false;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'object' && hasNonFinite(v)) return true;
  }
  return false;
}
