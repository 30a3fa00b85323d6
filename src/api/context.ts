import type { ProfileValues } from '../detect/index.js';
import type { Diagnosis, RunEvent } from '../domain/index.js';
import type { IngestOptions, IngestResult } from '../ingest/index.js';
import { diagnoseStoredRun } from '../reason/index.js';
import type { GraphStore } from '../store/index.js';
import { type AlertHub, createAlertHub } from './alert-hub.js';
import { createKnowledgeCache, type KnowledgeIndex } from './knowledge-cache.js';

export type { KnowledgeIndex } from './knowledge-cache.js';

/** Request limits; each refusal is a clear error naming the limit. */
export interface Limits {
  /** Largest request body, bytes. */
  maxRequestBytes: number;
  /** Largest batch of `logEvents` (the ingestor enforces it; shown in errors). */
  maxEventsPerBatch: number;
  /** Deepest query. */
  maxDepth: number;
  /** Most expensive query (graphql-armor cost). */
  maxCost: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxRequestBytes: 32 * 1024 * 1024,
  maxEventsPerBatch: 10_000,
  maxDepth: 10,
  maxCost: 50_000,
};

/** What the app needs, passed in (no module singletons). */
export interface AppDeps {
  store: GraphStore;
  ingest(runId: string, batchId: string, events: unknown[], options?: IngestOptions): Promise<IngestResult>;
  profileFor(run: RunEvent): Promise<{ name: string; values: ProfileValues }>;
  limits?: Partial<Limits>;
}

/** Shared by all requests of one app: the cached knowledge graph and the live alert hub. */
export interface AppServices extends AppDeps {
  limits: Limits;
  alerts: AlertHub;
  knowledge(): Promise<KnowledgeIndex>;
  invalidateKnowledge(): void;
  diagnose(runId: string): Promise<Diagnosis | null>;
}

/** Per request: the app's services and a memoised diagnosis per run (one however many fields ask). */
export type RequestContext = AppServices;

export function createServices(deps: AppDeps): AppServices {
  const cache = createKnowledgeCache(deps.store);
  const diagnoses = createDiagnosisCache();
  return {
    ...deps,
    limits: { ...DEFAULT_LIMITS, ...deps.limits },
    alerts: createAlertHub(),
    knowledge: () => cache.get(),
    invalidateKnowledge: () => cache.invalidate(),
    async diagnose(runId) {
      // A diagnosis is a pure function of the run's stored state (its batch count and status say
      // whether that moved) and of the knowledge graph: answer a repeated question from memory.
      const [version, index] = await Promise.all([deps.store.runVersion(runId), cache.get()]);
      if (!version) return null;
      const key = { ...version, index };
      const hit = diagnoses.get(runId, key);
      if (hit) return hit;
      const d = await diagnoseStoredRun(
        { store: deps.store, profileFor: deps.profileFor, knowledge: async () => index.seed },
        runId,
      );
      if (d) diagnoses.set(runId, key, d);
      return d;
    },
  };
}

interface DiagnosisKey {
  batchCount: number;
  status?: string;
  index: KnowledgeIndex;
}

/** The last diagnosis of each run, valid while its batch count, status and knowledge are the same; bounded. */
function createDiagnosisCache(max = 1_000) {
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

export function createRequestContext(services: AppServices): RequestContext {
  const diagnoses = new Map<string, Promise<Diagnosis | null>>();
  return {
    ...services,
    diagnose(runId) {
      let d = diagnoses.get(runId);
      if (!d) {
        d = services.diagnose(runId);
        diagnoses.set(runId, d);
      }
      return d;
    },
  };
}
