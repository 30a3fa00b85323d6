import { ALL_FAMILIES, createDetectorSet, type DetectorSet } from '../../src/detect/index.js';
import type { RunEvent, SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';
import { profileValues } from './harness.js';

/** When each occurrence was first reported: the step of the event that made a detector emit it. */
export interface Reported {
  occurrence: SymptomOccurrence;
  reportedAt: number;
}

/**
 * Streams a run through all detectors and records, per occurrence, the step
 * at which it was first reported (for detection-delay assertions).
 *
 * @example const r = await reportsOf(eventsOf({ faults }), 'dead_units'); expect(r[0]!.reportedAt - onset).toBeLessThanOrEqual(30);
 */
export async function reportsOf(
  events: TraceEvent[],
  symptomId: string,
  profile = 'default',
): Promise<Reported[]> {
  const values = await profileValues(profile);
  const set = createDetectorSet({ run: events[0] as RunEvent, profile: values, families: ALL_FAMILIES });
  const first = new Map<string, number>();
  let step = -1;
  const note = () => {
    for (const o of set.takeChanged()) {
      const k = `${o.symptomId}|${o.layer ?? ''}|${o.firstStep}`;
      if (!first.has(k)) first.set(k, step);
    }
  };
  for (const e of events.slice(1)) {
    if ('step' in e && typeof e.step === 'number') step = e.step;
    set.feed(e);
    note();
  }
  set.finish();
  note();
  return set
    .occurrences()
    .filter((o) => o.symptomId === symptomId)
    .map((o) => ({
      occurrence: o,
      reportedAt: first.get(`${o.symptomId}|${o.layer ?? ''}|${o.firstStep}`)!,
    }));
}

/** Runs the events in two halves, saving and restoring the detector state at `cut`; returns both results. */
export async function resumedAndWhole(
  events: TraceEvent[],
  cut: number,
): Promise<{ resumed: SymptomOccurrence[]; whole: SymptomOccurrence[] }> {
  const values = await profileValues();
  const run = events[0] as RunEvent;
  const make = (saved?: string): DetectorSet =>
    createDetectorSet({ run, profile: values, families: ALL_FAMILIES, ...(saved ? { saved } : {}) });
  const whole = make();
  for (const e of events.slice(1)) whole.feed(e);
  whole.finish();
  const first = make();
  for (const e of events.slice(1, cut)) first.feed(e);
  const second = make(first.save());
  for (const e of events.slice(cut)) second.feed(e);
  second.finish();
  return { resumed: second.occurrences(), whole: whole.occurrences() };
}
