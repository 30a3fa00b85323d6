import { createDetectorCache, type Profile } from '../detect/index.js';
import type {
  Diagnosis,
  HistogramSeries,
  KnowledgeCounts,
  KnowledgeSeed,
  Outcome,
  RunEvent,
  SeriesChunk,
} from '../domain/index.js';
import { createIngestor, type IngestOptions } from '../ingest/index.js';
import { validateKnowledgePart } from '../knowledge/index.js';
import type { ReportedSymptom, TraceSink } from '../monitor/index.js';
import {
  diagnoseStoredRun,
  type RecordedOutcome,
  recordRetryOutcomes,
  scoreCauses,
} from '../reason/index.js';
import { type GraphStore, RunNotFoundError } from '../store/index.js';
import type { AlertBus } from './alert-bus.js';
import { type AlertHub, createAlertHub, type RunAlert } from './alert-hub.js';
import { createDiagnosisCache } from './diagnosis-cache.js';
import { createKnowledgeCache, type KnowledgeIndex } from './knowledge-cache.js';
import { createProfiles } from './profiles.js';
import { createRunOps, type IngestedBatch, type RunOps } from './run-ops.js';
import { toOccurrence } from './to-occurrence.js';

export interface TraindxOptions {
  /** Where runs, occurrences, series and the knowledge graph live (memory or Neo4j), already seeded. */
  store: GraphStore;
  /** A profile (name or YAML path) for every run, over the run's `tags.profile`. */
  profile?: string;
  /** Largest `logEvents` batch (events); a larger one is refused whole. */
  maxEventsPerBatch?: number;
  /** Store events as series (default true); a one-shot diagnosis of a file reads none. */
  keepSeries?: boolean;
  /** Most distinct layer names one run may carry stats for (default 4,096). */
  maxLayersPerRun?: number;
  /** Most distinct series keys one run may store (default 100,000). */
  maxSeriesPerRun?: number;
  /** How long knowledge read from the store is trusted before it is read again (other replicas' writes). */
  knowledgeTtlMs?: number;
  /** Where alerts travel to subscribers: this process only (default), or Redis between replicas. */
  alertBus?: AlertBus;
}

/** A run as a report shows it: its diagnosis, its `run` event, every series, and the knowledge used. */
export interface RunRecord {
  diagnosis: Diagnosis;
  run: RunEvent;
  series: SeriesChunk[];
  /** The run's weight and gradient histograms per layer over steps (bounded by the store). */
  histograms: HistogramSeries[];
  knowledge: KnowledgeSeed;
}

/** Every operation an entry point (API, CLI, demo, training, auto-repair) needs, on one store. */
export interface Traindx extends RunOps {
  readonly store: GraphStore;
  readonly maxEventsPerBatch: number;
  /** A profile by name or YAML path. */
  profile(nameOrPath: string): Promise<Profile>;
  /** A run's profile as a diagnosis names it. */
  profileFor(run: RunEvent): Promise<{ name: string; values: Profile['values'] }>;
  /** The knowledge graph, read once and shared (re-read after this instance changed it, or after the TTL). */
  knowledge(): Promise<KnowledgeIndex>;
  /** After something outside this instance changed the graph. */
  invalidateKnowledge(): void;
  /** Validates a part of the graph as `graph-seed/` is validated, and stores it. */
  upsertKnowledge(part: unknown): Promise<KnowledgeCounts>;
  /** The diagnosis of a stored run (null when there is no such run); repeated questions answered from memory. */
  diagnose(runId: string): Promise<Diagnosis | null>;
  /** What a report of a stored run shows (null when there is no such run). */
  record(runId: string): Promise<RunRecord | null>;
  /** Judges a retried run against its parent (or records the outcome given) on the graph's FIXED_BY links. */
  recordOutcomes(
    runId: string,
    given?: {
      parentRunId?: string;
      remedyId?: string;
      causeIds?: string[];
      success?: boolean;
      note?: string;
    },
  ): Promise<RecordedOutcome[]>;
  listOutcomes(): Promise<Outcome[]>;
  /** The run's stored alerts, its current top cause (unless they said it), then every alert as it happens, each once (the `alerts(runId)` subscription). */
  alerts(runId: string): AsyncGenerator<RunAlert>;
  /** Every alert announced for the run so far, in order (stored with the run: `run(id) { alerts }`). */
  alertHistory(runId: string): Promise<RunAlert[]>;
  /** Ranks causes of symptoms over the graph as last read (synchronous: for alerts in a training loop). */
  rankCauses(symptoms: ReportedSymptom[]): { id: string; confidence: number }[];
  /**
   * A monitor sink into this instance: batches go to `ingest`, symptoms come
   * back as alerts. The monitor's modules load only when a sink is made.
   */
  sink(): Promise<TraceSink>;
  /** Tells `observer` of every batch stored and every alert announced (the API's /metrics); returns the stop. */
  observe(observer: TraindxObserver): () => void;
  close(): Promise<void>;
}

