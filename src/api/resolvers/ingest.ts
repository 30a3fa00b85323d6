import { createHash } from 'node:crypto';
import type { IngestOptions, IngestResult } from '../../ingest/index.js';
import { recordRetryOutcomes, toDiagnosedSymptom } from '../../reason/index.js';
import { parseTraceText } from '../../trace/index.js';
import type { RequestContext } from '../context.js';
import { expected, userError } from '../errors.js';
import type { Resolvers } from '../generated/resolvers.js';
import type { AlertParent } from '../parents.js';
import { toRunParent } from './runs.js';

/**
 * Every way events come in (startRun, logEvents, finishRun, importTrace, and
 * the older ingest) goes through `ingestAndNotify`: the ingestor (validation,
 * idempotency, detectors, one store transaction), then live alerts, then,
 * when a retried run ended, outcome learning.
 */
export const ingestResolvers: Resolvers = {
  Mutation: {
    startRun: async (_, { run }, ctx) => {
      const id = (run as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id === '')
        throw userError("run: field 'id': required, a non-empty string", 'BAD_TRACE');
      // Starting a run twice changes nothing (the first `run` event stays).
      if (!(await ctx.store.getRun(id)))
        await ingestAndNotify(ctx, id, 'start', [{ type: 'run', ...(run as object) }]);
      return runOrFail(ctx, id);
    },
    logEvents: (_, { runId, batchId, events }, ctx) =>
      ingestAndNotify(ctx, runId, batchId, events).then(withIds),
    ingest: (_, { runId, batchId, events }, ctx) =>
      ingestAndNotify(ctx, runId, batchId, events).then(withIds),
    finishRun: async (_, { runId, end }, ctx) => {
      const stored = await ctx.store.getRun(runId);
      if (!stored) throw userError(`Run '${runId}' does not exist.`, 'RUN_NOT_FOUND');
      const e = { step: stored.lastStep ?? 0, status: 'completed', ...(end as object), type: 'end' };
      await ingestAndNotify(ctx, runId, 'end', [e]);
      return runOrFail(ctx, runId);
    },
    importTrace: async (_, { jsonl }, ctx) => {
      const events = await expected(async () => parseTraceText(jsonl));
      const run = events[0] as { id: string };
      const hash = createHash('sha1').update(jsonl).digest('hex').slice(0, 16);
      const size = ctx.limits.maxEventsPerBatch;
      const batches = Math.ceil(events.length / size);
      const existing = await ctx.store.getRun(run.id);
      if (existing && !(await ctx.store.hasBatch(run.id, `import-${hash}-0`)))
        throw userError(
          `Run '${run.id}' already exists; import the trace under another run id.`,
          'RUN_EXISTS',
        );
      for (let i = 0; i < batches; i++) {
        const slice = events.slice(i * size, (i + 1) * size);
        await ingestAndNotify(ctx, run.id, `import-${hash}-${i}`, slice, { finish: i === batches - 1 });
      }
      return runOrFail(ctx, run.id);
    },
  },
  Subscription: {
    alerts: {
      subscribe: (_, { runId }, ctx) => withCurrentTopCause(ctx, runId),
      resolve: (payload: unknown) => payload as never,
    },
  },
};

/**
 * A subscriber that joins a run already under way first hears its current
 * top cause (kind top_cause), then every alert as it happens; the live
 * stream is opened before the diagnosis is read, so nothing falls between.
 */
async function* withCurrentTopCause(ctx: RequestContext, runId: string): AsyncGenerator<AlertParent> {
  const live = ctx.alerts.subscribe(runId)[Symbol.asyncIterator]();
  try {
    const d = await ctx.diagnose(runId);
    const top = d?.causes[0];
    if (d && top)
      yield {
        runId,
        kind: 'top_cause',
        topCause: { id: top.id, name: top.name, confidence: top.confidence },
        step: d.facts.lastStep,
      };
    for (;;) {
      const next = await live.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await live.return?.();
  }
}

export async function ingestAndNotify(
  ctx: RequestContext,
  runId: string,
  batchId: string,
  events: unknown[],
  options?: IngestOptions,
): Promise<IngestResult> {
  const result = await expected(() => ctx.ingest(runId, batchId, events, options));
  if (result.accepted) {
    ctx.alerts.publish(result, (await ctx.knowledge()).seed);
    if (result.status) await learnFromRetry(ctx, runId);
  }
  return result;
}

/** A retried run just ended: record whether its applied remedies worked, so later rankings use it. */
async function learnFromRetry(ctx: RequestContext, runId: string) {
  const stored = await ctx.store.getRun(runId);
  if (!stored?.run.parentRunId || !stored.run.appliedRemedies?.length) return;
  const knowledge = async () => (await ctx.knowledge()).seed;
  const recorded = await recordRetryOutcomes(
    { store: ctx.store, profileFor: ctx.profileFor, knowledge },
    runId,
  );
  if (recorded.some((r) => r.recorded)) ctx.invalidateKnowledge();
}

async function runOrFail(ctx: RequestContext, runId: string) {
  const stored = await ctx.store.getRun(runId);
  if (!stored) throw userError(`Run '${runId}' does not exist.`, 'RUN_NOT_FOUND');
  return toRunParent(runId, stored);
}

const withIds = (r: IngestResult) => ({ ...r, symptoms: r.symptoms.map(toDiagnosedSymptom) });
