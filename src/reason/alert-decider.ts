import type { AlertChange } from '../domain/index.js';
import { materiallyDiffers } from './alert-evidence.js';

/** What the alert rule reads of a symptom occurrence, whoever reported it (detector set, server answer). */
export interface AlertableSymptom {
  id: string;
  severity: string;
  layer?: string | null;
  firstStep?: number | null;
  lastStep?: number | null;
  confidence?: number | null;
  evidence?: readonly string[] | null;
}

/** An alert as the rule reads it back (a run's stored history, or one pushed by the server). */
export interface LearnableAlert {
  kind: string;
  change?: string | null;
  symptom?: AlertableSymptom | null;
  topCause?: { id: string } | null;
}

export interface AlertDecider {
  /**
   * The symptom alerts that every occurrence of the run so far calls for:
   * `started` for a (symptom, layer) not announced before (or back after it
   * was resolved), `updated` when it changed in a way that matters since it
   * was last announced, `resolved` when it stopped growing for long enough.
   */
  changes<S extends AlertableSymptom>(
    symptoms: readonly S[],
    runLastStep?: number,
  ): { change: AlertChange; symptom: S }[];
  /** An alert decided elsewhere (the stored history, the server's subscription), folded in; true when it is news here. */
  learn(alert: LearnableAlert): boolean;
  /** Whether `causeId` is a new leading cause (the first one, or another than the last announced). */
  isNewTopCause(causeId: string | undefined): boolean;
}

// A symptom is resolved once it has not grown for longer than it had lasted, and for at least
// 50 steps: five readings at the usual stats interval of 10 steps, the sustain window of the
// gradient and activation rules, so a detector that extends an occurrence once per window or
// per epoch is not called resolved between two of its readings.
const MIN_QUIET_STEPS = 50;

interface Announced {
  symptom: AlertableSymptom;
  resolved: boolean;
}

/** The key an alert lives under: one alert per (symptom, layer), updated in place. */
export const alertKey = (s: { id: string; layer?: string | null }) => `${s.id}\u0000${s.layer ?? ''}`;

/**
 * The one rule for what a live run is told, used by the server's alert hub
 * and by the monitor's sinks alike: one alert per (symptom, layer), which
 * starts, is updated in place only when its severity, confidence (by 0.1 or
 * more) or evidence changes materially, and is resolved when the symptom goes
 * quiet; the leading cause is announced when it changes. State is per run:
 * make one decider per run, from the run's stored alerts when it has some.
 *
 * @example const decide = createAlertDecider(storedAlerts); const news = decide.changes(result.symptoms, result.lastStep);
 */
export function createAlertDecider(history: readonly LearnableAlert[] = []): AlertDecider {
  const announced = new Map<string, Announced>();
  let top: string | undefined;

  const learn = (alert: LearnableAlert): boolean => {
    if (alert.kind === 'top_cause') {
      const id = alert.topCause?.id;
      if (id === undefined || id === top) return false;
      top = id;
      return true;
    }
    const s = alert.symptom;
    if (alert.kind !== 'symptom' || !s) return false;
    const key = alertKey(s);
    const before = announced.get(key);
    if (alert.change === 'resolved') {
      if (!before || before.resolved) return false;
      announced.set(key, { symptom: s, resolved: true });
      return true;
    }
    const news = !before || before.resolved || materiallyDiffers(before.symptom, s);
    announced.set(key, { symptom: s, resolved: false });
    return news;
  };
  for (const alert of history) learn(alert);

  return {
    changes(symptoms, runLastStep) {
      const out: { change: AlertChange; symptom: (typeof symptoms)[number] }[] = [];
      for (const s of latestPerKey(symptoms)) {
        const key = alertKey(s);
        const before = announced.get(key);
        let change: AlertChange | undefined;
        if (!before) change = 'started';
        else if (before.resolved)
          change = (s.lastStep ?? 0) > (before.symptom.lastStep ?? 0) ? 'started' : undefined;
        else if (materiallyDiffers(before.symptom, s)) change = 'updated';
        else if (isQuiet(s, runLastStep)) change = 'resolved';
        if (!change) continue;
        announced.set(key, { symptom: s, resolved: change === 'resolved' });
        out.push({ change, symptom: s });
      }
      return out;
    },
    learn,
    isNewTopCause: (causeId) => learn({ kind: 'top_cause', topCause: causeId ? { id: causeId } : null }),
  };
}

/** The latest occurrence of each (symptom, layer), in the order they were given. */
function latestPerKey<S extends AlertableSymptom>(symptoms: readonly S[]): S[] {
  const latest = new Map<string, S>();
  for (const s of symptoms) {
    const key = alertKey(s);
    const had = latest.get(key);
    if (!had || (s.firstStep ?? 0) > (had.firstStep ?? 0)) latest.set(key, s);
  }
  return [...latest.values()];
}

/** Grew at least once (so it was a state, not a one-off finding) and has not grown since, long enough. */
function isQuiet(s: AlertableSymptom, runLastStep: number | undefined): boolean {
  if (runLastStep === undefined || s.firstStep == null || s.lastStep == null) return false;
  const lasted = s.lastStep - s.firstStep;
  return lasted > 0 && runLastStep - s.lastStep > Math.max(MIN_QUIET_STEPS, lasted);
}
