/**
 * npm run bench:alerts — how many alerts a subscriber gets for one run: the
 * deep-sigmoid PyTorch sample (examples/samples) streamed to a real
 * `traindx serve` (memory store, its own process, real HTTP) in batches of 10
 * events, with an `alerts(runId)` subscription over server-sent events open
 * from the start to the `finished` alert. Prints the count by kind and change,
 * and how many times each (symptom, layer) was announced. Issue 18 measured
 * 48 alerts before the rule became started / updated / resolved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleEvents, streamWithAlerts } from '../test/support/alert-stream.js';
import { startServer } from '../test/support/server-process.js';

const SAMPLE = 'pytorch-deep-sigmoid-digits';
const BATCH = 10;

const dataDir = mkdtempSync(join(tmpdir(), 'traindx-alert-count-'));
const server = await startServer(['--data-dir', dataDir]);
try {
  const { alerts } = await streamWithAlerts([server.url], sampleEvents(SAMPLE), BATCH);
  const byKind = new Map<string, number>();
  const bySymptom = new Map<string, number>();
  for (const a of alerts) {
    const kind = a.change ? `${a.kind} ${a.change}` : a.kind;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    if (a.symptom) {
      const key = `${a.symptom.id}${a.symptom.layer ? ` ${a.symptom.layer}` : ''}`;
      bySymptom.set(key, (bySymptom.get(key) ?? 0) + 1);
    }
  }
  console.log(`${SAMPLE}, batches of ${BATCH}: ${alerts.length} alerts`);
  for (const [k, n] of byKind) console.log(`  ${k}: ${n}`);
  console.log('per (symptom, layer):');
  for (const [k, n] of [...bySymptom].sort((a, b) => b[1] - a[1])) console.log(`  ${k}: ${n}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
