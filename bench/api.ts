/**
 * npm run bench:api — the GraphQL API's ingest throughput and diagnosis
 * latency, as ratios against baselines measured in the same run:
 *  1. ingest over real HTTP: `logEvents` with batches of 500 events vs one
 *     event per request, on the memory store (without and with its journal)
 *     and on a real Neo4j. The server runs in a child process (node:http
 *     around createApp, wired as `traindx serve` wires it) on 127.0.0.1; this
 *     process sends pre-encoded bodies for 4 runs in parallel over keep-alive
 *     sockets. Goal: batched ≥ 50× one per request.
 *  2. the same batches POSTed to a bare node:http endpoint (another child)
 *     that only reads and JSON-parses the body, in passes alternating with
 *     the ingest passes. Goal: batched ingest ≥ 0.5× its events/s.
 *     Each server also reports its CPU time per event: on a shared machine
 *     events/s move with other load, CPU per event hardly does.
 *  3. diagnosis latency p50/p99 of `run(id) { diagnosis { ... } }` for a run
 *     of 10^5 steps × 10 layers: in process on the memory store (`app.fetch`
 *     and `app.services.diagnose`), and on a warm Neo4j in process and over
 *     HTTP. Goals: p99 ≤ 2 ms in process on the memory store, ≤ 15 ms on Neo4j.
 * Neo4j rows print "neo4j: skipped (not reachable at …)" when no server
 * answers at NEO4J_URI; the runs the bench stored there are deleted at the end.
 * BENCH_CPU_PROF=DIR writes a --cpu-prof profile of every server child there.
 * BENCH_API_PART=ingest or =diagnosis runs only that part (while profiling or tuning one of them).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { createApp } from '../src/api/index.js';
import { loadConfig } from '../src/config/index.js';
import type { TraceEvent } from '../src/domain/index.js';
import { seedTraindx } from '../src/engine/index.js';
import { diagnoseStoredRun } from '../src/reason/index.js';
import { type GraphStore, openMemoryStore, openStore } from '../src/store/index.js';
import { DEFAULT_LAYERS, eventsOf } from '../test/generators/index.js';
import { BENCH_DIR } from './generate-trace.js';

type Target = 'memory' | 'journal' | 'neo4j' | 'bare';

const RUNS_IN_PARALLEL = 4;
const BATCH = 500;
const BATCHED_EVENTS_PER_RUN = 20_000;
const NEO4J_BATCHED_EVENTS_PER_RUN = 5_000;
const PASSES = 3;
const SINGLE_EVENTS_PER_RUN = { memory: 600, journal: 300, neo4j: 150 };
const DIAGNOSIS_STEPS = 100_000;
const DIAGNOSIS_REPS = { memory: 2_000, neo4j: 400 };

const LOG_EVENTS = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  logEvents(runId: $runId, batchId: $batchId, events: $events) { accepted eventCount lastStep } }`;

/** Every field of Diagnosis and of its findings. */
const DIAGNOSIS_FIELDS = `query($id: ID!) { run(id: $id) { id diagnosis {
  runId healthy summary facts
  symptoms { id name confidence severity firstStep lastStep layer evidence }
  causes { id name confidence explanation path { from rel to weight } }
  remedies { id name forCauses action score tries successes edits }
  structureEdits missingSignals } } }`;

/** The same, plus the explanation graph: paths, missing evidence, cause and remedy nodes. */
const DIAGNOSIS_GRAPH = `query($id: ID!) { run(id: $id) { id diagnosis {
  runId healthy summary facts
  symptoms { id name confidence severity firstStep lastStep layer evidence }
  causes { id name confidence explanation path { from rel to weight }
    paths { occurrence { id name confidence severity firstStep lastStep layer evidence }
      suggests { weight rationale source { id title url note } } contribution
      cause { id name category }
      fixedBy { remedy { id name } effectiveness rationale source { id title } tries successes } }
    against { symptom { id name } weight factor } cause { id name description category } }
  remedies { id name forCauses action score tries successes edits
    remedy { id name structural edit snippets { tfjs keras pytorch } } }
  structureEdits missingSignals } } }`;

// ---------------------------------------------------------------- server side

