import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_FIELDS, sampleEvents, streamWithAlerts } from '../support/alert-stream.js';
import { NEO4J_URI, neo4jReachable } from '../support/neo4j.js';
import { postGraphql, startServer } from '../support/server-process.js';

// Issue 18: the deep-sigmoid sample streamed in batches of 10 sent the same
// "vanishing_gradients dense_0" alert with the same evidence 26 times.
const HISTORY = `query($id: ID!) { run(id: $id) { alerts { ${ALERT_FIELDS} } } }`;
const keyOf = (a: any) => `${a.symptom.id} ${a.symptom.layer ?? ''}`;

const neo4jUp = await neo4jReachable();
const legs: { store: string; up: boolean; args: () => string[]; env: Record<string, string> }[] = [
  {
    store: 'memory',
    up: true,
    args: () => ['--data-dir', mkdtempSync(join(tmpdir(), 'traindx-alerts-'))],
    env: {},
  },
  { store: 'neo4j', up: neo4jUp, args: () => ['--store', 'neo4j'], env: { NEO4J_URI } },
];

for (const leg of legs) {
  describe.skipIf(!leg.up)(`alerts once, ${leg.store} store`, () => {
    it('starts each (symptom, layer) once, and a restarted server shows the same history', async () => {
      const args = leg.args();
      let server = await startServer(args, leg.env);
      let runId: string;
      let alerts: any[];
      try {
        ({ runId, alerts } = await streamWithAlerts(
          [server.url],
          sampleEvents('pytorch-deep-sigmoid-digits'),
          10,
        ));
      } finally {
        await server.stop();
      }
      const symptoms = alerts.filter((a) => a.kind === 'symptom');
      const started = symptoms.filter((a) => a.change === 'started').map(keyOf);
      expect(started).toContain('vanishing_gradients dense_0');
      expect(new Set(started).size).toBe(started.length);
      // An update says something new: never the same severity and evidence as the alert before it.
      const last = new Map<string, any>();
      for (const a of symptoms) {
        const before = last.get(keyOf(a));
        if (before)
          expect(`${a.change} ${a.symptom.severity} ${a.symptom.evidence}`).not.toBe(
            `${before.change} ${before.symptom.severity} ${before.symptom.evidence}`,
          );
        last.set(keyOf(a), a);
      }
      expect(symptoms.length).toBeLessThan(2 * new Set(started).size + 1);
      expect(alerts.at(-1).kind).toBe('finished');

      // The run page's source after a reload: the same alerts, stored with the run, in order.
      server = await startServer(args, leg.env);
      try {
        const { run } = await postGraphql(server.url, HISTORY, { id: runId });
        const live = alerts.filter((a) => a.seq !== null);
        expect(run.alerts.slice(-live.length)).toEqual(live);
        expect(run.alerts.map((a: any) => a.seq)).toEqual(run.alerts.map((_: any, i: number) => i));
        // Findings of the start batch (before anyone could subscribe) are in the history too.
        expect(run.alerts.length).toBeGreaterThanOrEqual(live.length);
      } finally {
        await server.stop();
      }
    }, 180_000);
  });
}
