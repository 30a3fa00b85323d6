import { ALL_FAMILIES, createDetectorSet, type ProfileValues } from '../detect/index.js';
import type { RunEvent, SymptomOccurrence, TraceEvent } from '../domain/index.js';
import { BatchConflictError, type GraphStore, RunNotFoundError } from '../store/index.js';
import { createSequenceState, reviveEvent, TraceError, validateEvent } from '../trace/index.js';
import { toSeries } from './to-series.js';

export interface IngestResult {
  runId: string;
  batchId: string;
  accepted: boolean;
  eventCount: number;
  lastStep?: number;
  /** The run's status after this batch (set by an `end` event). */
  status?: string;
  /** Every occurrence of the run so far. */
  symptoms: SymptomOccurrence[];
  /** Occurrences this batch created or changed (what alerts push). */
  changed: SymptomOccurrence[];
}

export interface IngestOptions {
  /**
   * The batch is the run's last (a whole imported trace): run the end-of-run
   * rules even without an `end` event, as `traindx diagnose FILE` does at the
   * end of a file.
   */
  finish?: boolean;
}

export interface IngestDeps {
  store: GraphStore;
  /** Largest batch accepted (events); bigger ones are refused whole, so one request cannot hold the server. */
  maxEventsPerBatch?: number;
  /** Thresholds for a run: by its tags.profile, or the server's default profile. */
  profileFor(run: RunEvent): Promise<ProfileValues>;
}

/**
 * Ingests one batch of a run's events: validates every event (errors name
 * `events[i].field`), runs the detectors from the state saved with the
 * previous batch, and stores events (as series), occurrences and the new
 * detector state in one transaction. A batch whose id was stored before is
 * acknowledged without effect, so clients can resend safely. Batches of one
 * run are processed one at a time (per-run queue).
 *
 * @example await ingestBatch(deps, 'run-1', 'b-0', [runEvent, ...steps]);
 */
export function createIngestor(deps: IngestDeps) {
  const queues = new Map<string, Promise<unknown>>();
  const maxEvents = deps.maxEventsPerBatch ?? 10_000;
  return function ingestBatch(
    runId: string,
    batchId: string,
    rawEvents: unknown[],
    options: IngestOptions = {},
  ): Promise<IngestResult> {
    if (rawEvents.length > maxEvents) {
      return Promise.reject(
        new TraceError(
          {},
          'events',
          `at most ${maxEvents} events per batch, got ${rawEvents.length}; split the batch`,
        ),
      );
    }
    const prev = queues.get(runId) ?? Promise.resolve();
    const next = prev
      .catch(() => undefined)
      .then(() => ingestWithRetry(deps, runId, batchId, rawEvents, options));
    queues.set(runId, next);
    next
      .finally(() => {
        if (queues.get(runId) === next) queues.delete(runId);
      })
      .catch(() => undefined); // the caller gets the error through `next`
    return next;
  };
}

// Another replica may append to the same run between our read and our write;
// the store refuses then and we recompute from its newer state.
async function ingestWithRetry(
  deps: IngestDeps,
  runId: string,
  batchId: string,
  rawEvents: unknown[],
  options: IngestOptions,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestNow(deps, runId, batchId, rawEvents, options);
    } catch (err) {
      if (!(err instanceof BatchConflictError) || attempt >= 5) throw err;
    }
  }
}

async function ingestNow(
  deps: IngestDeps,
  runId: string,
  batchId: string,
  rawEvents: unknown[],
  options: IngestOptions,
): Promise<IngestResult> {
  const { store } = deps;
  let stored = await store.getRun(runId);
  if (stored && (await store.hasBatch(runId, batchId))) {
    return {
      runId,
      batchId,
      accepted: false,
      eventCount: stored.eventCount,
      lastStep: stored.lastStep,
      status: stored.status,
      symptoms: await store.readOccurrences(runId),
      changed: [],
    };
  }
  const first = rawEvents[0] as { type?: unknown } | undefined;
  if (!stored && first?.type !== 'run') throw new RunNotFoundError(runId);
  const state = createSequenceState({ seenRun: stored !== null, lastStep: stored?.lastStep });
  const events: TraceEvent[] = rawEvents.map((raw, i) =>
    validateEvent(reviveEvent(raw), { event: i }, state),
  );
  const runEvent = events[0]?.type === 'run' ? events[0] : undefined;
  if (runEvent && runEvent.id !== runId) {
    throw new TraceError(
      { event: 0 },
      'id',
      `the run event's id '${runEvent.id}' differs from runId '${runId}'`,
    );
  }
  if (!stored) {
    if (!runEvent) throw new RunNotFoundError(runId);
    await store.putRun(runEvent);
    stored = (await store.getRun(runId))!;
  }
  const set = createDetectorSet({
    run: stored.run,
    profile: await deps.profileFor(stored.run),
    families: ALL_FAMILIES,
    saved: stored.detectorState,
  });
  const body = events.filter((e) => e.type !== 'run');
  for (const e of body) set.feed(e);
  if (options.finish) set.finish();
  const end = body.find((e) => e.type === 'end');
  const lastStep = state.lastStep;
  const changed = set.takeChanged();
  const status = end?.type === 'end' ? end.status : undefined;
  const { accepted } = await store.appendBatch(runId, {
    batchId,
    expectedBatchCount: stored.batchCount,
    eventCount: events.length,
    lastStep,
    series: toSeries(body),
    occurrences: changed,
    detectorState: set.save(),
    status,
  });
  return {
    runId,
    batchId,
    accepted,
    eventCount: stored.eventCount + (accepted ? events.length : 0),
    lastStep: lastStep ?? stored.lastStep,
    status: status ?? stored.status,
    symptoms: set.occurrences(),
    changed: accepted ? changed : [],
  };
}
