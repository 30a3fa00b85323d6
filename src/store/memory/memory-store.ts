import type {
  HistogramSeries,
  RunEvent,
  RunSummary,
  SeriesChunk,
  StoredRun,
  SymptomOccurrence,
} from '../../domain/index.js';
import { StoreUnavailableError, TraindxError } from '../../errors/index.js';
import {
  BatchConflictError,
  type GraphStore,
  mergeChunks,
  occurrenceKey,
  RunNotFoundError,
  type StoredBatch,
} from '../graph-store.js';
import { histogramKey, mergeHistogramPoints } from '../histogram-bounds.js';
import { checkBatchLimits, checkRunLimits } from '../limits.js';
import { type AlertRecord, createAlertRecords, isAlertRecord } from './alert-records.js';
import { Journal } from './journal.js';
import { createKnowledgeRecords, isKnowledgeRecord, type KnowledgeRecord } from './knowledge-records.js';
import { createOutcomeRecords, isOutcomeRecord, type OutcomeJournalRecord } from './outcome-records.js';
import { applyBatchState, type RunStateParts, readStateParts } from './run-state-parts.js';
import { createTokenMaps, isTokenRecord, type TokenRecord } from './tokens.js';

interface RunState extends StoredRun, RunStateParts {
  batchIds: Set<string>;
  chunks: SeriesChunk[];
  /** By histogramKey; bounded (histogram-bounds.ts), so a long run does not grow them. */
  histograms: Map<string, HistogramSeries>;
  occurrences: Map<string, SymptomOccurrence>;
}

type JournalRecord =
  | KnowledgeRecord
  | { op: 'run'; run: RunEvent }
  | { op: 'batch'; runId: string; batch: StoredBatch }
  | OutcomeJournalRecord
  | TokenRecord
  | AlertRecord;

export interface MemoryStoreOptions {
  /** Where the journal lives; null keeps nothing (tests, one-shot `diagnose`). */
  dataDir: string | null;
  /** Where warnings of the journal go (a stale lock taken over, a torn line cut, a record skipped); default stderr. */
  warn?: (line: string) => void;
}

/**
 * The embedded store: everything in process memory, every acknowledged write
 * also appended to a journal under the data directory and replayed on open,
 * so a restarted process finds its runs again. One process holds a data
 * directory at a time (a second one is refused with DataDirLockedError,
 * naming the first). Pass `dataDir: null` for a purely in-memory store
 * (tests, one-shot `diagnose`).
 *
 * @example const store = await openMemoryStore({ dataDir: '.traindx' });
 */
