import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { RunAlert, StoredRun, TraceEvent } from '../domain/index.js';
import { ConflictError, InputError } from '../errors/index.js';
import type { IngestOptions, IngestResult } from '../ingest/index.js';
import type { RecordedOutcome } from '../reason/index.js';
import { type GraphStore, RunNotFoundError } from '../store/index.js';
import { createSequenceState, parseTraceText, reviveEvent, validateEvent } from '../trace/index.js';
import type { KnowledgeIndex } from './knowledge-cache.js';

/** A stored batch and the alerts it announced (none for a resend). */
export interface IngestedBatch extends IngestResult {
  alerts: RunAlert[];
}

type Ingest = (
  runId: string,
  batchId: string,
  events: unknown[],
  options?: IngestOptions,
) => Promise<IngestedBatch>;

/** How events come in: whole runs, batches, a trace text, a stream read from a file. */
export interface RunOps {
  /**
   * Starts a run from its `run` event. Starting it again with the same
   * description is a harmless retry; with another one it is refused
   * (`RUN_EXISTS`), unless `resume` asks to add to the run as it is.
   */
  startRun(run: unknown, options?: { resume?: boolean }): Promise<StoredRun>;
  /** One batch of a run's events: validated, detected, stored in one transaction; a resent batchId has no effect. */
  ingest(runId: string, batchId: string, events: unknown[], options?: IngestOptions): Promise<IngestedBatch>;
  /**
   * Ends a run (an `end` event at its last step unless given). Ending it again
   * the same way changes nothing; another way is refused (`RUN_FINISHED`), as
   * is an end before the run's last step.
   */
  finishRun(runId: string, end: unknown): Promise<StoredRun>;
  /** A whole trace as JSON Lines text, validated before anything is stored; importing it again changes nothing. */
  importTrace(jsonl: string): Promise<StoredRun>;
  /**
   * A run's events as a reader streams them (validated, in order): ingested in
   * batches, the last with the end-of-run rules. Returns the run id.
   */
  ingestStream(
    events: AsyncIterable<TraceEvent | readonly TraceEvent[]>,
    batchPrefix: string,
  ): Promise<string>;
  /** An outcome a user reports (GraphQL `recordOutcome`), checked against the runs and the graph. */
  recordOutcome(given: {
    runId: string;
    parentRunId?: string | null;
    remedyId: string;
    causeIds?: string[] | null;
    success?: boolean | null;
    note?: string | null;
  }): Promise<RecordedOutcome>;
}

// Events per batch of a streamed file: a 10^6-step trace is a few hundred batches, well under the batch limit.
const STREAM_BATCH_EVENTS = 5_000;

