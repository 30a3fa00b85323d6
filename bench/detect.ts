/**
 * npm run bench:detect — the cost of the detectors and of the whole
 * `diagnose` pipeline, as ratios against baselines measured in the same run:
 *  1. detect/parse: read+decode+validate a 10^6-step trace (10 layers of stats
 *     every 10 steps) with and without feeding every event to all detectors.
 *     Goal: detectors add under 50% to parsing.
 *  2. pipeline/JSON.parse: `diagnoseFile` (read, validate, detect, reason) on a
 *     ~200 MB trace vs a bare line-by-line JSON.parse of the same file, in MB/s.
 *     Goal: at least 0.5x.
 */
import { statSync } from 'node:fs';
import { createProfileResolver, diagnoseFile } from '../src/cli/index.js';
import { ALL_FAMILIES, createDetectorSet, type DetectorSet } from '../src/detect/index.js';
import { createSequenceState, decodeLine, readLines, validateEvent } from '../src/trace/index.js';
import { generateTrace } from './generate-trace.js';

const pickProfile = createProfileResolver(undefined);

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
      set = createDetectorSet({ run: e, profile: (await pickProfile(e)).values, families: ALL_FAMILIES });
    else set!.feed(e);
  }
  set?.finish();
  return { ms: performance.now() - t0, events, scalars, found: set?.occurrences().length ?? 0 };
}

async function bareJsonParse(path: string) {
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

const mid = await generateTrace('steps-200mb', 570_000);
const midMb = statSync(mid).size / 1e6;
const bare = await bareJsonParse(mid);
const t0 = performance.now();
const diagnosis = await diagnoseFile(mid, pickProfile);
const pipeMs = performance.now() - t0;
const bareRate = midMb / (bare.ms / 1000);
const pipeRate = midMb / (pipeMs / 1000);
console.log(`\ntrace: ${mid} (${midMb.toFixed(0)} MB)`);
console.log(`bare line-by-line JSON.parse: ${bareRate.toFixed(1)} MB/s`);
console.log(
  `traindx diagnose pipeline   : ${pipeRate.toFixed(1)} MB/s (${diagnosis.symptoms.length} symptoms)`,
);
for (const o of diagnosis.symptoms) console.log(`  found: ${o.id} (${o.severity}) ${o.evidence[0]}`);
console.log(
  `pipeline/JSON.parse ratio: ${(pipeRate / bareRate).toFixed(3)} (goal >= 0.5) ${pipeRate / bareRate >= 0.5 ? 'PASS' : 'MISS'}`,
);
