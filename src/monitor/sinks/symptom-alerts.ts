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
  /**
   * Turns the symptoms seen so far (and the run's last step, for `resolved`)
   * into alerts for what started, changed or went quiet since the last call, and emits them.
   */
  update(runId: string, symptoms: ReportedSymptom[], lastStep?: number): void;
}

/**
 * Alerts from symptom lists, the way the server makes them: an ingest answer
 * carries every symptom seen so far, so a (symptom, layer) is announced
 * (`kind: 'symptom'`, `change: 'started'`) when it first appears, again
 * (`updated`) only when it changes materially, and `resolved` when it goes
 * quiet; with `rankCauses`, a change of the leading cause is announced too
 * (`top_cause`). Alerts that also arrive ready-made (the subscription) pass
 * the same rule, so each is announced once.
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
      if (alert.kind === 'finished' || decide.learn(alert)) send(alert);
    },
    update(runId, symptoms, lastStep) {
      const news = decide.changes(symptoms, lastStep);
      if (news.length === 0) return;
      const best = rankCauses?.(symptoms)[0];
      const topCause = best ? { id: best.id, confidence: best.confidence } : null;
      for (const { change, symptom } of news)
        send(
          MonitorAlert.parse({ runId, kind: 'symptom', change, symptom, topCause, step: symptom.lastStep }),
        );
      if (decide.isNewTopCause(best?.id)) {
        send({ runId, kind: 'top_cause', topCause });
      }
    },
  };
}
