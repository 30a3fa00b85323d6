import type { KnowledgeSeed, RunAlert } from '../domain/index.js';
import type { IngestResult } from '../ingest/index.js';
import { type AlertDecider, createAlertDecider, scoreCauses, toDiagnosedSymptom } from '../reason/index.js';
import type { AlertStore } from '../store/index.js';
import { type AlertBus, createLocalAlertBus } from './alert-bus.js';

export type { RunAlert } from '../domain/index.js';

export interface AlertHub {
  /**
   * After a batch of `batchEvents` events was stored: decides what is news
   * (reason's alert decider), stores it with the run, then publishes it.
   */
  publish(result: IngestResult, batchEvents: number, knowledge: KnowledgeSeed): Promise<RunAlert[]>;
  /** Every alert of the run from now on; ends when the consumer returns. `ready`: none can be missed from then on. */
  subscribe(runId: string): { alerts: AsyncIterableIterator<RunAlert>; ready: Promise<void> };
  /** Every alert this hub announces, of any run (the API's /metrics counts them); returns the untap. */
  tap(listener: (alert: RunAlert) => void): () => void;
  close(): Promise<void>;
}

interface LiveDecider {
  decide: AlertDecider;
  /** The run's event count after the batch it last decided on, and how many alerts the run had then. */
  eventCount: number;
  count: number;
}

/**
 * The server's alerts: what reason's decider calls news after each batch is
 * stored with the run (so the run page shows the history, and any replica
 * can carry on the run) and published on the bus (in process by default,
 * Redis between replicas). A run's decider is kept between its batches while
 * no one else wrote to the run (its event count moved by this batch alone);
 * otherwise it is rebuilt from the stored history, so replicas that take
 * turns on one run announce each (symptom, layer) once.
 */
export function createAlertHub(deps: { store: AlertStore; bus?: AlertBus }): AlertHub {
  const { store } = deps;
  const bus = deps.bus ?? createLocalAlertBus();
  const deciders = new Map<string, LiveDecider>();
  const taps = new Set<(alert: RunAlert) => void>();

  const deciderFor = async (runId: string, eventsBefore: number): Promise<LiveDecider> => {
    const live = deciders.get(runId);
    if (live && live.eventCount === eventsBefore) return live;
    const history = await store.readAlerts(runId);
    return { decide: createAlertDecider(history), eventCount: eventsBefore, count: history.length };
  };

  return {
    async publish(result, batchEvents, knowledge) {
      const { runId } = result;
      const live = await deciderFor(runId, result.eventCount - batchEvents);
      const { decide } = live;
      const changes = decide.changes(result.symptoms.map(toDiagnosedSymptom), result.lastStep);
      // Most batches change nothing: no cause ranking then (the top cause can only move with a symptom).
      if (changes.length === 0 && !result.status) {
        deciders.set(runId, { ...live, eventCount: result.eventCount });
        return [];
      }
      const out: Omit<RunAlert, 'seq'>[] = [];
      const scored = scoreCauses(result.symptoms, knowledge)[0];
      const name = scored && knowledge.causes.find((c) => c.id === scored.id)?.name;
      const topCause = scored
        ? { id: scored.id, name: name ?? scored.id, confidence: scored.confidence }
        : undefined;
      for (const { change, symptom } of changes)
        out.push({ runId, kind: 'symptom', change, symptom, topCause, step: symptom.lastStep });
      if (decide.isNewTopCause(topCause?.id))
        out.push({ runId, kind: 'top_cause', topCause, step: result.lastStep });
      if (result.status) out.push({ runId, kind: 'finished', topCause, step: result.lastStep });
      const alerts = out.map((a, i) => dropUndefined({ ...a, seq: live.count + i }) as RunAlert);
      if (alerts.length) await store.appendAlerts(runId, alerts);
      if (result.status) deciders.delete(runId);
      else deciders.set(runId, { decide, eventCount: result.eventCount, count: live.count + alerts.length });
      for (const alert of alerts) {
        for (const tap of taps) tap(alert);
        bus.publish(alert);
      }
      return alerts;
    },
    subscribe: (runId) => bus.subscribe(runId),
    tap(listener) {
      taps.add(listener);
      return () => taps.delete(listener);
    },
    close: () => bus.close(),
  };
}

// Alerts travel as JSON (Redis) and are stored as parsed: no undefined fields either way.
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
