import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_FIELDS, sampleEvents } from '../support/alert-stream.js';
import { postGraphql, type ServerProcess, startServer } from '../support/server-process.js';
import { subscribeSse } from '../support/sse.js';

const ALERTS = `subscription($runId: ID!) { alerts(runId: $runId) { ${ALERT_FIELDS} } }`;
const STORED = `query($id: ID!) { run(id: $id) { alerts { ${ALERT_FIELDS} } } }`;
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }`;
const FINISH = 'mutation($runId: ID!, $end: JSON!) { finishRun(runId: $runId, end: $end) { id } }';

// Issue 18: a subscriber that joins a run's alerts after some were raised hears those first
// (as the run stored them), then the live ones, each alert once. Real server, real SSE.
describe('a subscriber who joins a run’s alerts late (real server, SSE)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer([]);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('hears the stored alerts first, in order, then the live ones, with no alert twice', async () => {
    const [run, ...rest] = sampleEvents('pytorch-deep-sigmoid-digits');
    const body = rest.filter((e) => e.type !== 'end');
    const runId = run.id as string;
    const batches = Array.from({ length: Math.ceil(body.length / 10) }, (_, b) =>
      body.slice(b * 10, b * 10 + 10),
    );
    const half = Math.ceil(batches.length / 2);
    const log = (b: number) => postGraphql(server.url, LOG, { runId, batchId: `b${b}`, events: batches[b] });
    await postGraphql(server.url, START, { run });
    for (let b = 0; b < half; b++) await log(b);
    const before = (await postGraphql(server.url, STORED, { id: runId })).run.alerts;
    expect(before.length).toBeGreaterThan(0);

    // Joins while the next batch is on its way, so an alert may be stored and published as the
    // subscriber reads the history: it must still come once.
    const [sub] = await Promise.all([subscribeSse(server.url, ALERTS, { runId }), log(half)]);
    try {
      for (let b = half + 1; b < batches.length; b++) await log(b);
      await postGraphql(server.url, FINISH, { runId, end: rest.find((e) => e.type === 'end') });
      await sub.until((all) => all.some((a) => a.alerts.kind === 'finished'), 60_000);
      const received = sub.received.map((a) => a.alerts);
      const stored = (await postGraphql(server.url, STORED, { id: runId })).run.alerts;

      // First the alerts raised before the subscriber came, as the run stored them.
      expect(received.slice(0, before.length)).toEqual(before);
      // Then every stored alert exactly once, in seq order; besides them at most the current top
      // cause (no seq), which no stored alert had said yet.
      const withSeq = received.filter((a) => a.seq !== null);
      expect(withSeq.map((a) => a.seq)).toEqual(stored.map((a: any) => a.seq));
      expect(withSeq).toEqual(stored);
      const extra = received.filter((a) => a.seq === null);
      expect(extra.length).toBeLessThanOrEqual(1);
      for (const a of extra) expect(a.kind).toBe('top_cause');
      expect(stored.length).toBeGreaterThan(before.length);
    } finally {
      await sub.close();
    }
  }, 180_000);
});
