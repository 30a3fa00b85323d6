import type { RunEvent, TraceEvent } from '../../domain/index.js';
import { type Batch, type BatchQueueOptions, createBatchQueue, DeliveryError } from './batch-queue.js';
import { endpointUrl, type GraphqlEndpoint, GraphqlRequestError, postGraphql } from './graphql-http.js';
import { CURRENT_PROTOCOL, detectProtocol, type RemoteProtocol } from './graphql-protocol.js';
import { subscribeAlerts } from './sse-alerts.js';
import { createAlertHub, type ReportedSymptom } from './symptom-alerts.js';
import type { TraceSink } from './trace-sink.js';

export interface RemoteSinkOptions extends Partial<Omit<BatchQueueOptions, 'deliver' | 'warn' | 'target'>> {
  /** The server's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** A traindx token (`traindx token create --scope write`), sent as `Authorization: Bearer TOKEN`. */
  token?: string;
  requestTimeoutMs?: number;
  /** Listen to the server's `alerts` subscription when it has one (default true). */
  subscribe?: boolean;
  warn?: (message: string) => void;
}

/**
 * A traindx server over GraphQL. Events go in batches through `logEvents`
 * (or `ingest` on servers without it), idempotent by batch id so a retry is
 * safe; the run event starts the first batch, or goes through `startRun`
 * (and the end through `finishRun`) where the server offers both. While the
 * server is down the batches wait and are retried with backoff; past
 * `maxBufferedEvents` the oldest are dropped with one warning (BatchQueue).
 * Alerts come back from the answers' symptoms and, where the schema has it,
 * the `alerts(runId)` subscription over server-sent events.
 *
 * @example const sink = createRemoteSink({ url: 'http://127.0.0.1:4000/graphql' });
 */
export function createRemoteSink(options: RemoteSinkOptions): TraceSink {
  const ep: GraphqlEndpoint = {
    url: endpointUrl(options.url),
    headers: { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    timeoutMs: options.requestTimeoutMs ?? 10_000,
  };
  const hub = createAlertHub();
  const subscription = new AbortController();
  let protocol: RemoteProtocol | undefined;
  let run: RunEvent | undefined;
  let started = false;
  let runLost = false;
  let listening = false;

  const send = async (batchId: string, events: TraceEvent[]) => {
    const p = protocol!;
    const data = await postGraphql(
      ep,
      `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) { ${p.mutation}(runId: $runId, batchId: $batchId, events: $events) ${p.selection} }`,
      { runId: run!.id, batchId, events },
    );
    const last = events.findLast((e) => e.type === 'step' || e.type === 'end');
    report(data[p.mutation], last && 'step' in last ? last.step : undefined);
  };
  const report = (answer: unknown, lastStep?: number) => {
    const symptoms = (answer as { symptoms?: ReportedSymptom[] } | null)?.symptoms;
    if (symptoms) hub.update(run!.id, symptoms, lastStep);
  };

  const deliver = async (batch: Batch) => {
    protocol ??= await detectProtocol(ep).catch((err: unknown) => {
      // Unreachable: retry later. Reachable but not answering introspection: assume today's schema.
      if (err instanceof DeliveryError && !err.permanent) throw err;
      return CURRENT_PROTOCOL;
    });
    let events = batch.events;
    try {
      if (protocol.lifecycle) {
        if (events[0]?.type === 'run' || runLost) {
          const data = await postGraphql(
            ep,
            `mutation($run: JSON!) { startRun(run: $run) ${protocol.lifecycle.start} }`,
            { run },
          );
          report(data.startRun);
          started = true;
          runLost = false;
          if (events[0]?.type === 'run') events = events.slice(1);
        }
        const end = events.at(-1)?.type === 'end' ? events.at(-1) : undefined;
        if (end) events = events.slice(0, -1);
        if (events.length > 0) await send(batch.id, events);
        if (end) {
          const data = await postGraphql(
            ep,
            `mutation($runId: ID!, $end: JSON!) { finishRun(runId: $runId, end: $end) ${protocol.lifecycle.finish} }`,
            { runId: run!.id, end },
          );
          report(data.finishRun);
        }
      } else {
        // A server that lost the run (restarted without its journal) gets the run event again, ahead of this batch.
        if (runLost && events[0]?.type !== 'run') events = [run!, ...events];
        await send(batch.id, events);
        runLost = false;
        started = true;
      }
    } catch (err) {
      if (err instanceof GraphqlRequestError && err.code === 'RUN_NOT_FOUND') {
        runLost = true;
        throw new DeliveryError(err.message, false);
      }
      throw err;
    }
    if (started && protocol.alerts && options.subscribe !== false && !listening) {
      listening = true;
      void subscribeAlerts(ep, run!.id, (a) => hub.emit(a), subscription.signal, options.retryMaxMs);
    }
  };

  const queue = createBatchQueue({
    ...options,
    target: ep.url,
    warn: options.warn ?? ((m) => console.warn(m)),
    deliver,
  });

  return {
    write(events) {
      for (const e of events) if (e.type === 'run') run ??= e;
      queue.push(events);
    },
    flush: (timeoutMs = 10_000) => queue.flush(timeoutMs),
    async close(timeoutMs = 10_000) {
      await queue.close(timeoutMs);
      subscription.abort();
    },
    onAlert: (listener) => hub.on(listener),
    stats: () => queue.stats(),
  };
}
