import { createPubSub } from 'graphql-yoga';
import type { KnowledgeSeed } from '../domain/index.js';
import type { IngestResult } from '../ingest/index.js';
import { scoreCauses, toDiagnosedSymptom } from '../reason/index.js';
import type { AlertParent } from './parents.js';

export interface AlertHub {
  /** After a batch was stored: pushes its new occurrences, a change of top cause, and the end. */
  publish(result: IngestResult, knowledge: KnowledgeSeed): void;
  subscribe(runId: string): AsyncIterable<AlertParent>;
}

/**
 * In-process fan-out of live alerts to `alerts(runId)` subscribers. Each
 * replica pushes what it ingests; behind a load balancer, route a run's
 * batches and its subscribers to the same replica (sticky by runId).
 */
export function createAlertHub(): AlertHub {
  const pubsub = createPubSub<{ alert: [runId: string, payload: AlertParent] }>();
  // The last top cause pushed per live run; dropped when the run ends.
  const topCause = new Map<string, string>();
  return {
    publish(result, knowledge) {
      const { runId } = result;
      if (result.changed.length === 0 && !result.status) return;
      const scored = scoreCauses(result.symptoms, knowledge)[0];
      const names = new Map(knowledge.causes.map((c) => [c.id, c.name]));
      const top = scored
        ? { id: scored.id, name: names.get(scored.id) ?? scored.id, confidence: scored.confidence }
        : undefined;
      for (const o of result.changed) {
        pubsub.publish('alert', runId, {
          runId,
          kind: 'symptom',
          symptom: toDiagnosedSymptom(o),
          topCause: top,
          step: o.lastStep,
        });
      }
      if (top && topCause.get(runId) !== top.id) {
        topCause.set(runId, top.id);
        pubsub.publish('alert', runId, { runId, kind: 'top_cause', topCause: top, step: result.lastStep });
      }
      if (result.status) {
        topCause.delete(runId);
        pubsub.publish('alert', runId, { runId, kind: 'finished', topCause: top, step: result.lastStep });
      }
    },
    subscribe: (runId) => pubsub.subscribe('alert', runId),
  };
}