export function createRunOps(deps: {
  store: GraphStore;
  ingest: Ingest;
  maxEventsPerBatch: number;
  knowledge(): Promise<KnowledgeIndex>;
  recordOutcomes(
    runId: string,
    given: { parentRunId: string; remedyId: string; causeIds?: string[]; success?: boolean; note?: string },
  ): Promise<RecordedOutcome[]>;
}): RunOps {
  const { store, ingest } = deps;
  const storedOrFail = async (runId: string) => {
    const stored = await store.getRun(runId);
    if (!stored) throw new RunNotFoundError(runId);
    return stored;
  };
  return {
    ingest,
    async startRun(run, options = {}) {
      const id = (run as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id === '')
        throw new InputError("run: field 'id': required, a non-empty string", 'BAD_TRACE');
      const existing = await store.getRun(id);
      if (!existing) {
        await ingest(id, 'start', [{ type: 'run', ...(run as object) }]);
        return storedOrFail(id);
      }
      // A start interrupted between storing the run and its first batch is completed, as a retry.
      if (existing.batchCount === 0) {
        await ingest(id, 'start', [{ type: 'run', ...(run as object) }]);
        return storedOrFail(id);
      }
      if (options.resume) return existing;
      const described = validateEvent(
        reviveEvent({ type: 'run', ...(run as object) }),
        { event: 0 },
        createSequenceState(),
      );
      const differs = firstDifference(existing.run, described);
      if (differs !== undefined)
        throw new ConflictError(
          `Run '${id}' already exists with another description (${differs}); start the new run under another id, or pass resume: true to add to the existing one.`,
          'RUN_EXISTS',
        );
      return existing;
    },
    async finishRun(runId, end) {
      const stored = await storedOrFail(runId);
      const e = { step: stored.lastStep ?? 0, status: 'completed', ...(end as object), type: 'end' } as {
        step: unknown;
        status: unknown;
      };
      if (typeof e.step === 'number' && stored.lastStep !== undefined && e.step < stored.lastStep)
        throw new InputError(
          `end.step: ${e.step} is before the run's last step ${stored.lastStep}; end it at ${stored.lastStep} or later.`,
          'BAD_TRACE',
        );
      if (stored.status !== undefined) {
        if (e.status === stored.status && (e.step === stored.lastStep || e.step === undefined)) return stored;
        throw new ConflictError(
          `Run '${runId}' has already finished (${stored.status} at step ${stored.lastStep ?? 0}); it cannot finish again as ${String(e.status)} at step ${String(e.step)}.`,
          'RUN_FINISHED',
        );
      }
      await ingest(runId, 'end', [e]);
      return storedOrFail(runId);
    },
    async importTrace(jsonl) {
      const events = parseTraceText(jsonl);
      const runId = (events[0] as { id: string }).id;
      const hash = createHash('sha1').update(jsonl).digest('hex').slice(0, 16);
      const size = deps.maxEventsPerBatch;
      const batches = Math.ceil(events.length / size);
      if ((await store.getRun(runId)) && !(await store.hasBatch(runId, `import-${hash}-0`)))
        throw new ConflictError(
          `Run '${runId}' already exists; import the trace under another run id.`,
          'RUN_EXISTS',
        );
      for (let i = 0; i < batches; i++) {
        const slice = events.slice(i * size, (i + 1) * size);
        await ingest(runId, `import-${hash}-${i}`, slice, { finish: i === batches - 1 });
      }
      return storedOrFail(runId);
    },
    async ingestStream(events, batchPrefix) {
      let runId = '';
      let count = 0;
      // One batch is held back so the last can be sent with `finish` (the end-of-run rules run once).
      let held: TraceEvent[] | undefined;
      let current: TraceEvent[] = [];
      const send = (batch: TraceEvent[], finish: boolean) =>
        ingest(runId, `${batchPrefix}-${count++}`, batch, { finish, validated: true });
      for await (const item of events) {
        const chunk = Array.isArray(item) ? (item as readonly TraceEvent[]) : [item as TraceEvent];
        for (const event of chunk) {
          if (event.type === 'run') runId = event.id;
          current.push(event);
          if (current.length < STREAM_BATCH_EVENTS) continue;
          if (held) await send(held, false);
          held = current;
          current = [];
        }
      }
      if (current.length) {
        if (held) await send(held, false);
        held = current;
      }
      if (held) await send(held, true);
      return runId;
    },
    async recordOutcome(given) {
      const child = await storedOrFail(given.runId);
      const parentRunId = given.parentRunId ?? child.run.parentRunId;
      if (!parentRunId)
        throw new InputError(
          `outcome.parentRunId: run '${given.runId}' names no parent run; give parentRunId.`,
          'BAD_OUTCOME',
        );
      await storedOrFail(parentRunId);
      if (!(await deps.knowledge()).remedy.has(given.remedyId))
        throw new InputError(`outcome.remedyId: unknown remedy '${given.remedyId}'.`, 'BAD_OUTCOME');
      const [result] = await deps.recordOutcomes(given.runId, {
        parentRunId,
        remedyId: given.remedyId,
        causeIds: given.causeIds ?? undefined,
        success: given.success ?? undefined,
        note: given.note ?? undefined,
      });
      if (!result || result.causeIds.length === 0)
        throw new InputError(
          `outcome.causeIds: the diagnosis of run '${parentRunId}' names no cause that remedy '${given.remedyId}' fixes; give causeIds.`,
          'BAD_OUTCOME',
        );
      return result;
    },
  };
}

/** Where two run descriptions first differ, as `field 'a.b': x vs y`, or undefined when they are the same. */
function firstDifference(before: unknown, after: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(before, after)) return undefined;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
    for (const k of keys) {
      const d = firstDifference(
        (before as Record<string, unknown>)[k],
        (after as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      );
      if (d !== undefined) return d;
    }
  }
  const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40));
  return `field '${path || 'run'}': ${show(before)} before, ${show(after)} now`;
}
