/**
 * npm run bench:import — the TensorBoard importer against the floor any
 * reader of a TFRecord file pays: a bare pass that only reads the records and
 * checks their CRCs. Both run on the same ~100 MB event file in the same
 * process, 5 rounds (RUNS=N for more), medians and fastest runs, by wall and by CPU time; the file (scalars of 6 tags per step, 2 histograms
 * every 100 steps, as torch's SummaryWriter writes them) is written once by
 * our own encoder and cached in bench/.data/. The two alternate which goes
 * first; each round's ratio is printed too, as the spread, with its median. Goal: the import
 * (all of it: the one read that checks every CRC and decodes each record into compact columns,
 * then the trace built from them; a stream that goes back in steps would be read a second time to
 * plan its purge, this file does not) runs at ≥ 0.5× the bare pass's speed.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { maskedCrc32c } from '../src/trace/importers/tensorboard/crc32c.js';
import { readTfRecords } from '../src/trace/importers/tensorboard/tfrecord.js';
import { importRuns } from '../src/trace/index.js';
import { BENCH_DIR } from './generate-trace.js';

const TARGET_BYTES = 100 * 2 ** 20;
const RUNS = Number(process.env.RUNS ?? 5);
// Issue 15 asks for 0.5x.
const GOAL = 0.5;
const TAGS = ['train/loss', 'train/accuracy', 'lr', 'grad_norm', 'throughput', 'val/loss'];

const dir = join(BENCH_DIR, 'importers');
const file = join(dir, 'events.out.tfevents.bench.100mb');
if (!existsSync(file)) writeEventFile(file);
const mb = statSync(file).size / 2 ** 20;

const bare = async () => {
  let records = 0;
  for await (const batch of readTfRecords(file)) records += batch.count;
  return records;
};
const full = async () => {
  let events = 0;
  for await (const run of importRuns(file))
    for await (const chunk of run.events) events += Array.isArray(chunk) ? chunk.length : 1;
  return events;
};

const bareMs: number[] = [];
const fullMs: number[] = [];
const bareCpu: number[] = [];
const fullCpu: number[] = [];
const counts = [0, 0];
// Alternating which side goes first: on a busy machine the load drifts, and a fixed order would
// hand one side the quieter half of every round. Wall time and this process's CPU time are both
// kept: other processes stretch wall time only, so CPU time is the steadier measure under load.
for (let i = 0; i < RUNS; i++) {
  const sides = i % 2 === 0 ? (['bare', 'full'] as const) : (['full', 'bare'] as const);
  for (const side of sides) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    if (side === 'bare') counts[0] = await bare();
    else counts[1] = await full();
    const wall = performance.now() - t;
    const used = process.cpuUsage(cpu);
    (side === 'bare' ? bareMs : fullMs).push(wall);
    (side === 'bare' ? bareCpu : fullCpu).push((used.user + used.system) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (xs: number[]) => xs.map(Math.round).join(', ');
console.log(
  `event file: ${mb.toFixed(1)} MB, ${counts[0]} records -> ${counts[1]} trace events, ${RUNS} rounds`,
);
for (const [name, bareT, fullT] of [
  ['wall', bareMs, fullMs],
  ['cpu', bareCpu, fullCpu],
] as const) {
  console.log(
    `${name.padEnd(4)} bare pass (read + CRC): median ${Math.round(median(bareT))} ms (${(mb / (median(bareT) / 1000)).toFixed(0)} MB/s), runs ${ms(bareT)}`,
  );
  console.log(
    `${name.padEnd(4)} full import:            median ${Math.round(median(fullT))} ms (${(mb / (median(fullT) / 1000)).toFixed(0)} MB/s), runs ${ms(fullT)}`,
  );
  // Each round's own ratio (its two passes ran back to back, under about the same load): the spread,
  // and its median, the figure to quote.
  const rounds = bareT.map((b, i) => b / fullT[i]!);
  const perRound = median(rounds);
  const ratio = median(bareT) / median(fullT);
  // Load only ever adds time, so the fastest run of each side is the closest to an idle machine's.
  const best = Math.min(...bareT) / Math.min(...fullT);
  console.log(
    `${name.padEnd(4)} import speed / bare speed: median of rounds ${perRound.toFixed(2)}x, ${ratio.toFixed(2)}x of medians, ` +
      `${best.toFixed(2)}x of the fastest runs, per round ${rounds.map((r) => r.toFixed(2)).join(', ')} ` +
      `(goal >= ${GOAL}x) ${perRound >= GOAL ? 'ok' : 'BELOW GOAL'}`,
  );
}

/** Writes an event file of scalar and histogram summaries with our own TFRecord + protobuf encoder. */
function writeEventFile(path: string) {
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name: an interrupted run leaves no half file to be taken for the cache.
  const fd = openSync(`${path}.part`, 'w');
  let written = 0;
  const out: Buffer[] = [];
  let pending = 0;
  const record = (data: Buffer) => {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(data.length, 0);
    head.writeUInt32LE(0, 4);
    head.writeUInt32LE(maskedCrc32c(head, 0, 8), 8);
    const foot = Buffer.alloc(4);
    foot.writeUInt32LE(maskedCrc32c(data), 0);
    out.push(head, data, foot);
    pending += 16 + data.length;
    if (pending > 1 << 20) flush();
  };
  const flush = () => {
    const chunk = Buffer.concat(out);
    writeSync(fd, chunk);
    written += chunk.length;
    out.length = 0;
    pending = 0;
  };
  record(event(0, 0, undefined, Buffer.from('brain.Event:2')));
  let rng = 1;
  const random = () => {
    rng = (rng * 1103515245 + 12345) % 2 ** 31;
    return rng / 2 ** 31;
  };
  for (let step = 0; written + pending < TARGET_BYTES; step++) {
    for (const tag of TAGS) record(event(step, 1.8e9 + step, value(tag, scalar(random()))));
    if (step % 100 === 0)
      for (const layer of ['fc1', 'fc2'])
        record(event(step, 1.8e9 + step, value(`gradients/${layer}`, histo(random))));
  }
  flush();
  closeSync(fd);
  renameSync(`${path}.part`, path);
}

