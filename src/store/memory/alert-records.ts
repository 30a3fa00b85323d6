import type { RunAlert } from '../../domain/index.js';
import type { AlertStore } from '../alert-store.js';

/** The journal record of alerts announced for a run (one record per batch that announced any). */
export type AlertRecord = { op: 'alerts'; runId: string; alerts: RunAlert[] };

export const isAlertRecord = (record: { op: string }): record is AlertRecord => record.op === 'alerts';

/**
 * The memory store's alert histories: a map per run from seq to alert, which
 * `apply` fills from journal records (the store appends them like any other
 * write), so a restarted server shows a finished run's alerts again.
 *
 * @example const alerts = createAlertRecords(); alerts.apply({ op: 'alerts', runId: 'r1', alerts: [a] });
 */
export function createAlertRecords() {
  const byRun = new Map<string, Map<number, RunAlert>>();

  /** Applies a record; false when every alert's seq was stored already. */
  const apply = (record: AlertRecord): boolean => {
    let history = byRun.get(record.runId);
    if (!history) {
      history = new Map();
      byRun.set(record.runId, history);
    }
    let changed = false;
    for (const alert of record.alerts) {
      const seq = alert.seq ?? history.size;
      if (history.has(seq)) continue;
      history.set(seq, { ...alert, seq });
      changed = true;
    }
    return changed;
  };

  /** The port's alert methods over these maps, writing through the store's journal. */
  const methods = (write: (record: AlertRecord) => Promise<boolean>): AlertStore => ({
    appendAlerts: async (runId, alerts) => {
      if (alerts.length) await write({ op: 'alerts', runId, alerts: structuredClone(alerts) });
    },
    readAlerts: async (runId) =>
      structuredClone([...(byRun.get(runId)?.values() ?? [])].sort((a, b) => a.seq! - b.seq!)),
  });

  return { apply, methods };
}
