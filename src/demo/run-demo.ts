import { fmt } from '../detect/index.js';
import type { Diagnosis, KnowledgeSeed } from '../domain/index.js';
import type { Traindx } from '../engine/index.js';
import { createMonitor, initTfjsBackend } from '../monitor/index.js';
import { describeEdits, fillSnippets } from '../reason/index.js';
import { createRng, hashString } from '../train/index.js';
import { DEMO_SCENARIOS, type DemoScenario } from './scenarios.js';

export interface DemoDeps {
  /** An embedded traindx on a seeded store. */
  traindx: Traindx;
  out(line: string): void;
  /** Only these scenario ids (default: all). */
  only?: string[];
}

export interface DemoResult {
  id: string;
  expect: string;
  top: string;
  hit: boolean;
  seconds: number;
}

/**
 * `traindx demo`: trains small TensorFlow.js models with planted faults (and
 * one healthy), streams each through the monitor into an embedded traindx,
 * and prints a short diagnosis of each: verdict, top causes with confidence,
 * the evidence behind the first, and the first remedy with its tfjs snippet.
 */
export async function runDemo(deps: DemoDeps): Promise<DemoResult[]> {
  const { tf, backend, note } = await initTfjsBackend();
  deps.out(`tfjs backend: ${backend} (${note})`);
  const knowledge = (await deps.traindx.knowledge()).seed;
  const results: DemoResult[] = [];
  const scenarios = DEMO_SCENARIOS.filter((s) => !deps.only?.length || deps.only.includes(s.id));
  for (const scenario of scenarios) {
    const t0 = performance.now();
    const diagnosis = await train(tf, scenario, deps.traindx);
    const seconds = (performance.now() - t0) / 1000;
    const top = diagnosis.healthy ? 'healthy' : (diagnosis.causes[0]?.id ?? 'none');
    const result = { id: scenario.id, expect: scenario.expect, top, hit: top === scenario.expect, seconds };
    results.push(result);
    printDiagnosis(deps.out, scenario, diagnosis, knowledge, result);
  }
  const hits = results.filter((r) => r.hit).length;
  const total = results.reduce((s, r) => s + r.seconds, 0);
  deps.out(
    `\n${hits}/${results.length} runs got the planted cause first (healthy: called healthy), in ${total.toFixed(1)} s.`,
  );
  return results;
}

async function train(
  tf: Awaited<ReturnType<typeof initTfjsBackend>>['tf'],
  scenario: DemoScenario,
  traindx: Traindx,
): Promise<Diagnosis> {
  const { model, data, epochs, batchSize } = scenario.build(tf);
  const runId = `demo-${scenario.id}-${Date.now().toString(36)}`;
  const monitor = await createMonitor({
    tf,
    model,
    runId,
    name: scenario.id,
    sink: await traindx.sink(),
    data: { x: data.x, y: data.y, validation: { x: data.xVal, y: data.yVal } },
    evaluation: { x: data.xVal, y: data.yVal, split: 'val' },
    epochs,
    batchSize,
    warn: () => undefined,
  });
  // fit's shuffle (and dropout) draw from Math.random: seeded for the length of the fit, every
  // demo prints the same numbers on every run (the README shows them).
  const unseeded = Math.random;
  Math.random = createRng(hashString(scenario.id)).uniform;
  try {
    await model.fit(data.x, data.y, {
      epochs,
      batchSize,
      validationData: [data.xVal, data.yVal],
      shuffle: true,
      verbose: 0,
      callbacks: [monitor.callback()],
    });
  } finally {
    Math.random = unseeded;
  }
  await monitor.finish();
  tf.dispose([data.x, data.y, data.xVal, data.yVal]);
  model.dispose();
  const d = await traindx.diagnose(runId);
  if (!d) throw new Error(`run ${runId} was not stored`);
  return d;
}

function printDiagnosis(
  out: (line: string) => void,
  scenario: DemoScenario,
  d: Diagnosis,
  knowledge: KnowledgeSeed,
  r: DemoResult,
) {
  const mark = r.hit ? '✓' : '✗';
  out(
    `\n▶ ${scenario.id}: ${scenario.story}  [${r.seconds.toFixed(1)} s; planted: ${scenario.expect}] ${mark}`,
  );
  out(`  ${d.summary}`);
  if (d.healthy) return;
  for (const [i, c] of d.causes.slice(0, 3).entries()) out(`  ${i + 1}. ${c.name} — ${fmt(c.confidence)}`);
  const evidence = d.causes[0]?.paths[0]?.occurrence.evidence[0];
  if (evidence) out(`  evidence: ${evidence}`);
  const remedy = d.remedies[0];
  if (remedy) {
    const template = knowledge.remedies.find((k) => k.id === remedy.id)?.snippets;
    // The run's own values in the code, so it says what the edit says.
    const snippet = template && fillSnippets(template, remedy.edits, d.facts).tfjs.split('\n')[0];
    const edit = describeEdits(remedy.edits);
    out(
      `  first remedy: ${remedy.name}${edit ? `\n    edit: ${edit}` : ''}${snippet ? `\n    tfjs: ${snippet}` : ''}`,
    );
  }
}
