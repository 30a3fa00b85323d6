// The alert history's Cypher (kept beside queries.ts so its statements stay in one small place).

/** Schema: one Alert node per (run, seq). Idempotent. */
export const ALERT_SCHEMA = [
  'CREATE CONSTRAINT alert_run_seq IF NOT EXISTS FOR (n:Alert) REQUIRE (n.runId, n.seq) IS UNIQUE',
];

/** Appends a run's alerts in one round trip; idempotent by (runId, seq): a stored seq keeps its alert. */
export const APPEND_ALERTS = `
UNWIND $alerts AS a
MERGE (x:Alert {runId: $runId, seq: a.seq})
  ON CREATE SET x.json = a.json`;

/** A run's alerts by seq (the unique constraint's index serves the lookup). */
export const READ_ALERTS = `
MATCH (x:Alert {runId: $runId})
RETURN x.json AS json
ORDER BY x.seq`;
