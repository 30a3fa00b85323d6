import type { KnowledgeSeed } from '../domain/index.js';
import type { GraphStore } from '../store/index.js';

export interface KnowledgeIndex {
  seed: KnowledgeSeed;
  symptom: Map<string, KnowledgeSeed['symptoms'][number]>;
  cause: Map<string, KnowledgeSeed['causes'][number]>;
  remedy: Map<string, KnowledgeSeed['remedies'][number]>;
  source: Map<string, KnowledgeSeed['sources'][number]>;
}

export interface KnowledgeCache {
  get(): Promise<KnowledgeIndex>;
  /** After this process changed the graph (upsertKnowledge, recordOutcome). */
  invalidate(): void;
}

/**
 * The knowledge graph read once and shared by requests: it is small (a few
 * hundred nodes and links) and read by every diagnosis, so reading it per
 * request would dominate diagnosis latency on Neo4j. This process's own
 * writes invalidate it at once; writes by other replicas show after `ttlMs`.
 */
export function createKnowledgeCache(store: GraphStore, ttlMs = 5_000): KnowledgeCache {
  let cached: { at: number; value: Promise<KnowledgeIndex> } | undefined;
  return {
    get() {
      if (!cached || Date.now() - cached.at > ttlMs) {
        const value = store.readKnowledge().then(indexKnowledge);
        cached = { at: Date.now(), value };
        // A failed read must not stick: the next call tries again.
        value.catch(() => {
          if (cached?.value === value) cached = undefined;
        });
      }
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

function indexKnowledge(seed: KnowledgeSeed): KnowledgeIndex {
  return {
    seed,
    symptom: new Map(seed.symptoms.map((s) => [s.id, s])),
    cause: new Map(seed.causes.map((c) => [c.id, c])),
    remedy: new Map(seed.remedies.map((r) => [r.id, r])),
    source: new Map(seed.sources.map((s) => [s.id, s])),
  };
}
