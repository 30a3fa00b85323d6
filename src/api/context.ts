import type { Diagnosis } from '../domain/index.js';
import type { KnowledgeIndex, Traindx } from '../engine/index.js';
import type { GraphStore } from '../store/index.js';
import {
  type Authenticator,
  createAuthenticator,
  createOwners,
  OPEN,
  type Owners,
  type Principal,
} from './auth.js';
import type { CrossSitePolicy } from './cross-site.js';

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
  /** Tokens (off by default: a loopback server trusts its machine) and what browsers may do. */
  security?: Partial<SecurityOptions>;
}

/** Who may call, and from which pages and host names. */
export interface SecurityOptions extends CrossSitePolicy {
  /** Require a token (`traindx serve --auth`). */
  auth: boolean;
}

/** Shared by all requests of one app. */
export interface AppServices {
  traindx: Traindx;
  store: GraphStore;
  limits: Limits;
  knowledge(): Promise<KnowledgeIndex>;
  diagnose(runId: string): Promise<Diagnosis | null>;
  security: SecurityOptions;
  auth: Authenticator;
  owners: Owners;
}

/** Per request: the app's services, the caller, and a memoised diagnosis per run (one however many fields ask). */
export type RequestContext = AppServices & { principal: Principal | null };

export function createServices({ traindx, limits, security }: AppDeps): AppServices {
  const resolved: SecurityOptions = {
    auth: false,
    corsOrigins: [],
    allowedHosts: [],
    bindHost: '127.0.0.1',
    ...security,
  };
  return {
    traindx,
    store: traindx.store,
    security: resolved,
    auth: createAuthenticator(traindx.store, resolved.auth),
    owners: createOwners(traindx.store),
    limits: { ...DEFAULT_LIMITS, ...limits, maxEventsPerBatch: traindx.maxEventsPerBatch },
    knowledge: () => traindx.knowledge(),
    diagnose: (runId) => traindx.diagnose(runId),
  };
}

export function createRequestContext(
  services: AppServices,
  principal: Principal | null = OPEN,
): RequestContext {
  const diagnoses = new Map<string, Promise<Diagnosis | null>>();
  return {
    ...services,
    principal,
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
