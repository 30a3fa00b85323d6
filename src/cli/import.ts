import { createHash } from 'node:crypto';
import type { TraceEvent } from '../domain/index.js';
import { AuthError, InputError, StoreUnavailableError } from '../errors/index.js';
import { type ImportedRun, importRuns, parseFieldMap } from '../trace/index.js';

export interface ImportFlags {
  url: string;
  token?: string;
  run?: string;
  map?: string[];
}

// Events per logEvents call: well under the server's default batch limit (10,000) and request size.
const BATCH_EVENTS = 2_000;

/**
 * `traindx import PATH --url URL [--token T]`: every run a trace or log holds,
 * sent to a traindx server through the API a live run uses (startRun,
 * logEvents, finishRun). Batch ids are a hash of the run id and the batch's
 * events, so importing the same log again resends the same ids and the server
 * stores nothing twice.
 *
 * @example await importLogs('runs/', { url: 'http://127.0.0.1:4000' }, console.log);
 */
export async function importLogs(path: string, flags: ImportFlags, out: (line: string) => void) {
  const post = createPoster(flags.url, flags.token);
  let imported = 0;
  for await (const run of importRuns(path, { map: parseFieldMap(flags.map) })) {
    if (flags.run !== undefined && run.name !== flags.run) continue;
    const sent = await sendRun(run, post);
    imported++;
    out(
      `${run.name}: run '${sent.runId}', ${sent.events} events in ${sent.batches} batches ` +
        `(${sent.newBatches} new${sent.newBatches < sent.batches ? ', the rest already stored' : ''})`,
    );
    for (const note of run.notes) out(`note (${run.name}): ${note}`);
  }
  if (imported === 0)
    throw new InputError(`${path}: no run${flags.run ? ` named '${flags.run}'` : ''} to import`);
}

type Post = (query: string, variables: object) => Promise<Record<string, { accepted?: boolean } | undefined>>;

async function sendRun(run: ImportedRun, post: Post) {
  let runId = '';
  let end: TraceEvent | undefined;
  let batch: TraceEvent[] = [];
  const sent = { runId: '', events: 0, batches: 0, newBatches: 0 };
  const flush = async () => {
    if (!batch.length) return;
    const encoded = batch.map(encode);
    const batchId = `import-${createHash('sha256').update(runId).update(JSON.stringify(encoded)).digest('hex').slice(0, 24)}`;
    const data = await post(
      'mutation($id: ID!, $b: ID!, $e: [JSON!]!) { logEvents(runId: $id, batchId: $b, events: $e) { accepted } }',
      { id: runId, b: batchId, e: encoded },
    );
    sent.batches++;
    if (data.logEvents?.accepted) sent.newBatches++;
    sent.events += batch.length;
    batch = [];
  };
  for await (const item of run.events) {
    for (const event of Array.isArray(item) ? (item as readonly TraceEvent[]) : [item as TraceEvent]) {
      if (event.type === 'run') {
        runId = event.id;
        await post('mutation($r: JSON!) { startRun(run: $r) { id } }', { r: encode(event) });
        sent.events++;
      } else if (event.type === 'end') end = event;
      else {
        batch.push(event);
        if (batch.length >= BATCH_EVENTS) await flush();
      }
    }
  }
  await flush();
  // finishRun is idempotent (one 'end' batch per run): a second import changes nothing.
  await post('mutation($id: ID!, $end: JSON!) { finishRun(runId: $id, end: $end) { id } }', {
    id: runId,
    end: encode(end ?? { type: 'end', status: 'completed' }),
  });
  sent.events++;
  sent.runId = runId;
  return sent;
}

/** The trace format's rule: non-finite numbers travel as "NaN", "Infinity", "-Infinity". */
const encode = (event: object) =>
  JSON.parse(
    JSON.stringify(event, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
  );

function createPoster(url: string, token: string | undefined): Post {
  const endpoint = `${url.replace(/\/+$/, '')}/graphql`;
  return async (query, variables) => {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      throw new StoreUnavailableError(`${endpoint}: ${(err as Error).cause ?? (err as Error).message}`);
    }
    if (res.status === 401 || res.status === 403)
      throw new AuthError(`${endpoint} refused the request (${res.status}); check --token`);
    const body = (await res.json().catch(() => ({}))) as {
      data?: Record<string, { accepted?: boolean }>;
      errors?: { message: string }[];
    };
    if (body.errors?.length)
      throw new InputError(`${endpoint}: ${body.errors.map((e) => e.message).join('; ')}`);
    if (!body.data) throw new StoreUnavailableError(`${endpoint} answered ${res.status} without data`);
    return body.data;
  };
}