export async function openMemoryStore(options: MemoryStoreOptions): Promise<GraphStore> {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const knowledge = createKnowledgeRecords();
  const runs = new Map<string, RunState>();
  const outcomes = createOutcomeRecords(knowledge.maps);
  const tokens = createTokenMaps();
  const alerts = createAlertRecords();
  const journal = options.dataDir ? await Journal.open(options.dataDir, warn) : undefined;
  /** Set when a journal write failed: memory may now hold a record the file lacks, so no more writes. */
  let broken: Error | undefined;

  const apply = (record: JournalRecord, replaying = false): boolean => {
    if (isTokenRecord(record)) return tokens.apply(record);
    if (isAlertRecord(record)) return alerts.apply(record);
    if (isKnowledgeRecord(record)) return knowledge.apply(record);
    if (isOutcomeRecord(record)) return outcomes.apply(record);
    if (record.op === 'run') {
      if (runs.has(record.run.id)) return false;
      runs.set(record.run.id, {
        run: record.run,
        eventCount: 0,
        batchCount: 0,
        batchIds: new Set(),
        chunks: [],
        histograms: new Map(),
        occurrences: new Map(),
        stateParts: new Map(),
      });
      return true;
    }
    const run = runs.get(record.runId);
    if (!run) throw new RunNotFoundError(record.runId);
    if (run.batchIds.has(record.batch.batchId)) return false;
    const b = record.batch;
    // On replay the record was acknowledged once: keep its events (its id is new to the run) even if it
    // was computed from another count, which only two writers at once (before the lock) could cause.
    if (b.expectedBatchCount !== undefined && b.expectedBatchCount !== run.batchCount) {
      const conflict = new BatchConflictError(record.runId, b.expectedBatchCount, run.batchCount);
      if (!replaying) throw conflict;
      warn(
        `traindx: warning: batch '${b.batchId}' of run '${record.runId}' replayed despite a conflict: ${conflict.message}`,
      );
    }
    run.batchIds.add(b.batchId);
    run.batchCount++;
    run.eventCount += b.eventCount;
    if (b.lastStep !== undefined) run.lastStep = Math.max(run.lastStep ?? b.lastStep, b.lastStep);
    if (b.status) run.status = b.status;
    applyBatchState(run, b);
    run.chunks.push(...b.series);
    if (b.histograms?.length)
      for (const h of mergeHistogramPoints([...run.histograms.values()], b.histograms))
        run.histograms.set(histogramKey(h), h);
    for (const o of b.occurrences) run.occurrences.set(occurrenceKey(o), o);
    return true;
  };

  // A replay never fails on a record: one that cannot be applied is reported and skipped, the rest load.
  if (journal) {
    for await (const { record, line } of journal.replay()) {
      try {
        apply(record as JournalRecord, true);
      } catch (err) {
        // A record of the family (a batch of a run never stored) or a damaged one: report it, go on.
        const why = err instanceof TraindxError ? err.message : `not a record this version reads (${err})`;
        warn(`traindx: warning: ${journal.path}:${line} skipped: ${why}`);
      }
    }
  }

  // Apply first (it validates, e.g. the run exists), then make it durable.
  const write = async (record: JournalRecord): Promise<boolean> => {
    if (broken) {
      throw new StoreUnavailableError(
        `The journal could not be written (${broken.message}); restart traindx to reload it.`,
      );
    }
    const changed = apply(record);
    if (changed && journal) {
      try {
        await journal.append(record);
      } catch (err) {
        broken = err as Error;
        throw err;
      }
    }
    return changed;
  };

  const tokensMethods = tokens.methods(write);
  return {
    kind: 'memory',
    description: journal
      ? `memory store, journal at ${journal.path}`
      : 'memory store (in-memory only, nothing persisted)',
    close: async () => journal?.close(),
    ensureReady: async () => {
      if (broken)
        throw new StoreUnavailableError('The journal could not be written; restart traindx to reload it.');
    },
    onFresh: () => {},

    ...knowledge.methods(write),

    putRun: async (run) => {
      checkRunLimits(run);
      return { created: await write({ op: 'run', run }) };
    },
    getRun: async (runId) => {
      const r = runs.get(runId);
      if (!r) return null;
      const {
        batchIds: _b,
        chunks: _c,
        histograms: _h,
        occurrences: _o,
        stateParts: _s,
        detectorState,
        ...stored
      } = r;
      // Strings are immutable, so the detector state (~25 kB, read by every batch
      // and every diagnosis) needs no copy; the same string also lets its readers
      // compare and memoise it cheaply.
      return { ...structuredClone(stored), ...(detectorState !== undefined ? { detectorState } : {}) };
    },
    runVersion: async (runId) => {
      const r = runs.get(runId);
      return r ? { batchCount: r.batchCount, ...(r.status !== undefined ? { status: r.status } : {}) } : null;
    },
    listRuns: async (): Promise<RunSummary[]> =>
      [...runs.values()].map((r) =>
        structuredClone({
          id: r.run.id,
          name: r.run.name,
          status: r.status,
          lastStep: r.lastStep,
          eventCount: r.eventCount,
          batchCount: r.batchCount,
          // Plain sort (code units), the order Neo4j's ORDER BY gives ascii ids.
          symptomIds: [...new Set([...r.occurrences.values()].map((o) => o.symptomId))].sort(),
          parentRunId: r.run.parentRunId,
          appliedRemedies: r.run.appliedRemedies,
          tags: r.run.tags,
        }),
      ),
    readDetectorState: async (runId, keys) => {
      const r = runs.get(runId);
      return r ? readStateParts(r, keys) : null;
    },
    hasBatch: async (runId, batchId) => runs.get(runId)?.batchIds.has(batchId) ?? false,
    appendBatch: async (runId, batch) => {
      checkBatchLimits(runId, batch);
      return { accepted: await write({ op: 'batch', runId, batch }) };
    },
    readSeries: async (runId, key) => {
      const r = runs.get(runId);
      if (!r) throw new RunNotFoundError(runId);
      return mergeChunks(key ? r.chunks.filter((c) => c.key === key) : r.chunks);
    },
    readHistograms: async (runId) => {
      const r = runs.get(runId);
      if (!r) throw new RunNotFoundError(runId);
      return structuredClone(
        [...r.histograms.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, h]) => h),
      );
    },
    readOccurrences: async (runId) => {
      const r = runs.get(runId);
      if (!r) throw new RunNotFoundError(runId);
      return structuredClone([...r.occurrences.values()]);
    },

    ...outcomes.methods(write, (runId) => tokensMethods.runOwner(runId)),
    ...tokensMethods,
    ...alerts.methods(write),
  };
}
