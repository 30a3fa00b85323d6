import { ALL_FAMILIES, createDetectorSet, type DetectorSet } from '../../src/detect/index.js';
import type { RunEvent, SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';
import { profileValues } from './harness.js';

/** A choice of detector families (all of them, or the one under test). */
type Families = Parameters<typeof createDetectorSet>[0]['families'];

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

/**
 * Runs the events in two halves, saving and restoring the detector state at
 * `cut`, and in one go; returns both results.
 *
 * @example const { resumed, whole } = await resumedAndWhole(events, 215, [lossFamily]); expect(resumed).toEqual(whole);
 */
export async function resumedAndWhole(
  events: TraceEvent[],
  cut: number,
  families: Families = ALL_FAMILIES,
): Promise<{ resumed: SymptomOccurrence[]; whole: SymptomOccurrence[] }> {
  const values = await profileValues();
  const run = events[0] as RunEvent;
  const make = (saved?: string): DetectorSet =>
    createDetectorSet({ run, profile: values, families, ...(saved ? { saved } : {}) });
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

const stepOf = (e: TraceEvent): number | undefined => (e.type === 'run' ? undefined : e.step);

/**
 * Streams a run through the given families and returns the step of the event
 * after which `symptom` was first reported (undefined if never): the
 * detection time, to compare with a fault's onset.
 *
 * @example expect(await firstReportStep(eventsOf({ faults: [lossNan(400)] }), 'loss_nan', [lossFamily])).toBe(400);
 */
export async function firstReportStep(
  events: TraceEvent[],
  symptom: string,
  families: Families,
): Promise<number | undefined> {
  const profile = await profileValues();
  const set = createDetectorSet({ run: events[0] as RunEvent, profile, families });
  let last = -1;
  for (const e of events.slice(1)) {
    set.feed(e);
    last = stepOf(e) ?? last;
    if (set.takeChanged().some((o) => o.symptomId === symptom)) return last;
  }
  set.finish();
  return set.takeChanged().some((o) => o.symptomId === symptom) ? last : undefined;
}
