import { isDeepStrictEqual } from 'node:util';
import {
  ALL_FAMILIES,
  createDetectorSet,
  type DetectorCache,
  type DetectorSet,
  type ProfileValues,
} from '../detect/index.js';
import type { RunEvent, StoredRun, SymptomOccurrence, TraceEvent } from '../domain/index.js';
import { ConflictError, LimitError } from '../errors/index.js';
import { BatchConflictError, type GraphStore, RunNotFoundError } from '../store/index.js';
import {
  createSequenceState,
  reviveEvent,
  type SequenceState,
  TraceError,
  validateEvent,
} from '../trace/index.js';
import { toHistograms } from './to-histograms.js';
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
  /**
   * The events were parsed from JSON text that holds no "NaN", "Infinity" or
   * "-Infinity" string (checked on the text, the rule of decodeLine), so
   * there is nothing to turn back into numbers: the walk over every value
   * is skipped.
   */
  noNonFiniteText?: boolean;
  /**
   * The events are TraceEvents a trace reader already validated, in order,
   * against the same schemas and order rules (with the file and line in its
   * errors): checking them again would only double the cost of a file.
   */
  validated?: boolean;
}

export interface IngestDeps {
  store: GraphStore;
  /** Largest batch accepted (events); bigger ones are refused whole, so one request cannot hold the server. */
  maxEventsPerBatch?: number;
  /** Thresholds for a run: by its tags.profile, or the server's default profile. */
  profileFor(run: RunEvent): Promise<ProfileValues>;
  /**
   * Store the events as series (default true). A one-shot diagnosis of a
   * file reads no series, so it skips building them.
   */
  keepSeries?: boolean;
  /** Parsed profile sections and saved states, shared with diagnoses (one per traindx). */
  detectorCache?: DetectorCache;
  /**
   * Most distinct layer names one run may carry stats for: the detectors keep
   * state per layer, so a run that invents new names batch after batch would
   * grow without end (default 4,096).
   */
  maxLayersPerRun?: number;
  /**
   * Most distinct series keys one run may store (`loss`, `metrics.<name>`,
   * `layers.<layer>.<stat>`, ...): a recorder that names a metric after its
   * step would otherwise add series without end (default 100,000: the most
   * layers a run may have, each with all 16 stats, and room for metrics).
   */
  maxSeriesPerRun?: number;
}

/**
 * Ingests one batch of a run's events: validates every event (errors name
 * `events[i].field`), runs the detectors from the state saved with the
 * previous batches, and stores events (as series), occurrences and what the
 * batch changed in the detector state (a delta of its parts) in one
 * transaction. Per run, distinct layer names and series keys are capped
 * (TOO_MANY_LAYERS, TOO_MANY_SERIES). A batch whose id was stored before is
 * acknowledged without effect, so clients can resend safely. Batches of one
 * run are processed one at a time (per-run queue).
 *
 * @example await ingestBatch(deps, 'run-1', 'b-0', [runEvent, ...steps]);
 */
export function createIngestor(deps: IngestDeps) {
  const queues = new Map<string, Promise<unknown>>();
  const live = createLiveSets();
  const maxEvents = deps.maxEventsPerBatch ?? 10_000;
  return function ingestBatch(
    runId: string,
    batchId: string,
    rawEvents: unknown[],
    options: IngestOptions = {},
  ): Promise<IngestResult> {
    if (rawEvents.length > maxEvents) {
      return Promise.reject(
        new LimitError(
          `field 'events': at most ${maxEvents} events per batch, got ${rawEvents.length}; split the batch`,
          'BATCH_TOO_LARGE',
        ),
      );
    }
    const prev = queues.get(runId) ?? Promise.resolve();
    const next = prev
      .catch(() => undefined)
      .then(() => ingestWithRetry(deps, live, runId, batchId, rawEvents, options));
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
  live: LiveSets,
  runId: string,
  batchId: string,
  rawEvents: unknown[],
  options: IngestOptions,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestNow(deps, live, runId, batchId, rawEvents, options);
    } catch (err) {
      if (!(err instanceof BatchConflictError) || attempt >= 5) throw err;
    }
  }
}

