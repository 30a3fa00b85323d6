import type { RunEvent, SymptomOccurrence, TraceEvent } from '../domain/index.js';
import type { Signal } from './detector.js';
import { createDetectorSet } from './detector-set.js';
import { ALL_FAMILIES } from './families/index.js';
import type { ProfileValues } from './profile.js';

/**
 * Runs every detector over a whole run's events (the first must be `run`)
 * and returns what they found. For tests and one-shot use; live runs use
 * `createDetectorSet` directly.
 *
 * @example const { occurrences } = detectEvents(events, profile.values);
 */
export function detectEvents(
  events: Iterable<TraceEvent>,
  profile: ProfileValues,
): { occurrences: SymptomOccurrence[]; missingSignals: Signal[] } {
  const it = events[Symbol.iterator]();
  const first = it.next();
  if (first.done || first.value.type !== 'run')
    throw new Error("detectEvents: the first event must be 'run'");
  const set = createDetectorSet({ run: first.value as RunEvent, profile, families: ALL_FAMILIES });
  for (let n = it.next(); !n.done; n = it.next()) set.feed(n.value);
  set.finish();
  return { occurrences: set.occurrences(), missingSignals: set.missingSignals() };
}
