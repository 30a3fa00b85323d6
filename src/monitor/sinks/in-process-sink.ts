import type { SymptomOccurrence } from '../../domain/index.js';
import { type BatchQueueOptions, createBatchQueue, DeliveryError } from './batch-queue.js';
import { createAlertHub, type RankCauses, type ReportedSymptom } from './symptom-alerts.js';
import type { TraceSink } from './trace-sink.js';

/** What `createIngestor` (src/ingest) returns, as far as the sink needs it. */
export type IngestFn = (
  runId: string,
  batchId: string,
  events: unknown[],
) => Promise<{ accepted: boolean; lastStep?: number; symptoms: SymptomOccurrence[] }>;

export interface InProcessSinkOptions
  extends Partial<Omit<BatchQueueOptions, 'deliver' | 'warn' | 'target'>> {
  /** The ingestor of the store to write to: `createIngestor({ store, profileFor })`. */
  ingest: IngestFn;
  /** Ranks causes for an alert's `topCause`, e.g. `(s) => scoreCauses(toOccurrences(s), knowledge)`. */
  rankCauses?: RankCauses;
  warn?: (message: string) => void;
}

/**
 * traindx in the training process: batches go straight to an ingestor (the
 * same validation, detectors and store as the server's `ingest`), and the
 * symptoms each answer carries come back as alerts while the run trains.
 * A batch the ingestor refuses (a bad event) is dropped with one warning;
 * other failures (a store that fails to write) are retried like a network.
 *
 * @example
 * const store = await openMemoryStore({ dataDir: null });
 * const sink = createInProcessSink({ ingest: createIngestor({ store, profileFor }) });
 */
export function createInProcessSink(options: InProcessSinkOptions): TraceSink {
  const alerts = createAlertHub(options.rankCauses);
  let runId: string | undefined;
  const queue = createBatchQueue({
    ...options,
    // A local ingestor answers in milliseconds: small, frequent batches keep alerts prompt.
    flushIntervalMs: options.flushIntervalMs ?? 200,
    target: 'the in-process traindx',
    warn: options.warn ?? ((m) => console.warn(m)),
    async deliver(batch) {
      if (!runId) throw new DeliveryError('no run event yet', true);
      try {
        const result = await options.ingest(runId, batch.id, batch.events);
        alerts.update(runId, result.symptoms.map(toReported), result.lastStep);
      } catch (err) {
        const name = (err as Error).name;
        throw new DeliveryError((err as Error).message, name === 'TraceError' || name === 'RunNotFoundError');
      }
    },
  });
  return {
    write(events) {
      for (const e of events) if (e.type === 'run') runId ??= e.id;
      queue.push(events);
    },
    flush: (timeoutMs = 10_000) => queue.flush(timeoutMs),
    close: (timeoutMs = 10_000) => queue.close(timeoutMs),
    onAlert: (listener) => alerts.on(listener),
    stats: () => queue.stats(),
  };
}

const toReported = ({ symptomId, ...o }: SymptomOccurrence): ReportedSymptom => ({ id: symptomId, ...o });
