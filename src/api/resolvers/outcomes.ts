import { validateKnowledgePart } from '../../knowledge/index.js';
import { recordRetryOutcomes } from '../../reason/index.js';
import { expected, userError } from '../errors.js';
import type { Resolvers } from '../generated/resolvers.js';

/** Writes to the graph: outcomes of applied remedies, and knowledge sent by users. */
export const graphWriteResolvers: Resolvers = {
  Mutation: {
    recordOutcome: async (_, { outcome }, ctx) => {
      const child = await ctx.store.getRun(outcome.runId);
      if (!child) throw userError(`Run '${outcome.runId}' does not exist.`, 'RUN_NOT_FOUND');
      const parentRunId = outcome.parentRunId ?? child.run.parentRunId;
      if (!parentRunId)
        throw userError(
          `outcome.parentRunId: run '${outcome.runId}' names no parent run; give parentRunId.`,
          'BAD_OUTCOME',
        );
      if (!(await ctx.store.getRun(parentRunId)))
        throw userError(`Run '${parentRunId}' does not exist.`, 'RUN_NOT_FOUND');
      if (!(await ctx.knowledge()).remedy.has(outcome.remedyId))
        throw userError(`outcome.remedyId: unknown remedy '${outcome.remedyId}'.`, 'BAD_OUTCOME');
      const knowledge = async () => (await ctx.knowledge()).seed;
      const [result] = await recordRetryOutcomes(
        { store: ctx.store, profileFor: ctx.profileFor, knowledge },
        outcome.runId,
        {
          parentRunId,
          remedyId: outcome.remedyId,
          causeIds: outcome.causeIds ?? undefined,
          success: outcome.success ?? undefined,
          note: outcome.note ?? undefined,
        },
      );
      if (!result || result.causeIds.length === 0)
        throw userError(
          `outcome.causeIds: the diagnosis of run '${parentRunId}' names no cause that remedy '${outcome.remedyId}' fixes; give causeIds.`,
          'BAD_OUTCOME',
        );
      ctx.invalidateKnowledge();
      return result;
    },
    upsertKnowledge: async (_, { knowledge }, ctx) => {
      const part = await expected(async () =>
        validateKnowledgePart(knowledge, await ctx.store.readKnowledge()),
      );
      await ctx.store.upsertKnowledge(part);
      ctx.invalidateKnowledge();
      return ctx.store.countKnowledge();
    },
  },
};
