import type {
  Diagnosis,
  HistogramSeries,
  KnowledgeSeed,
  RunAlert,
  SeriesChunk,
  StoredRun,
} from '../domain/index.js';

/** The two reads of a run the dashboard makes; any store fits it as it is. */
export interface DashboardRuns {
  /** The run's `run` event and how far its ingest is; null when it does not exist. */
  getRun(runId: string): Promise<StoredRun | null>;
  /** The run's series, ordered by step (all keys). */
  readSeries(runId: string): Promise<SeriesChunk[]>;
  /** The run's weight and gradient histograms per layer (a store without them shows none). */
  readHistograms?(runId: string): Promise<HistogramSeries[]>;
  /** The run's alerts so far, in order (a store without a history shows none). */
  readAlerts?(runId: string): Promise<RunAlert[]>;
}

/**
 * What the dashboard reads. The API's services fit it as they are: the
 * dashboard shows the same diagnosis (`run { diagnosis }`) and the same
 * cached knowledge graph the resolvers use.
 */
export interface DashboardDeps {
  store: DashboardRuns;
  diagnose(runId: string): Promise<Diagnosis | null>;
  knowledge(): Promise<{ seed: KnowledgeSeed }>;
  /** With auth on: who may see the pages (a token, or the login cookie), and the cookie's name. */
  access?: DashboardAccess;
}

export interface DashboardAccess {
  /** Whether this request may read (a token in Authorization, or the cookie). */
  canRead(request: Request): Promise<boolean>;
  /** Whether a token is known (the login form). */
  isKnown(token: string): Promise<boolean>;
  cookie: string;
}
