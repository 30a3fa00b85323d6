import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueId } from './neo4j.js';
import { SAMPLES_DIR } from './samples.js';
import { postGraphql } from './server-process.js';
import { subscribeSse } from './sse.js';

export const ALERT_FIELDS = `runId seq kind change step
  symptom { id severity layer firstStep lastStep confidence evidence }
  topCause { id name confidence }`;
const ALERTS = `subscription($runId: ID!) { alerts(runId: $runId) { ${ALERT_FIELDS} } }`;
const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }`;
const FINISH = 'mutation($runId: ID!, $end: JSON!) { finishRun(runId: $runId, end: $end) { id } }';

/** A recorded sample's events as JSON (non-finite numbers stay the spec's strings), under a fresh run id. */
export function sampleEvents(name: string): any[] {
  const events = readFileSync(join(SAMPLES_DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  events[0] = { ...events[0], id: uniqueId(name) };
  return events;
}

/**
 * Streams a run as a monitor does (startRun, logEvents in batches of `size`,
 * finishRun), each request to the next of `urls` in turn (one URL: one
 * server; two: replicas without sticky routing), while a subscriber on
 * `subscribeTo` collects every alert until the run's `finished` one.
 */
export async function streamWithAlerts(
  urls: string[],
  events: any[],
  size: number,
  subscribeTo: string = urls[0]!,
): Promise<{ runId: string; alerts: any[] }> {
  const [run, ...rest] = events;
  let turn = 0;
  const next = () => urls[turn++ % urls.length]!;
  await postGraphql(next(), START, { run });
  const sub = await subscribeSse(subscribeTo, ALERTS, { runId: run.id });
  try {
    const body = rest.filter((e) => e.type !== 'end');
    for (let b = 0; b * size < body.length; b++)
      await postGraphql(next(), LOG, {
        runId: run.id,
        batchId: `b${b}`,
        events: body.slice(b * size, (b + 1) * size),
      });
    const end = rest.find((e) => e.type === 'end') ?? { step: body.at(-1)?.step ?? 0, status: 'completed' };
    await postGraphql(next(), FINISH, { runId: run.id, end });
    await sub.until((all) => all.some((a) => a.alerts.kind === 'finished'), 60_000);
  } finally {
    await sub.close();
  }
  return { runId: run.id, alerts: sub.received.map((a) => a.alerts) };
}
