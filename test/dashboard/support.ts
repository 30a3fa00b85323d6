import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src/api/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/tfjs');
const _SEED = join(import.meta.dirname, '../../graph-seed');

/** A real tfjs trace's events (non-finite numbers stay the spec's strings), the run renamed to `id`. */
export function traceEvents(file: string, id: string, run: Record<string, unknown> = {}): any[] {
  const events = readFileSync(join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  events[0] = { ...events[0], id, ...run };
  return events;
}

export const START = 'mutation($run: JSON!) { startRun(run: $run) { id } }';
export const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }`;
export const FINISH = 'mutation($runId: ID!, $end: JSON!) { finishRun(runId: $runId, end: $end) { id } }';

type Post = (query: string, variables?: object) => Promise<unknown>;

/** The monitor's way in: startRun, logEvents in batches of `size` (from batch `from`), then finishRun if asked. */
export async function streamRun(
  post: Post,
  events: any[],
  { size = 100, from = 0, to = Infinity, start = true, finish = true } = {},
) {
  const [run, ...rest] = events;
  if (start) await post(START, { run });
  const body = rest.filter((e) => e.type !== 'end');
  for (let b = from; b * size < body.length && b < to; b++)
    await post(LOG, { runId: run.id, batchId: `b${b}`, events: body.slice(b * size, (b + 1) * size) });
  if (finish) await post(FINISH, { runId: run.id, end: rest.find((e) => e.type === 'end') });
  return run.id as string;
}

/** The API app in process over a seeded memory store (no port, no journal). */
export async function testApp() {
  const app = createApp({ traindx: await openEphemeralTraindx() });
  const post: Post = async (query, variables) => {
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as any;
    if (body.errors) throw new Error(body.errors.map((e: any) => e.message).join('; '));
    return body.data;
  };
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.fetch(`http://traindx${path}`, { headers });
  return { app, post, get };
}
