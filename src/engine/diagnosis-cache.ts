import type { Diagnosis } from '../domain/index.js';
import type { KnowledgeIndex } from './knowledge-cache.js';

/** What a stored diagnosis was computed from: the run's batch count and status, and the knowledge read. */
export interface DiagnosisKey {
  batchCount: number;
  status?: string;
  index: KnowledgeIndex;
}

/**
 * The last diagnosis of each run, valid while its batch count, status and
 * knowledge are the same (a diagnosis is a pure function of those); least
 * recently used runs beyond `max` are dropped.
 */
export function createDiagnosisCache(max = 1_000) {
  const entries = new Map<string, { key: DiagnosisKey; diagnosis: Diagnosis }>();
  return {
    get(runId: string, key: DiagnosisKey): Diagnosis | undefined {
      const e = entries.get(runId);
      if (
        !e ||
        e.key.batchCount !== key.batchCount ||
        e.key.status !== key.status ||
        e.key.index !== key.index
      )
        return undefined;
      // Map order is insertion order: re-inserting keeps the most recently used last.
      entries.delete(runId);
      entries.set(runId, e);
      return e.diagnosis;
    },
    set(runId: string, key: DiagnosisKey, diagnosis: Diagnosis) {
      entries.delete(runId);
      entries.set(runId, { key, diagnosis });
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
  };
}
