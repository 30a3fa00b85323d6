import type { ProfileValues } from '../detect/index.js';
import type { KnowledgeSeed, RunEvent } from '../domain/index.js';
import type { IngestResult } from '../ingest/index.js';
import type { GraphStore } from '../store/index.js';

/** What the app needs, passed in (no module singletons). */
export interface AppDeps {
  store: GraphStore;
  ingest(runId: string, batchId: string, events: unknown[]): Promise<IngestResult>;
  profileFor(run: RunEvent): Promise<{ name: string; values: ProfileValues }>;
}

/** Per request: the deps and a memoised read of the knowledge graph (one read however many fields need it). */
export interface RequestContext extends AppDeps {
  knowledge(): Promise<KnowledgeIndex>;
}

export interface KnowledgeIndex {
  seed: KnowledgeSeed;
  symptom: Map<string, KnowledgeSeed['symptoms'][number]>;
  cause: Map<string, KnowledgeSeed['causes'][number]>;
  remedy: Map<string, KnowledgeSeed['remedies'][number]>;
  source: Map<string, KnowledgeSeed['sources'][number]>;
}

export function createRequestContext(deps: AppDeps): RequestContext {
  let cached: Promise<KnowledgeIndex> | undefined;
  return {
    ...deps,
    knowledge: () => {
      cached ??= deps.store.readKnowledge().then(indexKnowledge);
      return cached;
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
