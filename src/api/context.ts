import type { Diagnosis } from '../domain/index.js';
import type { KnowledgeIndex, Traindx } from '../engine/index.js';
import type { GraphStore } from '../store/index.js';

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

/** What the app needs, passed in (no module singletons): traindx on its store, and the request limits. */
export interface AppDeps {
  traindx: Traindx;
  limits?: Partial<Omit<Limits, 'maxEventsPerBatch'>>;
}

/** Shared by all requests of one app. */
export interface AppServices {
  traindx: Traindx;
  store: GraphStore;
  limits: Limits;
  knowledge(): Promise<KnowledgeIndex>;
  diagnose(runId: string): Promise<Diagnosis | null>;
}

/** Per request: the app's services and a memoised diagnosis per run (one however many fields ask). */
export type RequestContext = AppServices;

export function createServices({ traindx, limits }: AppDeps): AppServices {
  return {
    traindx,
    store: traindx.store,
    limits: { ...DEFAULT_LIMITS, ...limits, maxEventsPerBatch: traindx.maxEventsPerBatch },
    knowledge: () => traindx.knowledge(),
    diagnose: (runId) => traindx.diagnose(runId),
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