// Protobuf encoding of the few fields written (tensorflow/core/util/event.proto, summary.proto).
function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
function field(no: number, data: Buffer): Buffer {
  return Buffer.concat([varint((no << 3) | 2), varint(data.length), data]);
}
function double(no: number, v: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = (no << 3) | 1;
  b.writeDoubleLE(v, 1);
  return b;
}
function scalar(v: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = (2 << 3) | 5;
  b.writeFloatLE(v, 1);
  return b;
}
function value(tag: string, body: Buffer): Buffer {
  return field(1, Buffer.concat([field(1, Buffer.from(tag)), body]));
}
function event(step: number, wallTime: number, summaryValue?: Buffer, fileVersion?: Buffer): Buffer {
  const parts = [double(1, wallTime), Buffer.concat([varint(2 << 3), varint(step)])];
  if (fileVersion) parts.push(field(3, fileVersion));
  if (summaryValue) parts.push(field(5, summaryValue));
  return Buffer.concat(parts);
}
function histo(random: () => number): Buffer {
  const limits: number[] = [];
  const counts: number[] = [];
  for (let i = -15; i <= 15; i++) {
    limits.push(i / 10);
    counts.push(Math.round(random() * 100));
  }
  const packed = (values: number[]) => {
    const b = Buffer.alloc(values.length * 8);
    for (let i = 0; i < values.length; i++) b.writeDoubleLE(values[i]!, i * 8);
    return b;
  };
  const n = counts.reduce((a, b) => a + b, 0);
  const body = Buffer.concat([
    double(1, -1.5),
    double(2, 1.5),
    double(3, n),
    double(4, 0.1 * n),
    double(5, 0.5 * n),
    field(6, packed(limits)),
    field(7, packed(counts)),
  ]);
  return field(5, body);
}
