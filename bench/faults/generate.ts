/**
 * npm run bench:faults:generate [-- ID_FRAGMENT ...] — trains every labelled
 * run of the fault benchmark for real (TensorFlow.js, wasm backend here),
 * records it through the traindx monitor, checks its label against the
 * trace's numbers, and stores the trace (gzip) and labels.json. A run whose
 * label check fails is retrained with the next seed (up to 3 seeds), then
 * dropped with a message. With ID fragments only the matching runs are
 * retrained and the other labels are kept. `--list` prints the scenarios
 * (cause → variants → runs, with each variant's split) without training.
 */
import { existsSync } from 'node:fs';
import { initTfjsBackend } from '../../src/monitor/index.js';
import { parseTraceText } from '../../src/trace/index.js';
import { describeCatalogue } from './catalogue.js';
import type { Label, LabelsFile } from './label.js';
import { checkLabel, confirmedSymptoms } from './label-checks.js';
import { hashString } from './prng.js';
import { type RecordedRun, recordRun } from './record-run.js';
import { ALL_VARIANTS } from './scenarios/index.js';
import type { RunSpec, Variant } from './scenarios/scenario.js';
import { testVariants } from './split.js';
import {
  LABELS_PATH,
  readLabels,
  removeTrace,
  storedTraceIds,
  TRACES_DIR,
  writeLabels,
  writeTrace,
} from './store.js';
import { SYMPTOM_CHECKS } from './symptom-checks.js';
import { traceFacts } from './trace-facts.js';
import { HEALTHY, SYMPTOM_IDS } from './vocabulary.js';

const ATTEMPTS = 3;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const test = testVariants(ALL_VARIANTS);
if (process.argv.includes('--list')) {
  console.log(describeCatalogue(ALL_VARIANTS, test));
  process.exit(0);
}
const { tf, backend, note } = await initTfjsBackend();
console.log(`fault benchmark: TensorFlow.js ${tf.version.tfjs} on ${backend} (${note})`);

const jobs = ALL_VARIANTS.flatMap((v) => v.runs.map((r) => ({ v, r })));
const chosen = filters.length ? jobs.filter(({ r }) => filters.some((f) => r.id.includes(f))) : jobs;
const previous: LabelsFile | undefined = filters.length && existsSync(LABELS_PATH) ? readLabels() : undefined;

const labels = new Map<string, Label>((previous?.labels ?? []).map((l) => [l.id, l]));
const seeds: Record<string, number> = { ...(previous?.seeds ?? {}) };
const dropped: string[] = [];
const warnings = new Set<string>();
const started = performance.now();
let bytes = 0;

for (const [i, { v, r }] of chosen.entries()) {
  const split = test.has(v.id) ? 'test' : 'tune';
  const head = `[${i + 1}/${chosen.length}] ${r.id} (${v.cause}, ${split})`;
  const result = await generateRun(v, r, split);
  if (!result) {
    dropped.push(r.id);
    labels.delete(r.id);
    delete seeds[r.id];
    removeTrace(r.id);
    console.log(`${head}: DROPPED after ${ATTEMPTS} seeds`);
    continue;
  }
  labels.set(r.id, result.label);
  seeds[r.id] = result.seed;
  bytes += result.bytes;
  console.log(
    `${head}: ${result.steps} steps, ${result.status}, ${(result.ms / 1000).toFixed(1)} s, seed ${result.seed}; symptoms ${result.label.expectedSymptoms.join(', ') || 'none'}`,
  );
}

// Runs no longer in the catalogue lose their label, and traces without a label are removed.
const known = new Set(jobs.map(({ r }) => r.id));
for (const id of [...labels.keys()]) if (!known.has(id)) labels.delete(id);
for (const id of storedTraceIds()) if (!labels.has(id)) removeTrace(id);

const order = new Map(jobs.map(({ r }, i) => [r.id, i]));
const sorted = [...labels.values()].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
writeLabels({
  formatVersion: 1,
  tfjs: tf.version.tfjs,
  backend,
  labels: sorted,
  seeds: Object.fromEntries(sorted.map((l) => [l.id, seeds[l.id]!])),
});

const faulty = sorted.filter((l) => l.primaryCause !== HEALTHY);
const causes = new Set(faulty.map((l) => l.primaryCause));
console.log(
  `\n${sorted.length} runs (${faulty.length} faulty over ${causes.size} causes, ${sorted.length - faulty.length} healthy; ` +
    `${sorted.filter((l) => l.split === 'test').length} in the test split) in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
    `${(bytes / 1e6).toFixed(2)} MB of traces written to ${TRACES_DIR}`,
);
if (dropped.length) console.log(`dropped (label check failed on every seed): ${dropped.join(', ')}`);
if (warnings.size) console.log(`monitor warnings:\n  ${[...warnings].join('\n  ')}`);

async function generateRun(v: Variant, r: RunSpec, split: 'tune' | 'test') {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const seed = (hashString(r.id) % 100_000) + 7919 * attempt;
    const experiment = r.build(seed);
    let recorded: RecordedRun;
    try {
      recorded = await recordRun(tf, experiment, {
        runId: `bench-${hashString(r.id).toString(16).padStart(8, '0')}`,
        name: `${experiment.data.name} ${experiment.loop}`,
        seed,
      });
    } catch (err) {
      console.log(`  ${r.id} seed ${seed}: training failed: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    for (const w of recorded.warnings) warnings.add(`${r.id}: ${w}`);
    const facts = traceFacts(parseTraceText(recorded.lines.join('\n')));
    const symptoms = confirmedSymptoms([...SYMPTOM_IDS], facts);
    const label: Label = {
      id: r.id,
      primaryCause: v.cause,
      acceptableCauses: v.acceptable ?? [],
      expectedSymptoms: symptoms,
      split,
      variantOf: v.id,
      notes: `${v.notes} ${r.notes}`.trim(),
    };
    const failures = checkLabel(label, facts).filter((c) => !c.ok);
    const missing = r.expect.filter((s) => !symptoms.includes(s));
    const healthyWithSymptoms = v.cause === HEALTHY && symptoms.length > 0;
    if (failures.length === 0 && missing.length === 0 && !healthyWithSymptoms) {
      const bytes = writeTrace(r.id, recorded.lines);
      return { label, seed, bytes, steps: recorded.steps, status: recorded.status, ms: recorded.durationMs };
    }
    const why = [
      ...failures.map((c) => `${c.what}: ${c.detail}`),
      ...missing.map((s) => `${s} expected but not shown (${SYMPTOM_CHECKS[s](facts).detail})`),
      ...(healthyWithSymptoms ? [`a healthy run shows ${symptoms.join(', ')}`] : []),
    ];
    console.log(`  ${r.id} seed ${seed}: label check failed: ${why.join('; ')}`);
  }
  return undefined;
}
