import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_FIELDS, sampleEvents } from '../support/alert-stream.js';
import { postGraphql, startServer } from '../support/server-process.js';
import { subscribeSse } from '../support/sse.js';

// A client that streams a run (the Python client) hears the server's alerts in
// logEvents' answer, without a subscription: the same alerts, in the same
// order, as a subscriber hears for those batches; a resent batch announces none.
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted alerts { ${ALERT_FIELDS} } } }`;
const ALERTS = `subscription($runId: ID!) { alerts(runId: $runId) { ${ALERT_FIELDS} } }`;

describe('logEvents answers with the alerts its batch announced', () => {
  it('the same alerts a subscriber hears, each once; none for a resend', async () => {
    const server = await startServer(['--data-dir', mkdtempSync(join(tmpdir(), 'traindx-ingest-alerts-'))]);
    try {
      const [run, ...rest] = sampleEvents('pytorch-deep-sigmoid-digits');
      await postGraphql(server.url, START, { run });
      const sub = await subscribeSse(server.url, ALERTS, { runId: run.id });
      const body = rest.filter((e) => e.type !== 'end');
      const answered: any[] = [];
      let lastBatch: any[] = [];
      try {
        for (let b = 0; b * 10 < body.length; b++) {
          lastBatch = body.slice(b * 10, (b + 1) * 10);
          const { logEvents } = await postGraphql(server.url, LOG, {
            runId: run.id,
            batchId: `b${b}`,
            events: lastBatch,
          });
          expect(logEvents.accepted).toBe(true);
          answered.push(...logEvents.alerts);
        }
        const seqs = new Set(answered.map((a) => a.seq));
        await sub.until((all) => all.filter((a) => seqs.has(a.alerts.seq)).length >= answered.length, 60_000);
      } finally {
        await sub.close();
      }
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.some((a) => a.kind === 'symptom' && a.change === 'started')).toBe(true);
      const heard = sub.received.map((a) => a.alerts).filter((a) => answered.some((x) => x.seq === a.seq));
      expect(heard).toEqual(answered);

      const resend = await postGraphql(server.url, LOG, {
        runId: run.id,
        batchId: `b${Math.ceil(body.length / 10) - 1}`,
        events: lastBatch,
      });
      expect(resend.logEvents).toEqual({ accepted: false, alerts: [] });
    } finally {
      await server.stop();
    }
  }, 120_000);
});
