import { isDeepStrictEqual } from 'node:util';
import type { SeedPart } from './seed-parts.js';

/**
 * An entry as the seed and a team compare it: without the outcome counts a
 * FIXED_BY link learns from runs (they belong to the graph, not to either),
 * and without empty optional fields (Neo4j has no undefined).
 */
export function comparableEntry(part: SeedPart, entry: unknown): Record<string, unknown> {
  const e = { ...(entry as Record<string, unknown>) };
  if (part === 'fixedBy') {
    delete e.tries;
    delete e.successes;
  }
  return Object.fromEntries(
    Object.entries(e)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Whether two entries of a part say the same (see comparableEntry). */
export const sameEntry = (part: SeedPart, a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(comparableEntry(part, a), comparableEntry(part, b));

/**
 * The top-level fields whose values differ, sorted (a remedy's `snippets` is one field).
 *
 * @example changedFields('suggests', { weight: 0.9, ... }, { weight: 0.2, ... }) // ['weight']
 */
export function changedFields(part: SeedPart, a: unknown, b: unknown): string[] {
  const x = comparableEntry(part, a);
  const y = comparableEntry(part, b);
  return [...new Set([...Object.keys(x), ...Object.keys(y)])]
    .filter((k) => !isDeepStrictEqual(x[k], y[k]))
    .sort();
}
