import {
  listKnowledgeChanges,
  loadShippedSeed,
  revertKnowledgeChanges,
  upsertTeamKnowledge,
} from '../../knowledge/index.js';
import type { RequestContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';

/** The caller's token name (null when auth is off): who a change or a discard is recorded as. */
const callerOf = (ctx: RequestContext) => ctx.principal?.name ?? null;

/**
 * Writes to the graph: outcomes of applied remedies, knowledge sent by a
 * team (marked as theirs, so the seed never writes over it), and an admin's
 * way back: reverting knowledge to the shipped seed, discarding outcomes.
 */
export const graphWriteResolvers: Resolvers = {
  Query: {
    knowledgeChanges: async (_, __, ctx) => listKnowledgeChanges(ctx.store, await loadShippedSeed()),
    outcomeRecords: (_, { remedyId }, ctx) =>
      ctx.store.listOutcomeRecords(remedyId ? { remedyId } : undefined),
  },
  Mutation: {
    // The store keeps the token whose run the outcome came from (the run's owner), so an admin can judge it.
    recordOutcome: (_, { outcome }, ctx) => ctx.traindx.recordOutcome(outcome),
    upsertKnowledge: async (_, { knowledge }, ctx) => {
      await upsertTeamKnowledge(ctx.store, knowledge, callerOf(ctx), loadShippedSeed);
      ctx.traindx.invalidateKnowledge();
      return ctx.store.countKnowledge();
    },
    revertKnowledge: async (_, { ids }, ctx) => {
      const reverted = await revertKnowledgeChanges(ctx.store, ids, await loadShippedSeed());
      ctx.traindx.invalidateKnowledge();
      return reverted;
    },
    discardOutcomes: async (_, { outcomes }, ctx) => {
      const done = await ctx.store.discardOutcomes(outcomes, callerOf(ctx), new Date().toISOString());
      if (done.length) ctx.traindx.invalidateKnowledge();
      const discarded = new Set(done.map((k) => JSON.stringify([k.runId, k.remedyId])));
      return (await ctx.store.listOutcomeRecords()).filter((o) =>
        discarded.has(JSON.stringify([o.runId, o.remedyId])),
      );
    },
  },
};