/** The app as `traindx serve` wires it (src/cli/serve.ts), on the given store. */
async function createBenchApp(store: GraphStore) {
  return createApp({ traindx: (await seedTraindx({ store })).traindx });
}

async function openTargetStore(target: Target, dataDir?: string): Promise<GraphStore> {
  if (target === 'neo4j') return openStore(loadConfig(process.env, { store: 'neo4j' }));
  return openMemoryStore({ dataDir: target === 'journal' ? dataDir! : null });
}

/** Child-process entry: serves one target on a free port and prints it. */
async function runServer(target: Target, dataDir?: string) {
  let close = async () => {};
  const server =
    target === 'bare'
      ? createServer((req, res) => {
          // The floor: read the body, JSON.parse it, answer like logEvents does.
          const parts: Buffer[] = [];
          req.on('data', (c: Buffer) => parts.push(c));
          req.on('end', () => {
            const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
            const n = body.variables.events.length;
            res.setHeader('content-type', 'application/json');
            res.end(
              JSON.stringify({ data: { logEvents: { accepted: true, eventCount: n, lastStep: null } } }),
            );
          });
        })
      : await (async () => {
          const store = await openTargetStore(target, dataDir);
          close = () => store.close();
          return createServer(await createBenchApp(store));
        })();
  server.keepAliveTimeout = 60_000;
  // CPU time used so far, asked over IPC between passes (the machine may be shared: see cpuPerEvent).
  process.on('message', (m) => {
    if (m === 'cpu') process.send!(process.cpuUsage());
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`PORT=${typeof address === 'object' && address ? address.port : 0}`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    close().finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------- client side

interface Child {
  port: number;
  proc: ChildProcess;
  /** The child's CPU time so far (user + system), µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

// A bench that fails half-way must not leave its servers running.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

async function startChild(target: Target, dataDir?: string): Promise<Child> {
  const prof = process.env.BENCH_CPU_PROF;
  const args = [
    ...process.execArgv,
    ...(prof
      ? // One folder per target: tsx's loader thread writes a profile of its own beside the main thread's.
        ['--cpu-prof', '--cpu-prof-dir', join(prof, target)]
      : []),
    import.meta.filename,
    '--server',
    target,
    ...(dataDir ? [dataDir] : []),
  ];
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: process.env,
  });
  children.add(proc);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  exited.then(() => children.delete(proc));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = out.match(/PORT=(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`${target} server exited with ${code}: ${out}`)));
  });
  return {
    port,
    proc,
    cpuMicros: () =>
      new Promise((resolve) => {
        proc.once('message', (u) => resolve((u as NodeJS.CpuUsage).user + (u as NodeJS.CpuUsage).system));
        proc.send('cpu');
      }),
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(port: number, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function postGraphql(port: number, body: string): Promise<Record<string, any>> {
  const res = JSON.parse(await post(port, '/graphql', body));
  if (res.errors) throw new Error(`GraphQL error: ${res.errors.map((e: any) => e.message).join('; ')}`);
  return res.data;
}

/** The events of one synthetic run: 10 Dense layers, stats for all of them every 10th step. */
function runEvents(id: string, steps: number, stepsPerEpoch = 1000): TraceEvent[] {
  const layers = Array.from({ length: 10 }, (_, i) => ({
    ...DEFAULT_LAYERS[0]!,
    name: `dense_${i}`,
    activation: i === 9 ? 'softmax' : 'relu',
    units: i === 9 ? 10 : 64,
  }));
  return eventsOf({ id, seed: 7, steps, stepsPerEpoch, layers, statsEvery: 10, end: false });
}

/** Request bodies of one run: its events in slices of `size`, batch ids b0, b1, ... */
function bodiesOf(runId: string, events: TraceEvent[], size: number): string[] {
  const bodies: string[] = [];
  for (let i = 0, b = 0; i < events.length; i += size, b++) {
    const variables = { runId, batchId: `b${b}`, events: events.slice(i, i + size) };
    bodies.push(JSON.stringify({ query: LOG_EVENTS, variables }));
  }
  return bodies;
}

interface Load {
  ids: string[];
  runs: string[][];
  events: number;
  bytes: number;
}

const eventCache = new Map<number, TraceEvent[]>();
let loadCount = 0;

/** RUNS_IN_PARALLEL new runs (fresh ids, so nothing is a resend) of `eventsPerRun` events each. */
function makeLoad(eventsPerRun: number, size: number): Load {
  // Generated once per length; each load only renames the run, so passes compare like with like.
  let template = eventCache.get(eventsPerRun);
  if (!template) {
    template = runEvents('template', eventsPerRun, 1000).slice(0, eventsPerRun);
    eventCache.set(eventsPerRun, template);
  }
  const tag = `${Date.now().toString(36)}-${process.pid}-${loadCount++}`;
  const ids: string[] = [];
  const runs: string[][] = [];
  let events = 0;
  let bytes = 0;
  for (let r = 0; r < RUNS_IN_PARALLEL; r++) {
    const id = `bench-${tag}-${r}`;
    ids.push(id);
    const all = [{ ...template[0]!, id } as TraceEvent, ...template.slice(1)];
    const bodies = bodiesOf(id, all, size);
    runs.push(bodies);
    events += all.length;
    for (const b of bodies) bytes += Buffer.byteLength(b);
  }
  return { ids, runs, events, bytes };
}

/** Sends every run's bodies in order, the runs in parallel; events/s over the wall time. */
async function drive(port: number, load: Load, sentIds?: string[]): Promise<number> {
  sentIds?.push(...load.ids);
  const t0 = performance.now();
  await Promise.all(
    load.runs.map(async (bodies) => {
      for (const body of bodies) {
        const text = await post(port, '/graphql', body);
        if (!text.includes('"accepted":true')) throw new Error(`ingest failed: ${text.slice(0, 300)}`);
      }
    }),
  );
  return load.events / ((performance.now() - t0) / 1000);
}

/** A pass: events/s over the wall time, and the server's CPU µs per event (robust to a busy machine). */
async function pass(child: Child, load: Load, sentIds?: string[]) {
  const cpu0 = await child.cpuMicros();
  const rate = await drive(child.port, load, sentIds);
  return { rate, cpuPerEvent: ((await child.cpuMicros()) - cpu0) / load.events };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

interface Latency {
  p50: number;
  p99: number;
  /** The same percentiles of this process's CPU time per call: what is left when preemption is not counted. */
  cpuP50: number;
  cpuP99: number;
  n: number;
}

async function latency(reps: number, warmup: number, fn: () => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  cpuMs.sort((a, b) => a - b);
  return {
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    cpuP50: percentile(cpuMs, 0.5),
    cpuP99: percentile(cpuMs, 0.99),
    n: reps,
  };
}

async function neo4jReachable(uri: string): Promise<string | null> {
  const config = loadConfig(process.env, { store: 'neo4j' });
  const auth = config.neo4jPassword ? neo4j.auth.basic(config.neo4jUser, config.neo4jPassword) : undefined;
  const driver = neo4j.driver(uri, auth, { connectionTimeout: 3000 });
  try {
    await driver.verifyConnectivity({ database: config.neo4jDatabase });
    return null;
  } catch (err) {
    // The driver's message is a paragraph; its cause (e.g. "connect ECONNREFUSED ...") says enough.
    const message = (err as Error).message;
    return message.match(/Caused by: (.*)$/)?.[1] ?? message.split('\n')[0]!;
  } finally {
    await driver.close();
  }
}

// The bench's runs would stay in a shared Neo4j and crowd what tests list
// (runs, similarRuns): delete them, with everything stored for them, once done.
const FORGET = [
  'MATCH (:Run {id: id})-[:HAS_SERIES]->(n:Series)',
  "MATCH (n:Batch) WHERE n.key STARTS WITH id + '/'",
  "MATCH (n:Occurrence) WHERE n.key STARTS WITH id + '|'",
  "MATCH (n:Layer) WHERE n.key STARTS WITH id + '/'",
  'MATCH (n:Run {id: id})',
];
const neo4jRunIds: string[] = [];

async function forgetNeo4jRuns(ids: string[]) {
  const config = loadConfig(process.env, { store: 'neo4j' });
  const auth = config.neo4jPassword ? neo4j.auth.basic(config.neo4jUser, config.neo4jPassword) : undefined;
  const driver = neo4j.driver(config.neo4jUri, auth);
  const session = driver.session({ database: config.neo4jDatabase });
  try {
    for (const match of FORGET) {
      // Auto-commit, in slices: a run of 10^5 steps alone holds ~1,400 series nodes.
      await session.run(
        `UNWIND $ids AS id ${match} CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS`,
        {
          ids,
        },
      );
    }
  } finally {
    await session.close();
    await driver.close();
  }
}

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const mark = (ok: boolean) => (ok ? '✓' : '✗');
const pad = (s: string, n: number) => s.padEnd(n);

async function main() {
  const started = performance.now();
  const neo4jUri = loadConfig(process.env).neo4jUri;
  const neo4jDown = await neo4jReachable(neo4jUri);
  const journalDir = join(BENCH_DIR, `journal-${process.pid}`);
  mkdirSync(BENCH_DIR, { recursive: true });
  rmSync(journalDir, { recursive: true, force: true });

  const sample = makeLoad(2_000, BATCH);
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `ingest: logEvents over HTTP (127.0.0.1, keep-alive) to a child process serving node:http around createApp, ` +
      `wired as \`traindx serve\`; ${RUNS_IN_PARALLEL} runs in parallel clients, each sending its batches in order, ` +
      `bodies encoded beforehand; every pass uses new run ids`,
  );
  console.log(
    `events: 10 Dense layers; each step loss, learningRate, gradNorm, accuracy; 13 stats × 10 layers every ` +
      `10th step; an epoch event every 1000 steps; ${fmt(sample.bytes / sample.events)} bytes/event in batches of ${BATCH}`,
  );
  console.log(
    `batched: ${RUNS_IN_PARALLEL} × ${fmt(BATCHED_EVENTS_PER_RUN)} events (Neo4j ${RUNS_IN_PARALLEL} × ${fmt(NEO4J_BATCHED_EVENTS_PER_RUN)}), ` +
      `${PASSES} passes alternating with the bare endpoint, medians; one per request: ${RUNS_IN_PARALLEL} × ` +
      `${Object.entries(SINGLE_EVENTS_PER_RUN)
        .map(([k, v]) => `${v} (${k})`)
        .join(', ')} requests, one pass`,
  );
  console.log(
    `bare: the same batched bodies POSTed to node:http that only reads and JSON-parses the body (same client, same run)\n`,
  );
  console.log(
    `${pad('store', 21)}${pad(`batches of ${BATCH}`, 17)}${pad('one per request', 17)}${pad('bare JSON.parse', 17)}` +
      `${pad('batched ÷ one (goal ≥ 50×)', 28)}batched ÷ bare (goal ≥ 0.5×)`,
  );
  const part = process.env.BENCH_API_PART;
  if (part !== 'diagnosis') await ingestRows(neo4jDown, neo4jUri, journalDir);
  // Diagnosis alone: the Neo4j rows still need the child serving Neo4j.
  else if (!neo4jDown) neo4jChild = await startChild('neo4j');
  try {
    if (part !== 'ingest') await diagnosisRows(neo4jChild, neo4jDown, neo4jUri);
  } finally {
    if (neo4jRunIds.length) await forgetNeo4jRuns(neo4jRunIds);
  }
  agent.destroy();
  console.log(`\nbench:api took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

let neo4jChild: Child | undefined;

async function ingestRows(neo4jDown: string | null, neo4jUri: string, journalDir: string) {
  const bare = await startChild('bare');
  await drive(bare.port, makeLoad(2_000, BATCH));
  const targets: [Target, string][] = [
    ['memory', 'memory, no journal'],
    ['journal', 'memory + journal'],
    ['neo4j', 'neo4j'],
  ];
  const cpuRows: string[] = [];
  for (const [target, label] of targets) {
    if (target === 'neo4j' && neo4jDown) {
      console.log(`${pad(label, 21)}neo4j: skipped (not reachable at ${neo4jUri}: ${neo4jDown})`);
      continue;
    }
    const child = await startChild(target, target === 'journal' ? journalDir : undefined);
    const perRun = target === 'neo4j' ? NEO4J_BATCHED_EVENTS_PER_RUN : BATCHED_EVENTS_PER_RUN;
    // Warm-up: the JIT on both paths, and Neo4j's page cache and query plans.
    const sent = target === 'neo4j' ? neo4jRunIds : undefined;
    await drive(child.port, makeLoad(2_000, BATCH), sent);
    await drive(child.port, makeLoad(50, 1), sent);
    const batched: Awaited<ReturnType<typeof pass>>[] = [];
    const bares: Awaited<ReturnType<typeof pass>>[] = [];
    for (let i = 0; i < PASSES; i++) {
      const load = makeLoad(perRun, BATCH);
      bares.push(await pass(bare, load));
      batched.push(await pass(child, load, sent));
    }
    const single = await pass(child, makeLoad(SINGLE_EVENTS_PER_RUN[target as 'memory'], 1), sent);
    const batchedRate = median(batched.map((p) => p.rate));
    const bareRate = median(bares.map((p) => p.rate));
    const x = batchedRate / single.rate;
    const b = batchedRate / bareRate;
    console.log(
      `${pad(label, 21)}${pad(`${fmt(batchedRate)} ev/s`, 17)}${pad(`${fmt(single.rate)} ev/s`, 17)}` +
        `${pad(`${fmt(bareRate)} ev/s`, 17)}${pad(`${x.toFixed(1)}× ${mark(x >= 50)}`, 28)}${b.toFixed(2)}× ${mark(b >= 0.5)}`,
    );
    const batchedCpu = median(batched.map((p) => p.cpuPerEvent));
    const bareCpu = median(bares.map((p) => p.cpuPerEvent));
    cpuRows.push(
      `${pad(label, 21)}${pad(`${batchedCpu.toFixed(1)} µs`, 17)}${pad(`${fmt(single.cpuPerEvent)} µs`, 17)}` +
        `${pad(`${bareCpu.toFixed(1)} µs`, 17)}${pad(`${(single.cpuPerEvent / batchedCpu).toFixed(1)}×`, 28)}` +
        `${(bareCpu / batchedCpu).toFixed(2)}×`,
    );
    if (target === 'neo4j') neo4jChild = child;
    else await child.stop();
  }
  console.log(
    `\nserver CPU time per event in the same passes (the node process only: Neo4j's own work and fsync waits are ` +
      `not in it; unlike events/s, it hardly moves when other processes share the cores):`,
  );
  console.log(
    `${pad('store', 21)}${pad(`batches of ${BATCH}`, 17)}${pad('one per request', 17)}${pad('bare JSON.parse', 17)}` +
      `${pad('one ÷ batched', 28)}bare ÷ batched`,
  );
  for (const r of cpuRows) console.log(r);
  await bare.stop();
  rmSync(journalDir, { recursive: true, force: true });
}

async function diagnosisRows(neo4jChild: Child | undefined, neo4jDown: string | null, neo4jUri: string) {
  eventCache.clear();
  const diagId = `diag-${Date.now().toString(36)}-${process.pid}`;
  let diagEvents: TraceEvent[] = runEvents(diagId, DIAGNOSIS_STEPS, 1000);
  const eventCount = diagEvents.length;
  const slices = (size: number) =>
    Array.from({ length: Math.ceil(diagEvents.length / size) }, (_, b) =>
      diagEvents.slice(b * size, (b + 1) * size),
    );
  // The same run in both stores: in process for the memory store, through the child's API for Neo4j.
  const memApp = await createBenchApp(await openMemoryStore({ dataDir: null }));
  for (const [b, events] of slices(10_000).entries())
    await memApp.services.traindx.ingest(diagId, `b${b}`, events);
  if (neo4jChild) {
    neo4jRunIds.push(diagId);
    for (const [b, events] of slices(10_000).entries()) {
      const variables = { runId: diagId, batchId: `b${b}`, events };
      await postGraphql(neo4jChild.port, JSON.stringify({ query: LOG_EVENTS, variables }));
    }
  }
  // Let the 10^5 generated events go, so the timed loops do not pay for marking them.
  diagEvents = [];
  console.log(
    `\ndiagnosis latency of a run of ${fmt(DIAGNOSIS_STEPS)} steps × 10 layers (${fmt(eventCount)} events ` +
      `ingested in batches of 10,000), p50 / p99 after warm-up. Queries: "fields" asks every field of Diagnosis ` +
      `and of its findings (symptoms, causes with path, remedies with edits); "+ graph" also walks each cause's ` +
      `explanation paths, missing evidence and the cause/remedy nodes (snippets included)`,
  );
  const bodies = {
    fields: JSON.stringify({ query: DIAGNOSIS_FIELDS, variables: { id: diagId } }),
    graph: JSON.stringify({ query: DIAGNOSIS_GRAPH, variables: { id: diagId } }),
  };
  const viaFetch = async (app: typeof memApp, body: string) => {
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const json = (await res.json()) as any;
    if (json.errors) throw new Error(json.errors[0].message);
    return json;
  };
  const fields = (await viaFetch(memApp, bodies.fields)).data.run.diagnosis;
  const graphBytes = JSON.stringify(await viaFetch(memApp, bodies.graph)).length;
  console.log(
    `(${fields.symptoms.length} symptoms, ${fields.causes.length} causes, ${fields.remedies.length} remedies; ` +
      `answers of ${fmt(JSON.stringify(fields).length)} and ${fmt(graphBytes)} bytes)`,
  );
  // On-CPU time is shown in process on the memory store only: elsewhere the call waits on another process.
  const row = (label: string, r: Latency, goalMs: number) =>
    console.log(
      `${pad(label, 44)}p50 ${pad(`${r.p50.toFixed(2)} ms`, 10)}p99 ${pad(`${r.p99.toFixed(2)} ms`, 10)}` +
        `goal p99 ≤ ${goalMs} ms ${mark(r.p99 <= goalMs)}  (${r.n} reps` +
        `${label.startsWith('memory') ? `; on-CPU p50 ${r.cpuP50.toFixed(2)} / p99 ${r.cpuP99.toFixed(2)} ms` : ''})`,
    );
  const mem = DIAGNOSIS_REPS.memory;
  row(
    'memory, in process, services.diagnose',
    await latency(mem, 300, () => memApp.services.diagnose(diagId)),
    2,
  );
  // The first question after each batch misses the cache: the diagnosis computed from the stored state.
  row('memory, in process, computed afresh', await latency(mem, 300, () => afresh(memApp, diagId)), 2);
  row(
    'memory, in process, app.fetch, fields',
    await latency(mem, 300, () => viaFetch(memApp, bodies.fields)),
    2,
  );
  row(
    'memory, in process, app.fetch, + graph',
    await latency(mem, 300, () => viaFetch(memApp, bodies.graph)),
    2,
  );
  await memApp.services.store.close();

  if (!neo4jChild) {
    console.log(`neo4j: skipped (not reachable at ${neo4jUri}: ${neo4jDown})`);
    return;
  }
  const port = neo4jChild.port;
  const neoApp = await createBenchApp(await openTargetStore('neo4j'));
  const neo = DIAGNOSIS_REPS.neo4j;
  row(
    'neo4j, in process, services.diagnose',
    await latency(neo, 50, () => neoApp.services.diagnose(diagId)),
    15,
  );
  row('neo4j, in process, computed afresh', await latency(neo, 50, () => afresh(neoApp, diagId)), 15);
  row(
    'neo4j, in process, app.fetch, fields',
    await latency(neo, 50, () => viaFetch(neoApp, bodies.fields)),
    15,
  );
  row('neo4j, HTTP to the child, fields', await latency(neo, 50, () => postGraphql(port, bodies.fields)), 15);
  row('neo4j, HTTP to the child, + graph', await latency(neo, 50, () => postGraphql(port, bodies.graph)), 15);
  await neoApp.services.store.close();
  await neo4jChild.stop();
}

/** The diagnosis from the stored state, as services.diagnose computes it on a cache miss. */
function afresh(app: ReturnType<typeof createApp>, runId: string) {
  const { store, traindx } = app.services;
  return diagnoseStoredRun(
    { store, profileFor: traindx.profileFor, knowledge: async () => (await app.services.knowledge()).seed },
    runId,
  );
}

if (process.argv[2] === '--server') await runServer(process.argv[3] as Target, process.argv[4]);
else await main();