/** What an observer of a traindx hears: batches as they are stored (a resent one is not), alerts as announced. */
export interface TraindxObserver {
  batch?(runId: string, eventCount: number): void;
  alert?(alert: RunAlert): void;
}

/**
 * The application core: one store, its knowledge, profiles and detectors,
 * and every operation on them. The API's resolvers, each CLI command, the
 * demo, `traindx train` and auto-repair all go through one of these; caches
 * (knowledge, diagnoses, profiles, parsed detector states, live detector
 * sets) belong to it.
 *
 * @example const traindx = createTraindx({ store: await openMemoryStore({ dataDir: null }) });
 */
export function createTraindx(options: TraindxOptions): Traindx {
  const { store } = options;
  const profiles = createProfiles(options.profile);
  const knowledgeCache = createKnowledgeCache(store, options.knowledgeTtlMs);
  const diagnoses = createDiagnosisCache();
  const hub: AlertHub = createAlertHub({ store, bus: options.alertBus });
  const observers = new Set<TraindxObserver>();
  const maxEventsPerBatch = options.maxEventsPerBatch ?? 10_000;
  // Alerts in a training loop rank causes synchronously, over the graph as last read.
  let known: KnowledgeSeed | undefined;
  const knowledge = async () => {
    const index = await knowledgeCache.get();
    known = index.seed;
    return index;
  };
  const seed = async () => (await knowledge()).seed;
  const detectorCache = createDetectorCache();
  const stored = { store, profileFor: profiles.namedForRun, knowledge: seed, detectorCache };
  const ingestor = createIngestor({
    store,
    maxEventsPerBatch,
    keepSeries: options.keepSeries,
    detectorCache,
    maxLayersPerRun: options.maxLayersPerRun,
    maxSeriesPerRun: options.maxSeriesPerRun,
    profileFor: async (run) => (await profiles.forRun(run)).values,
  });

  const recordOutcomes: Traindx['recordOutcomes'] = async (runId, given) => {
    const recorded = await recordRetryOutcomes(stored, runId, given);
    if (recorded.some((r) => r.recorded)) knowledgeCache.invalidate();
    return recorded;
  };

  /**
   * Ingests a batch, then announces its alerts and, when a retried run ended,
   * learns from it by the symptoms (judgeRetry). A training process that judges
   * its own retries (auto-repair, by symptoms and the validation metric)
   * records its verdicts itself: its in-process sink does not learn here, or
   * the symptom verdict, recorded first, would stand in for the better one.
   */
  const ingest = async (
    runId: string,
    batchId: string,
    events: unknown[],
    ingestOptions?: IngestOptions,
    learn = true,
  ): Promise<IngestedBatch> => {
    const result = await ingestor(runId, batchId, events, ingestOptions);
    if (!result.accepted) return { ...result, alerts: [] };
    for (const o of observers) o.batch?.(runId, events.length);
    const alerts = await hub.publish(result, events.length, await seed());
    if (learn && result.status) {
      const run = (await store.getRun(runId))?.run;
      if (run?.parentRunId && run.appliedRemedies?.length) await recordOutcomes(runId);
    }
    return { ...result, alerts };
  };

  const diagnose = async (runId: string): Promise<Diagnosis | null> => {
    const [version, index] = await Promise.all([store.runVersion(runId), knowledge()]);
    if (!version) return null;
    const key = { ...version, index };
    const hit = diagnoses.get(runId, key);
    if (hit) return hit;
    const d = await diagnoseStoredRun({ ...stored, knowledge: async () => index.seed }, runId);
    if (d) diagnoses.set(runId, key, d);
    return d;
  };

  const self: Traindx = {
    store,
    maxEventsPerBatch,
    profile: profiles.load,
    profileFor: profiles.namedForRun,
    knowledge,
    invalidateKnowledge: () => knowledgeCache.invalidate(),
    async upsertKnowledge(part) {
      const valid = validateKnowledgePart(part, await store.readKnowledge());
      await store.upsertKnowledge(valid);
      knowledgeCache.invalidate();
      return store.countKnowledge();
    },
    diagnose,
    async record(runId) {
      const exists = store.getRun(runId);
      const [diagnosis, run, series, histograms, index] = await Promise.all([
        diagnose(runId),
        exists,
        exists.then((r) => (r ? store.readSeries(runId) : [])),
        exists.then((r) => (r ? store.readHistograms(runId) : [])),
        knowledge(),
      ]);
      if (!diagnosis || !run) return null;
      return { diagnosis, run: run.run, series, histograms, knowledge: index.seed };
    },
    recordOutcomes,
    listOutcomes: () => store.listOutcomes(),
    ...createRunOps({ store, ingest, maxEventsPerBatch, knowledge, recordOutcomes }),
    alerts: (runId) => withHistory(hub, diagnose, (id) => store.readAlerts(id), runId),
    alertHistory: (runId) => store.readAlerts(runId),
    rankCauses: (symptoms) => (known ? scoreCauses(symptoms.map(toOccurrence), known) : []),
    sink: async () =>
      (await import('../monitor/index.js')).createInProcessSink({
        ingest: (runId, batchId, events) => ingest(runId, batchId, events, undefined, false),
        rankCauses: (symptoms) => self.rankCauses(symptoms),
      }),
    observe(observer) {
      observers.add(observer);
      const untap = observer.alert ? hub.tap(observer.alert) : undefined;
      return () => {
        observers.delete(observer);
        untap?.();
      };
    },
    close: async () => {
      await hub.close();
      await store.close();
    },
  };
  return self;
}

