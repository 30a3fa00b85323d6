import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { createIngestor } from '../../src/ingest/index.js';
import { loadSeed, seedStore } from '../../src/knowledge/index.js';
import {
  createFileSink,
  createInProcessSink,
  createMonitor,
  type IngestFn,
  type MonitorAlert,
} from '../../src/monitor/index.js';
import { scoreCauses } from '../../src/reason/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { readTrace } from '../../src/trace/index.js';
import { profileValues } from '../detect/harness.js';
import { blobs, collectingSink, smallModel, stepsOf, tfOn } from './support.js';

const SEED = join(import.meta.dirname, '../../graph-seed');

async function inProcessTraindx() {
  const store = await openMemoryStore({ dataDir: null });
  const knowledge = await loadSeed([SEED]);
  await seedStore(store, knowledge);
  const values = await profileValues();
  const ingest = createIngestor({ store, profileFor: async () => values });
  const batches: { batchId: string; first: string | undefined; size: number }[] = [];
  // Delegates to the real ingestor; only notes which batches arrived.
  const recording: IngestFn = (runId, batchId, events) => {
    batches.push({ batchId, first: (events[0] as TraceEvent | undefined)?.type, size: events.length });
    return ingest(runId, batchId, events);
  };
  const rankCauses = (symptoms: { id: string }[]) =>
    scoreCauses(symptoms.map((s) => ({ ...(s as never as object), symptomId: s.id })) as never, knowledge);
  return { store, ingest: recording, batches, rankCauses };
}

describe('the trace file sink', () => {
  it('writes a trace that the trace reader reads back unchanged', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 96 });
    const model = smallModel(tf);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const path = join(mkdtempSync(join(tmpdir(), 'traindx-monitor-')), 'runs', 'blobs.jsonl');
    const copy = collectingSink();
    const monitor = await createMonitor({
      tf,
      model,
      sink: [createFileSink(path), copy],
      every: 2,
      data: { x: data.x, y: data.y },
    });
    await model.fit(data.x, data.y, {
      epochs: 2,
      batchSize: 32,
      callbacks: [monitor.callback()],
      verbose: 0,
    });
    const read: TraceEvent[] = [];
    for await (const e of readTrace(path)) read.push(e);
    expect(read).toEqual(copy.events);
    expect(read.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
  });

  it('warns once and lets training finish when the file cannot be written', async () => {
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 64 });
    const model = smallModel(tf);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const blocker = join(mkdtempSync(join(tmpdir(), 'traindx-monitor-')), 'not-a-dir');
    writeFileSync(blocker, 'a file where the trace folder should be');
    const warnings: string[] = [];
    const sink = createFileSink(join(blocker, 'run.jsonl'), { warn: (m) => warnings.push(m) });
    const monitor = await createMonitor({ tf, model, sink, every: 1 });
    const history = await model.fit(data.x, data.y, {
      epochs: 2,
      batchSize: 16,
      callbacks: [monitor.callback()],
      verbose: 0,
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot write .*run\.jsonl/);
  });
});

describe('the in-process traindx sink', () => {
  it('ingests the run in batches b0, b1, ... (the first starting with the run event) and stores every event', async () => {
    const tf = await tfOn('wasm');
    const traindx = await inProcessTraindx();
    const data = blobs(tf, { n: 128 });
    const model = smallModel(tf);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const copy = collectingSink();
    const sink = createInProcessSink({ ingest: traindx.ingest, maxBatchEvents: 7 });
    const monitor = await createMonitor({
      tf,
      model,
      sink: [sink, copy],
      every: 2,
      data: { x: data.x, y: data.y },
      runId: 'in-process-1',
    });
    await model.fit(data.x, data.y, {
      epochs: 3,
      batchSize: 16,
      callbacks: [monitor.callback()],
      verbose: 0,
    });

    const nonce = traindx.batches[0]!.batchId.split('-')[0]!;
    expect(nonce).toMatch(/^[0-9a-f]{8}$/);
    expect(traindx.batches.map((b) => b.batchId)).toEqual(traindx.batches.map((_, i) => `${nonce}-b${i}`));
    expect(traindx.batches[0]!.first).toBe('run');
    const stored = await traindx.store.getRun('in-process-1');
    expect(stored).toMatchObject({ eventCount: copy.events.length, status: 'completed', lastStep: 23 });
    expect(sink.stats!()).toMatchObject({ delivered: copy.events.length, dropped: 0, buffered: 0 });
  });

  it('stops model.fit on a fatal alert: NaN inputs poison the weights while the wasm loss stays finite', async () => {
    const tf = await tfOn('wasm');
    const traindx = await inProcessTraindx();
    const data = blobs(tf, { n: 64 });
    const values = data.x.arraySync();
    values[5]![2] = Number.NaN;
    const x = tf.tensor2d(values);
    const model = smallModel(tf);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const sink = createInProcessSink({
      ingest: traindx.ingest,
      rankCauses: traindx.rankCauses,
      maxBatchEvents: 4,
      flushIntervalMs: 10,
    });
    const alerts: MonitorAlert[] = [];
    const copy = collectingSink();
    const monitor = await createMonitor({
      tf,
      model,
      sink: [sink, copy],
      every: 1,
      yieldEveryMs: 0,
      data: { x, y: data.y },
      stopOnFatal: true,
      onAlert: (a) => alerts.push(a),
    });
    await model.fit(x, data.y, {
      epochs: 50,
      batchSize: 8,
      shuffle: false,
      callbacks: [monitor.callback()],
      verbose: 0,
    });

    expect(Number.isFinite(stepsOf(copy.events)[0]!.loss)).toBe(true);
    const fatal = alerts.find((a) => a.symptom?.id === 'non_finite_tensors');
    expect(fatal).toMatchObject({ kind: 'symptom', symptom: { severity: 'critical', firstStep: 0 } });
    expect(alerts.map((a) => a.symptom?.id)).toContain('input_nan');
    expect(fatal!.topCause?.id).toBe('bad_input_data');
    expect(stepsOf(copy.events).length).toBeLessThan(50 * 8);
    expect(monitor.stopRequested).toBe(true);
    expect(copy.events.at(-1)).toMatchObject({
      type: 'end',
      status: 'diverged',
      reason: expect.stringMatching(/non_finite_tensors/),
    });
  });
});
