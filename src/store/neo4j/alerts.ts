import neo4j, { type Driver } from 'neo4j-driver';
import { RunAlert } from '../../domain/index.js';
import type { AlertStore } from '../alert-store.js';
import { APPEND_ALERTS, READ_ALERTS } from './alert-queries.js';

// The constraint violation of two replicas storing the same (run, seq) at once: the first one stays.
const CONSTRAINT_FAILED = 'Neo.ClientError.Schema.ConstraintValidationFailed';

/**
 * The Neo4j adapter's alert histories: one Alert node per (run, seq) holding
 * the alert as JSON (a nested record the API reads back whole, never queried
 * by its parts).
 *
 * @example const alerts = createNeo4jAlerts(exec, { database: 'neo4j' });
 */
export function createNeo4jAlerts(exec: Driver['executeQuery'], db: { database: string }): AlertStore {
  return {
    async appendAlerts(runId, alerts) {
      if (alerts.length === 0) return;
      const rows = alerts.map((a, i) => ({ seq: neo4j.int(a.seq ?? i), json: JSON.stringify(a) }));
      try {
        await exec(APPEND_ALERTS, { runId, alerts: rows }, db);
      } catch (err) {
        if ((err as { code?: string }).code !== CONSTRAINT_FAILED) throw err;
      }
    },
    async readAlerts(runId) {
      const { records } = await exec(READ_ALERTS, { runId }, { ...db, routing: neo4j.routing.READ });
      return records.map((r) => RunAlert.parse(JSON.parse(r.get('json') as string)));
    },
  };
}