/**
 * A subscriber hears the run's stored alerts first (so one who joins late
 * misses nothing), then its current top cause when no stored alert says it
 * already, then every alert as it happens. The live stream is opened before
 * the history is read, so nothing falls between; an alert both stored and
 * heard live is passed on once (by its seq).
 */
async function* withHistory(
  hub: AlertHub,
  diagnose: (runId: string) => Promise<Diagnosis | null>,
  readAlerts: (runId: string) => Promise<RunAlert[]>,
  runId: string,
): AsyncGenerator<RunAlert> {
  const { alerts: live, ready } = hub.subscribe(runId);
  try {
    await ready;
    const [d, history] = await Promise.all([diagnose(runId), readAlerts(runId)]);
    // A subscription to a run that does not exist would wait for ever: say so instead.
    if (!d) throw new RunNotFoundError(runId, 'Subscribe after startRun.');
    yield* history;
    const told = history.filter((a) => a.kind !== 'symptom').at(-1)?.topCause?.id;
    const top = d.causes[0];
    if (top && top.id !== told)
      yield {
        runId,
        kind: 'top_cause',
        topCause: { id: top.id, name: top.name, confidence: top.confidence },
        step: d.facts.lastStep,
      };
    const seen = new Set(history.map((a) => a.seq));
    for await (const alert of live) if (alert.seq === undefined || !seen.has(alert.seq)) yield alert;
  } finally {
    await live.return?.();
  }
}
