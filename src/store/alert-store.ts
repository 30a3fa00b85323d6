import type { RunAlert } from '../domain/index.js';

/** The part of the store port that keeps a run's alert history (both adapters). */
export interface AlertStore {
  /**
   * Adds alerts to the run's history, each under its `seq`; an alert whose
   * seq is stored already is kept as it was (a replayed batch, another
   * replica that announced the same seq first). The run need not exist.
   */
  appendAlerts(runId: string, alerts: RunAlert[]): Promise<void>;
  /** The run's alerts in order of seq (empty for a run without any, or no such run). */
  readAlerts(runId: string): Promise<RunAlert[]>;
}