async function ingestNow(
  deps: IngestDeps,
  live: LiveSets,
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
  if (stored?.status !== undefined)
    throw new ConflictError(
      `Run '${runId}' has finished (${stored.status} at step ${stored.lastStep ?? 0}); it takes no more events. Train again under a new run id.`,
      'RUN_FINISHED',
    );
  const first = rawEvents[0] as { type?: unknown } | undefined;
  if (!stored && first?.type !== 'run') throw new RunNotFoundError(runId, START_HINT);
  // A run stored without any batch was started by a process that died between storing the run and
  // its first batch: that batch, resent with its run event, completes it (if it describes the same run).
  const interrupted = stored !== null && stored.batchCount === 0 && first?.type === 'run';
  const state = createSequenceState({ seenRun: stored !== null && !interrupted, lastStep: stored?.lastStep });
  const events = options.validated
    ? checkedByReader(rawEvents as TraceEvent[], state)
    : validateAll(rawEvents, state, !options.noNonFiniteText);
  const runEvent = events[0]?.type === 'run' ? events[0] : undefined;
  if (runEvent && runEvent.id !== runId) {
    throw new TraceError(
      { event: 0 },
      'id',
      `the run event's id '${runEvent.id}' differs from runId '${runId}'`,
    );
  }
  if (interrupted && !isDeepStrictEqual(stored!.run, runEvent))
    throw new ConflictError(
      `Run '${runId}' already exists with another description; start the new run under another id.`,
      'RUN_EXISTS',
    );
  if (!stored) {
    if (!runEvent) throw new RunNotFoundError(runId, START_HINT);
    await store.putRun(runEvent);
    stored = (await store.getRun(runId))!;
  }
  const profile = await deps.profileFor(stored.run);
  const set =
    live.take(runId, stored, profile) ??
    createDetectorSet({
      run: stored.run,
      profile,
      families: ALL_FAMILIES,
      // A run without a batch has no state yet: nothing to read.
      saved: stored.batchCount > 0 ? ((await store.readDetectorState(runId)) ?? undefined) : undefined,
      cache: deps.detectorCache,
    });
  const body = events.filter((e) => e.type !== 'run');
  const series = deps.keepSeries === false ? [] : toSeries(body);
  // Both caps are checked before the set changes, so a refused batch leaves nothing behind.
  const layers = newLayerNames(runId, body, set.layerNames(), deps.maxLayersPerRun ?? 4_096);
  const keys = newSeriesKeys(runId, series, set.seriesKeys(), deps.maxSeriesPerRun ?? 100_000);
  set.addLayerNames(layers);
  set.addSeriesKeys(keys);
  for (const e of body) set.feed(e);
  if (options.finish) set.finish();
  const end = body.find((e) => e.type === 'end');
  const lastStep = state.lastStep;
  const changed = set.takeChanged();
  const status = end?.type === 'end' ? end.status : undefined;
  // Only what the batch changed in the state: a batch costs what it adds, not the run's whole state.
  const stateDelta = set.saveDelta();
  const { accepted } = await store.appendBatch(runId, {
    batchId,
    expectedBatchCount: stored.batchCount,
    eventCount: events.length,
    lastStep,
    series,
    histograms: deps.keepSeries === false ? [] : toHistograms(body),
    occurrences: changed,
    stateDelta,
    status,
  });
  if (accepted && !status) live.keep(runId, { set, batchCount: stored.batchCount + 1, profile });
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

/** The layer names a batch adds to the run; refused whole when they would take it past the cap. */
function newLayerNames(
  runId: string,
  body: TraceEvent[],
  known: ReadonlySet<string>,
  max: number,
): Set<string> {
  const added = new Set<string>();
  for (const e of body) {
    if (e.type !== 'step' || !e.layers) continue;
    for (const name in e.layers) if (!known.has(name)) added.add(name);
  }
  if (known.size + added.size > max)
    throw new LimitError(
      `field 'layers': run '${runId}' would carry stats for ${known.size + added.size} distinct layers, over the limit of ${max} (TRAINDX_MAX_LAYERS); a run reports the layers of one model under stable names`,
      'TOO_MANY_LAYERS',
    );
  return added;
}

/** The series keys a batch adds to the run; refused whole when they would take it past the cap. */
function newSeriesKeys(
  runId: string,
  series: readonly { key: string }[],
  known: ReadonlySet<string>,
  max: number,
): string[] {
  const added = series.map((c) => c.key).filter((k) => !known.has(k));
  if (known.size + added.length > max)
    throw new LimitError(
      `field 'events': run '${runId}' would store ${known.size + added.length} distinct series, over the limit of ${max} (TRAINDX_MAX_SERIES); name metrics and layers by what they measure, not by step or time`,
      'TOO_MANY_SERIES',
    );
  return added;
}

function validateAll(rawEvents: unknown[], state: SequenceState, revive: boolean): TraceEvent[] {
  return rawEvents.map((raw, i) => validateEvent(revive ? reviveEvent(raw) : raw, { event: i }, state));
}

/** Events a reader validated: only the run's last step is carried on (the reader held the order). */
function checkedByReader(events: TraceEvent[], state: SequenceState): TraceEvent[] {
  for (const e of events) {
    if (e.type === 'run') state.seenRun = true;
    else if (e.type === 'step') state.lastStep = e.step;
  }
  return events;
}

const START_HINT = "Start it with startRun, or make its first batch start with its 'run' event.";

/** A run's detectors as they stood after the batch this process stored last. */
interface LiveSet {
  set: DetectorSet;
  /** The run's batch count in the store right after that batch. */
  batchCount: number;
  profile: ProfileValues;
}

type LiveSets = ReturnType<typeof createLiveSets>;

// Rebuilding a run's detectors from its saved state (JSON.parse of ~25 kB,
// then every family: 0.6–1.7 ms) cost about as much as feeding a batch of
// 500 events, and was most of the time of a one-event batch. A live run's next batch usually
// comes to this process, so keep its set: it is used only when the store
// still holds exactly the state this set saved (its batch count is the one
// this set's batch left: every batch another writer stores raises it) and the
// profile is the same object; otherwise the saved state is read as before. An entry is taken out while a batch runs, so a batch
// that fails half-way leaves nothing behind. Bounded: least recently used
// runs beyond `max` fall back to the saved state.
function createLiveSets(max = 256) {
  const sets = new Map<string, LiveSet>();
  return {
    take(runId: string, stored: StoredRun, profile: ProfileValues): DetectorSet | undefined {
      const entry = sets.get(runId);
      if (!entry) return undefined;
      sets.delete(runId);
      const same = entry.batchCount === stored.batchCount && entry.profile === profile;
      if (!same) return undefined;
      entry.set.startBatch();
      return entry.set;
    },
    keep(runId: string, entry: LiveSet) {
      sets.set(runId, entry);
      if (sets.size > max) sets.delete(sets.keys().next().value!);
    },
  };
}
