import { join } from 'node:path';
import { detectEvents, loadProfile, type ProfileValues } from '../../src/detect/index.js';
import type { SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';

/** The shipped threshold profiles. */
export const PROFILES_DIR = join(import.meta.dirname, '../../graph-seed/profiles');

/** The seeds a synthetic fault is tried with, so a rule is not tuned to one noise draw. */
export const SEEDS: readonly number[] = [1, 2, 3, 4, 5];

/** Thresholds of a named profile (default: `default`). */
export const profileValues = async (name = 'default'): Promise<ProfileValues> =>
  (await loadProfile(name, PROFILES_DIR)).values;

/** Runs all detectors over events with a profile; returns the occurrences. */
export async function detect(
  events: Iterable<TraceEvent>,
  profile = 'default',
): Promise<SymptomOccurrence[]> {
  return detectEvents(events, await profileValues(profile)).occurrences;
}

/** The occurrences of one symptom. */
export const ofSymptom = (occ: SymptomOccurrence[], id: string) => occ.filter((o) => o.symptomId === id);

/** The occurrences of any of several symptoms (one family's, say). */
export const ofSymptoms = (occ: SymptomOccurrence[], ids: readonly string[]) =>
  occ.filter((o) => ids.includes(o.symptomId));

/** The same trace with its batch events removed: only epoch metrics are left. */
export const epochOnly = (events: TraceEvent[]) => events.filter((e) => e.type !== 'step');

/** The symptoms of the loss family. */
export const LOSS_SYMPTOMS = [
  'loss_nan',
  'loss_divergence',
  'loss_not_decreasing',
  'slow_convergence',
  'loss_oscillation',
] as const;
