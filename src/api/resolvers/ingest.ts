import type { IngestedBatch } from '../../engine/index.js';
import { toDiagnosedSymptom } from '../../reason/index.js';
import type { RequestContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';
import type { AlertParent } from '../parents.js';
import { toRunParent } from './runs.js';

/**
 * Every way events come in (startRun, logEvents, finishRun, importTrace, and
 * the older ingest) is one operation of traindx's core: validation,
 * idempotency, detectors, one store transaction, then live alerts and, when a
 * retried run ended, outcome learning.
 */
export const ingestResolvers: Resolvers = {
  Mutation: {
    startRun: async (_, { run, resume }, ctx) =>
      asRun(await ctx.traindx.startRun(run, { resume: resume ?? false })),
    logEvents: (_, { runId, batchId, events }, ctx) => ingestBatch(ctx, runId, batchId, events),
    ingest: (_, { runId, batchId, events }, ctx) => ingestBatch(ctx, runId, batchId, events),
    finishRun: async (_, { runId, end }, ctx) => asRun(await ctx.traindx.finishRun(runId, end)),
    importTrace: async (_, { jsonl }, ctx) => asRun(await ctx.traindx.importTrace(jsonl)),
  },
  Subscription: {
    alerts: {
      subscribe: (_, { runId }, ctx) => ctx.traindx.alerts(runId) as AsyncGenerator<AlertParent>,
      resolve: (payload: unknown) => payload as never,
    },
  },
};

/** `logEvents` as the schema answers it: occurrences with their symptom ids, and the batch's alerts. */
export const ingestBatch = async (
  ctx: RequestContext,
  runId: string,
  batchId: string,
  events: unknown[],
  options?: Parameters<RequestContext['traindx']['ingest']>[3],
) => withIds(await ctx.traindx.ingest(runId, batchId, events, options));

const asRun = (stored: Awaited<ReturnType<RequestContext['traindx']['startRun']>>) =>
  toRunParent(stored.run.id, stored);

const withIds = (r: IngestedBatch) => ({ ...r, symptoms: r.symptoms.map(toDiagnosedSymptom) });
