import { join } from 'node:path';
import { detectEvents, loadProfile, type ProfileValues } from '../../src/detect/index.js';
import type { SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';

const PROFILES = join(import.meta.dirname, '../../graph-seed/profiles');

/** Thresholds of a named profile (default: `default`). */
export const profileValues = async (name = 'default'): Promise<ProfileValues> =>
  (await loadProfile(name, PROFILES)).values;

/** Runs all detectors over events with a profile; returns the occurrences. */
export async function detect(
  events: Iterable<TraceEvent>,
  profile = 'default',
): Promise<SymptomOccurrence[]> {
  return detectEvents(events, await profileValues(profile)).occurrences;
}

/** The occurrences of one symptom. */
export const ofSymptom = (occ: SymptomOccurrence[], id: string) => occ.filter((o) => o.symptomId === id);
