import { createAlertDecider } from '../../reason/index.js';
import { type AlertSymptom, MonitorAlert } from '../alert.js';

/** A symptom as traindx reports it back (the API's SymptomFinding). */
export type ReportedSymptom = AlertSymptom;

/** Ranks likely causes of the symptoms seen so far, best first (e.g. the reasoner's `scoreCauses`). */
export type RankCauses = (symptoms: ReportedSymptom[]) => { id: string; confidence: number }[];

export interface AlertHub {
  on(listener: (alert: MonitorAlert) => void): () => void;
  /** An alert that arrived ready-made (the server's subscription). */
  emit(alert: MonitorAlert): void;
  /** Turns the symptoms seen so far into alerts for what is new or worse since the last call, and emits them. */
  update(runId: string, symptoms: ReportedSymptom[]): void;
}

/**
 * Alerts from symptom lists, the way the server makes them: an ingest answer
 * carries every symptom seen so far, so a symptom (per layer and onset) is
 * announced (`kind: 'symptom'`) when it first appears and again only when
 * its severity rises; with `rankCauses`, a change of the leading cause is
 * announced too (`top_cause`). Symptom alerts that also arrive ready-made
 * (the subscription) pass the same filter, so each is announced once.
 *
 * @example const hub = createAlertHub(); hub.on(console.log); hub.update('r1', result.symptoms);
 */
export function createAlertHub(rankCauses?: RankCauses): AlertHub {
  const listeners = new Set<(alert: MonitorAlert) => void>();
  // The server's rule (reason's alert decider), so each alert is announced once whichever way it came.
  const decide = createAlertDecider();
  const send = (alert: MonitorAlert) => {
    for (const listener of listeners) {
      try {
        listener(alert);
      } catch {
        // A listener's bug must not stop delivery (nor training).
      }
    }
  };
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(alert) {
      if (!alert.symptom || decide.isNews(alert.symptom)) send(alert);
    },
    update(runId, symptoms) {
      const news = symptoms.filter((s) => decide.isNews(s));
      if (news.length === 0) return;
      const best = rankCauses?.(symptoms)[0];
      const topCause = best ? { id: best.id, confidence: best.confidence } : null;
      for (const s of news)
        send(MonitorAlert.parse({ runId, kind: 'symptom', symptom: s, topCause, step: s.lastStep }));
      if (decide.isNewTopCause(best?.id)) {
        send({ runId, kind: 'top_cause', topCause });
      }
    },
  };
}
