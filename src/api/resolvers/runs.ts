import { createGraphQLError } from 'graphql-yoga';
import { ALL_FAMILIES, createDetectorSet } from '../../detect/index.js';
import { diagnoseRun } from '../../reason/index.js';
import { TraceError } from '../../trace/index.js';
import type { Resolvers } from '../generated/resolvers.js';

/** Runs, their diagnosis, and ingest. */
export const runResolvers: Resolvers = {
  Query: {
    runs: (_, __, ctx) => ctx.store.listRuns(),
    run: async (_, { id }, ctx) => {
      const stored = await ctx.store.getRun(id);
      return stored ? { ...stored, id } : null;
    },
  },
  Mutation: {
    ingest: async (_, args, ctx) => {
      try {
        const result = await ctx.ingest(args.runId, args.batchId, args.events);
        return {
          ...result,
          symptoms: result.symptoms.map(({ symptomId, ...o }) => ({ id: symptomId, ...o })),
        };
      } catch (err) {
        if (err instanceof TraceError)
          throw createGraphQLError(err.message.replace(/^event (\d+)/, 'events[$1]'), {
            extensions: { code: 'BAD_TRACE' },
          });
        if ((err as Error).name === 'RunNotFoundError') {
          throw createGraphQLError(
            `${(err as Error).message} Its first batch must start with its 'run' event.`,
            {
              extensions: { code: 'RUN_NOT_FOUND' },
            },
          );
        }
        throw err;
      }
    },
  },
  Run: {
    name: (r) => r.run.name ?? null,
    spec: (r) => r.run,
    diagnosis: async (r, _, ctx) => {
      const profile = await ctx.profileFor(r.run);
      const set = createDetectorSet({
        run: r.run,
        profile: profile.values,
        families: ALL_FAMILIES,
        saved: r.detectorState,
      });
      const occurrences = await ctx.store.readOccurrences(r.id);
      const knowledge = await ctx.store.knowledgeAround([...new Set(occurrences.map((o) => o.symptomId))]);
      return diagnoseRun({
        run: r.run,
        progress: { eventCount: r.eventCount, lastStep: r.lastStep, status: r.status, profile: profile.name },
        occurrences,
        missingSignals: set.missingSignals(),
        knowledge,
      });
    },
  },
};
