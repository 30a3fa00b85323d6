import { hashString } from './prng.js';
import type { Variant } from './scenarios/scenario.js';

/**
 * The held-out variants: for each cause (and for healthy), a third of its
 * variants, rounded, at least one when it has two or more, chosen by the hash
 * of the variant id. The choice depends on the variant ids alone, so it is
 * fixed before any run is trained or diagnosed.
 *
 * @example testVariants(ALL_VARIANTS).has('lr-high-adam-digits')
 */
export function testVariants(variants: Variant[]): Set<string> {
  const byCause = new Map<string, string[]>();
  for (const v of variants) byCause.set(v.cause, [...(byCause.get(v.cause) ?? []), v.id]);
  const test = new Set<string>();
  for (const ids of byCause.values()) {
    const n = ids.length < 2 ? 0 : Math.max(1, Math.round(ids.length / 3));
    const ranked = [...ids].sort((a, b) => hashString(a) - hashString(b) || a.localeCompare(b));
    for (const id of ranked.slice(0, n)) test.add(id);
  }
  return test;
}
