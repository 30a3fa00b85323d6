import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMonitor, createRemoteSink, type MonitorAlert } from '../../src/monitor/index.js';
import { detectProtocol } from '../../src/monitor/sinks/graphql-protocol.js';
import { subscribeAlerts } from '../../src/monitor/sinks/sse-alerts.js';
import { uniqueId } from '../support/neo4j.js';
import { postGraphql, type ServerProcess, startServer } from '../support/server-process.js';
import { blobs, collectingSink, smallModel, stepsOf, tfOn } from './support.js';

const servers: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

// One server for the tests that do not need to start it themselves (each start costs seconds).
let shared: Promise<ServerProcess> | undefined;
const sharedServer = () => {
  shared ??= startServer(['--data-dir', mkdtempSync(join(tmpdir(), 'traindx-monitor-remote-'))]);
  return shared;
};
afterAll(async () => {
  await (await shared)?.stop();
});

/** The real `traindx serve` on 127.0.0.1 (memory store in a fresh folder), on `port` or a free one. */
async function serve(port?: number) {
  const args = ['--data-dir', mkdtempSync(join(tmpdir(), 'traindx-monitor-remote-'))];
  const server = await startServer(port === undefined ? args : [...args, '--port', String(port)]);
  servers.push(server);
  return server;
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const RUN = `query($id: ID!) { run(id: $id) { eventCount status lastStep symptomIds } }`;

async function trainBlobs(
  monitorOptions: Partial<Parameters<typeof createMonitor>[0]>,
  fit = { epochs: 2, batchSize: 16 },
) {
  const tf = await tfOn('wasm');
  const data = blobs(tf, { n: 64 });
  const model = smallModel(tf);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const copy = collectingSink();
  const sinks = monitorOptions.sink ? [monitorOptions.sink as never, copy] : [copy];
  const monitor = await createMonitor({
    tf,
    model,
    every: 2,
    data: { x: data.x, y: data.y },
    ...monitorOptions,
    sink: sinks,
  });
  await model.fit(data.x, data.y, {
    ...fit,
    callbacks: [monitor.callback({ finishOnTrainEnd: false })],
    verbose: 0,
  });
  return { monitor, events: copy.events, tf, model, data };
}

describe('the remote traindx sink (a real server over 127.0.0.1)', () => {
  it('speaks the server’s current protocol: startRun, logEvents, finishRun and the alerts subscription', async () => {
    const server = await sharedServer();
    const protocol = await detectProtocol({ url: `${server.url}/graphql`, headers: {}, timeoutMs: 10_000 });
    expect(protocol).toMatchObject({
      mutation: 'logEvents',
      alerts: true,
      lifecycle: { start: '{ __typename }' },
    });
    expect(protocol.selection).toMatch(/^\{ accepted symptoms \{ id name confidence severity/);
  });

  it('starts the run, logs its events in batches and finishes it; the server stores every event', async () => {
    const server = await sharedServer();
    const runId = uniqueId('remote');
    const sink = createRemoteSink({ url: `${server.url}/graphql`, maxBatchEvents: 8, flushIntervalMs: 20 });
    const { monitor, events } = await trainBlobs({ runId, sink });
    await monitor.finish();
    const { run } = await postGraphql(server.url, RUN, { id: runId });
    expect(run).toMatchObject({ eventCount: events.length, status: 'completed', lastStep: 7 });
    expect(sink.stats!()).toMatchObject({ delivered: events.length, dropped: 0, buffered: 0 });
  });

  it('buffers while the server is down, never holding training up, and delivers everything once it is up', async () => {
    const port = await freePort();
    const runId = uniqueId('late-server');
    const warnings: string[] = [];
    const sink = createRemoteSink({
      url: `http://127.0.0.1:${port}/graphql`,
      maxBatchEvents: 8,
      flushIntervalMs: 20,
      retryBaseMs: 20,
      retryMaxMs: 200,
      warn: (m) => warnings.push(m),
    });
    const { monitor, events } = await trainBlobs({ runId, sink, closeTimeoutMs: 30_000 });
    // Training finished with nothing delivered: it never waited for the server (bench:monitor times it).
    expect(sink.stats!()).toMatchObject({ delivered: 0, buffered: events.length });
    const server = await serve(port);
    await monitor.finish();
    const { run } = await postGraphql(server.url, RUN, { id: runId });
    expect(run).toMatchObject({ eventCount: events.length, status: 'completed' }); // the end event included
    const stats = sink.stats!();
    expect(stats).toMatchObject({ dropped: 0, buffered: 0 });
    expect(stats.attempts).toBeGreaterThan(Math.ceil(events.length / 8));
    expect(warnings).toEqual([]);
  });

  it('drops the oldest batches past its bound with one warning, and keeps the run event', async () => {
    const port = await freePort();
    const runId = uniqueId('bounded');
    const warnings: string[] = [];
    const sink = createRemoteSink({
      url: `http://127.0.0.1:${port}/graphql`,
      maxBatchEvents: 5,
      maxBufferedEvents: 20,
      flushIntervalMs: 10,
      retryBaseMs: 20,
      retryMaxMs: 100,
      warn: (m) => warnings.push(m),
    });
    const { monitor, events } = await trainBlobs(
      { runId, sink, closeTimeoutMs: 30_000 },
      { epochs: 4, batchSize: 8 },
    );
    expect(events.length).toBeGreaterThan(30);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreachable and 20 events are buffered; dropping events/);
    const server = await serve(port);
    await monitor.finish();
    const stats = sink.stats!();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delivered + stats.dropped).toBe(events.length);
    const { run } = await postGraphql(server.url, RUN, { id: runId });
    expect(run).toMatchObject({ eventCount: stats.delivered, status: 'completed' });
    expect(warnings).toHaveLength(1);
  });

  it('receives the alerts subscription over server-sent events', async () => {
    const server = await sharedServer();
    const ep = { url: `${server.url}/graphql`, headers: {}, timeoutMs: 10_000 };
    const runId = uniqueId('sse');
    await postGraphql(server.url, 'mutation($r: JSON!) { startRun(run: $r) { id } }', {
      r: { type: 'run', formatVersion: 1, id: runId },
    });
    const alerts: MonitorAlert[] = [];
    const stop = new AbortController();
    const listening = subscribeAlerts(ep, runId, (a) => alerts.push(a), stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the subscription open
    await postGraphql(
      server.url,
      'mutation($r: ID!, $e: [JSON!]!) { logEvents(runId: $r, batchId: "b0", events: $e) { accepted } }',
      {
        r: runId,
        e: [
          { type: 'step', step: 0, loss: 2.3 },
          { type: 'step', step: 1, loss: 'NaN' },
        ],
      },
    );
    for (let i = 0; i < 100 && !alerts.some((a) => a.symptom?.id === 'loss_nan'); i++)
      await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    await listening;
    expect(alerts.find((a) => a.symptom?.id === 'loss_nan')).toMatchObject({
      runId,
      kind: 'symptom',
      step: 1,
    });
  });

  it('hears the server’s alerts and stops model.fit on a fatal one', async () => {
    const server = await sharedServer();
    const tf = await tfOn('wasm');
    const data = blobs(tf, { n: 64 });
    const values = data.x.arraySync();
    values[3]![1] = Number.NaN;
    const x = tf.tensor2d(values);
    const model = smallModel(tf);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const alerts: MonitorAlert[] = [];
    const copy = collectingSink();
    const runId = uniqueId('fatal');
    const monitor = await createMonitor({
      tf,
      model,
      runId,
      sink: [createRemoteSink({ url: server.url, maxBatchEvents: 4, flushIntervalMs: 10 }), copy],
      every: 1,
      yieldEveryMs: 0,
      data: { x, y: data.y },
      stopOnFatal: true,
      onAlert: (a) => alerts.push(a),
    });
    await model.fit(x, data.y, {
      epochs: 100,
      batchSize: 8,
      shuffle: false,
      callbacks: [monitor.callback()],
      verbose: 0,
    });

    const fatal = alerts.find((a) => a.symptom?.id === 'non_finite_tensors');
    expect(fatal).toMatchObject({ runId, kind: 'symptom', symptom: { severity: 'critical', firstStep: 0 } });
    expect(stepsOf(copy.events).length).toBeLessThan(100 * 8);
    expect(copy.events.at(-1)).toMatchObject({ type: 'end', status: 'diverged' });
    const { run } = await postGraphql(server.url, RUN, { id: runId });
    expect(run.status).toBe('diverged');
    expect(run.symptomIds).toContain('non_finite_tensors');
  });
});
