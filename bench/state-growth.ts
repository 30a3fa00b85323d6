/**
 * npm run bench:state — what a batch costs as a run's detector state grows
 * (issue 16, "bounded state"), on the memory store with its journal:
 *  1. wide: 40 batches of one run, each adding 1,000 new layer names (2 steps
 *     each carrying the batch's 1,000 layers); the layer and series caps are
 *     raised through TRAINDX_MAX_LAYERS / TRAINDX_MAX_SERIES (the npm script
 *     sets them) so the batches are accepted.
 *  2. long: 400 batches of one run, each 5 steps of 10 layers (few new values).
 * For each: journal bytes of the first and the last batch, the journal's size,
 * RSS after the run, ms per batch (first and last 5 averaged), and the time a
 * restart takes to replay the journal: a fresh process opening the store (its
 * RSS after, too), as `traindx serve` does at start.
 * BENCH_STATE_CASE=wide or =long runs one case.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { createTraindx } from '../src/engine/index.js';
import { openMemoryStore } from '../src/store/index.js';

interface Case {
  name: string;
  batches: number;
  batch(i: number): unknown[];
}

const config = loadConfig(process.env);

const LAYER_STATS = (i: number, j: number) => ({
  gradNorm: 0.1 + ((i * 7 + j) % 13) / 100,
  weightNorm: 1 + ((i + j) % 5) / 10,
  updateRatio: 1e-3,
  deadFraction: 0.01,
});

const wide: Case = {
  name: 'wide (40 batches x 1,000 new layer names)',
  batches: 40,
  batch(i) {
    const layers: Record<string, ReturnType<typeof LAYER_STATS>> = {};
    for (let j = 0; j < 1000; j++) layers[`b${i}/dense_${j}/kernel`] = LAYER_STATS(i, j);
    const steps = [0, 1].map((k) => ({ type: 'step', step: i * 2 + k, loss: 2 - i / 100, layers }));
    return i === 0 ? [runEvent('wide'), ...steps] : steps;
  },
};

const long: Case = {
  name: 'long (400 batches x 5 steps of 10 layers)',
  batches: 400,
  batch(i) {
    const steps = Array.from({ length: 5 }, (_, k) => {
      const step = i * 5 + k;
      const layers: Record<string, ReturnType<typeof LAYER_STATS>> = {};
      for (let j = 0; j < 10; j++) layers[`dense_${j}`] = LAYER_STATS(step, j);
      return { type: 'step', step, loss: 2 / (1 + step / 500), layers };
    });
    return i === 0 ? [runEvent('long'), ...steps] : steps;
  },
};

function runEvent(id: string) {
  return { type: 'run', formatVersion: 1, id, name: id };
}

async function measure(c: Case): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'traindx-state-'));
  const journal = join(dir, 'journal.jsonl');
  const size = () => statSync(journal, { throwIfNoEntry: false })?.size ?? 0;
  try {
    const store = await openMemoryStore({ dataDir: dir });
    const traindx = createTraindx({
      store,
      maxLayersPerRun: config.maxLayersPerRun,
      maxSeriesPerRun: config.maxSeriesPerRun,
    });
    const bytes: number[] = [];
    const ms: number[] = [];
    const id = c === wide ? 'wide' : 'long';
    for (let i = 0; i < c.batches; i++) {
      const events = c.batch(i);
      const before = size();
      const t0 = performance.now();
      const r = await traindx.ingest(id, `b${i}`, events);
      ms.push(performance.now() - t0);
      if (!r.accepted) throw new Error(`batch ${i} not accepted`);
      bytes.push(size() - before);
    }
    const rss = process.memoryUsage().rss;
    await traindx.close();
    const replay = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--replay', dir, id], {
        encoding: 'utf8',
      }),
    ) as { ms: number; rss: number; batches: number };
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(`${c.name}:`);
    console.log(
      `  journal bytes per batch: first ${bytes[0]}, second ${bytes[1]}, last ${bytes.at(-1)} (last/second ${(bytes.at(-1)! / bytes[1]!).toFixed(2)})`,
    );
    console.log(`  journal total: ${mb(size())}; RSS after the run: ${mb(rss)}`);
    console.log(
      `  ms per batch: first 5 ${avg(ms.slice(1, 6)).toFixed(1)}, last 5 ${avg(ms.slice(-5)).toFixed(1)}`,
    );
    console.log(
      `  restart (a new process replays the journal): ${replay.ms.toFixed(0)} ms, RSS ${mb(replay.rss)}; batches after it: ${replay.batches}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child's part: open the store (the replay), say how long it took. */
async function replay(dir: string, id: string): Promise<void> {
  const t0 = performance.now();
  const store = await openMemoryStore({ dataDir: dir });
  const ms = performance.now() - t0;
  const batches = (await store.getRun(id))?.batchCount;
  await store.close();
  process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss, batches }));
}

if (process.argv[2] === '--replay') {
  await replay(process.argv[3]!, process.argv[4]!);
  process.exit(0);
}

const only = process.env.BENCH_STATE_CASE;
console.log(
  `bench:state — TRAINDX_MAX_LAYERS=${config.maxLayersPerRun}, node ${process.version}, memory store with its journal`,
);
for (const c of [wide, long]) {
  if (only && !c.name.startsWith(only)) continue;
  await measure(c);
}
