import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { eventsOf } from '../generators/index.js';
import { startServer } from '../support/server-process.js';

// Issue 16: "nothing lost, nothing mixed up". A client streams batches to a
// server on the memory store (journal) that is SIGKILLed at random moments;
// it restarts the server and resends every batch it has no answer for. Every
// acknowledged batch must then be stored exactly once.
const KILLS = 50;
// Server start-up (tsx, seeding) is most of the time; lanes of their own data
// directory restart side by side, so 50 kills fit in about a minute and a half.
const LANES = 3;
const BATCH = 10;
// Up to a second after the server listens: long enough for batches to flow between kills, most kills land mid-request.
const MAX_KILL_DELAY_MS = 1_000;

const START_RUN = 'mutation($run: JSON!) { startRun(run: $run, resume: true) { id } }';
const LOG = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted } }`;

/** What the client knows of a run: its batches, and which the server answered. */
interface ClientRun {
  id: string;
  run: TraceEvent;
  batches: TraceEvent[][];
  acknowledged: Set<number>;
}

function newRun(lane: number, n: number): ClientRun {
  const id = `kill-${lane}-${n}`;
  const [run, ...body] = eventsOf({ id, steps: 80, stepsPerEpoch: 20, seed: lane * 100 + n });
  const batches: TraceEvent[][] = [];
  for (let i = 0; i < body.length; i += BATCH) batches.push(body.slice(i, i + BATCH));
  return { id, run: run!, batches, acknowledged: new Set() };
}

/** A GraphQL answer, or null when the connection died with the server. */
async function post(url: string, query: string, variables: object): Promise<any | null> {
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  } catch (err) {
    if (err instanceof TypeError) return null; // fetch failed: refused or reset
    throw err;
  }
}

/** Streams until every batch of the run is answered or the server dies; true when the run is complete. */
async function stream(url: string, run: ClientRun, alive: () => boolean): Promise<boolean> {
  if (!(await post(url, START_RUN, { run: run.run }))) return false;
  for (let b = 0; b < run.batches.length; b++) {
    if (run.acknowledged.has(b)) continue;
    if (!alive()) return false;
    const data = await post(url, LOG, { runId: run.id, batchId: `b${b}`, events: run.batches[b] });
    if (!data) return false;
    run.acknowledged.add(b);
  }
  return true;
}

/** One data directory: kill, restart, resend, `kills` times; then every run finished on a last server. */
async function lane(
  index: number,
  kills: number,
): Promise<{ dataDir: string; runs: ClientRun[]; killed: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), `traindx-kill-${index}-`));
  const runs = [newRun(index, 0)];
  let killed = 0;
  while (killed < kills) {
    const server = await startServer(['--data-dir', dataDir]);
    let dead = false;
    const timer = setTimeout(() => {
      dead = true;
      server.child.kill('SIGKILL');
    }, Math.random() * MAX_KILL_DELAY_MS);
    while (!dead) {
      if (await stream(server.url, runs.at(-1)!, () => !dead)) runs.push(newRun(index, runs.length));
    }
    clearTimeout(timer);
    await server.kill();
    killed++;
  }
  const last = await startServer(['--data-dir', dataDir]);
  for (const run of runs) expect(await stream(last.url, run, () => true)).toBe(true);
  await last.stop();
  return { dataDir, runs, killed };
}

describe('a server killed while a client streams', () => {
  it('keeps every acknowledged batch exactly once across 50 SIGKILLs and restarts', async () => {
    const started = Date.now();
    const lanes = await Promise.all(
      Array.from({ length: LANES }, (_, i) => lane(i, Math.ceil(KILLS / LANES))),
    );
    const killed = lanes.reduce((n, l) => n + l.killed, 0);
    let batches = 0;
    const withoutStart: string[] = [];
    for (const { dataDir, runs } of lanes) {
      const store = await openMemoryStore({ dataDir });
      try {
        for (const run of runs) {
          batches += run.batches.length;
          for (let b = 0; b < run.batches.length; b++)
            expect(await store.hasBatch(run.id, `b${b}`)).toBe(true);
          // startRun stores the run, then its 'start' batch (the run event, counted as one event); a kill between
          // the two is completed by the client's resent startRun, so every run has it.
          const start = (await store.hasBatch(run.id, 'start')) ? 1 : 0;
          if (!start) withoutStart.push(run.id);
          expect(start, `${run.id} lacks its start batch`).toBe(1);
          const bodyEvents = run.batches.reduce((n, b) => n + b.length, 0);
          expect(await store.getRun(run.id), run.id).toMatchObject({
            eventCount: bodyEvents + start,
            batchCount: run.batches.length + start,
          });
          const [loss] = await store.readSeries(run.id, 'loss');
          const steps = run.batches.flat().flatMap((e) => (e.type === 'step' ? [e.step] : []));
          expect(loss!.steps, run.id).toEqual(steps);
        }
      } finally {
        await store.close();
      }
    }
    console.log(
      `kill test: ${killed} SIGKILLs over ${LANES} data directories, ${batches} batches of ${lanes.reduce((n, l) => n + l.runs.length, 0)} runs each stored once, in ${((Date.now() - started) / 1000).toFixed(0)} s${withoutStart.length ? `; runs without their start batch: ${withoutStart.join(', ')}` : ''}`,
    );
    expect(killed).toBeGreaterThanOrEqual(KILLS);
  }, 300_000);
});
