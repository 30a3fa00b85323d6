/** What the alert rule reads of a symptom occurrence, whoever reported it (detector set, server answer). */
export interface AlertableSymptom {
  id: string;
  severity: string;
  layer?: string | null;
  firstStep?: number | null;
}

export interface AlertDecider {
  /** Whether this occurrence is news: seen for the first time, or its severity rose since it was announced. */
  isNews(symptom: AlertableSymptom): boolean;
  /** Whether `causeId` is a new leading cause (the first one, or another than the last announced). */
  isNewTopCause(causeId: string | undefined): boolean;
}

const RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };

/**
 * The one rule for what a live run is told, used by the server's `alerts`
 * subscription and by the monitor's sinks alike: an occurrence (a symptom, on
 * a layer, from an onset step) is announced once when it first appears and
 * again only when its severity rises, not each time a batch extends it; the
 * leading cause is announced when it changes. State is per run: make one
 * decider per run.
 *
 * @example const decide = createAlertDecider(); const news = result.symptoms.filter(decide.isNews);
 */
export function createAlertDecider(): AlertDecider {
  const announced = new Map<string, number>();
  let top: string | undefined;
  return {
    isNews(s) {
      const key = JSON.stringify([s.id, s.layer ?? '', s.firstStep ?? null]);
      const rank = RANK[s.severity] ?? 0;
      const before = announced.get(key);
      if (before !== undefined && rank <= before) return false;
      announced.set(key, rank);
      return true;
    },
    isNewTopCause(causeId) {
      if (causeId === undefined || causeId === top) return false;
      top = causeId;
      return true;
    },
  };
}
