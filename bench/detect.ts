/**
 * npm run bench:detect — the cost of the detectors and of the whole
 * `diagnose` pipeline, as ratios against baselines measured in the same run:
 *  1. detect/parse: read+decode+validate a 10^6-step trace (10 layers of stats
 *     every 10 steps) with and without feeding every event to all detectors.
 *     Goal: detectors add under 50% to parsing.
 *  2. pipeline/JSON.parse: `traindx diagnose FILE --json` as a whole process
 *     (as a user runs it, start-up included) on a ~200 MB trace vs a whole
 *     process doing a bare line-by-line JSON.parse of the same file, in MB/s.
 *     Goal: at least 0.5x.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_FAMILIES, createDetectorSet, type DetectorSet } from '../src/detect/index.js';
import { createProfiles } from '../src/engine/index.js';
import { createSequenceState, decodeLine, readLines, validateEvent } from '../src/trace/index.js';
import { generateTrace } from './generate-trace.js';

const profiles = createProfiles();

async function pass(path: string, detect: boolean) {
  const state = createSequenceState();
  let set: DetectorSet | undefined;
  let events = 0;
  let scalars = 0;
  const t0 = performance.now();
  for await (const { text, line } of readLines(path)) {
    const where = { file: path, line };
    const e = validateEvent(decodeLine(text, where), where, state);
    events++;
    if (e.type === 'step') {
      scalars += 4;
      if (e.layers) for (const k in e.layers) scalars += Object.keys(e.layers[k]!).length;
    }
    if (!detect) continue;
    if (e.type === 'run')
      set = createDetectorSet({ run: e, profile: (await profiles.forRun(e)).values, families: ALL_FAMILIES });
    else set!.feed(e);
  }
  set?.finish();
  return { ms: performance.now() - t0, events, scalars, found: set?.occurrences().length ?? 0 };
}

async function _bareJsonParse(path: string) {
  const t0 = performance.now();
  let n = 0;
  for await (const { text } of readLines(path)) {
    JSON.parse(text);
    n++;
  }
  return { ms: performance.now() - t0, n };
}

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

const big = await generateTrace('steps-1e6', 1_000_000);
const mb = statSync(big).size / 1e6;
console.log(`trace: ${big} (${mb.toFixed(0)} MB, 10^6 steps, 10 layers every 10 steps)`);
// Warm up the JIT on both paths so the first measured pass is not penalised.
await pass(await generateTrace('warmup', 50_000), true);
await pass(await generateTrace('warmup', 50_000), false);
// Alternate the two passes three times and compare medians: a single pass of
// each swings by +-15% on this 2-core machine (page cache, GC timing).
type Pass = Awaited<ReturnType<typeof pass>>;
const parses: Pass[] = [];
const detects: Pass[] = [];
for (let i = 0; i < 3; i++) {
  parses.push(await pass(big, false));
  detects.push(await pass(big, true));
}
const medianOf = (xs: Pass[]) => [...xs].sort((a, b) => a.ms - b.ms)[1]!;
const parse = medianOf(parses);
const detect = medianOf(detects);
console.log(
  `runs (ms): parse ${parses.map((p) => p.ms.toFixed(0)).join(', ')}; detect ${detects.map((p) => p.ms.toFixed(0)).join(', ')}; medians below`,
);
console.log(
  `parse only : ${(parse.ms / 1000).toFixed(2)} s, ${fmt(parse.events / (parse.ms / 1000))} events/s, ${fmt(parse.scalars / (parse.ms / 1000))} values/s`,
);
console.log(
  `parse+detect: ${(detect.ms / 1000).toFixed(2)} s, ${fmt(detect.events / (detect.ms / 1000))} events/s, ${fmt(detect.scalars / (detect.ms / 1000))} values/s, ${detect.found} occurrences`,
);
const overhead = detect.ms / parse.ms - 1;
console.log(
  `detect/parse time ratio: ${(detect.ms / parse.ms).toFixed(3)} (detectors add ${(overhead * 100).toFixed(1)}%; goal < 50%) ${overhead < 0.5 ? 'PASS' : 'MISS'}`,
);

// The pipeline as a user runs it: `traindx diagnose FILE --json` as a whole process (start-up,
// importer, ingest, detectors, store, reasoner, output), against a whole process that does nothing but
// split the same file into lines and JSON.parse each, timed the same way, alternating three times.
const mid = await generateTrace('steps-200mb', 570_000);
const midMb = statSync(mid).size / 1e6;
const root = join(import.meta.dirname, '..');
if (!existsSync(join(root, 'dist/cli/main.js')))
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root });
const timed = (args: string[]) => {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return { ms: performance.now() - t0, stdout: res.stdout };
};
const bareScript = `const { readLines } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/trace/read-lines.js')).href)}); for await (const { text } of readLines(process.argv[1])) JSON.parse(text);`;
const bares: number[] = [];
const pipes: number[] = [];
let diagnosis: { symptoms: { id: string; severity: string; evidence: string[] }[] } | undefined;
for (let i = 0; i < 3; i++) {
  bares.push(timed(['--input-type=module', '-e', bareScript, mid]).ms);
  const run = timed([join(root, 'dist/cli/main.js'), 'diagnose', mid, '--json']);
  pipes.push(run.ms);
  diagnosis = JSON.parse(run.stdout);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
const bareRate = midMb / (median(bares) / 1000);
const pipeRate = midMb / (median(pipes) / 1000);
console.log(`\ntrace: ${mid} (${midMb.toFixed(0)} MB), whole processes, medians of 3`);
console.log(
  `runs (ms): bare ${bares.map((m) => m.toFixed(0)).join(', ')}; diagnose ${pipes.map((m) => m.toFixed(0)).join(', ')}`,
);
console.log(`bare line-by-line JSON.parse process: ${bareRate.toFixed(1)} MB/s`);
console.log(
  `traindx diagnose FILE --json process : ${pipeRate.toFixed(1)} MB/s (${diagnosis!.symptoms.length} symptoms)`,
);
for (const o of diagnosis!.symptoms) console.log(`  found: ${o.id} (${o.severity}) ${o.evidence[0]}`);
console.log(
  `pipeline/JSON.parse ratio: ${(pipeRate / bareRate).toFixed(3)} (goal >= 0.5) ${pipeRate / bareRate >= 0.5 ? 'PASS' : 'MISS'}`,
);
