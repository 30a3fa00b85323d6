import type { DiagnosedCause, DiagnosedSymptom, KnowledgeSeed } from '../domain/index.js';
import type { IngestResult } from '../ingest/index.js';
import { type AlertDecider, createAlertDecider, scoreCauses, toDiagnosedSymptom } from '../reason/index.js';

/** One alert of a live run (GraphQL `Alert`). */
export interface RunAlert {
  runId: string;
  kind: 'symptom' | 'top_cause' | 'finished';
  symptom?: DiagnosedSymptom;
  topCause?: Pick<DiagnosedCause, 'id' | 'name' | 'confidence'>;
  step?: number;
}

export interface AlertHub {
  /** After a batch was stored: announces what reason's alert decider calls news, and the end. */
  publish(result: IngestResult, knowledge: KnowledgeSeed): void;
  /** Every alert of the run from now on; ends when the consumer returns. */
  subscribe(runId: string): AsyncIterableIterator<RunAlert>;
  /** Every alert this hub announces, of any run (the API's /metrics counts them); returns the untap. */
  tap(listener: (alert: RunAlert) => void): () => void;
}

/**
 * In-process fan-out of live alerts to `alerts(runId)` subscribers. Each
 * replica pushes what it ingests; behind a load balancer, route a run's
 * batches and its subscribers to the same replica (sticky by runId). The
 * decider of a run is dropped when the run ends.
 */
export function createAlertHub(): AlertHub {
  const deciders = new Map<string, AlertDecider>();
  const listeners = new Map<string, Set<(alert: RunAlert) => void>>();
  const taps = new Set<(alert: RunAlert) => void>();
  const send = (alert: RunAlert) => {
    for (const tap of taps) tap(alert);
    for (const listener of listeners.get(alert.runId) ?? []) listener(alert);
  };
  return {
    publish(result, knowledge) {
      const { runId } = result;
      let decide = deciders.get(runId);
      if (!decide) {
        decide = createAlertDecider();
        deciders.set(runId, decide);
      }
      const news = result.symptoms.map(toDiagnosedSymptom).filter((s) => decide.isNews(s));
      if (news.length === 0 && !result.status) return;
      const scored = scoreCauses(result.symptoms, knowledge)[0];
      const name = scored && knowledge.causes.find((c) => c.id === scored.id)?.name;
      const top = scored
        ? { id: scored.id, name: name ?? scored.id, confidence: scored.confidence }
        : undefined;
      for (const symptom of news)
        send({ runId, kind: 'symptom', symptom, topCause: top, step: symptom.lastStep });
      if (decide.isNewTopCause(top?.id))
        send({ runId, kind: 'top_cause', topCause: top, step: result.lastStep });
      if (result.status) {
        deciders.delete(runId);
        send({ runId, kind: 'finished', topCause: top, step: result.lastStep });
      }
    },
    tap(listener) {
      taps.add(listener);
      return () => taps.delete(listener);
    },
    subscribe(runId) {
      const queue: RunAlert[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      const listener = (alert: RunAlert) => {
        queue.push(alert);
        wake?.();
      };
      let set = listeners.get(runId);
      if (!set) {
        set = new Set();
        listeners.set(runId, set);
      }
      set.add(listener);
      const stop = () => {
        done = true;
        set.delete(listener);
        if (set.size === 0 && listeners.get(runId) === set) listeners.delete(runId);
        wake?.();
      };
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next(): Promise<IteratorResult<RunAlert>> {
          while (queue.length === 0 && !done) await new Promise<void>((r) => (wake = r));
          wake = undefined;
          if (queue.length > 0) return { value: queue.shift()!, done: false };
          return { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<RunAlert>> {
          stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
